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
from urllib.parse import urlsplit, urlunsplit

from worker.errors import ConfigError

PROJECT_ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_CONFIG_DIR = PROJECT_ROOT / "config"
PACKAGED_CONFIG_DIR = pathlib.Path(__file__).resolve().parent / "default_config"


def _default_config(name: str) -> str:
    """config/<name> in a source checkout, else the copy packaged in the wheel."""
    source = DEFAULT_CONFIG_DIR / name
    return str(source if source.exists() else PACKAGED_CONFIG_DIR / name)


@dataclass(frozen=True)
class Settings:
    redis_url: str | None = None  # None: start the embedded Redis under data_dir
    data_dir: str = str(pathlib.Path.home() / ".local" / "share" / "rasad")
    feeds: str = field(default_factory=lambda: _default_config("feeds.yaml"))
    rules: str = field(default_factory=lambda: _default_config("rules.yaml"))
    webhooks: str = field(default_factory=lambda: _default_config("webhooks.yaml"))
    metrics_addr: str = "127.0.0.1:9464"
    ner_model: str = "bundled"  # bundled | stanza | /path/to/model
    ner_threads: int = 1  # torch threads per process: forked children hang otherwise (DESIGN.md)
    worker_concurrency: int = 2
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
    # Above the longest task AND the longest retry countdown (webhook backoff caps at 1 h):
    # the Redis transport redelivers an ETA task held longer than this (Celery docs,
    # "Redis: visibility timeout").
    visibility_timeout_seconds: int = 7200
    nlp_batch_size: int = 8
    alerts_stream_maxlen: int = 100_000
    articles_stream_maxlen: int = 10_000
    log_level: str = "INFO"
    log_json: bool = False

    SECRETS = ("redis_url",)

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
        for name in ("worker_concurrency", "http_max_redirects", "park_after_failures",
                     "nlp_batch_size", "ner_threads"):
            if getattr(self, name) < 1:
                raise ConfigError(f"RASAD_{name.upper()} must be at least 1")
        if not 0 < self.story_similarity <= 1:
            raise ConfigError("RASAD_STORY_SIMILARITY must be in (0, 1]")

    def redacted(self) -> dict[str, Any]:
        """Effective settings for the start-up log, passwords in URLs hidden."""
        data = dataclasses.asdict(self)
        if data["redis_url"]:
            data["redis_url"] = _redact_url(data["redis_url"])
        return data

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
