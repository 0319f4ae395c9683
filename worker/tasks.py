"""Celery tasks: they only wire stages, set retries and record metrics (STYLE.md §1).

    poll_due_feeds (beat) -> poll_feed -> [fetch_fulltext] -> process_articles -> raise_alerts
                                                                                -> send_webhook
    drain_webhook_retries (beat, due retries) -> send_webhook       (webhooks queue, own pool)

Arguments are ids and plain JSON dicts.  Every side effect is idempotent: entry claims
(SET NX), story assignment, alert claims per (rule, story), alert publication by alert id,
webhook-id = alert id.  With late acks a task killed mid-way is redelivered and redoes only
what is missing.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import time
from typing import Any

import redis
from celery import Task, signals
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded

from worker import dedup, deliver, logs, metrics, schedule, webhooks
from worker.archive import database as archive_db
from worker.archive import pending as archive_pending
from worker.archive import writer as archive_writer
from worker.alert import build_alert, claim_figures
from worker.celery_app import app
from worker.errors import FetchError, ParseError, RecordError, TransientFetchError
from worker.extract import Article, StageTimer, cap_text, get_extractor
from worker.fetch import Validators, fetch
from worker.fulltext import fetch_article_text
from worker.parse import parse_feed
from worker.records import Entry, Extraction
from worker.runtime import get_runtime, reset_runtime
from worker.settings import RETRY_COUNTDOWN_MAX_SECONDS, Settings, effective_redis_url

log = logging.getLogger("rasad.tasks")
POLL_LOCK = "rasad:poll:inflight:{}"
ARTICLES_FAILED = "rasad:articles:failed"
# A poll's first URGENT_ENTRIES_PER_POLL new entries go on at the default priority; the rest,
# a bulk arrival (a feed's first poll, or issue 11's 10,000 similar items), at BULK_PRIORITY,
# which the Redis transport serves only when no other message waits (kombu keeps a list per
# priority step and BRPOPs them highest first; Celery docs, "Redis Message Priorities").  Their
# alerts inherit it (task_inherit_parent_priority).  Measured (tests/test_faults.py, scenario
# 6): with one FIFO queue another feed's alert waited 84 s behind 10,000 items' 11,250 tasks.
URGENT_ENTRIES_PER_POLL = 16
BULK_PRIORITY = 9
# Redis being briefly unreachable is transient for every task: retry with jittered backoff.
# Countdowns stay under RETRY_COUNTDOWN_MAX_SECONDS: a countdown message is held
# unacknowledged, and one held past the visibility timeout is delivered twice (settings.py).
_REDIS_RETRY = dict(autoretry_for=(redis.ConnectionError, redis.TimeoutError),
                    retry_backoff=True, retry_backoff_max=RETRY_COUNTDOWN_MAX_SECONDS,
                    retry_jitter=True, max_retries=20)


# -- process lifecycle -----------------------------------------------------------------


@signals.worker_init.connect
def _preload(sender=None, **_: Any) -> None:
    """Load the NER model in the parent before the pool forks, so children share its pages
    (DESIGN.md: torch limited to one thread first, or forked children hang in inference)."""
    queues = os.environ.get("RASAD_WORKER_QUEUES", "poll,nlp,alerts")
    rt = get_runtime()
    logs.setup(rt.settings.log_level, rt.settings.log_json)
    if "nlp" in queues.split(","):
        extractor = get_extractor(rt.settings.ner_model, rt.settings.ner_threads).load()
        log.info("nlp resources loaded", extra={"ner_model": extractor.model_name})
    if {"nlp", "alerts", "poll"} & set(queues.split(",")):  # the queues that write it
        _open_archive(rt.settings)
    reset_runtime()  # sockets must not cross the fork
    archive_db.reset_engines()  # each child opens its own (worker/archive/database.py)


def _open_archive(settings) -> None:
    """Create or upgrade the archive's schema once, before the pool forks; a database that
    is away is logged, not fatal: writes wait in rasad:archive:pending meanwhile."""
    if not settings.archive_enabled:
        return
    try:
        archive_db.get_engine(settings)
        log.info("archive ready", extra={"database": archive_db.describe(settings)})
    except Exception as exc:  # noqa: BLE001 - the pipeline runs without its archive
        log.error("archive unavailable; writes wait in %s", archive_pending.PENDING_STREAM,
                  extra={"database": archive_db.describe(settings), "error": str(exc)})


@signals.worker_process_init.connect
def _child_init(**_: Any) -> None:
    reset_runtime()
    rt = get_runtime()
    logs.setup(rt.settings.log_level, rt.settings.log_json)


@signals.worker_process_shutdown.connect
def _child_exit(pid=None, **_: Any) -> None:
    metrics.mark_process_dead(pid or os.getpid())


@signals.task_failure.connect
def _count_failure(sender=None, exception=None, **_: Any) -> None:
    metrics.TASK_FAILURES.labels(task=getattr(sender, "name", "unknown"),
                                 exception=metrics.exception_label(exception)).inc()


# -- poll ------------------------------------------------------------------------------


@app.task(name="rasad.poll_due_feeds", bind=True, **_REDIS_RETRY)
def poll_due_feeds(self) -> int:
    """Enqueue a poll for every feed that is due and not parked or already in flight."""
    rt, now, queued = get_runtime(), time.time(), 0
    for feed in rt.feeds.values():
        state = _load_state(rt, feed.id)
        if not schedule.is_due(state, now):
            continue
        if rt.redis.set(POLL_LOCK.format(feed.id), self.request.id or "beat", nx=True,
                        ex=rt.settings.visibility_timeout_seconds):
            poll_feed.delay(feed.id)
            queued += 1
    return queued


@app.task(name="rasad.poll_feed", bind=True, **_REDIS_RETRY)
def poll_feed(self, feed_id: str) -> int:
    """Fetch, parse and claim one feed; hand the new entries to the nlp queue."""
    rt = get_runtime()
    feed = rt.feeds.get(feed_id)
    if feed is None:  # feed removed from config since it was queued
        return 0
    with logs.bound(feed_id=feed_id, task_id=self.request.id):
        try:
            return _poll(rt, feed, self.request.id or "")
        except SoftTimeLimitExceeded:
            # Out of time between claiming entries and dispatching them (a slow fetch after
            # a wait for a publisher slot): the claims are owned by this task id, and a
            # retry keeps the id, so it wins them back instead of leaving them claimed and
            # never processed (issue 11: no stranded work).
            log.warning("poll ran out of time; retrying so its claimed entries are dispatched")
            raise self.retry(countdown=1, max_retries=3)
        finally:
            rt.redis.delete(POLL_LOCK.format(feed_id))


def _poll(rt, feed, task_id: str) -> int:
    state = _load_state(rt, feed.id)
    started, now = time.perf_counter(), time.time()
    try:
        result = fetch(feed.url, client=rt.http, allow_private=feed.allow_private,
                       validators=Validators(state.etag or None, state.last_modified or None),
                       limits=rt.limits, host_limiter=rt.host_limiter)
        parsed = None if result.not_modified else parse_feed(
            result.body, result.headers, feed_id=feed.id, base_url=result.final_url,
            lang=feed.lang)
    except (FetchError, ParseError) as exc:
        metrics.FETCH_DURATION.labels(feed=feed.id).observe(time.perf_counter() - started)
        _record_failure(rt, feed, state, exc, now)
        return 0
    except Exception as exc:  # noqa: BLE001 - a bug must back off and park, not hammer
        log.exception("unexpected error polling feed")
        _record_failure(rt, feed, state, TransientFetchError(f"{feed.url}: unexpected "
                                                             f"{type(exc).__name__}: {exc}"), now)
        return 0
    metrics.FETCH_DURATION.labels(feed=feed.id).observe(time.perf_counter() - started)
    if parsed and parsed.invalid_sequences:  # decoded anyway; parse_feed logged the feed id
        metrics.INVALID_INPUT.labels(kind="feed_encoding").inc()
    new = _claim_and_dispatch(rt, feed, parsed.entries if parsed else (), now, task_id)
    _save_state(rt, feed.id, schedule.after_success(
        state, now=now, interval=feed.interval, new_entries=len(new),
        seen_entries=len(parsed.entries) if parsed else 0, not_modified=result.not_modified,
        etag=result.validators.etag, last_modified=result.validators.last_modified))
    metrics.FEED_FETCHES.labels(feed=feed.id,
                                outcome="not_modified" if result.not_modified else "fetched").inc()
    log.info("feed polled", extra={"outcome": "not_modified" if result.not_modified else "fetched",
                                   "entries_new": len(new), "encoding": parsed and parsed.encoding})
    return len(new)


def _claim_and_dispatch(rt, feed, entries, fetched_at: float, task_id: str) -> list[Entry]:
    """Claim new entries (only claimed entries reach NLP), group by story, dispatch batches.

    The claim's owner is this task's id: a poll task redelivered after dying between claim
    and dispatch wins its own entries back instead of losing them."""
    metrics.ENTRIES_SEEN.labels(feed=feed.id).inc(len(entries))
    new = dedup.claim_entries(rt.redis, entries, ttl_seconds=rt.settings.claim_ttl_seconds,
                              owner=task_id or None)
    # In flight until raise_alerts has handled them: a work message lost on the way (kombu's
    # BRPOP before its unacked record, dedup.IN_FLIGHT_KEY) is re-issued at the next start or
    # by beat's sweep (service.sweep_stranded).
    dedup.track_in_flight(rt.redis, new, fetched_at=fetched_at, owner=task_id or None)
    metrics.ENTRIES_NEW.labels(feed=feed.id).inc(len(new))
    items = []
    for entry in new:
        story = dedup.assign_story(rt.redis, entry, threshold=rt.settings.story_similarity,
                                   ttl_seconds=rt.settings.story_ttl_seconds)
        if not story.is_new:
            metrics.DUPLICATE_STORIES.labels(feed=feed.id).inc()
        items.append({"entry": entry.to_dict(), "story_id": story.story_id,
                      "fetched_at": fetched_at})
    for batch, priority in nlp_batches(items, rt.settings.nlp_batch_size):
        (fetch_fulltext if feed.fulltext else process_articles).apply_async(
            (batch,), priority=priority)
    return new


def nlp_batches(items: list[dict[str, Any]], size: int) -> list[tuple[list, int]]:
    """A poll's new items in batches of ``size``, each with its priority: the first
    URGENT_ENTRIES_PER_POLL at the default, the rest at BULK_PRIORITY."""
    return [(items[i:i + size], 0 if i < URGENT_ENTRIES_PER_POLL else BULK_PRIORITY)
            for i in range(0, len(items), size)]


def _record_failure(rt, feed, state, exc: Exception, now: float) -> None:
    transient = isinstance(exc, TransientFetchError)
    outcome = "parse_error" if isinstance(exc, ParseError) else \
        "transient_error" if transient else "permanent_error"
    new_state = schedule.after_failure(
        state, now=now, interval=feed.interval, outcome=outcome, error=str(exc),
        transient=transient, retry_after_seconds=getattr(exc, "retry_after_seconds", None),
        park_after=rt.settings.park_after_failures, max_backoff=rt.settings.max_backoff_seconds)
    _save_state(rt, feed.id, new_state)
    metrics.FEED_FETCHES.labels(feed=feed.id, outcome=outcome).inc()
    metrics.FEED_ERRORS.labels(feed=feed.id, error=metrics.exception_label(exc)).inc()
    if new_state.parked:
        metrics.FEED_FETCHES.labels(feed=feed.id, outcome="parked").inc()
    log.warning("feed poll failed", extra={
        "outcome": new_state.last_outcome, "error": str(exc),
        "consecutive_failures": new_state.consecutive_failures,
        "retry_delay_seconds": round(new_state.next_check_at - now, 1)})


def _load_state(rt, feed_id: str) -> schedule.FeedState:
    return schedule.FeedState.from_redis(rt.redis.hgetall(schedule.FEED_KEY.format(feed_id)))


def _save_state(rt, feed_id: str, state: schedule.FeedState) -> None:
    feed = rt.feeds[feed_id]
    data = state.to_redis() | {"name": feed.name, "url": feed.url}
    rt.redis.hset(schedule.FEED_KEY.format(feed_id), mapping=data)


@app.task(name="rasad.fetch_fulltext", bind=True, **_REDIS_RETRY)
def fetch_fulltext(self, items: list[dict[str, Any]]) -> None:
    """For ``fulltext: true`` feeds: replace the summary with the page's main text."""
    rt, out = get_runtime(), []
    try:
        for item in items:
            out.append(_with_fulltext(rt, item))
    except SoftTimeLimitExceeded:
        # Eight slow pages can outlast the task's soft limit (Settings.task_time_limit_seconds,
        # kept under the visibility timeout): the rest go on with their summaries, as a
        # failed fetch does, rather than the batch being lost.
        log.warning("full text: task time limit reached, the rest use their summaries",
                    extra={"entries": len(items) - len(out)})
        out += items[len(out):]
    process_articles.delay(out)


