"""All of Rasad's Prometheus metrics in one module (STYLE.md §8), multiprocess-safe.

Counters and histograms are module-level objects the tasks increment; every series is
created at zero by :func:`init_series` so dashboards and ``increase()`` work from the first
scrape.  Labels are bounded: ``feed`` and ``rule`` come from config, exception labels are
collapsed to a fixed set of class names (after celery-exporter ``exporter.py``), every other
label is a closed enumeration listed below.

Celery's prefork pool runs tasks in child processes, so the values live in
prometheus-client's multiprocess mode: each process writes mmap files under
``PROMETHEUS_MULTIPROC_DIR`` and the metrics server merges them at scrape time.  State that
belongs to Redis rather than to a process (queue depth, parked feeds, last success per feed)
is read from Redis by :class:`RedisStateCollector` at scrape time, which avoids multiprocess
gauges altogether.  The exposition passes ``promtool check metrics``.
"""

from __future__ import annotations

import datetime as dt
import glob
import logging
import os
import threading
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

import prometheus_client
import prometheus_client.values
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client import multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import start_http_server

log = logging.getLogger(__name__)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

# --- Closed label sets -------------------------------------------------------------------
FETCH_OUTCOMES = ("fetched", "not_modified", "transient_error", "permanent_error",
                  "parse_error", "parked")
ARTICLE_OUTCOMES = ("ok", "error")
NLP_STAGES = ("tokenize", "ner", "link", "events", "rules", "total")
# Celery's two limits on an nlp batch: soft (caught, the batch split or the article kept
# unanalysed) and hard (the process killed; recorded by the worker's main process).
NLP_TIME_LIMIT_KINDS = ("soft", "hard")
ENTITY_TYPES = ("PER", "LOC", "ORG", "MISC")
# Used only if worker.nlp.events cannot be imported; the extractor's own list wins.
FALLBACK_EVENT_TYPES = ("airstrike", "shelling", "clash", "armed_attack", "bombing",
                        "missile_attack", "drone_attack", "evacuation", "displacement",
                        "abduction", "arrest", "release", "military_movement", "casualties")
ALERT_KINDS = ("new", "update")
DELIVERY_CHANNELS = ("stream", "pubsub", "webhook")
DELIVERY_OUTCOMES = ("ok", "duplicate", "error", "dead_letter")
# feed_encoding: a feed polled with bytes that are not valid UTF-8 (decoded anyway,
# worker/parse.py; the log names the feed).
INVALID_INPUT_KINDS = ("feed_config", "rule", "record", "article", "feed_encoding")
# What beat's stranded-work sweep re-issues (worker/service.py, sweep_stranded): claimed
# entries (as process_articles or fetch_fulltext batches) and webhook deliveries.
STRANDED_KINDS = ("entry", "webhook_delivery")
# The archive's tables (worker/archive/schema.py), for rows written and write errors.
ARCHIVE_TABLES = ("articles", "entities", "events", "alerts")
OTHER = "other"

# Exception class names kept as label values; anything else is counted as "other" so a
# library raising a new class per message cannot blow up the series count.
KNOWN_EXCEPTIONS = frozenset({
    # Rasad's own (worker/errors.py)
    "RasadError", "ConfigError", "RecordError", "FetchError", "TransientFetchError",
    "PermanentFetchError", "ParseError", "ModelError",
    # httpx
    "ConnectError", "ConnectTimeout", "ReadTimeout", "WriteTimeout", "PoolTimeout",
    "ReadError", "RemoteProtocolError", "TooManyRedirects", "HTTPStatusError",
    "DecodingError", "InvalidURL", "UnsupportedProtocol",
    # redis, celery
    "ConnectionError", "TimeoutError", "ResponseError", "BusyLoadingError",
    "SoftTimeLimitExceeded", "TimeLimitExceeded", "WorkerLostError",
    "MaxRetriesExceededError",
    # SQLAlchemy (the archive)
    "OperationalError", "IntegrityError", "DatabaseError", "InterfaceError",
    "ProgrammingError", "DataError",
    # builtins that signal real bugs or bad data
    "OSError", "ValueError", "KeyError", "TypeError", "AttributeError", "IndexError",
    "UnicodeDecodeError", "UnicodeEncodeError", "RuntimeError", "MemoryError",
    "JSONDecodeError", "YAMLError",
})


