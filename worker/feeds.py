"""The feed list (``config/feeds.yaml``): strict validation with errors naming file, feed, field.

Feed ids label metrics and Redis keys, so they are restricted to a small safe alphabet and
must be unique; URLs must be http(s) (the only schemes worker.fetch fetches) with a host, and
hold only characters a URL may hold (RFC 3986 section 2; non-ASCII letters are allowed as in
an IRI, RFC 3987, and encoded by the HTTP client).
"""

from __future__ import annotations

import dataclasses
import pathlib
import re
import unicodedata
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from worker.errors import ConfigError
from worker.yamlfile import load_list

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_FIELDS = {"id", "url", "name", "lang", "interval", "fulltext", "allow_private"}
# ASCII a URL may not hold as is (RFC 3986 section 2: outside unreserved, reserved and "%"):
# space and other controls, and these.
_URL_FORBIDDEN = set('<>"{}|\\^`')
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_HOST = re.compile(r"^[\w.-]+$")  # a DNS or IDN name, or an IPv4 address


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
    if not items:
        raise ConfigError(f"{path}: no feeds, so nothing would ever be polled; add at least "
                          f"one feed (id, name, url)")
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
    check_url(where, item["url"])
    interval = item.get("interval", 600)
    if not isinstance(interval, int) or isinstance(interval, bool) or interval < 1:
        raise ConfigError(f"{where}: interval must be a whole number of seconds >= 1")
    for name in ("fulltext", "allow_private"):
        if not isinstance(item.get(name, False), bool):
            raise ConfigError(f"{where}: {name} must be true or false")
    if item.get("lang", "ar") not in {"ar", "en"}:
        raise ConfigError(f"{where}: lang must be 'ar' or 'en'")
    return FeedConfig.from_dict(item)


def check_url(where: str, url: str) -> None:
    """A URL worker.fetch can request (feeds, webhooks): ConfigError naming the problem."""
    # Cc/Cf: controls and invisible format marks (U+200F and kin come along when a URL is
    # copied out of Arabic text).
    bad = next((ch for ch in url if ch.isspace() or ch in _URL_FORBIDDEN
                or unicodedata.category(ch) in ("Cc", "Cf")), None)
    if bad is not None:
        raise ConfigError(f"{where}: url {url!r} contains {_describe(bad)}, which a URL "
                          f"cannot hold; percent-encode it (space is %20) or remove it")
    if _BAD_PERCENT.search(url):
        raise ConfigError(f"{where}: url {url!r} has a '%' not followed by two hex digits; "
                          f"write a literal '%' as %25")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not 0-65535
    except ValueError as exc:
        raise ConfigError(f"{where}: url {url!r} is not a valid URL: {exc}") from exc
    if parts.scheme not in {"http", "https"}:
        raise ConfigError(f"{where}: url must be http:// or https://, got {url!r}")
    host = parts.hostname or ""
    if not host:
        raise ConfigError(f"{where}: url {url!r} has no host; write it as "
                          f"{parts.scheme}://HOST/PATH")
    if ":" not in host and not _HOST.match(host):  # ":" only in an IPv6 literal
        raise ConfigError(f"{where}: url {url!r}: {host!r} is not a host name")


def _describe(ch: str) -> str:
    return "a space" if ch == " " else f"the character {ch!r}"
