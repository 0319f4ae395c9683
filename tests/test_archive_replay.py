"""The archive under a real `rasad run` (issue 10): a replay of real ANT corpus articles with
a kill -9 of the NLP pool's children mid-replay stores every article once and every event
with its figures, and backtesting the rules in force over the archive reproduces the alerts
raised live; on SQLite (the embedded default) and on PostgreSQL.

The CI version replays REPLAY_ARTICLES articles with the bundled NER model (seconds of work
per batch, so the kill lands with batches in flight); bench/bench_archive.py replays 2,000
and measures throughput with and without the archive.
"""

from __future__ import annotations

import collections
import json
import pathlib
import subprocess

import pytest
from sqlalchemy import select

from tests.postgres import postgres_server  # noqa: F401 - fixture
from tests.test_acceptance import RASAD
from tests.test_faults import (  # noqa: F401 - site, cleanup: fixtures
    ROOT, Rasad, _kill, alerts, cleanup, corpus, in_flight_kill_point, item,
    report, site, stop_cleanly, wait_for)
from worker.archive import database
from worker.archive.backtest import backtest
from worker.archive.schema import alerts as alerts_table
from worker.archive.schema import articles as articles_table
from worker.archive.schema import events as events_table
from worker.runtime import load_ruleset
from worker.settings import Settings
from worker.status import queue_depths

pytestmark = pytest.mark.integration

REPLAY_ARTICLES, MAX_CHARS = 120, 2500
DEFAULT_RULES = ROOT / "config" / "rules.yaml"


def replay_items(n: int, feed: str = "feed-a") -> list[dict]:
    """``n`` real Middle East reports (bodies cut to MAX_CHARS) as feed items."""
    pool = corpus("middleEast")
    return [item(feed, i, title, body[:MAX_CHARS]) for i, (title, body) in enumerate(pool[:n])]


def stream_records(client) -> list[dict]:
    return [json.loads(fields["article"]) for _, fields in client.xrange("rasad:articles")]


def archive_contents(settings: Settings) -> tuple[list, dict, set]:
    engine = database.get_engine(settings)
    with engine.connect() as conn:
        arts = conn.execute(select(articles_table)).all()
        evs = collections.defaultdict(list)
        for row in conn.execute(select(events_table).order_by(events_table.c.idx)):
            evs[row.article_id].append((row.type, row.killed, row.injured))
        alert_ids = {r.id for r in conn.execute(select(alerts_table.c.id))}
    return arts, evs, alert_ids


def figures(event: dict) -> tuple:
    return (event["type"], (event["killed"] or {}).get("count"),
            (event["injured"] or {}).get("count"))


def nlp_pool(rasad: Rasad) -> list[int]:
    """The NLP worker's pool processes; none while the worker is not spawned yet."""
    try:
        return rasad.pool_children()
    except KeyError:
        return []


def replay_with_a_kill(tmp_path: pathlib.Path, site, cleanup, **env) -> dict:
    """Serve the replay feed to `rasad run` (the default rules in force), kill -9 the NLP
    pool's children once some articles are published, wait for every article; check the
    archive against what the service published; return the figures."""
    items = replay_items(REPLAY_ARTICLES)
    urls = [x["link"] for x in items]
    site.set("/a.xml", [])
    rasad = Rasad(tmp_path, {"feed-a": site.url("/a.xml")}, ner_model="bundled", **env)
    (tmp_path / "rules.yaml").write_text(DEFAULT_RULES.read_text(encoding="utf-8"),
                                         encoding="utf-8")
    cleanup.append(rasad.stop)
    rasad.start()
    wait_for(lambda: len(nlp_pool(rasad)) >= 2, 90, "the NLP pool", rasad)
    site.set("/a.xml", items)
    pool = rasad.pool_children()

    def kill_pool() -> list[int]:
        for pid in pool:
            _kill(pid)
        return pool
    state = in_flight_kill_point(rasad, urls, kill_pool)
    assert len(pool) >= 2
    client = rasad.client()
    wait_for(lambda: len({r["entry"]["url"] for r in stream_records(client)}) == len(urls),
             150, "every article published", rasad)
    # Every alert task done too: no message queued or held (an alert is archived right
    # after it is published, in the same task), and no archive write waiting.
    wait_for(lambda: not sum(queue_depths(client).values()) and not client.hlen("unacked")
             and not client.xlen("rasad:archive:pending"), 90, "the alerts", rasad)
    live_alerts = {a["id"] for a in alerts(client)}
    records = stream_records(client)
    status = json.loads(subprocess.run(RASAD + ["status", "--json"], env=rasad.env, cwd=ROOT,
                                       capture_output=True, text=True, timeout=60).stdout)
    stop_cleanly(rasad)
    # `rasad status` shows the archive: its rows, size and newest rows.
    assert status["archive"]["rows"]["articles"] == len(urls)
    assert status["archive"]["size_bytes"] > 0 and status["archive"]["newest_alert_at"]

    settings = Settings(data_dir=str(rasad.data), database_url=env.get("database_url"),
                        rules=str(tmp_path / "rules.yaml"))
    arts, evs, archived_alerts = archive_contents(settings)
    # Every article once, nothing else.
    assert sorted(a.url for a in arts) == sorted(urls)
    assert len({a.entry_id for a in arts}) == len(arts)
    # Every event with its figures, as the service published them.
    by_entry = {a.entry_id: a.id for a in arts}
    n_events = 0
    for record in records:
        expected = [figures(e) for e in record["extraction"]["events"]]
        assert evs[by_entry[record["entry"]["id"]]] == expected, record["entry"]["url"]
        n_events += len(expected)
    # Every alert raised live is archived, once (the primary key), and a backtest of the
    # rules in force raises exactly those.
    assert archived_alerts == live_alerts and live_alerts
    result = backtest(database.get_engine(settings), load_ruleset(settings))
    summary = result.summary()
    assert {a["alert_id"] for a in result.alerts} == live_alerts, summary
    assert summary["new"] == 0 and summary["live_not_raised"] == 0
    database.reset_engines()
    return {"published_at_kill": state["published"], "unacked": state["unacked"],
            "killed": len(pool), "articles": len(arts), "events": n_events,
            "alerts": len(live_alerts)}


@pytest.mark.timeout(240)
def test_a_replay_with_a_kill_9_archives_everything_once_on_sqlite(tmp_path, site, cleanup):
    figures_ = replay_with_a_kill(tmp_path, site, cleanup)
    assert (tmp_path / "data" / database.SQLITE_FILE).exists()
    report("archive replay, SQLite", json.dumps(figures_))


@pytest.mark.timeout(240)
def test_a_replay_with_a_kill_9_archives_everything_once_on_postgresql(
        tmp_path, site, cleanup, postgres_server):  # noqa: F811 - fixture
    url = postgres_server.new_database()
    figures_ = replay_with_a_kill(tmp_path, site, cleanup, database_url=url)
    assert not (tmp_path / "data" / database.SQLITE_FILE).exists()
    report("archive replay, PostgreSQL", json.dumps(figures_))
