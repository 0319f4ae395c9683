"""``rasad`` command line: run the service, analyse one article, parse feeds, follow alerts.

Every command exits non-zero with a one-line message saying what to do next when its input
or configuration is wrong (ConfigError), instead of a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import pathlib
import sys
from typing import Sequence

from worker import __version__, logs
from worker.errors import ConfigError, ModelError
from worker.settings import Settings

log = logging.getLogger("rasad")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:2] == ["models", "train"]:  # the trainer owns its options, --help included
        from worker.nlp import train

        logs.setup()
        return train.main(argv[2:]) or 0
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        settings = Settings.from_env()
        logs.setup(settings.log_level, settings.log_json)
        return args.func(args, settings) or 0
    except (ConfigError, ModelError) as exc:
        print(f"rasad: {exc}", file=sys.stderr)
        return 2
    except redis_errors() as exc:
        print(f"rasad: cannot reach Redis ({exc}); is `rasad run` running, or is "
              f"RASAD_REDIS_URL right?", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def redis_errors() -> tuple[type[BaseException], ...]:
    import redis

    return (redis.ConnectionError, redis.TimeoutError)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="rasad", description="Rasad (رصد): Arabic news monitoring")
    p.add_argument("--version", action="version", version=f"rasad {__version__}")
    sub = p.add_subparsers(title="commands")

    c = sub.add_parser("run", help="worker (all queues) + beat + metrics in one process tree")
    c.set_defaults(func=cmd_run)

    c = sub.add_parser("worker", help="a Celery worker for some queues (scale-out)")
    c.add_argument("--queues", "-Q", default="poll,nlp,alerts",
                   help="comma-separated (default poll,nlp,alerts); webhooks: run "
                        "`--queues webhooks` apart, on a thread pool")
    c.add_argument("--concurrency", "-c", type=int)
    c.set_defaults(func=cmd_worker)

    c = sub.add_parser("beat", help="the scheduler alone (run exactly one per deployment)")
    c.set_defaults(func=cmd_beat)

    c = sub.add_parser("metrics", help="the Prometheus endpoint alone")
    c.set_defaults(func=cmd_metrics)

    c = sub.add_parser("analyze", help="entities, events, casualties and alerts for one article")
    c.add_argument("file", nargs="?", default="-", help="plain text, title on the first line")
    c.add_argument("--json", action="store_true", help="one JSON object (the default output)")
    c.add_argument("--published", help="publication date (ISO 8601) for relative dates")
    c.set_defaults(func=cmd_analyze)

    c = sub.add_parser("feed", help="parse feeds (files or URLs), one JSON line per input")
    c.add_argument("inputs", nargs="+", metavar="PATH_OR_URL")
    c.add_argument("--json", action="store_true", help="JSON lines (the default output)")
    c.add_argument("--allow-private", action="store_true",
                   help="allow URLs on private/loopback addresses")
    c.set_defaults(func=cmd_feed)

    c = sub.add_parser("subscribe", help="print alerts as they arrive, catching up first")
    c.add_argument("--rule", help="only this rule id")
    c.add_argument("--from-start", action="store_true", help="replay the whole alert stream")
    c.add_argument("--json", action="store_true", help="one JSON object per line")
    c.add_argument("--name", default="default", help="subscriber name (remembers position)")
    c.set_defaults(func=cmd_subscribe)

    c = sub.add_parser("status", help="per-feed health, new articles, parked feeds, queues")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_status)

    c = sub.add_parser("unpark", help="resume polling a parked feed")
    c.add_argument("feed_id")
    c.set_defaults(func=cmd_unpark)

    c = sub.add_parser("replay-webhooks", help="send dead-lettered webhook deliveries again")
    c.add_argument("--webhook", help="only this webhook id")
    c.set_defaults(func=cmd_replay_webhooks)

    for name, what in (("events", "archived events (type, place, figures)"),
                       ("articles", "archived articles")):
        c = sub.add_parser(name, help=f"{what}: filter, print or export (the archive)")
        _archive_filters(c, geojson=name == "events")
        c.set_defaults(func=cmd_events if name == "events" else cmd_articles)

    c = sub.add_parser("backtest", help="the alerts a rules file would have raised over the "
                                        "archive, compared with those raised live")
    c.add_argument("rules_file", metavar="RULES.yaml")
    c.add_argument("--since", help="from this date (YYYY-MM-DD, ISO date-time, or 30d)")
    c.add_argument("--json", action="store_true", help="one JSON object per alert")
    c.add_argument("--dropped", action="store_true",
                   help="also print the live alerts this file would not raise "
                        "(status \"dropped\")")
    c.set_defaults(func=cmd_backtest)

    c = sub.add_parser("reprocess", help="extract archived articles again (new model or "
                                         "lexicons) and update their stored events")
    c.add_argument("--since", required=True,
                   help="from this date (YYYY-MM-DD, ISO date-time, or 30d)")
    c.set_defaults(func=cmd_reprocess)

    c = sub.add_parser("check", help="validate settings, feeds, rules and webhooks, then exit")
    c.set_defaults(func=cmd_check)

    models = sub.add_parser("models", help="NER models: train, download, info").add_subparsers()
    m = models.add_parser("train", help="train the bundled Arabic NER model (see MODEL_CARD)",
                          add_help=False)  # --help goes to the trainer's own parser
    m.add_argument("rest", nargs=argparse.REMAINDER)
    m.set_defaults(func=cmd_models_train)
    m = models.add_parser("download", help="fetch the official Stanza Arabic models")
    m.add_argument("--dir", help="stanza resources directory (default ~/stanza_resources)")
    m.set_defaults(func=cmd_models_download)
    m = models.add_parser("info", help="which model RASAD_NER_MODEL selects, and its files")
    m.set_defaults(func=cmd_models_info)
    return p


# -- service ---------------------------------------------------------------------------


def cmd_run(args, settings: Settings) -> int:
    from worker import service

    log.info("starting rasad", extra={"version": __version__, "settings": settings.redacted()})
    # Missing model files stop start-up here, not in every worker child at its first batch;
    # the thorough check (torch) is left to the workers, so this process stays small.
    _check_ner_model(settings, thorough=False)
    return service.run(settings)


def _check_ner_model(settings: Settings, *, thorough: bool) -> None:
    """Refuse a RASAD_NER_MODEL whose files are not there, resolved the way the loader
    (worker.nlp.ner.NerTagger.load) resolves them, without torch; ``thorough`` also opens
    the files to check the model and its pretrain belong together, as the loader does for
    every model but the official Stanza one."""
    if settings.ner_model == "none":
        return
    from worker.nlp.ner import check_files, resolve

    try:
        files = resolve(settings.ner_model)
        if thorough and settings.ner_model != "stanza":
            check_files(files)
    except ModelError as exc:
        raise ModelError(f"RASAD_NER_MODEL={settings.ner_model}: {exc}") from exc


def _celery(argv: list[str], settings: Settings) -> int:
    _redis_url(settings)  # ConfigError saying what to set, before Celery retries forever
    from worker.celery_app import app

    return app.start(argv) or 0


def cmd_worker(args, settings: Settings) -> int:
    os.environ["RASAD_WORKER_QUEUES"] = args.queues
    concurrency = args.concurrency or settings.worker_concurrency
    argv = ["worker", "-Q", args.queues, "--loglevel", settings.log_level]
    if args.queues == "webhooks":
        # Deliveries wait on the network: a thread pool of its own, as `rasad run` starts it.
        concurrency = args.concurrency or settings.webhook_concurrency
        argv += ["-P", "threads", "-n", "webhooks@%h"]
    return _celery(argv + ["-c", str(concurrency)], settings)


def cmd_beat(args, settings: Settings) -> int:
    schedule = pathlib.Path(settings.data_dir).expanduser() / "celerybeat-schedule"
    schedule.parent.mkdir(parents=True, exist_ok=True)
    return _celery(["beat", "--schedule", str(schedule), "--loglevel", settings.log_level],
                   settings)


def cmd_metrics(args, settings: Settings) -> int:
    import time

    import redis

    from worker import metrics
    from worker.runtime import check_config

    feeds, rules, _ = check_config(settings)
    metrics.init_series([f.id for f in feeds], rules.ids)
    from worker.nlp.ner import model_label

    metrics.set_build_info(__version__, model_label(settings.ner_model))
    url = _redis_url(settings)
    server = metrics.start_metrics_server(
        settings.metrics_addr, feed_ids=[f.id for f in feeds], rule_ids=rules.ids,
        redis_client_factory=lambda: redis.Redis.from_url(url, decode_responses=True))
    print(f"serving metrics on http://{settings.metrics_addr}/metrics", file=sys.stderr)
    try:
        while True:
            time.sleep(3600)
    finally:
        server.close()


def _redis_url(settings: Settings) -> str:
    """RASAD_REDIS_URL, else the embedded server of `rasad run` with its password: the one
    lookup every client shares (worker.settings.effective_redis_url)."""
    from worker.settings import effective_redis_url

    return effective_redis_url(settings)


def _redis(settings: Settings, **options):
    """A client on the service's Redis; ``options`` go to redis-py (e.g. socket_timeout)."""
    import redis

    return redis.Redis.from_url(_redis_url(settings), decode_responses=True, **options)


