"""Replay ANT corpus articles through a real `rasad run` with and without the archive
(issue 10): throughput, and a check that the archive holds every article once, every event
with its figures and every live alert, and that a backtest of the rules in force
reproduces those alerts; with --kill, also after a kill -9 of the NLP pool mid-replay.

    python bench/bench_archive.py [--articles 2000] [--ner-model bundled|none]
        [--databases none,sqlite,postgresql] [--repeat 2] [--kill] [--feeds 4]

Each run starts `rasad run` in a fresh temporary RASAD_DATA_DIR (embedded Redis, the default
rules) and serves the articles as --feeds RSS feeds on 127.0.0.1 (real titles and texts,
published now).  Throughput is articles over the seconds from serving the feeds to the last
article published in ``rasad:articles``.  ``none`` in --databases is the service with
RASAD_ARCHIVE_ENABLED=false, the baseline the archive runs are compared with (issue 10:
within 10 %).  The configurations run in turn, --repeat times (none, sqlite, postgresql,
none, ...), and each is compared by its median, so a neighbour's burst of CPU on a shared
machine weighs on every configuration alike.  PostgreSQL is started by the script as in
the tests (tests/postgres.py: Debian's binaries, as the postgres user when run as root).
With --kill, one more run per archive database kills the NLP pool's children once a third
of the articles are published; the check still requires everything once (its throughput
includes the recovery and is not compared).  Exit status 1 if any check fails.
"""

from __future__ import annotations

import argparse
import collections
import http.server
import json
import pathlib
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.test_acceptance import rss  # noqa: E402
from tests.test_faults import Rasad, _kill, corpus, item, wait_for  # noqa: E402


class Feeds:
    """RSS bodies by path on a loopback HTTP server."""

    def __init__(self):
        bodies = self.bodies = {}

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802 (http.server API)
                body = bodies.get(self.path, b"")
                self.send_response(200 if self.path in bodies else 404)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def articles(n: int) -> list[tuple[str, str]]:
    pool = corpus("middleEast") + corpus("internationalNews")
    if len(pool) < n:
        raise SystemExit(f"only {len(pool)} corpus articles available")
    return pool[:n]


def stream(client) -> list[tuple[float, dict]]:
    return [(int(sid.split("-")[0]) / 1000, json.loads(f["article"]))
            for sid, f in client.xrange("rasad:articles")]


def settled(client) -> bool:
    from worker.status import queue_depths

    return not sum(queue_depths(client).values()) and not client.hlen("unacked") \
        and not client.xlen("rasad:archive:pending")


def run_once(database: str, args, pg, *, kill: bool = False) -> dict:
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="rasad-bench-archive-"))
    feeds = Feeds()
    env = {"http_max_body_bytes": 200_000_000, "http_max_decompressed_bytes": 400_000_000}
    if database == "none":
        env["archive_enabled"] = "false"
    elif database == "postgresql":
        env["database_url"] = pg.new_database()
    paths = [f"/feed-{i}.xml" for i in range(args.feeds)]
    for path in paths:  # empty feeds until the service is up (a 404 would park them)
        feeds.bodies[path] = rss([])
    rasad = Rasad(tmp, {f"feed-{i}": feeds.url(p) for i, p in enumerate(paths)},
                  ner_model=args.ner_model, **env)
    (tmp / "rules.yaml").write_text((ROOT / "config" / "rules.yaml").read_text("utf-8"), "utf-8")
    try:
        rasad.start()
        wait_for(lambda: len(nlp_pool(rasad)) >= 2, 120, "the NLP pool", rasad)
        time.sleep(3)  # the first polls of the empty feeds are done
        items = [item(f"feed-{i % args.feeds}", i, t, b)
                 for i, (t, b) in enumerate(articles(args.articles))]
        for i, path in enumerate(paths):
            feeds.bodies[path] = rss(items[i::args.feeds])
        served, client = time.time(), rasad.client()
        killed = _kill_pool(rasad, client, args) if kill else 0
        wait_for(lambda: client.xlen("rasad:articles") >= args.articles, args.timeout,
                 "every article published", rasad, interval=0.5)
        wait_for(lambda: settled(client), 120, "the alerts", rasad)
        published = stream(client)
        live = {json.loads(f["alert"])["id"] for _, f in client.xrange("rasad:alerts")}
        last = max(t for t, _ in published)
        result = {"database": database, "articles": len(published),
                  "seconds": round(last - served, 1),
                  "articles_per_second": round(len(published) / (last - served), 2),
                  "killed": killed, "alerts": len(live)}
        rasad.stop()
        if database != "none":
            result.update(check_archive(rasad, env, published, live, tmp))
        return result
    finally:
        rasad.stop()
        feeds.close()
        shutil.rmtree(tmp, ignore_errors=True)  # its Redis, SQLite file and logs


def nlp_pool(rasad) -> list[int]:
    """The NLP worker's pool processes; none while the worker is not spawned yet."""
    try:
        return rasad.pool_children()
    except KeyError:
        return []