def exception_label(exc: BaseException | type | str) -> str:
    """A bounded label value for an exception, its class, or a class name."""
    if isinstance(exc, BaseException):
        name = type(exc).__name__
    elif isinstance(exc, type):
        name = exc.__name__
    else:
        name = str(exc)
    return name if name in KNOWN_EXCEPTIONS else OTHER


class _ExceptionLabelledCounter(Counter):
    """A Counter whose ``error``/``exception`` label is collapsed by :func:`exception_label`,
    so passing an exception instance (whose ``str()`` is its message) cannot leak
    unbounded text into a label."""

    _COLLAPSED = ("error", "exception")

    def labels(self, *labelvalues, **labelkwargs):
        if labelkwargs:
            labelkwargs = {k: exception_label(v) if k in self._COLLAPSED else v
                           for k, v in labelkwargs.items()}
        elif labelvalues:
            labelvalues = tuple(exception_label(v) if n in self._COLLAPSED else v
                                for n, v in zip(self._labelnames, labelvalues))
        return super().labels(*labelvalues, **labelkwargs)


# --- Buckets, chosen for what each histogram measures -------------------------------------
# A feed fetch: tens of ms on a CDN, seconds on a slow publisher, capped by the 30 s timeout.
FETCH_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0)
# NLP per stage and per article: ms for tokenising, up to tens of s for a long article's NER
# on one CPU thread.
NLP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
# Publication to alert: bounded below by the poll interval (minutes) and above by feeds that
# publish late or back-date items (hours to days).
PUBLICATION_TO_ALERT_BUCKETS = (10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400,
                                28800, 43200, 86400, 172800)
# Fetch to alert: our own pipeline latency, sub-second when idle, minutes under a backlog.
FETCH_TO_ALERT_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0,
                          600.0, 1800.0, 3600.0)

# --- The metrics -------------------------------------------------------------------------
FEED_FETCHES = Counter(
    "rasad_feed_fetches_total", "Feed polls by feed and outcome "
    "(fetched, not_modified, transient_error, permanent_error, parse_error, parked).",
    ["feed", "outcome"])
FEED_ERRORS = _ExceptionLabelledCounter(
    "rasad_feed_errors_total", "Feed poll errors by feed and exception class "
    "(unknown classes collapsed to 'other').", ["feed", "error"])
FETCH_DURATION = Histogram(
    "rasad_feed_fetch_duration_seconds", "Wall time of one feed HTTP fetch, in seconds.",
    ["feed"], buckets=FETCH_BUCKETS)
ENTRIES_SEEN = Counter(
    "rasad_entries_seen_total", "Feed entries parsed, new or not.", ["feed"])
ENTRIES_NEW = Counter(
    "rasad_entries_new_total", "Feed entries claimed as new and sent to NLP.", ["feed"])
DUPLICATE_STORIES = Counter(
    "rasad_duplicate_stories_total",
    "New entries recognised as a story already seen (near-duplicate text).", ["feed"])
ARTICLES_PROCESSED = Counter(
    "rasad_articles_processed_total", "Articles through NLP by feed and outcome (ok, error).",
    ["feed", "outcome"])
NLP_DURATION = Histogram(
    "rasad_nlp_duration_seconds", "NLP time per article and stage "
    "(tokenize, ner, link, events, rules; total is the whole article), in seconds.",
    ["stage"], buckets=NLP_BUCKETS)
NLP_TRUNCATED = Counter(
    "rasad_nlp_truncated_total", "Articles whose text was cut to RASAD_NLP_MAX_CHARS "
    "characters before NLP.", ["feed"])
NLP_TRUNCATED_CHARACTERS = Counter(
    "rasad_nlp_truncated_characters_total", "Characters of article text left out of NLP by "
    "RASAD_NLP_MAX_CHARS.", ["feed"])
NLP_TIME_LIMITS = Counter(
    "rasad_nlp_time_limit_exceeded_total", "NLP batches stopped by a Celery time limit: soft "
    "(RASAD_NLP_SOFT_TIME_LIMIT_SECONDS) or hard (RASAD_NLP_TIME_LIMIT_SECONDS).", ["limit"])