# -- archive ---------------------------------------------------------------------------


def _archive_filters(c: argparse.ArgumentParser, *, geojson: bool) -> None:
    c.add_argument("--since", help="from this date (YYYY-MM-DD, ISO date-time, or 30d, 12h)")
    c.add_argument("--until", help="before this date")
    c.add_argument("--feed", action="append", default=[], help="feed id (repeatable)")
    c.add_argument("--type", action="append", default=[], help="event type (repeatable)")
    c.add_argument("--rule", action="append", default=[],
                   help="articles that raised an alert of this rule (repeatable)")
    c.add_argument("--near", metavar="PLACE",
                   help="gazetteer id or place name; with --km N, within N km of it")
    c.add_argument("--km", type=float, default=0.0, help="radius for --near, in km")
    c.add_argument("--min-killed", type=int)
    c.add_argument("--min-injured", type=int)
    c.add_argument("--text", help="words in the title or text")
    c.add_argument("--limit", type=int, help="at most this many rows")
    formats = ["table", "json", "csv"] + (["geojson"] if geojson else [])
    c.add_argument("--format", choices=formats, default="table",
                   help="table (default), json (one object per line), csv"
                        + (", geojson (events with coordinates)" if geojson else ""))


def _filters(args):
    from worker.archive.query import Filters, parse_when, resolve_place

    if args.km and not args.near:
        raise ConfigError("--km needs --near PLACE")
    return Filters(since=parse_when(args.since) if args.since else None,
                   until=parse_when(args.until) if args.until else None,
                   feeds=tuple(args.feed), types=tuple(args.type), rules=tuple(args.rule),
                   near=resolve_place(args.near) if args.near else None, km=args.km,
                   min_killed=args.min_killed, min_injured=args.min_injured,
                   text=args.text, limit=args.limit)