def _kill_pool(rasad, client, args) -> int:
    wait_for(lambda: client.xlen("rasad:articles") >= args.articles // 3, args.timeout,
             "a third of the articles", rasad, interval=0.05)
    pool = nlp_pool(rasad)
    for pid in pool:
        _kill(pid)
    return len(pool)


def check_archive(rasad, env, published, live, tmp) -> dict:
    from sqlalchemy import select

    from worker import archive
    from worker.archive import database
    from worker.archive.backtest import backtest
    from worker.archive.schema import alerts, articles as articles_t, events
    from worker.runtime import load_ruleset
    from worker.settings import Settings

    settings = Settings(data_dir=str(rasad.data), database_url=env.get("database_url"),
                        rules=str(tmp / "rules.yaml"))
    engine = database.get_engine(settings)
    with engine.connect() as conn:
        arts = {r.entry_id: r.id for r in conn.execute(select(articles_t.c.entry_id,
                                                              articles_t.c.id))}
        n_articles = conn.execute(select(articles_t.c.id)).all()
        evs = collections.defaultdict(list)
        for r in conn.execute(select(events).order_by(events.c.idx)):
            evs[r.article_id].append((r.type, r.killed, r.injured))
        stored_alerts = {r.id for r in conn.execute(select(alerts.c.id))}
    wrong = [rec["entry"]["id"] for _, rec in published
             if evs[arts.get(rec["entry"]["id"])] != [
                 (e["type"], (e["killed"] or {}).get("count"),
                  (e["injured"] or {}).get("count")) for e in rec["extraction"]["events"]]]
    report = backtest(engine, load_ruleset(settings)).summary()
    size = archive.size_bytes(engine)
    database.reset_engines()
    return {"archived_articles": len(n_articles),
            "articles_once": len(n_articles) == len(arts) == len(published),
            "events": sum(len(v) for v in evs.values()),
            "articles_with_wrong_events": len(wrong),
            "alerts_archived_as_live": stored_alerts == live,
            "backtest": report, "backtest_reproduces_live": report["new"] == 0
            and report["live_not_raised"] == 0 and report["same_as_live"] == len(live),
            "size_mb": round(size / 1e6, 1)}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--articles", type=int, default=2000)
    p.add_argument("--ner-model", default="bundled")
    p.add_argument("--databases", default="none,sqlite,postgresql")
    p.add_argument("--repeat", type=int, default=2)
    p.add_argument("--feeds", type=int, default=4)
    p.add_argument("--kill", action="store_true", help="also a run per archive database "
                                                       "with a kill -9 of the NLP pool")
    p.add_argument("--timeout", type=float, default=1800)
    args = p.parse_args(argv)
    # SIGTERM (a timeout, Ctrl-C's cousin) unwinds through the finally blocks, so the
    # services and the PostgreSQL server this script started are stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    databases = args.databases.split(",")
    pg = None
    if "postgresql" in databases:
        from tests.postgres import PostgresServer, skip_reason

        if skip_reason():
            raise SystemExit(f"postgresql: {skip_reason()}")
        pg = PostgresServer().start()
    plan = [(db, False) for _ in range(args.repeat) for db in databases]
    plan += [(db, True) for db in databases if args.kill and db != "none"]
    results = []
    try:
        for database, kill in plan:
            result = run_once(database, args, pg, kill=kill)
            print(json.dumps(result), flush=True)
            results.append(result)
    finally:
        if pg:
            pg.stop()
    summarise(results, args, databases)
    ok = all(r.get("articles_once", True) and not r.get("articles_with_wrong_events")
             and r.get("alerts_archived_as_live", True) and r.get("backtest_reproduces_live",
                                                                    True) for r in results)
    return 0 if ok else 1


def summarise(results: list[dict], args, databases: list[str]) -> None:
    print(f"\n{args.articles} articles, RASAD_NER_MODEL={args.ner_model}, "
          f"{args.repeat} runs each (median articles/s)")
    medians = {}
    for db in databases:
        rates = [r["articles_per_second"] for r in results
                 if r["database"] == db and not r["killed"]]
        medians[db] = statistics.median(rates)
        line = f"  {db:10} {medians[db]:7.2f} articles/s  (runs: {rates})"
        if db != "none" and "none" in medians:
            line += f"  {100 * (medians[db] / medians['none'] - 1):+.1f} % vs no archive"
        print(line)
    for r in results:
        if "archived_articles" in r:
            killed = f" after kill -9 of {r['killed']} NLP processes" if r["killed"] else ""
            print(f"  check {r['database']:10}{killed}: "
                  f"{r['archived_articles']} articles archived, each once: "
                  f"{r['articles_once']}; {r['events']} events, articles with other events "
                  f"than published: {r['articles_with_wrong_events']}; alerts archived as "
                  f"raised live: {r['alerts_archived_as_live']} ({r['alerts']}); backtest "
                  f"of the default rules reproduces them: {r['backtest_reproduces_live']}; "
                  f"{r['size_mb']} MB")


if __name__ == "__main__":
    sys.exit(main())