ENTITIES = Counter(
    "rasad_entities_extracted_total", "Named entities extracted by type (PER, LOC, ORG, MISC).",
    ["type"])
EVENTS = Counter(
    "rasad_events_extracted_total", "Event frames extracted by event type.", ["type"])
RULE_MATCHES = Counter(
    "rasad_rule_matches_total", "Articles matching a watch rule, before alert dedup.", ["rule"])
ALERTS = Counter(
    "rasad_alerts_total", "Alerts raised by rule and kind (new, update).", ["rule", "kind"])
DELIVERIES = Counter(
    "rasad_alert_deliveries_total", "Alert delivery attempts by channel (stream, pubsub, "
    "webhook) and outcome (ok, duplicate, error, dead_letter).", ["channel", "outcome"])
PUBLICATION_TO_ALERT = Histogram(
    "rasad_publication_to_alert_seconds",
    "Seconds from an entry's published time to its alert being delivered.", ["rule"],
    buckets=PUBLICATION_TO_ALERT_BUCKETS)
FETCH_TO_ALERT = Histogram(
    "rasad_fetch_to_alert_seconds",
    "Seconds from the feed fetch that found an entry to its alert being delivered.", ["rule"],
    buckets=FETCH_TO_ALERT_BUCKETS)
TASK_FAILURES = _ExceptionLabelledCounter(
    "rasad_task_failures_total", "Celery task failures by task and exception class.",
    ["task", "exception"])
INVALID_INPUT = Counter(
    "rasad_invalid_input_total", "Inputs rejected as invalid "
    "(feed_config, rule, record, article) or repaired (feed_encoding).", ["kind"])
ARCHIVE_ROWS = Counter(
    "rasad_archive_rows_written_total", "Rows written to the archive by table (articles, "
    "entities, events, alerts); a redelivered task adds none.", ["table"])
ARCHIVE_WRITE_ERRORS = _ExceptionLabelledCounter(
    "rasad_archive_write_errors_total", "Archive writes that failed, by table (articles: a "
    "batch with its entities and events; alerts) and exception class; the records wait in "
    "rasad:archive:pending.", ["table", "error"])
ARCHIVE_WRITE_DURATION = Histogram(
    "rasad_archive_write_duration_seconds", "Wall time of one archive write (an NLP batch "
    "with its entities and events, or one alert), in seconds.", ["table"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 30.0))
STRANDED_REISSUED = Counter(
    "rasad_stranded_reissued_total", "Claimed entries and webhook deliveries re-issued by "
    "beat's sweep because no queued or unacknowledged message carried them for longer than "
    "RASAD_STRANDED_GRACE_SECONDS (a message Redis lost).", ["kind"])
# "max" keeps the series after the process that set it exits, and merges processes that
# set the same labels into one series (prometheus-client multiprocess gauge modes).
BUILD_INFO = Gauge(
    "rasad_build_info", "Always 1; labels carry the running version and NER model.",
    ["version", "ner_model"], multiprocess_mode="max")


def set_build_info(version: str, ner_model: str) -> None:
    BUILD_INFO.labels(version=version, ner_model=ner_model).set(1)


def default_event_types() -> tuple[str, ...]:
    """The event types the extractor can emit (worker/nlp/events.py), else a fixed list."""
    try:
        from worker.nlp.events import CASUALTIES_ONLY, EVENT_TYPES
    except ImportError:
        return FALLBACK_EVENT_TYPES
    return (*EVENT_TYPES, CASUALTIES_ONLY)