def _with_fulltext(rt, item: dict[str, Any]) -> dict[str, Any]:
    entry = Entry.from_dict(item["entry"])
    feed = rt.feeds.get(entry.feed_id)
    if entry.url and feed is not None and not entry.content:
        try:
            text = fetch_article_text(entry.url, client=rt.http, limits=rt.limits,
                                      allow_private=feed.allow_private,
                                      host_limiter=rt.host_limiter)
            item = {**item, "entry": {**item["entry"], "content": text}}
        except FetchError as exc:  # the summary still gets analysed: never lose the entry
            metrics.FEED_ERRORS.labels(feed=entry.feed_id,
                                       error=metrics.exception_label(exc)).inc()
            log.warning("full text unavailable, using the summary",
                        extra={"entry_id": entry.id, "error": str(exc)})
    return item


# -- nlp -------------------------------------------------------------------------------


# Read at import: Celery fixes a task's time limits when it builds the task class, so a
# worker takes RASAD_NLP_SOFT_TIME_LIMIT_SECONDS / RASAD_NLP_TIME_LIMIT_SECONDS at start-up.
_NLP_LIMITS = Settings.from_env()


class _NlpTask(Task):
    """Base of process_articles.  At the hard time limit the pool kills the child process,
    acknowledges the message (``acks_on_failure_or_timeout``) and, since Celery 5.3, calls
    ``on_failure`` in the worker's main process with the task's arguments
    (celery/worker/request.py ``Request.on_timeout``): the batch is recorded here or never.
    A soft limit that fires after extraction, while publishing, ends up here too."""

    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        if isinstance(exc, (TimeLimitExceeded, SoftTimeLimitExceeded)):
            items = args[0] if args else kwargs.get("items", [])
            limit = "soft" if isinstance(exc, SoftTimeLimitExceeded) else "hard"
            _nlp_out_of_time(get_runtime(), items, limit)


