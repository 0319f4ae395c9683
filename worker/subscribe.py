"""Follow alerts from the Redis stream ``rasad:alerts``, catching up on what was missed.

The stream is the durable record (DESIGN.md: pub/sub alone is at-most-once), so the
subscriber reads only the stream: ``XREAD BLOCK`` from the last id it has shown, which it
keeps per subscriber name in ``rasad:subscriber:<name>:last_id``.  A first run starts at
"now" (the newest entry) unless ``from_start`` replays everything still in the stream.

The blocking read holds the socket silent for up to ``block_ms``, so the client's socket
timeout must be longer than that (:func:`read_timeout_seconds`): redis-py 8 times socket
reads out after 5 s by default, which with a 5 s block made a healthy but quiet Redis look
like an outage every few seconds (issue 11, item 6).  An empty read is the idle case; only
a refused or timed-out command is an outage, reported once, retried with backoff, and its
end reported.

Also here: :func:`make_snippet` (the highlighted excerpt stored in each alert) and
:func:`format_alert` (one alert as a readable block, or one JSON line).  Arabic values are
wrapped in Unicode directional isolates (UAX #9, "Explicit Directional Isolates") so
terminals and logs that implement bidi do not scramble mixed Arabic/Latin lines.
"""

from __future__ import annotations

import contextlib
import inspect
import json
import logging
import re
import threading
import time
from typing import Iterator

import redis as redis_lib

from worker.deliver import ALERTS_STREAM
from worker.errors import RecordError
from worker.records import Alert

log = logging.getLogger(__name__)

SUBSCRIBER_KEY = "rasad:subscriber:{}:last_id"
RECONNECT_MIN_SECONDS, RECONNECT_MAX_SECONDS = 0.5, 30.0
BLOCK_MS = 5000  # how long one XREAD waits for new alerts before asking again
# The reading client's socket timeout is the block plus this: room for a slow network or a
# busy server before a read counts as an outage.  redis-py applies socket_timeout to every
# read, blocking commands included (measured with redis-py 8.1.0: XREAD BLOCK 5000 on its
# default 5 s timeout raised "Timeout reading from socket" on most quiet reads), while Redis
# answers a BLOCK that saw nothing with a null reply only when the block ends (Redis docs,
# XREAD "Blocking for data").
READ_SLACK_SECONDS = 10.0
MARK_OPEN, MARK_CLOSE, ELLIPSIS = "«", "»", "…"
RLI, FSI, PDI = "\u2067", "\u2068", "\u2069"
_RTL = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_LTR = re.compile(r"[A-Za-z\u00c0-\u024f]")
_SPACES = re.compile(r"\s+")


# --------------------------------------------------------------------------- following


def read_timeout_seconds(block_ms: int = BLOCK_MS) -> float:
    """The socket timeout for a client that follows alerts with ``block_ms`` blocking reads."""
    return block_ms / 1000 + READ_SLACK_SECONDS


def follow_alerts(
    redis, *, rule: str | None = None, from_start: bool = False, name: str = "default",
    block_ms: int = BLOCK_MS, stop: threading.Event | None = None, count: int = 100,
) -> Iterator[Alert]:
    """Yield alerts: first those this subscriber missed, then new ones as they arrive.

    The position is saved once the consumer has taken an alert (it asks for the next one,
    or closes the generator), so an alert is shown at least once even if the subscriber
    dies mid-way.  ``rule`` filters by rule id; ``stop`` ends the loop within ``block_ms``.
    The client's socket timeout must be longer than ``block_ms`` (build it with
    ``socket_timeout=read_timeout_seconds(block_ms)``); ValueError otherwise.  Lost
    connections are retried with backoff (the position is in Redis, so nothing is lost).
    """
    _check_socket_timeout(redis, block_ms)
    key = SUBSCRIBER_KEY.format(name)
    last_id = _start_id(redis, key, from_start)
    while not (stop and stop.is_set()):
        batch = _read(redis, last_id, count, block_ms, stop)
        for _stream, entries in batch:
            for entry_id, fields in entries:
                last_id = entry_id
                alert = _decode(entry_id, fields, rule)
                if alert is not None:
                    try:
                        yield alert
                    except GeneratorExit:
                        _save(redis, key, entry_id)
                        raise
                _save(redis, key, entry_id)


def _check_socket_timeout(redis, block_ms: int) -> None:
    timeout = _socket_timeout(redis)
    if timeout is not None and timeout <= block_ms / 1000:
        raise ValueError(f"the Redis client's socket timeout ({timeout} s) must be longer than "
                         f"the {block_ms} ms blocking read, or every quiet read fails as a "
                         f"timeout; build it with socket_timeout=read_timeout_seconds("
                         f"{block_ms})")


def _socket_timeout(redis) -> float | None:
    """The timeout the client's connections get: the pool's setting, else redis-py's own
    default (5 s in redis-py 8, read from the installed version)."""
    kwargs = redis.connection_pool.connection_kwargs
    if "socket_timeout" in kwargs:
        return kwargs["socket_timeout"]
    init = inspect.signature(redis_lib.connection.AbstractConnection.__init__)
    return init.parameters["socket_timeout"].default