def init_series(feed_ids: Iterable[str], rule_ids: Iterable[str],
                event_types: Iterable[str] | None = None) -> None:
    """Create every bounded series at zero, so rates and ``increase()`` see the first event."""
    event_types = default_event_types() if event_types is None else event_types
    for feed in feed_ids:
        _init_feed(feed)
    for rule in rule_ids:
        _init_rule(rule)
    for stage in NLP_STAGES:
        NLP_DURATION.labels(stage=stage)
    for limit in NLP_TIME_LIMIT_KINDS:
        NLP_TIME_LIMITS.labels(limit=limit)
    for entity_type in ENTITY_TYPES:
        ENTITIES.labels(type=entity_type)
    for event_type in event_types:
        EVENTS.labels(type=event_type)
    for channel in DELIVERY_CHANNELS:
        for outcome in DELIVERY_OUTCOMES:
            DELIVERIES.labels(channel=channel, outcome=outcome)
    for kind in INVALID_INPUT_KINDS:
        INVALID_INPUT.labels(kind=kind)
    for kind in STRANDED_KINDS:
        STRANDED_REISSUED.labels(kind=kind)
    for table in ARCHIVE_TABLES:
        ARCHIVE_ROWS.labels(table=table)
    for table in ("articles", "alerts"):
        ARCHIVE_WRITE_DURATION.labels(table=table)


def _init_feed(feed: str) -> None:
    for outcome in FETCH_OUTCOMES:
        FEED_FETCHES.labels(feed=feed, outcome=outcome)
    for outcome in ARTICLE_OUTCOMES:
        ARTICLES_PROCESSED.labels(feed=feed, outcome=outcome)
    FETCH_DURATION.labels(feed=feed)
    ENTRIES_SEEN.labels(feed=feed)
    ENTRIES_NEW.labels(feed=feed)
    DUPLICATE_STORIES.labels(feed=feed)
    NLP_TRUNCATED.labels(feed=feed)
    NLP_TRUNCATED_CHARACTERS.labels(feed=feed)


def _init_rule(rule: str) -> None:
    RULE_MATCHES.labels(rule=rule)
    for kind in ALERT_KINDS:
        ALERTS.labels(rule=rule, kind=kind)
    PUBLICATION_TO_ALERT.labels(rule=rule)
    FETCH_TO_ALERT.labels(rule=rule)


# --- Multiprocess mode -------------------------------------------------------------------
def prepare_multiproc_dir(path: str | os.PathLike) -> str:
    """Create ``path``, remove the ``*.db`` files a previous run left, and switch this process
    (and the children it forks) to multiprocess mode.  Call before any labelled series is
    created (before :func:`init_series`) and before forking workers.

    Only ``*.db`` files are removed, never the directory, so a mistyped path cannot delete
    anything but metric files.  Stale files would otherwise add the previous run's counts.
    """
    path = os.fspath(path)
    os.makedirs(path, exist_ok=True)
    for stale in glob.glob(os.path.join(path, "*.db")):
        os.remove(stale)
    os.environ[MULTIPROC_ENV] = path
    # prometheus_client picks its value class when first imported; re-pick it so this works
    # even if prometheus_client was imported before the variable was set.  Series created
    # after this point write to mmap files under ``path``.
    prometheus_client.values.ValueClass = prometheus_client.values.get_value_class()
    return path


def multiproc_dir() -> str | None:
    return os.environ.get(MULTIPROC_ENV) or None


def mark_process_dead(pid: int) -> None:
    """Hook for a worker child's exit (Celery ``worker_process_shutdown``): drops the dead
    process's live-gauge files.  Counters and histograms are kept, so totals never go back."""
    path = multiproc_dir()
    if path:
        multiprocess.mark_process_dead(pid, path)


# --- State read from Redis at scrape time ------------------------------------------------
class RedisStateCollector:
    """Gauges read from Redis on each scrape: queue depth, work in flight, per-feed state.

    Feed state is in the hashes ``rasad:feed:<id>`` written by the poll task; queue depth is
    the length of Celery's Redis lists (see :func:`worker.status.queue_depths`).
    """

    def __init__(self, redis_client_factory: Callable[[], object], feed_ids: Sequence[str]):
        self._factory = redis_client_factory
        self._feed_ids = list(feed_ids)
        self._client = None
        self._lock = threading.Lock()

    def _redis(self):
        with self._lock:
            if self._client is None:
                self._client = self._factory()
            return self._client

    def collect(self):
        from worker.status import entries_in_flight, queue_depths, read_feed_states, \
            unacked_messages, webhook_deliveries_in_flight, webhook_retries

        up = GaugeMetricFamily("rasad_redis_up",
                               "1 if the metrics server could read state from Redis.")
        try:
            client = self._redis()
            depths = queue_depths(client)
            unacked = unacked_messages(client)
            retries = webhook_retries(client)
            in_flight = entries_in_flight(client)
            deliveries = webhook_deliveries_in_flight(client)
            states = read_feed_states(client, self._feed_ids)
        except Exception as exc:  # a scrape must not fail because Redis is away
            log.warning("metrics: cannot read state from Redis: %s", exc)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield _queue_family(depths)
        yield from _unacked_families(unacked)
        yield from _retry_families(retries)
        yield GaugeMetricFamily(
            "rasad_entries_in_flight", "Claimed entries not yet through raise_alerts "
            "(rasad:entries:inflight): a few per batch while work flows; a count that only "
            "grows means the nlp or alerts workers are behind or down.", value=in_flight)
        yield GaugeMetricFamily(
            "rasad_webhook_deliveries_in_flight", "Webhook deliveries not yet delivered or "
            "dead-lettered (rasad:webhooks:inflight), those waiting for a retry included.",
            value=deliveries)
        yield from _feed_families(states)