def _archive_engine(settings: Settings):
    from worker import archive

    try:
        return archive.get_engine(settings)
    except Exception as exc:  # sqlalchemy/alembic errors: one line, what to check
        raise ConfigError(f"cannot open the archive at {archive.describe(settings)}: "
                          f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}") from exc


def cmd_events(args, settings: Settings) -> int:
    from worker.archive.query import query_events, write_rows

    rows = query_events(_archive_engine(settings), _filters(args))
    n = write_rows(rows, sys.stdout, args.format, kind="events")
    if args.format == "table":
        print(f"{n} events", file=sys.stderr)
    return 0


def cmd_articles(args, settings: Settings) -> int:
    from worker.archive.query import query_articles, write_rows

    rows = query_articles(_archive_engine(settings), _filters(args))
    n = write_rows(rows, sys.stdout, args.format, kind="articles")
    if args.format == "table":
        print(f"{n} articles", file=sys.stderr)
    return 0


def cmd_backtest(args, settings: Settings) -> int:
    import dataclasses

    from worker.archive.backtest import backtest
    from worker.archive.query import parse_when
    from worker.runtime import load_ruleset

    rules = load_ruleset(dataclasses.replace(settings, rules=args.rules_file))
    report = backtest(_archive_engine(settings), rules,
                      since=parse_when(args.since) if args.since else None)
    # Each alert it would raise has status "same" (raised live) or "new".
    for alert in report.alerts + (report.dropped if args.dropped else []):
        if args.json:
            print(json.dumps(alert, ensure_ascii=False))
        else:
            print(f"{alert['status']:8} {alert['rule']:16} {alert['kind']:7} "
                  f"killed={alert['killed']} injured={alert['injured']}  {alert['title']}")
    summary = report.summary()
    print(f"backtest of {args.rules_file} over {summary['articles']} archived articles: "
          f"{summary['would_raise']} alerts ({summary['same_as_live']} as raised live, "
          f"{summary['new']} new); {summary['live_not_raised']} live alerts it would not "
          f"raise{'' if args.dropped else ' (--dropped lists them)'}; "
          f"{summary['skipped_without_text']} articles skipped (text not archived)",
          file=sys.stderr)
    return 0