@app.task(name="rasad.process_articles", bind=True, max_retries=5, base=_NlpTask,
          soft_time_limit=_NLP_LIMITS.nlp_soft_time_limit_seconds,
          time_limit=_NLP_LIMITS.nlp_time_limit_seconds)
def process_articles(self, items: list[dict[str, Any]]) -> int:
    """Entities and events for a batch of articles (one NER pass), then hand to alerts."""
    rt = get_runtime()
    try:
        entries = [Entry.from_dict(item["entry"]) for item in items]
    except (KeyError, TypeError, RecordError) as exc:
        metrics.INVALID_INPUT.labels(kind="record").inc()
        log.error("undecodable nlp payload dropped", extra={"error": str(exc)})
        return 0
    extractor = get_extractor(rt.settings.ner_model, rt.settings.ner_threads,
                              rt.settings.nlp_max_chars)
    timer, started = StageTimer(), time.perf_counter()
    try:
        results = extractor.extract_batch([Article(e.text, e.published) for e in entries], timer)
    except SoftTimeLimitExceeded:  # before Exception, which it is: not a failure to retry
        return _nlp_out_of_time(rt, items, "soft")
    except Exception as exc:  # noqa: BLE001 - any NLP failure: retry, then dead-letter
        return _nlp_failed(self, rt, items, entries, exc)
    total = time.perf_counter() - started
    for stage, seconds in timer.seconds.items():
        metrics.NLP_DURATION.labels(stage=stage).observe(seconds / max(len(entries), 1))
    metrics.NLP_DURATION.labels(stage="total").observe(total / max(len(entries), 1))
    records = []
    for item, entry, extraction in zip(items, entries, results):
        _record_extraction(entry, extraction, rt.settings.nlp_max_chars)
        records.append({"entry": entry.to_dict(), "story_id": item["story_id"],
                        "fetched_at": item["fetched_at"], "extraction": extraction.to_dict()})
    # Archived before the alerts are queued: `rasad backtest` replays in archive order.
    _archive(rt, archive_pending.ARTICLES, records)
    for record in records:
        deliver.publish_article(rt.redis, record, maxlen=rt.settings.articles_stream_maxlen)
        raise_alerts.delay(record)
    return len(entries)