def _queue_family(depths: dict[str, int]) -> GaugeMetricFamily:
    family = GaugeMetricFamily("rasad_queue_depth",
                               "Messages waiting in each Celery queue (Redis list length).",
                               labels=["queue"])
    for queue, depth in depths.items():
        family.add_metric([queue], depth)
    return family


def _unacked_families(unacked: dict) -> Iterable[GaugeMetricFamily]:
    # Work stranded by a crash has left its queue (rasad_queue_depth) and returns only after
    # the visibility timeout (docs/scaling.md): these two series are where it shows.
    yield GaugeMetricFamily(
        "rasad_broker_unacked_messages", "Broker messages taken by a worker and not yet "
        "acknowledged: running, reserved, or stranded by a crash (kombu's unacked set).",
        value=unacked["messages"])
    yield GaugeMetricFamily(
        "rasad_broker_unacked_oldest_age_seconds", "Seconds since the oldest unacknowledged "
        "message was delivered (0: none); above the visibility timeout, no live worker is "
        "putting stranded work back.", value=unacked["oldest_age_seconds"] or 0.0)


def _retry_families(retries: dict) -> Iterable[GaugeMetricFamily]:
    yield GaugeMetricFamily(
        "rasad_webhook_retries_pending", "Webhook deliveries waiting in rasad:webhooks:retry "
        "for their next attempt (a receiver down for hours keeps some here).",
        value=retries["pending"])
    yield GaugeMetricFamily(
        "rasad_webhook_retry_overdue_seconds", "Seconds the most overdue webhook retry has "
        "been due and not handed back to the webhooks queue (0: none); beat's drainer takes "
        "due retries every few seconds, so minutes here mean it is not running.",
        value=retries["overdue_seconds"])


def _feed_families(states: dict[str, dict]) -> Iterable[GaugeMetricFamily]:
    parked = GaugeMetricFamily("rasad_feed_parked", "1 if the feed is parked after repeated "
                               "failures and no longer polled.", labels=["feed"])
    success = GaugeMetricFamily(
        "rasad_feed_last_success_timestamp_seconds",
        "Unix time of the feed's last successful poll (0: never).", labels=["feed"])
    polled = GaugeMetricFamily(
        "rasad_feed_last_poll_timestamp_seconds",
        "Unix time of the feed's last poll attempt (0: never).", labels=["feed"])
    failures = GaugeMetricFamily(
        "rasad_feed_consecutive_failures", "Failed polls since the feed's last success.",
        labels=["feed"])
    for feed, state in states.items():
        parked.add_metric([feed], 1 if state["parked"] else 0)
        success.add_metric([feed], state["last_success_at"] or 0)
        polled.add_metric([feed], state["last_poll_at"] or 0)
        failures.add_metric([feed], state["consecutive_failures"])
    total = GaugeMetricFamily("rasad_feeds_parked", "Number of configured feeds now parked.")
    total.add_metric([], sum(1 for s in states.values() if s["parked"]))
    return [parked, total, success, polled, failures]