def _reprocess_progress(outcome) -> None:
    if outcome.reprocessed % 200 < outcome.batch_size:  # about every 200 articles
        print(f"  {outcome.reprocessed} articles re-extracted", file=sys.stderr)


def cmd_reprocess(args, settings: Settings) -> int:
    from worker.archive.query import parse_when
    from worker.archive.reprocess import reprocess
    from worker.extract import get_extractor

    engine = _archive_engine(settings)
    _check_ner_model(settings, thorough=False)
    extractor = get_extractor(settings.ner_model, settings.ner_threads,
                              settings.nlp_max_chars).load()
    outcome = reprocess(engine, extractor, since=parse_when(args.since),
                        batch_size=settings.nlp_batch_size, progress=_reprocess_progress)
    for skipped in outcome.skipped:
        print(f"not reprocessed: {skipped['entry_id']} ({skipped['url']}): {skipped['reason']}",
              file=sys.stderr)
    s = outcome.summary()
    print(f"reprocessed {s['reprocessed']} articles with {extractor.model_name}: events "
          f"{s['events_before']} -> {s['events_after']}; {s['skipped']} could not be redone; "
          f"no alert was sent (see `rasad backtest`)")
    return 1 if outcome.skipped else 0


# -- tools -----------------------------------------------------------------------------