def _nlp_failed(task, rt, items, entries, exc: Exception) -> int:
    """Retry with backoff; when retries run out keep the batch in a dead-letter stream."""
    if task.request.retries < task.max_retries:
        log.warning("nlp failed, will retry", exc_info=True)
        raise task.retry(countdown=min(30 * 2 ** task.request.retries,
                                       RETRY_COUNTDOWN_MAX_SECONDS), exc=exc)
    for item, entry in zip(items, entries):
        metrics.ARTICLES_PROCESSED.labels(feed=entry.feed_id, outcome="error").inc()
        rt.redis.xadd(ARTICLES_FAILED, {"item": json.dumps(item, ensure_ascii=False),
                                         "error": repr(exc)[:500]}, maxlen=10_000)
    dedup.finish_in_flight(rt.redis, entries)  # kept in the dead-letter stream instead
    log.error("nlp failed for good; batch kept in rasad:articles:failed", exc_info=True)
    return 0


def _nlp_out_of_time(rt, items: list[dict[str, Any]], limit: str) -> int:
    """A batch stopped by its soft or hard time limit.  Several articles: each goes again
    alone, so one long article does not cost the others their analysis.  One article: kept
    without entities and events (the note says why), so its alerts on terms still come;
    also kept in rasad:articles:failed to reprocess, and counted as an error."""
    metrics.NLP_TIME_LIMITS.labels(limit=limit).inc()
    if len(items) > 1:
        for item in items:
            process_articles.delay([item])
        log.warning("nlp batch over its time limit; each article tried alone",
                    extra={"limit": limit, "articles": len(items)})
        return 0
    name = "nlp_soft_time_limit_seconds" if limit == "soft" else "nlp_time_limit_seconds"
    seconds, variable = getattr(rt.settings, name), "RASAD_" + name.upper()
    note = (f"nlp: {limit} time limit of {seconds:g} s exceeded ({variable}); entities and "
            f"events not extracted, article kept in {ARTICLES_FAILED}")
    for item in items:
        _keep_unanalysed(rt, item, note)
    return 0