# --- The HTTP endpoint -------------------------------------------------------------------
class ArchiveStateCollector:
    """Gauges read from the archive at scrape time: its size in bytes, its newest article,
    and whether it could be read (worker/archive; SQLite under RASAD_DATA_DIR or
    RASAD_DATABASE_URL).  Also how many writes wait in Redis for it (rasad:archive:pending)."""

    def __init__(self, redis_client_factory: Callable[[], object] | None = None):
        self._redis_factory = redis_client_factory
        self._engine = None

    def collect(self):
        up = GaugeMetricFamily("rasad_archive_up", "1 if the metrics server could read the "
                               "archive database.")
        try:
            families = list(self._families())
        except Exception as exc:  # a scrape must not fail because the database is away
            log.warning("metrics: cannot read the archive: %s", exc)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families

    def _families(self):
        from worker import archive
        from worker.settings import Settings

        if self._engine is None:  # no schema upgrade here: the workers do that, and a
            # scrape must never wait for the database's write lock
            self._engine = archive.get_engine(Settings.from_env(), upgrade=False)
        yield GaugeMetricFamily("rasad_archive_size_bytes", "Bytes the archive database "
                                "takes (SQLite file and WAL, or the PostgreSQL database).",
                                value=archive.size_bytes(self._engine))
        newest = archive.newest(self._engine)["article"]
        yield GaugeMetricFamily(
            "rasad_archive_newest_article_timestamp_seconds", "Unix time the newest archived "
            "article was stored (0: none).",
            value=newest.replace(tzinfo=dt.timezone.utc).timestamp()
            if newest else 0.0)
        if self._redis_factory is not None:
            from worker.archive import pending

            yield GaugeMetricFamily("rasad_archive_pending_records", "Archive writes waiting "
                                    "in Redis (rasad:archive:pending) for the database.",
                                    value=pending.size(self._redis_factory()))


class _TreeCollector(multiprocess.MultiProcessCollector):
    """MultiProcessCollector over ``path/*.db`` and ``path/*/*.db``.

    Process trees that share a host but not a PID namespace (containers) or a start-up
    (systemd units) each write their own subdirectory, so PIDs never collide in one file
    name and a restarting unit wipes only its own files; the metrics server merges them all.
    """

    def collect(self):
        files = glob.glob(os.path.join(self._path, "*.db"))
        files += glob.glob(os.path.join(self._path, "*", "*.db"))
        return self.merge(files, accumulate=True)


class _ProcessMetricsCollector:
    """This host's process metrics: merged mmap files in multiprocess mode, else the default
    registry (tests and single-process runs)."""

    def __init__(self, path: str | None):
        self._multi = _TreeCollector(None, path) if path else None

    def collect(self):
        if self._multi is not None:
            return self._multi.collect()
        return prometheus_client.REGISTRY.collect()


@dataclass
class MetricsServer:
    """A running /metrics endpoint; ``close()`` stops it."""

    host: str
    port: int
    registry: CollectorRegistry
    _httpd: object
    _thread: threading.Thread

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/metrics"

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(5)


def parse_addr(addr: str) -> tuple[str, int]:
    """``HOST:PORT``, ``[v6]:PORT`` or ``:PORT`` (all interfaces) into (host, port)."""
    host, sep, port = addr.rpartition(":")
    if not sep or not port.isdigit():
        raise ValueError(f"metrics address must be HOST:PORT, got {addr!r}")
    host = host.strip("[]") or "0.0.0.0"
    return host, int(port)