def _read(redis, last_id: str, count: int, block_ms: int, stop: threading.Event | None):
    """One XREAD BLOCK.  Nothing new within ``block_ms`` is the idle case: [] at once, no
    log, no backoff.  While Redis is unreachable (a restart of `rasad run`) say so once,
    retry with capped exponential backoff, and say when it is back; [] if stopped
    meanwhile."""
    delay, down_since = RECONNECT_MIN_SECONDS, None
    while True:
        try:
            batch = redis.xread({ALERTS_STREAM: last_id}, count=count, block=block_ms) or []
        except (redis_lib.ConnectionError, redis_lib.TimeoutError) as exc:
            if down_since is None:
                down_since = time.monotonic()
                log.warning("redis unavailable; retrying until it is back", extra={
                    "error": str(exc), "retry_max_delay_seconds": RECONNECT_MAX_SECONDS})
            else:
                log.debug("redis still unavailable", extra={
                    "error": str(exc), "retry_delay_seconds": delay})
            if (stop or threading.Event()).wait(delay):
                return []
            delay = min(delay * 2, RECONNECT_MAX_SECONDS)
            continue
        if down_since is not None:
            log.info("redis reachable again; catching up", extra={
                "outage_seconds": round(time.monotonic() - down_since, 1)})
        return batch


def _start_id(redis, key: str, from_start: bool) -> str:
    if from_start:
        return "0-0"
    saved = redis.get(key)
    if saved:
        _warn_if_trimmed(redis, saved)
        return saved
    newest = redis.xrevrange(ALERTS_STREAM, count=1)
    start = newest[0][0] if newest else "0-0"
    redis.set(key, start)  # remember "now", so time away from here on is caught up
    return start


def _warn_if_trimmed(redis, saved: str) -> None:
    oldest = redis.xrange(ALERTS_STREAM, count=1)
    if oldest and _id_tuple(oldest[0][0]) > _id_tuple(saved):
        log.warning("alerts stream was trimmed while away; some alerts are gone",
                    extra={"last_seen_id": saved, "oldest_id": oldest[0][0]})


def _id_tuple(stream_id: str) -> tuple[int, int]:
    ms, _, seq = stream_id.partition("-")
    return int(ms), int(seq or 0)


def _decode(entry_id: str, fields: dict[str, str], rule: str | None) -> Alert | None:
    if rule is not None and fields.get("rule") != rule:
        return None
    try:
        return Alert.from_dict(json.loads(fields["alert"]))
    except (KeyError, ValueError, TypeError, RecordError) as exc:
        log.warning("skipping undecodable alert", extra={"stream_id": entry_id, "error": str(exc)})
        return None


def _save(redis, key: str, entry_id: str) -> None:
    with contextlib.suppress(redis_lib.RedisError):
        redis.set(key, entry_id)


# --------------------------------------------------------------------------- formatting


def isolate(text: str) -> str:
    """Wrap ``text`` in a directional isolate when it holds Arabic (or Hebrew) letters: RLI
    when right-to-left letters dominate, else FSI; PDI closes it.  Latin-only text is
    returned unchanged."""
    if not text or not _RTL.search(text):
        return text
    rtl, ltr = len(_RTL.findall(text)), len(_LTR.findall(text))
    return (RLI if rtl >= ltr else FSI) + text + PDI


def format_alert(alert: Alert, *, as_json: bool) -> str:
    """One alert for the terminal: a readable block, or one JSON line (UTF-8, not escaped)."""
    if as_json:
        return json.dumps(alert.to_dict(), ensure_ascii=False, separators=(",", ":"))
    lines = [_header(alert), "  " + isolate(alert.title)]
    if alert.snippet:
        lines.append("  " + isolate(alert.snippet))
    figures = _figures(alert)
    if figures:
        lines.append("  " + figures)
    if alert.url:
        lines.append("  " + alert.url)
    return "\n".join(lines)


def _header(alert: Alert) -> str:
    kind = "UPDATE " if alert.update_of else ""
    parts = [f"[{alert.severity.upper()}] {kind}{alert.rule}", isolate(alert.feed_id)]
    parts.append(alert.published or "published: unknown")
    return " · ".join(parts)


def _figures(alert: Alert) -> str:
    out = []
    previous = alert.previous or {}
    for name in ("killed", "injured"):
        value = (alert.casualties or {}).get(name)
        if value is None:
            continue
        was = previous.get(name)
        changed = was is not None and was != value
        out.append(f"{name} {value}" + (f" (was {was})" if changed else ""))
    return " · ".join(out)


def make_snippet(text: str, spans: list[tuple[int, int]], width: int = 160) -> str:
    """About ``width`` characters of ``text`` around the first match, every match inside
    marked «…», cut at word boundaries, whitespace collapsed, "…" where text was cut."""
    spans = _merge(spans, len(text))
    if not spans:
        return _collapse(text[:width]) + (ELLIPSIS if len(text) > width else "")
    start, end = _window(text, spans[0], width)
    pieces, pos = [], start
    for s, e in spans:
        s, e = max(s, start), min(e, end)
        if s >= e:
            continue
        pieces += [text[pos:s], MARK_OPEN, text[s:e], MARK_CLOSE]
        pos = e
    pieces.append(text[pos:end])
    body = _collapse("".join(pieces))
    return (ELLIPSIS if start > 0 else "") + body + (ELLIPSIS if end < len(text) else "")


def _merge(spans: list[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for s, e in sorted((max(0, s), min(e, length)) for s, e in spans):
        if s >= e:
            continue
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


def _window(text: str, first: tuple[int, int], width: int) -> tuple[int, int]:
    """A window of ``width`` around the first match (the whole match if it is longer),
    shrunk to whole words."""
    s, e = first
    room = max(width - (e - s), 0)
    start = max(0, s - room // 2)
    end = min(len(text), max(e, start + width))
    start = max(0, min(start, end - width, s))
    while 0 < start < s and not text[start - 1].isspace():
        start += 1
    while e < end < len(text) and not text[end].isspace():
        end -= 1
    return start, end


def _collapse(text: str) -> str:
    return _SPACES.sub(" ", text).strip()

