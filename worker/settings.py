"""One typed settings object: defaults in code, ``RASAD_*`` environment overrides, checked at
start-up (STYLE.md §6, after miniflux ``config/options.go``).

Units are in the names; secrets can be read from ``<NAME>_FILE``; :meth:`Settings.redacted`
gives the effective settings for the start-up log with secrets hidden.
"""

from __future__ import annotations

import dataclasses
import os
import pathlib
from dataclasses import dataclass, field
from typing import Any, Mapping
from urllib.parse import quote, urlsplit, urlunsplit

from worker.errors import ConfigError

PROJECT_ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_CONFIG_DIR = PROJECT_ROOT / "config"
# The longest countdown any task retries with (worker/tasks.py caps its backoffs at it), and
# slack for a due task waiting for a free pool process: see task_time_limit_seconds.
RETRY_COUNTDOWN_MAX_SECONDS = 60
TIME_LIMIT_SLACK_SECONDS = 30
MIN_VISIBILITY_TIMEOUT_SECONDS = 180  # task limits 90 s hard, 60 s soft
PACKAGED_CONFIG_DIR = pathlib.Path(__file__).resolve().parent / "default_config"


def _default_config(name: str) -> str:
    """config/<name> in a source checkout, else the copy packaged in the wheel."""
    source = DEFAULT_CONFIG_DIR / name
    return str(source if source.exists() else PACKAGED_CONFIG_DIR / name)


