"""The archive (worker/archive): schema upgrades, idempotent writes, queries and their output
formats, retention, backtests and reprocessing, on SQLite and on PostgreSQL.

Every test taking ``engine`` runs twice: on a SQLite file in tmp_path, and on a fresh
database of a PostgreSQL server the session starts (tests/postgres.py; skipped, with the
reason, where Debian's postgresql package is missing).  Extractions come from the real
extractor without the NER model (``none``: gazetteer, events and casualties only).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import time
import types

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from tests.conftest import FIXTURES
from tests.postgres import postgres_server  # noqa: F401 - fixture
from worker import cli, metrics, tasks
from worker.archive import database, pending, summary
from worker.archive.backtest import backtest
from worker.archive.query import Filters, geojson, query_articles, query_events, \
    resolve_place, write_rows
from worker.archive.reprocess import NO_TEXT, reprocess
from worker.archive.schema import alerts, articles, events
from worker.archive.writer import purge, write_articles
from worker.deliver import ClaimState, claim_alert, decide_claim
from worker.extract import Article, get_extractor
from worker.records import Entry
from worker.runtime import load_ruleset
from worker.settings import Settings

SEED_URL = "https://www.alaraby.co.uk/seed"
DEFAULT_RULES = "config/rules.yaml"


@pytest.fixture(params=["sqlite", "postgresql"])
def settings(request, tmp_path) -> Settings:
    url = None
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_server").new_database()
    yield Settings(data_dir=str(tmp_path / "data"), database_url=url,
                   rules=DEFAULT_RULES)
    database.reset_engines()


@pytest.fixture
def engine(settings):
    return database.get_engine(settings)


def record(entry_id: str, title: str, body: str, *, feed="araby", story=None,
           published="2019-03-02T10:00:00Z", url=None) -> dict:
    entry = Entry(id=entry_id, feed_id=feed, url=url or f"https://{feed}.example/{entry_id}",
                  title=title, summary=body, published=published)
    extraction = get_extractor("none").extract_batch([Article(entry.text, published)])[0]
    return {"entry": entry.to_dict(), "story_id": story or f"s:{entry_id}",
            "fetched_at": time.time(), "extraction": extraction.to_dict()}


def seed_record(**kw) -> dict:
    title, _, body = (FIXTURES / "seed_article.txt").read_text(encoding="utf-8").partition("\n")
    return record("seed", title, body, url=SEED_URL, **kw)


# Short reports: a casualty toll in Deir ez-Zor, one in Aleppo, one with no casualty, and a
# later report of the first story with a higher toll.
REPORTS = [
    ("r1", "مقتل 5 مدنيين في قصف على دير الزور",
     "قتل خمسة مدنيين وأصيب ثمانية آخرون في قصف جوي استهدف مدينة دير الزور صباح اليوم.",
     "2019-03-03T08:00:00Z", "s:dez"),
    ("r2", "اشتباكات في حلب",
     "اندلعت اشتباكات عنيفة في مدينة حلب أسفرت عن مقتل 12 مسلحا وإصابة 3 آخرين.",
     "2019-03-10T08:00:00Z", "s:aleppo"),
    ("r3", "افتتاح معرض للكتاب في دمشق", "افتتح اليوم معرض الكتاب في دمشق بمشاركة واسعة.",
     "2019-04-01T08:00:00Z", "s:books"),
    ("r4", "ارتفاع حصيلة القصف على دير الزور",
     "ارتفعت حصيلة القصف الجوي على مدينة دير الزور إلى 9 قتلى و11 جريحا.",
     "2019-03-03T12:00:00Z", "s:dez"),
]


@pytest.fixture(scope="module")
def reports() -> list[dict]:
    return [record(i, t, b, published=p, story=s, feed="feed-b" if i == "r2" else "araby")
            for i, t, b, p, s in REPORTS]


def count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


# --- schema and writes --------------------------------------------------------------------

HEAD = "0002"  # the newest revision in worker/archive/migrations/versions


def test_the_schema_is_created_on_open_and_a_second_open_changes_nothing(settings):
    engine = database.get_engine(settings)
    assert database.current_revision(engine) == HEAD
    database.upgrade_schema(engine)  # another process starting: nothing to do
    assert database.current_revision(engine) == HEAD
    assert summary(engine)["rows"] == {"articles": 0, "entities": 0, "events": 0, "alerts": 0}


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    engine = database.get_engine(Settings(data_dir=str(tmp_path)))
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == \
            database.SQLITE_BUSY_TIMEOUT_MS
    assert (tmp_path / database.SQLITE_FILE).exists()
    database.reset_engines()


def test_a_redelivered_batch_writes_nothing_twice(engine, reports):
    first = write_articles(engine, [seed_record()] + reports)
    again = write_articles(engine, [seed_record()] + reports)
    assert first.articles == 5 and first.events > 0 and first.entities > 0
    assert again.articles == again.events == again.entities == 0
    assert count(engine, articles) == 5
    assert count(engine, events) == first.events


def test_events_are_stored_with_their_slots_place_and_figures(engine):
    rec = seed_record()
    write_articles(engine, [rec])
    with engine.connect() as conn:
        rows = conn.execute(select(events).order_by(events.c.idx)).all()
        art = conn.execute(select(articles)).one()
    frames = rec["extraction"]["events"]
    assert [r.type for r in rows] == [e["type"] for e in frames]
    assert [r.killed for r in rows] == [(e["killed"] or {}).get("count") for e in frames]
    assert [r.injured for r in rows] == [(e["injured"] or {}).get("count") for e in frames]
    assert [r.frame for r in rows] == frames  # every slot, for backtests
    strike = rows[0]
    assert (strike.type, strike.location, strike.location_id) == \
        ("airstrike", "الباغوز", "wof:1343849925")
    assert strike.lat == pytest.approx(34.43, abs=0.01) and strike.weapon == "الفسفور الأبيض"
    assert "الباغوز" in strike.sentence_text
    assert (art.entry_id, art.url, art.injured) == ("seed", SEED_URL, 10)
    assert art.published_at == dt.datetime(2019, 3, 2, 10, 0)
    assert art.text.startswith(art.title + "\n") and len(art.text_hash) == 64


def test_without_fulltext_the_text_is_not_kept(engine):
    write_articles(engine, [seed_record()], fulltext=False)
    with engine.connect() as conn:
        stored = conn.execute(select(articles.c.text, articles.c.text_chars)).one()
    assert stored.text is None and stored.text_chars > 1000


def test_retention_deletes_old_articles_with_their_events_and_alerts(engine, reports):
    write_articles(engine, reports)
    with engine.begin() as conn:
        conn.execute(articles.update().where(articles.c.entry_id.in_(["r1", "r2"]))
                     .values(processed_at=dt.datetime(2020, 1, 1)))
    assert purge(engine, 0) == 0  # 0 keeps everything
    assert purge(engine, 30) == 2
    with engine.connect() as conn:
        left = {r.entry_id for r in conn.execute(select(articles.c.entry_id))}
        orphans = conn.execute(select(func.count()).select_from(events).where(
            ~events.c.article_id.in_(select(articles.c.id)))).scalar()
    assert left == {"r3", "r4"} and orphans == 0


# --- the pipeline's hook: alerts, failures kept in Redis ------------------------------------


def runtime(settings, redis_client, **overrides):
    return types.SimpleNamespace(settings=dataclasses.replace(settings, **overrides),
                                 redis=redis_client, webhooks=[],
                                 rules=load_ruleset(settings))


def raise_live(rt, records) -> None:
    """What the pipeline does: archive the batch, then each article's alerts (the real
    claim in Redis, the real build, publish and archive: worker/tasks.py)."""
    tasks._archive(rt, pending.ARTICLES, records)
    for rec in records:
        entry = Entry.from_dict(rec["entry"])
        extraction = tasks.Extraction.from_dict(rec["extraction"])
        for match in rt.rules.match(entry.text, extraction):
            tasks._alert_once(rt, match, entry, extraction, rec)


def test_alerts_are_archived_once_as_raised_live(settings, engine, redis_client, reports):
    rt = runtime(settings, redis_client)
    raise_live(rt, [seed_record()] + reports)
    raise_live(rt, [seed_record()] + reports)  # redelivered: nothing new anywhere
    live = {json.loads(f["alert"])["id"] for _, f in redis_client.xrange("rasad:alerts")}
    with engine.connect() as conn:
        stored = {r.id: r for r in conn.execute(select(alerts))}
    assert set(stored) == live and len(live) >= 4
    update = stored["a:casualties:s:dez:1"]  # r4 raised the toll of r1's story
    assert (update.kind, update.killed, update.update_of) == \
        ("update", 9, "a:casualties:s:dez:0")


def archive_errors() -> float:
    return sum(s.value for family in metrics.ARCHIVE_WRITE_ERRORS.collect()
               for s in family.samples if s.name.endswith("_total")
               and s.labels["table"] == "articles")


def test_a_failed_archive_write_keeps_the_records_until_the_database_is_back(
        settings, redis_client, reports, tmp_path):
    broken = "sqlite:///" + str(tmp_path / "missing-dir" / "x" / "a.sqlite3")
    blocker = tmp_path / "missing-dir"
    blocker.write_text("a file where the directory should be")
    rt = runtime(settings, redis_client, database_url=broken)
    before = archive_errors()
    tasks._archive(rt, pending.ARTICLES, reports)  # no exception: the task goes on
    assert archive_errors() == before + 1
    assert pending.size(redis_client) == 1
    # The database is back: the beat task stores what waited, once.
    fixed = runtime(settings, redis_client)
    written = pending.drain(redis_client, lambda kind, payload: tasks._write_archive(
        fixed.settings, kind, payload))
    assert written == 1 and pending.size(redis_client) == 0
    assert count(database.get_engine(settings), articles) == len(reports)


# --- queries ----------------------------------------------------------------------------------


@pytest.fixture
def filled(engine, settings, redis_client, reports):
    raise_live(runtime(settings, redis_client), [seed_record()] + reports)
    return engine


def _when(value):
    return dt.datetime.fromisoformat(value)


@pytest.mark.parametrize("filters, expected", [
    pytest.param({}, {"seed", "r1", "r2", "r4"}, id="everything-with-events"),
    pytest.param({"feeds": ("feed-b",)}, {"r2"}, id="feed"),
    pytest.param({"since": _when("2019-03-03T00:00"), "until": _when("2019-03-04T00:00")},
                 {"r1", "r4"}, id="time-range"),
    pytest.param({"min_killed": 9}, {"r2", "r4"}, id="min-killed"),
    pytest.param({"min_injured": 10}, {"seed", "r4"}, id="min-injured"),
    pytest.param({"types": ("clash",)}, {"seed", "r2"}, id="type"),
    pytest.param({"text": "حلب"}, {"r2"}, id="text"),
    # Normalised as every Arabic match is: tashkeel and alef/ya forms do not matter.
    pytest.param({"text": "حَلَب"}, {"r2"}, id="text-with-tashkeel"),
    pytest.param({"text": "الفسفور الابيض"}, {"seed"}, id="text-without-hamza"),
    # "_" is LIKE's any-character: unescaped, "حل_" would find حلب.
    pytest.param({"text": "حل_"}, set(), id="like-wildcards-taken-literally"),
    pytest.param({"rules": ("phosphorus",)}, {"seed"}, id="rule"),
    pytest.param({"near": "الباغوز", "km": 25}, {"seed"}, id="near-baghouz-25km"),
    pytest.param({"near": "wof:1343849925"}, {"seed"}, id="at-a-gazetteer-id"),
    pytest.param({"near": "دير الزور", "km": 200}, {"seed", "r1", "r4"}, id="near-200km"),
])
def test_event_filters(filled, filters, expected):
    if "near" in filters:
        filters = dict(filters, near=resolve_place(filters["near"]))
    got = {e["entry_id"] for e in query_events(filled, Filters(**filters))}
    assert got == expected


def test_article_filters_use_the_article_figures_and_events(filled):
    assert [a["entry_id"] for a in query_articles(filled, Filters())] == \
        ["seed", "r1", "r4", "r2", "r3"]
    assert {a["entry_id"] for a in query_articles(filled, Filters(min_killed=9))} == {"r2", "r4"}
    near = Filters(near=resolve_place("الباغوز"), km=25)
    assert [a["entry_id"] for a in query_articles(filled, near)] == ["seed"]
    assert [a["entry_id"] for a in query_articles(filled, Filters(limit=2))] == ["seed", "r1"]


def test_events_near_baghouz_as_geojson_hold_the_seed_articles_events(filled, settings,
                                                                      monkeypatch, capsys):
    monkeypatch.setattr(Settings, "from_env", classmethod(lambda cls, env=None: settings))
    assert cli.main(["events", "--near", "الباغوز", "--km", "25", "--format", "geojson"]) == 0
    collection = json.loads(capsys.readouterr().out)
    assert collection["type"] == "FeatureCollection" and collection["features"]
    for feature in collection["features"]:
        assert feature["type"] == "Feature" and feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert 34.2 < lat < 34.7 and 40.7 < lon < 41.3
        props = feature["properties"]
        assert props["link"] == SEED_URL and props["published"] == "2019-03-02T10:00:00Z"
        assert {"type", "killed", "injured"} <= set(props)
    types_ = {f["properties"]["type"] for f in collection["features"]}
    assert {"airstrike", "clash"} <= types_


def test_json_lines_and_csv_carry_the_same_rows(filled):
    rows = list(query_events(filled, Filters(min_killed=1)))
    out = io.StringIO()
    assert write_rows(iter(rows), out, "json", kind="events") == len(rows)
    assert [json.loads(line) for line in out.getvalue().splitlines()] == rows
    out = io.StringIO()
    write_rows(iter(rows), out, "csv", kind="events")
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("entry_id,idx,published,feed,type") and len(lines) == len(rows) + 1
    table = io.StringIO()
    assert write_rows(iter(rows), table, "table", kind="events") == len(rows)
    assert table.getvalue().splitlines()[0].startswith("PUBLISHED")


def test_geojson_leaves_out_events_without_coordinates():
    rows = [{"lat": None, "lon": None}, {"lat": 1.5, "lon": 2.5, "url": "u", **{
        k: None for k in ("entry_id", "idx", "published", "feed", "type", "trigger", "actors",
                          "target", "location", "location_id", "weapon", "time", "killed",
                          "injured", "sentence", "sentence_text", "title")}}]
    features = geojson(rows)["features"]
    assert len(features) == 1 and features[0]["geometry"]["coordinates"] == [2.5, 1.5]


def test_an_unknown_place_is_a_clear_error(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("RASAD_DATA_DIR", str(tmp_path))
    assert cli.main(["events", "--near", "لامكانبهذاالاسم", "--km", "5"]) == 2
    assert "no place with coordinates" in capsys.readouterr().err
    database.reset_engines()


# --- backtest ---------------------------------------------------------------------------------


def test_backtesting_the_rules_in_force_reproduces_the_live_alerts(filled, settings):
    with filled.connect() as conn:
        live = {r.id for r in conn.execute(select(alerts.c.id))}
    report = backtest(filled, load_ruleset(settings))
    assert {a["alert_id"] for a in report.alerts} == live
    assert report.summary()["new"] == 0 and report.dropped == []
    assert all(a["status"] == "same" and a["rule"] for a in report.alerts)


def test_a_backtest_reports_new_and_dropped_alerts(filled, settings, tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - id: aleppo\n    severity: low\n    terms: {ar: [حلب]}\n"
                     "  - id: casualties\n    severity: high\n    terms: {ar: [قتل, مقتل]}\n"
                     "    conditions: {killed_at_least: 10}\n", encoding="utf-8")
    report = backtest(filled, load_ruleset(dataclasses.replace(settings, rules=str(rules))))
    new = {(a["rule"], a["entry_id"]) for a in report.alerts if a["status"] == "new"}
    assert new == {("aleppo", "r2")}
    assert {a["rule"] for a in report.dropped} >= {"phosphorus", "baghouz"}
    # r1 (5 killed) no longer alerts, so the live first alert of its story is dropped.
    assert "a:casualties:s:dez:0" in {a["alert_id"] for a in report.dropped}


def test_rasad_backtest_prints_one_json_object_per_alert(filled, settings, monkeypatch,
                                                         capsys, tmp_path):
    monkeypatch.setattr(Settings, "from_env", classmethod(lambda cls, env=None: settings))
    assert cli.main(["backtest", DEFAULT_RULES, "--json"]) == 0
    out, err = capsys.readouterr()
    lines = [json.loads(line) for line in out.splitlines()]
    assert lines and all(line["rule"] and line["status"] == "same" for line in lines)
    assert "0 new" in err
    rules = tmp_path / "one-rule.yaml"
    rules.write_text("rules:\n  - id: aleppo\n    severity: low\n    terms: {ar: [حلب]}\n",
                     encoding="utf-8")
    assert cli.main(["backtest", str(rules), "--json"]) == 0
    assert [json.loads(line)["rule"] for line in capsys.readouterr().out.splitlines()] == \
        ["aleppo"]  # what this file would raise, nothing else
    assert cli.main(["backtest", str(rules), "--json", "--dropped"]) == 0
    statuses = {json.loads(line)["status"] for line in capsys.readouterr().out.splitlines()}
    assert statuses == {"new", "dropped"}


def test_decide_claim_agrees_with_the_live_lua_claim(redis_client):
    """worker.deliver.decide_claim (backtests) and claim_alert (live, Lua) step by step."""
    steps = [({"killed": None, "injured": None}, "e1"), ({"killed": 3}, "e2"),
             ({"killed": 3}, "e3"), ({"killed": 2, "injured": 5}, "e4"),
             ({"killed": 2, "injured": 5}, "e4"), ({"killed": 10}, "e5"),
             ({"killed": 10}, "e5"), ({}, "e6")]
    state: ClaimState | None = None
    for figures, entry in steps:
        live = claim_alert(redis_client, "r", "s", figures, entry_id=entry)
        pure, state = decide_claim(state, "r", "s", figures, entry_id=entry)
        assert pure == live, (figures, entry)


# --- reprocess --------------------------------------------------------------------------------


def test_reprocess_replaces_events_and_names_what_it_cannot_redo(engine, reports):
    write_articles(engine, reports[:2])
    write_articles(engine, reports[2:], fulltext=False)
    with engine.begin() as conn:  # as an older model would have left them
        conn.execute(events.delete())
    outcome = reprocess(engine, get_extractor("none"), since=dt.datetime(2019, 1, 1))
    assert outcome.reprocessed == 2 and outcome.events_before == 0
    assert outcome.events_after == count(engine, events) > 0
    assert {s["entry_id"] for s in outcome.skipped} == {"r3", "r4"}
    assert all(s["reason"] == NO_TEXT for s in outcome.skipped)
    again = reprocess(engine, get_extractor("none"), since=dt.datetime(2019, 1, 1))
    assert again.events_before == again.events_after == outcome.events_after


# --- settings and status ----------------------------------------------------------------------


@pytest.mark.parametrize("env, message", [
    pytest.param({"RASAD_DATABASE_URL": "mysql://x/y"}, "RASAD_DATABASE_URL", id="scheme"),
    pytest.param({"RASAD_ARCHIVE_RETENTION_DAYS": "-1"}, "RETENTION", id="retention"),
])
def test_bad_archive_settings_are_refused(env, message):
    from worker.errors import ConfigError

    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)


def test_the_database_password_is_redacted():
    settings = Settings.from_env({"RASAD_DATABASE_URL": "postgresql://u:secret@db/rasad"})
    assert "secret" not in json.dumps(settings.redacted())
    assert database.database_url(settings).startswith("postgresql+psycopg://u:secret@db/")


def test_status_shows_the_archive_size_and_newest_rows(filled, settings):
    info = cli._archive_status(settings)
    assert info["rows"]["articles"] == 5 and info["size_bytes"] > 0
    assert info["newest_article_at"].endswith("Z") and info["newest_alert_at"]
    line = cli.archive_line(info)
    assert "articles 5" in line and "MB" in line


def test_archive_metrics_report_size_and_newest_article(filled, settings, monkeypatch):
    monkeypatch.setattr(Settings, "from_env", classmethod(lambda cls, env=None: settings))
    families = {f.name: f for f in metrics.ArchiveStateCollector().collect()}
    assert families["rasad_archive_up"].samples[0].value == 1
    assert families["rasad_archive_size_bytes"].samples[0].value > 0
    assert families["rasad_archive_newest_article_timestamp_seconds"].samples[0].value > 0


# --- the beat tasks ---------------------------------------------------------------------------


@pytest.fixture
def beat_runtime(monkeypatch, tmp_path, redis_url, redis_client):
    """worker.tasks with its runtime from the environment (SQLite under tmp_path)."""
    from worker import runtime

    monkeypatch.setenv("RASAD_REDIS_URL", redis_url)
    monkeypatch.setenv("RASAD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("RASAD_NER_MODEL", "none")
    monkeypatch.setenv("RASAD_ARCHIVE_RETENTION_DAYS", "30")
    runtime.reset_runtime()
    yield runtime.get_runtime()
    runtime.reset_runtime()
    database.reset_engines()


def test_the_beat_tasks_drain_pending_writes_and_apply_retention(beat_runtime, reports,
                                                                  redis_client):
    pending.push(redis_client, pending.ARTICLES, reports)
    assert tasks.archive_drain() == 1 and pending.size(redis_client) == 0
    engine = database.get_engine(beat_runtime.settings)
    assert count(engine, articles) == len(reports)
    with engine.begin() as conn:
        conn.execute(articles.update().where(articles.c.entry_id == "r1")
                     .values(processed_at=dt.datetime(2020, 1, 1)))
    assert tasks.archive_purge() == 1
    assert count(engine, articles) == len(reports) - 1
    assert tasks.archive_drain() == 0  # nothing waiting: nothing done


def test_an_archive_of_the_first_schema_is_upgraded_and_its_rows_made_searchable(settings):
    """Revision 0002 adds the normalised search form and fills it for rows already stored
    under 0001 (what a deployed archive has when a new Rasad starts on it)."""
    from worker.archive import writer

    engine = database.get_engine(settings)  # opened: at the newest revision
    with engine.begin() as conn:  # back to the first schema, as an older Rasad left it
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", database.MIGRATIONS)
        config.attributes["connection"] = conn
        command.downgrade(config, "0001")
    row = {k: v for k, v in writer.article_row(seed_record(), fulltext=True).items()
           if k != "search_text"}
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO articles (entry_id, feed_id, url, title, lang, "
                             "published_at, fetched_at, processed_at, story_id, text_hash, "
                             "text_chars, text, killed, injured, notes, extracted_at) VALUES "
                             "(:entry_id, :feed_id, :url, :title, :lang, :published_at, "
                             ":fetched_at, :processed_at, :story_id, :text_hash, :text_chars, "
                             ":text, :killed, :injured, :notes, :extracted_at)"),
                     {**row, "notes": "[]"})
    database.upgrade_schema(engine)
    assert database.current_revision(engine) == HEAD
    found = query_articles(engine, Filters(text="الفسفور الابيض"))
    assert [a["entry_id"] for a in found] == ["seed"]