def _keep_unanalysed(rt, item: dict[str, Any], note: str) -> None:
    entry = Entry.from_dict(item["entry"])
    metrics.ARTICLES_PROCESSED.labels(feed=entry.feed_id, outcome="error").inc()
    rt.redis.xadd(ARTICLES_FAILED, {"item": json.dumps(item, ensure_ascii=False),
                                     "error": note}, maxlen=10_000)
    record = {"entry": entry.to_dict(), "story_id": item["story_id"],
              "fetched_at": item["fetched_at"], "extraction": Extraction(notes=(note,)).to_dict()}
    _archive(rt, archive_pending.ARTICLES, [record])
    deliver.publish_article(rt.redis, record, maxlen=rt.settings.articles_stream_maxlen)
    raise_alerts.delay(record)
    log.error("article over the nlp time limit kept without entities and events",
              extra={"entry_id": entry.id, "feed_id": entry.feed_id, "error": note})


def _record_extraction(entry: Entry, extraction: Extraction, max_chars: int) -> None:
    metrics.ARTICLES_PROCESSED.labels(feed=entry.feed_id, outcome="ok").inc()
    if len(entry.text) > max_chars:
        metrics.NLP_TRUNCATED.labels(feed=entry.feed_id).inc()
        metrics.NLP_TRUNCATED_CHARACTERS.labels(feed=entry.feed_id).inc(
            len(entry.text) - len(cap_text(entry.text, max_chars)))
    for ent in extraction.entities:
        metrics.ENTITIES.labels(type=ent.type).inc()
    for ev in extraction.events:
        metrics.EVENTS.labels(type=ev.type).inc()