def build_registry(*, redis_client_factory: Callable[[], object] | None,
                   feed_ids: Sequence[str]) -> CollectorRegistry:
    """The registry /metrics serves: process metrics plus, with a Redis client factory, the
    Redis state.  Pass ``redis_client_factory=None`` for a per-host worker endpoint when a
    separate ``rasad metrics`` serves the Redis state (one copy of each series)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_ProcessMetricsCollector(multiproc_dir()))
    if redis_client_factory is not None:
        registry.register(RedisStateCollector(redis_client_factory, feed_ids))
        if _archive_enabled():
            registry.register(ArchiveStateCollector(_cached(redis_client_factory)))
    return registry


def _archive_enabled() -> bool:
    from worker.settings import Settings

    try:
        return Settings.from_env().archive_enabled
    except Exception:  # noqa: BLE001 - bad settings are reported by whoever starts the service
        return False


def _cached(factory: Callable[[], object]) -> Callable[[], object]:
    client: list = []

    def get():
        if not client:
            client.append(factory())
        return client[0]
    return get


def start_metrics_server(addr: str = "127.0.0.1:9464", *,
                         redis_client_factory: Callable[[], object] | None,
                         feed_ids: Sequence[str],
                         rule_ids: Sequence[str] = ()) -> MetricsServer:
    """Serve /metrics on ``addr`` from a daemon thread of the calling process.

    Creates the zero series for ``feed_ids``/``rule_ids`` in this process (so they exist even
    before a worker child has written anything).  Port 0 picks a free port (see ``.port``).
    """
    init_series(feed_ids, rule_ids)
    registry = build_registry(redis_client_factory=redis_client_factory, feed_ids=feed_ids)
    host, port = parse_addr(addr)
    httpd, thread = start_http_server(port, addr=host, registry=registry)
    server = MetricsServer(host, httpd.server_address[1], registry, httpd, thread)
    log.info("metrics: serving %s (multiprocess dir: %s)", server.url, multiproc_dir())
    from worker.settings import binds_all_interfaces

    if binds_all_interfaces(addr):  # issue 11: said out loud, not accepted without a word
        log.warning("RASAD_METRICS_ADDR=%s listens on all interfaces: any host that reaches "
                    "this one can read /metrics (feed ids, rule ids, queue depths). Set "
                    "RASAD_METRICS_ADDR=127.0.0.1:%d unless a firewall or a container "
                    "network limits who can connect.", addr, port)
    return server


# --- Stand-alone endpoint: `python -m worker.metrics` ------------------------------------
def _config_ids(path: str | None, key: str) -> list[str]:
    """Ids from feeds.yaml / rules.yaml (``{key: [{id: ...}, ...]}``), for zero series."""
    if not path:
        return []
    import yaml

    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    return [str(item["id"]) for item in data.get(key) or [] if isinstance(item, dict)
            and "id" in item]


def main(argv: Sequence[str] | None = None) -> int:
    """Serve /metrics until SIGTERM: the per-pod sidecar beside a Celery worker container
    (``--no-redis-state``) or the one Redis-state endpoint of a deployment.

    Reads the mmap files of every process tree under ``PROMETHEUS_MULTIPROC_DIR`` (and its
    subdirectories) and, unless told not to, Rasad's state in ``RASAD_REDIS_URL``.
    """
    import argparse
    import signal

    parser = argparse.ArgumentParser(prog="python -m worker.metrics", description=main.__doc__)
    parser.add_argument("--addr", default=os.environ.get("RASAD_METRICS_ADDR", "127.0.0.1:9464"))
    parser.add_argument("--redis-url", default=None,
                        help="default: the one every Rasad process uses (RASAD_REDIS_URL, ...)")
    parser.add_argument("--no-redis-state", action="store_true",
                        help="serve process metrics only (one Redis-state endpoint is enough)")
    parser.add_argument("--feeds", default=os.environ.get("RASAD_FEEDS"))
    parser.add_argument("--rules", default=os.environ.get("RASAD_RULES"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    if multiproc_dir():
        prepare_multiproc_dir(multiproc_dir())
    factory = None
    if not args.no_redis_state:
        from worker.settings import Settings, effective_redis_url

        # The lookup every client shares: RASAD_REDIS_URL(_FILE) + RASAD_REDIS_PASSWORD(_FILE),
        # else the embedded server's port and password files.
        url = args.redis_url or effective_redis_url(Settings.from_env(), required=False)
        if url:
            import redis

            factory = lambda: redis.Redis.from_url(url, socket_timeout=5)  # noqa: E731
    from worker import __version__
    from worker.nlp.ner import model_label

    # Handlers first: a SIGTERM that arrives while the endpoint starts must still stop it
    # cleanly (exit 0), not kill it.
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    set_build_info(__version__, model_label(os.environ.get("RASAD_NER_MODEL", "bundled")))
    server = start_metrics_server(args.addr, redis_client_factory=factory,
                                  feed_ids=_config_ids(args.feeds, "feeds"),
                                  rule_ids=_config_ids(args.rules, "rules"))
    stop.wait()
    server.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