def cmd_analyze(args, settings: Settings) -> int:
    from worker.analyze import analyze_text

    if args.file == "-":
        text = sys.stdin.read()
    else:
        try:
            text = pathlib.Path(args.file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{args.file}: cannot read as UTF-8 text: {exc}") from exc
    result = analyze_text(text, settings=settings, published=args.published)
    print(json.dumps(result, ensure_ascii=False, indent=None if args.json else 2))
    return 0


def cmd_feed(args, settings: Settings) -> int:
    from worker.analyze import parse_feed_input

    status = 0
    for source in args.inputs:
        result = parse_feed_input(source, settings=settings, allow_private=args.allow_private)
        status = status or (1 if result["error"] else 0)
        print(json.dumps(result, ensure_ascii=False))
    return status


def cmd_subscribe(args, settings: Settings) -> int:
    from worker.settings import redacted_url
    from worker.subscribe import follow_alerts, format_alert, read_timeout_seconds

    # Longer than the blocking read, or a quiet stream reads as an outage (worker/subscribe.py).
    client = _redis(settings, socket_timeout=read_timeout_seconds())
    print(f"following rasad:alerts on {redacted_url(_redis_url(settings))}"
          f"{' for rule ' + args.rule if args.rule else ''} (Ctrl-C to stop)", file=sys.stderr)
    for alert in follow_alerts(client, rule=args.rule, from_start=args.from_start,
                               name=args.name):
        print(format_alert(alert, as_json=args.json), flush=True)
    return 0


def cmd_status(args, settings: Settings) -> int:
    from worker.feeds import load_feeds
    from worker.status import render_status, status_json

    feeds = [f.to_dict() for f in load_feeds(settings.feeds)]
    client = _redis(settings)
    archive = _archive_status(settings)
    if args.json:
        print(json.dumps(status_json(client, feeds) | {"archive": archive}, ensure_ascii=False))
    else:
        print(render_status(client, feeds, color=sys.stdout.isatty()) + archive_line(archive))
    return 0


def _archive_status(settings: Settings) -> dict:
    """The archive's size and newest rows, or why they cannot be read."""
    if not settings.archive_enabled:
        return {"enabled": False}
    from worker import archive

    try:
        return {"enabled": True} | archive.summary(archive.get_engine(settings))
    except Exception as exc:  # noqa: BLE001 - status must show the rest anyway
        return {"enabled": True, "database": archive.describe(settings),
                "error": f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"}


def archive_line(info: dict) -> str:
    if not info.get("enabled"):
        return "archive: off (RASAD_ARCHIVE_ENABLED=false)\n"
    if info.get("error"):
        return f"archive: {info['database']}: unreadable ({info['error']})\n"
    rows = info["rows"]
    return (f"archive: {info['database']}  {info['size_bytes'] / 1e6:.1f} MB  "
            f"articles {rows['articles']}  events {rows['events']}  alerts {rows['alerts']}  "
            f"newest article {info['newest_article_at'] or 'none'}  newest alert "
            f"{info['newest_alert_at'] or 'none'}\n")


def cmd_unpark(args, settings: Settings) -> int:
    import time

    from worker import schedule

    from worker.feeds import load_feeds

    if args.feed_id not in {f.id for f in load_feeds(settings.feeds)}:
        raise ConfigError(f"no feed {args.feed_id!r} in {settings.feeds}")
    client = _redis(settings)
    key = schedule.FEED_KEY.format(args.feed_id)
    state = schedule.FeedState.from_redis(client.hgetall(key))
    if not state.parked:
        print(f"{args.feed_id}: was not parked (last outcome: {state.last_outcome or 'none'})")
        return 0
    client.hset(key, mapping=schedule.unparked(state, time.time()).to_redis())
    print(f"{args.feed_id}: unparked; it will be polled on the next tick")
    return 0


def cmd_replay_webhooks(args, settings: Settings) -> int:
    from worker.fetch import make_client
    from worker.runtime import check_config, fetch_limits
    from worker.webhooks import replay_dead_letters

    _, _, hooks = check_config(settings)
    with make_client(fetch_limits(settings)) as client:
        delivered, failing = replay_dead_letters(_redis(settings), client, hooks,
                                                 hook_id=args.webhook)
    print(f"delivered {delivered}; still failing {failing} (kept in rasad:webhooks:failed)")
    return 1 if failing else 0


def cmd_check(args, settings: Settings) -> int:
    from worker.runtime import check_config

    from worker.nlp.ner import model_label

    feeds, rules, hooks = check_config(settings)
    _check_ner_model(settings, thorough=True)
    print(f"ok: NER model {model_label(settings.ner_model)}; {len(feeds)} feeds ({settings.feeds}), {len(rules.rules)} rules "
          f"({settings.rules}, {rules.matcher.size} terms in one automaton), {len(hooks)} "
          f"webhooks")
    if settings.archive_enabled:
        from worker.archive import database

        revision = database.current_revision(_archive_engine(settings))
        print(f"ok: archive {database.describe(settings)} (schema {revision}; full text "
              f"{'kept' if settings.archive_fulltext else 'not kept'}; "
              f"{_retention(settings.archive_retention_days)})")
    return 0


def _retention(days: int) -> str:
    return f"rows older than {days} days deleted hourly" if days else "everything kept"


def cmd_models_train(args, settings: Settings) -> int:
    from worker.nlp import train

    return train.main(args.rest) or 0


def cmd_models_download(args, settings: Settings) -> int:
    from worker.nlp import ner

    dest = args.dir or os.environ.get("STANZA_RESOURCES_DIR") or str(
        pathlib.Path.home() / "stanza_resources")
    ner.download_official(dest)
    print(f"official Stanza Arabic models in {dest}; use RASAD_NER_MODEL=stanza")
    return 0


def cmd_models_info(args, settings: Settings) -> int:
    from worker.nlp import ner

    if settings.ner_model == "none":
        print(json.dumps({"spec": "none", "name": None, "version": None}))
        return 0
    tagger = ner.get_tagger(settings.ner_model)
    print(json.dumps({"spec": settings.ner_model, "name": tagger.name,
                      "version": getattr(tagger, "version", None)}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