# -- archive ---------------------------------------------------------------------------


def _archive(rt, kind: str, payload) -> None:
    """Store articles or an alert in the archive.  A failure never costs the pipeline the
    record: it is counted, logged and kept in rasad:archive:pending for archive_drain, and
    the task goes on (a retry would redo the NLP and hold the alerts back while the database
    is away; worker/archive/pending.py)."""
    if not rt.settings.archive_enabled:
        return
    try:
        _write_archive(rt.settings, kind, payload)
    except Exception as exc:  # noqa: BLE001 - any database failure: keep the record
        table = "alerts" if kind == archive_pending.ALERT else "articles"
        metrics.ARCHIVE_WRITE_ERRORS.labels(table=table, error=exc).inc()
        archive_pending.push(rt.redis, kind, payload)
        log.error("archive write failed; kept in %s", archive_pending.PENDING_STREAM,
                  extra={"table": table, "error": f"{type(exc).__name__}: {exc}"[:500]})


def _write_archive(settings, kind: str, payload) -> None:
    engine, started = archive_db.get_engine(settings), time.perf_counter()
    if kind == archive_pending.ALERT:
        written = archive_writer.write_alert(engine, payload["alert"], payload["kind"])
        table = "alerts"
    else:
        written = archive_writer.write_articles(engine, payload,
                                                fulltext=settings.archive_fulltext)
        table = "articles"
    metrics.ARCHIVE_WRITE_DURATION.labels(table=table).observe(time.perf_counter() - started)
    for name, rows in written.items():
        if rows:
            metrics.ARCHIVE_ROWS.labels(table=name).inc(rows)


@app.task(name="rasad.archive_drain", **_REDIS_RETRY)
def archive_drain() -> int:
    """Beat: write what waits in rasad:archive:pending (the database was away)."""
    rt = get_runtime()
    if not rt.settings.archive_enabled or not archive_pending.size(rt.redis):
        return 0
    try:
        done = archive_pending.drain(rt.redis, lambda kind, payload: _write_archive(
            rt.settings, kind, payload))
    except Exception as exc:  # noqa: BLE001 - still away: the next tick tries again
        log.warning("archive still unavailable; pending writes kept",
                    extra={"error": f"{type(exc).__name__}: {exc}"[:500],
                           "pending": archive_pending.size(rt.redis)})
        return 0
    log.info("pending archive writes stored", extra={"records": done})
    return done


@app.task(name="rasad.archive_purge")
def archive_purge() -> int:
    """Beat, hourly: delete what is older than RASAD_ARCHIVE_RETENTION_DAYS (0: keep all)."""
    settings = get_runtime().settings
    if not settings.archive_enabled or settings.archive_retention_days <= 0:
        return 0
    gone = archive_writer.purge(archive_db.get_engine(settings),
                                settings.archive_retention_days)
    log.info("archive retention applied", extra={"articles_deleted": gone,
                                                 "retention_days": settings.archive_retention_days})
    return gone


# -- alerts ----------------------------------------------------------------------------