@dataclass(frozen=True)
class Settings:
    redis_url: str | None = None  # None: start the embedded Redis under data_dir
    # Applied to redis_url when set: lets compose/Kubernetes/systemd hand the same secret file
    # to Redis and to Rasad (RASAD_REDIS_PASSWORD_FILE) instead of a URL with it inside.
    redis_password: str | None = None
    data_dir: str = str(pathlib.Path.home() / ".local" / "share" / "rasad")
    feeds: str = field(default_factory=lambda: _default_config("feeds.yaml"))
    rules: str = field(default_factory=lambda: _default_config("rules.yaml"))
    webhooks: str = field(default_factory=lambda: _default_config("webhooks.yaml"))
    metrics_addr: str = "127.0.0.1:9464"
    ner_model: str = "bundled"  # bundled | stanza | /path/to/model
    ner_threads: int = 1  # torch threads per process: forked children hang otherwise (DESIGN.md)
    # Add the NER CRF's entities where the tagger found none (worker/nlp/ner_crf.py, issue 9:
    # dev F1 75.2 -> 76.8 at about 60% of the tagger's speed).  Read by worker.nlp.ner from
    # RASAD_NER_CRF, as RASAD_NER_ENGINE; declared here so a bad value fails at start-up.
    ner_crf: bool = True
    # Tag a name's other untagged occurrences within 10 sentences either side (worker/nlp/
    # ner_crf.propagate, issue 9; MODEL_CARD.md).  Read by worker.nlp.ner from
    # RASAD_NER_PROPAGATE; declared here so a bad value fails at start-up.
    ner_propagate: bool = True
    worker_concurrency: int = 2
    # Children of `rasad run`'s poll and alerts worker (worker/service.py): raise it for
    # hundreds of remote feeds, whose polls mostly wait on the network.
    poll_concurrency: int = 2
    http_timeout_seconds: float = 30.0
    http_connect_timeout_seconds: float = 10.0
    http_max_body_bytes: int = 5_000_000
    http_max_decompressed_bytes: int = 20_000_000
    http_max_redirects: int = 5
    http_per_host_concurrency: int = 2
    poll_tick_seconds: float = 5.0  # how often beat asks which feeds are due
    park_after_failures: int = 8
    max_backoff_seconds: int = 6 * 3600
    claim_ttl_seconds: int = 30 * 86400
    story_ttl_seconds: int = 7 * 86400
    story_similarity: float = 0.6
    # How long a taken message may stay unacknowledged before the Redis transport puts it
    # back on its queue (Celery docs, "Redis: visibility timeout"): how late work stranded by
    # a killed worker or a Redis restart comes back (issue 11: with 7200 s, 2 h late).  Task
    # time limits are derived from it (task_time_limit_seconds); 240 s brings stranded work
    # back within about 4 min 10 s of its delivery (docs/scaling.md has the arithmetic).
    visibility_timeout_seconds: int = 240
    # Beat's sweep for work whose message Redis lost between kombu's pop and its unacked
    # record (worker/service.py, sweep_stranded; docs/scaling.md): how often it runs, and
    # how long a claimed entry or webhook delivery must have been without a carrying message
    # (seen so by two sweeps that far apart) before it is sent again.  A lost message's work
    # comes back within about two sweeps; the grace only has to outlast the moments a
    # message is legitimately in no queue (milliseconds: a pop, a hand-over between tasks).
    stranded_sweep_seconds: float = 300.0
    stranded_grace_seconds: float = 120.0
    nlp_batch_size: int = 8
    # Bounded work per article (issue 11).  Text past this many characters is not analysed
    # (cut at a sentence or word end; noted in the record, counted in metrics): 100,000 is
    # about 25 times a long news article and takes about 4 s with the bundled NER model.
    nlp_max_chars: int = 100_000
    # Celery time limits of one nlp batch (Celery docs, "Workers Guide: Time Limits").  Past
    # the soft limit the batch is split and each article tried alone; an article over it
    # alone is kept without entities and events.  The hard limit kills the process.
    nlp_soft_time_limit_seconds: float = 120.0
    nlp_time_limit_seconds: float = 150.0
    # Webhooks run on their own queue and thread pool (issue 11): a receiver that hangs holds
    # one thread of the webhooks worker for this long, never a poll or NLP process.
    webhook_concurrency: int = 8
    webhook_timeout_seconds: float = 15.0  # Svix, the spec's reference, waits 15 s
    alerts_stream_maxlen: int = 100_000
    articles_stream_maxlen: int = 10_000
    # The archive (issue 10, worker/archive/): SQLite at RASAD_DATA_DIR/archive.sqlite3 unless
    # RASAD_DATABASE_URL names a PostgreSQL database (postgresql://user:pass@host/db).
    archive_enabled: bool = True
    database_url: str | None = None
    # Keep each article's analysed text (title and body): `rasad reprocess` and `rasad
    # backtest` need it; without it they say which articles they cannot redo.
    archive_fulltext: bool = True
    archive_retention_days: int = 0  # 0: keep everything; else purged hourly (beat)
    log_level: str = "INFO"
    log_json: bool = False

    SECRETS = ("redis_url", "redis_password", "database_url")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        """Build settings from ``RASAD_<NAME>`` (or ``RASAD_<NAME>_FILE``) variables."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            raw = _read_env(env, "RASAD_" + f.name.upper())
            if raw is not None:
                values[f.name] = _convert(f.name, raw, f.type)
        settings = cls(**values)
        settings.validate()
        return settings

    def validate(self) -> None:
        if self.redis_url and urlsplit(self.redis_url).scheme not in {"redis", "rediss", "unix"}:
            raise ConfigError(f"RASAD_REDIS_URL must be redis://, rediss:// or unix://, got "
                              f"{self.redacted()['redis_url']!r}")
        _host, colon, port = self.metrics_addr.rpartition(":")
        if not colon or not port.isdigit():  # ":9464" (all interfaces) is allowed
            raise ConfigError(f"RASAD_METRICS_ADDR must be HOST:PORT or :PORT, got "
                              f"{self.metrics_addr!r}")
        for name in ("worker_concurrency", "poll_concurrency", "http_max_redirects",
                     "park_after_failures", "nlp_batch_size", "ner_threads",
                     "webhook_concurrency"):
            if getattr(self, name) < 1:
                raise ConfigError(f"RASAD_{name.upper()} must be at least 1")
        if not 0 < self.story_similarity <= 1:
            raise ConfigError("RASAD_STORY_SIMILARITY must be in (0, 1]")
        if self.visibility_timeout_seconds < MIN_VISIBILITY_TIMEOUT_SECONDS:
            raise ConfigError(
                f"RASAD_VISIBILITY_TIMEOUT_SECONDS={self.visibility_timeout_seconds} is below "
                f"{MIN_VISIBILITY_TIMEOUT_SECONDS}: task time limits are derived from it "
                f"(docs/scaling.md); set at least {MIN_VISIBILITY_TIMEOUT_SECONDS} (default 240)")
        self._validate_nlp_bounds()
        if self.webhook_timeout_seconds <= 0:
            raise ConfigError("RASAD_WEBHOOK_TIMEOUT_SECONDS must be above 0")
        if self.stranded_sweep_seconds <= 0:
            raise ConfigError("RASAD_STRANDED_SWEEP_SECONDS must be above 0 (default 300)")
        if self.stranded_grace_seconds < 0:
            raise ConfigError("RASAD_STRANDED_GRACE_SECONDS must be 0 or more (default 120)")
        self._validate_archive()
        if self.redis_password and self.redis_url and urlsplit(self.redis_url).password:
            raise ConfigError("RASAD_REDIS_PASSWORD is set and RASAD_REDIS_URL carries a "
                              "password too; keep one of them")

    def _validate_archive(self) -> None:
        scheme = urlsplit(self.database_url).scheme if self.database_url else ""
        if self.database_url and scheme.split("+")[0] not in {"postgresql", "postgres", "sqlite"}:
            raise ConfigError(f"RASAD_DATABASE_URL must be postgresql://... or sqlite:///PATH, "
                              f"got {self.redacted()['database_url']!r}")
        if self.archive_retention_days < 0:
            raise ConfigError("RASAD_ARCHIVE_RETENTION_DAYS must be 0 (keep everything) or "
                              "a number of days")

    def _validate_nlp_bounds(self) -> None:
        if self.nlp_max_chars < 1000:
            raise ConfigError(f"RASAD_NLP_MAX_CHARS={self.nlp_max_chars} is below 1000: set it "
                              "to at least 1000 (default 100000)")
        if not 0 < self.nlp_soft_time_limit_seconds < self.nlp_time_limit_seconds:
            raise ConfigError(
                f"RASAD_NLP_SOFT_TIME_LIMIT_SECONDS={self.nlp_soft_time_limit_seconds:g} must "
                f"be above 0 and below RASAD_NLP_TIME_LIMIT_SECONDS="
                f"{self.nlp_time_limit_seconds:g}, which leaves time to record the failure")
        if self.nlp_time_limit_seconds > self.task_time_limit_seconds:
            # A message still held (countdown, then the run) at the visibility timeout is
            # handed to another worker (Celery docs, "Redis: visibility timeout"): the batch
            # would run twice.
            raise ConfigError(
                f"RASAD_NLP_TIME_LIMIT_SECONDS={self.nlp_time_limit_seconds:g} must be at most "
                f"RASAD_VISIBILITY_TIMEOUT_SECONDS={self.visibility_timeout_seconds} less "
                f"{RETRY_COUNTDOWN_MAX_SECONDS + TIME_LIMIT_SLACK_SECONDS} s (the longest retry "
                f"countdown and slack): {self.task_time_limit_seconds}; raise the timeout too")

    def redacted(self) -> dict[str, Any]:
        """Effective settings for the start-up log, passwords in URLs hidden."""
        data = dataclasses.asdict(self)
        if data["redis_url"]:
            data["redis_url"] = _redact_url(data["redis_url"])
        if data["redis_password"]:
            data["redis_password"] = "***"
        if data["database_url"]:
            data["database_url"] = _redact_url(data["database_url"])
        return data

    @property
    def task_time_limit_seconds(self) -> int:
        """Hard time limit of every task without one of its own (the soft limit is 30 s less).

        A message stays unacknowledged from its delivery to the end of its task (acks late),
        a retry's through its countdown too, and the Redis transport hands one held past the
        visibility timeout to another worker: so countdown + run + slack must fit in it."""
        return (self.visibility_timeout_seconds - RETRY_COUNTDOWN_MAX_SECONDS
                - TIME_LIMIT_SLACK_SECONDS)

    @property
    def metrics_host_port(self) -> tuple[str, int]:
        host, _, port = self.metrics_addr.rpartition(":")
        return host, int(port)


def _read_env(env: Mapping[str, str], name: str) -> str | None:
    if env.get(name):
        return env[name]
    path = env.get(name + "_FILE")
    if path:
        try:
            return pathlib.Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"{name}_FILE={path}: cannot read: {exc}") from exc
    return None


def _convert(name: str, raw: str, type_: Any) -> Any:
    type_name = str(type_)
    try:
        if type_name == "int":
            return int(raw)
        if type_name == "float":
            return float(raw)
        if type_name == "bool":
            if raw.lower() not in {"1", "0", "true", "false", "yes", "no", "on", "off"}:
                raise ValueError(raw)
            return raw.lower() in {"1", "true", "yes", "on"}
    except ValueError as exc:
        raise ConfigError(f"RASAD_{name.upper()}={raw!r} is not a valid {type_name}") from exc
    return raw


def _redact_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = f"{parts.username or ''}:***@{parts.hostname}"
        if parts.port:
            netloc += f":{parts.port}"
        return urlunsplit(parts._replace(netloc=netloc))
    return url


# --------------------------------------------------------------------------- Redis credentials

# `rasad run` (worker/service.py) keeps its embedded Redis's port and generated password in
# RASAD_DATA_DIR/redis/ (0700; the password file 0600), where every client on the host finds
# them: DESIGN.md "Redis credentials".
EMBEDDED_REDIS_DIR = "redis"
EMBEDDED_PORT_FILE = "port"
EMBEDDED_PASSWORD_FILE = "password"


def embedded_redis_dir(settings: Settings) -> pathlib.Path:
    return pathlib.Path(settings.data_dir).expanduser() / EMBEDDED_REDIS_DIR


def effective_redis_url(settings: Settings, *, required: bool = True) -> str | None:
    """The one Redis URL every client uses: the broker, the workers' client, the CLI.

    ``RASAD_REDIS_URL`` (or ``_FILE``) when set, with ``RASAD_REDIS_PASSWORD`` (or ``_FILE``)
    applied; else the embedded server of ``rasad run``, with the password from its file under
    ``RASAD_DATA_DIR``.  Nothing configured and no embedded server: ConfigError saying what
    to do, or None when not ``required``.
    """
    if settings.redis_url:
        return _with_password(settings.redis_url, settings.redis_password)
    folder = embedded_redis_dir(settings)
    port_file, password_file = folder / EMBEDDED_PORT_FILE, folder / EMBEDDED_PASSWORD_FILE
    if not port_file.exists():
        if not required:
            return None
        raise ConfigError(f"no Redis: set RASAD_REDIS_URL, or start `rasad run` (it starts the "
                          f"embedded Redis and writes {port_file})")
    try:
        port = int(port_file.read_text(encoding="utf-8").strip())
        password = password_file.read_text(encoding="utf-8").strip()
    except FileNotFoundError as exc:
        raise ConfigError(f"{password_file} is missing: restart `rasad run` (it creates the "
                          f"embedded Redis's password) or set RASAD_REDIS_URL") from exc
    except PermissionError as exc:
        raise ConfigError(f"{password_file}: cannot read ({exc.strerror}); run as the user "
                          f"that runs `rasad run`, or set RASAD_REDIS_URL") from exc
    except ValueError as exc:
        raise ConfigError(f"{port_file}: not a port number; restart `rasad run`") from exc
    return _with_password(f"redis://127.0.0.1:{port}/0", password)


def _with_password(url: str, password: str | None) -> str:
    if not password:
        return url
    parts = urlsplit(url)
    netloc = f"{quote(parts.username or '', safe='')}:{quote(password, safe='')}@" + \
        parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=netloc))


def redacted_url(url: str) -> str:
    """``url`` with its password hidden, for logs and messages."""
    return _redact_url(url)


def binds_all_interfaces(addr: str) -> bool:
    """Whether a HOST:PORT listen address (RASAD_METRICS_ADDR) is reachable from other
    hosts: ":PORT", "0.0.0.0:PORT", "[::]:PORT"."""
    host = addr.rpartition(":")[0].strip("[]")
    return host in ("", "0.0.0.0", "::", "*")
