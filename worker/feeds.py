"""The feed list (``config/feeds.yaml``): strict validation with errors naming file, feed, field.

Feed ids label metrics and Redis keys, so they are restricted to a small safe alphabet and
must be unique; URLs must be http(s).
"""

from __future__ import annotations

import dataclasses
import pathlib
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from worker.errors import ConfigError
from worker.yamlfile import load_list

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_FIELDS = {"id", "url", "name", "lang", "interval", "fulltext", "allow_private"}


@dataclass(frozen=True)
class FeedConfig:
    id: str
    url: str
    name: str
    lang: str = "ar"
    interval: int = 600  # seconds between polls when healthy
    fulltext: bool = False
    allow_private: bool = False

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "FeedConfig":
        return cls(**{k: v for k, v in data.items() if k in _FIELDS})


def load_feeds(path: str | pathlib.Path) -> list[FeedConfig]:
    """Read and validate a feeds file; raise ConfigError naming the file, feed and problem."""
    path = pathlib.Path(path)
    items = load_list(path, "feeds")
    feeds, seen = [], set()
    for index, item in enumerate(items):
        feed = _feed(path, index, item)
        if feed.id in seen:
            raise ConfigError(f"{path}: feed {feed.id!r}: duplicate id")
        seen.add(feed.id)
        feeds.append(feed)
    return feeds


def _feed(path: pathlib.Path, index: int, item: Any) -> FeedConfig:
    where = f"{path}: feed #{index + 1}"
    if not isinstance(item, dict):
        raise ConfigError(f"{where}: expected a mapping, got {type(item).__name__}")
    where = f"{path}: feed {item.get('id', '#' + str(index + 1))!r}"
    unknown = set(item) - _FIELDS
    if unknown:
        raise ConfigError(f"{where}: unknown field(s) {sorted(unknown)}; allowed: {sorted(_FIELDS)}")
    for name in ("id", "url", "name"):
        if not isinstance(item.get(name), str) or not item[name].strip():
            raise ConfigError(f"{where}: '{name}' is required and must be a string")
    if not _ID.match(item["id"]):
        raise ConfigError(f"{where}: id must match {_ID.pattern} (it labels metrics)")
    if urlsplit(item["url"]).scheme not in {"http", "https"}:
        raise ConfigError(f"{where}: url must be http:// or https://, got {item['url']!r}")
    interval = item.get("interval", 600)
    if not isinstance(interval, int) or isinstance(interval, bool) or interval < 1:
        raise ConfigError(f"{where}: interval must be a whole number of seconds >= 1")
    for name in ("fulltext", "allow_private"):
        if not isinstance(item.get(name, False), bool):
            raise ConfigError(f"{where}: {name} must be true or false")
    if item.get("lang", "ar") not in {"ar", "en"}:
        raise ConfigError(f"{where}: lang must be 'ar' or 'en'")
    return FeedConfig.from_dict(item)