@app.task(name="rasad.raise_alerts", bind=True, **_REDIS_RETRY)
def raise_alerts(self, record: dict[str, Any]) -> int:
    """Match rules; one alert per (rule, story), an update when the toll rises; deliver."""
    rt = get_runtime()
    entry = Entry.from_dict(record["entry"])
    extraction = Extraction.from_dict(record["extraction"])
    with logs.bound(feed_id=entry.feed_id, entry_id=entry.id, task_id=self.request.id):
        started = time.perf_counter()
        matches = rt.rules.match(entry.text, extraction)
        metrics.NLP_DURATION.labels(stage="rules").observe(time.perf_counter() - started)
        sent = 0
        for match in matches:
            metrics.RULE_MATCHES.labels(rule=match.rule.id).inc()
            sent += _alert_once(rt, match, entry, extraction, record)
        # The entry's last step: published (process_articles) and its alerts raised.
        dedup.finish_in_flight(rt.redis, [entry])
        return sent


def _alert_once(rt, match, entry: Entry, extraction: Extraction, record: dict) -> int:
    figures = claim_figures(match, extraction)  # tolls for casualty rules, else none
    # entry_id lets a redelivered task for the winning entry get its claim back (same
    # deterministic alert id), so a crash between claim and publish loses nothing.
    claim = deliver.claim_alert(rt.redis, match.rule.id, record["story_id"], figures,
                                entry_id=entry.id)
    if not claim:
        return 0
    alert = build_alert(match, entry=entry, story_id=record["story_id"], extraction=extraction,
                        alert_id=claim.alert_id, update_of=claim.update_of,
                        previous=claim.previous)
    published = deliver.publish_alert(rt.redis, alert, maxlen=rt.settings.alerts_stream_maxlen)
    # Archived even when the stream already had it: a crash between publish and archive.
    _archive(rt, archive_pending.ALERT, {"alert": alert.to_dict(), "kind": claim.kind})
    outcome = "ok" if published else "duplicate"
    metrics.DELIVERIES.labels(channel="stream", outcome=outcome).inc()
    metrics.DELIVERIES.labels(channel="pubsub", outcome=outcome).inc()
    if published:
        metrics.ALERTS.labels(rule=alert.rule, kind=claim.kind).inc()
        _observe_freshness(alert, entry, record["fetched_at"])
        log.info("alert raised", extra={"rule": alert.rule, "alert_id": alert.id,
                                        "kind": claim.kind, "title": entry.title[:120]})
    # Webhooks are (re)sent even when the stream already had the alert: a crash after
    # publish must not lose them, and receivers deduplicate on webhook-id = alert id.  Each
    # delivery is recorded before its message is sent and stays recorded until it succeeds
    # or is dead-lettered: a message Redis lost between kombu's pop and its unacked record
    # is re-issued at the next start or by beat's sweep (webhooks.IN_FLIGHT_KEY,
    # service.requeue_stranded and sweep_stranded).
    for hook in rt.webhooks:
        if not hook.rules or alert.rule in hook.rules:
            webhooks.track_delivery(rt.redis, hook.id, alert.to_dict())
            send_webhook.delay(hook.id, alert.to_dict())
    return 1 if published else 0


def _observe_freshness(alert, entry: Entry, fetched_at: float) -> None:
    now = time.time()
    metrics.FETCH_TO_ALERT.labels(rule=alert.rule).observe(max(now - fetched_at, 0.0))
    if entry.published:
        try:
            published = dt.datetime.fromisoformat(entry.published.replace("Z", "+00:00"))
            if published.tzinfo is None:
                published = published.replace(tzinfo=dt.timezone.utc)
        except ValueError:
            return
        metrics.PUBLICATION_TO_ALERT.labels(rule=alert.rule).observe(
            max(now - published.timestamp(), 0.0))


# Redis unreachable while recording a retry or a dead letter: the task is retried with the
# short countdowns of _REDIS_RETRY; the webhook's own backoff waits in Redis instead.
@app.task(name="rasad.send_webhook", **_REDIS_RETRY)
def send_webhook(hook_id: str, alert_dict: dict[str, Any], attempt: int = 1) -> int:
    """POST one alert to one webhook (``attempt`` 1 is the first try); a transient failure
    schedules the next attempt in Redis, the last one or a permanent failure dead-letters."""
    from worker.records import Alert

    rt = get_runtime()
    hook = next((h for h in rt.webhooks if h.id == hook_id), None)
    if hook is None:
        # Removed from the configuration: nobody to send it to, not pending any more.
        webhooks.finish_delivery(rt.redis, hook_id, str(alert_dict.get("id", "")))
        log.warning("webhook no longer configured; delivery dropped",
                    extra={"webhook": hook_id, "alert_id": alert_dict.get("id")})
        return 0
    alert = Alert.from_dict(alert_dict)
    try:
        status = webhooks.send_webhook(
            rt.http, hook, alert,
            timeout=webhooks.request_timeout(rt.settings.webhook_timeout_seconds))
    except FetchError as exc:
        return _webhook_failed(rt, hook, alert, exc, attempt)
    # Delivered.  A crash between the POST and this leaves the message in unacked and the
    # record here: the restart sends it again, with the same webhook-id.
    webhooks.finish_delivery(rt.redis, hook.id, alert.id)
    metrics.DELIVERIES.labels(channel="webhook", outcome="ok").inc()
    return status


def _webhook_failed(rt, hook, alert, exc: FetchError, attempt: int) -> int:
    metrics.DELIVERIES.labels(channel="webhook", outcome="error").inc()
    if exc.transient and attempt < webhooks.WEBHOOK_MAX_ATTEMPTS:
        delay = webhooks.webhook_retry_delay_seconds(
            attempt, retry_after_seconds=exc.retry_after_seconds)
        # Waits in the retry set, its in-flight record kept (at the next attempt): the
        # drainer's message for it is covered by the record once the set lets it go.
        webhooks.retry_delivery(rt.redis, hook.id, alert.to_dict(), attempt + 1,
                                time.time() + delay)
        log.warning("webhook failed, will retry", extra={
            "webhook": hook.id, "alert_id": alert.id, "error": str(exc), "attempt": attempt,
            "retry_delay_seconds": round(delay, 1)})
        return 0
    webhooks.record_dead_letter(rt.redis, hook, alert, exc, attempts=attempt)
    webhooks.finish_delivery(rt.redis, hook.id, alert.id)  # kept in the dead letters now
    metrics.DELIVERIES.labels(channel="webhook", outcome="dead_letter").inc()
    log.error("webhook delivery abandoned; recorded in rasad:webhooks:failed",
              extra={"webhook": hook.id, "alert_id": alert.id, "error": str(exc)})
    return 0


@app.task(name="rasad.sweep_stranded")
def sweep_stranded() -> int:
    """Beat, every RASAD_STRANDED_SWEEP_SECONDS: re-issue claimed entries and webhook
    deliveries whose message Redis lost (worker/service.py, sweep_stranded).  No retries: a
    sweep that fails (Redis away) is the next tick's to do."""
    from worker import service

    rt = get_runtime()
    done = service.sweep_stranded(
        effective_redis_url(rt.settings), rt.settings,
        fulltext_feeds=[f.id for f in rt.feeds.values() if f.fulltext])
    if done is None:  # another sweep holds the lock
        return 0
    entries, deliveries = done
    metrics.STRANDED_REISSUED.labels(kind="entry").inc(entries)
    metrics.STRANDED_REISSUED.labels(kind="webhook_delivery").inc(deliveries)
    return entries + deliveries


@app.task(name="rasad.drain_webhook_retries")
def drain_webhook_retries() -> int:
    """Beat, every second: hand the webhook retries that are due to the webhooks queue."""
    rt = get_runtime()
    due = webhooks.claim_due_retries(rt.redis, time.time())
    for retry in due:
        send_webhook.delay(retry.hook_id, retry.alert, retry.attempt)
        webhooks.retry_dispatched(rt.redis, retry)
    return len(due)
