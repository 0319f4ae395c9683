"""Per-feed polling state and schedule: when a feed is next due, backoff, parking.

State lives in the Redis hash ``rasad:feed:<feed_id>`` (fields documented on
:class:`FeedState`; the metrics collector and ``rasad status`` read the same hash).  The
functions here are pure: they take a state and an outcome and return the next state.

Backoff is exponential with full jitter ("Exponential Backoff And Jitter", AWS Architecture
Blog, 2015; dramatiq ``common.compute_backoff``); a server's Retry-After wins when it is
longer (RFC 9110 §10.2.3).  After ``park_after_failures`` consecutive failures, or at once on
a permanent error repeated three times, the feed is parked: it is not polled again until
``rasad unpark`` clears it, and it shows in metrics and ``rasad status``.
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass
from typing import Any, Mapping

FEED_KEY = "rasad:feed:{}"
PERMANENT_PARK_AFTER = 3


@dataclass(frozen=True)
class FeedState:
    name: str = ""
    url: str = ""
    last_poll_at: float = 0.0
    last_outcome: str = ""
    last_success_at: float = 0.0
    last_error: str = ""
    new_entries_last: int = 0
    new_entries_total: int = 0
    entries_seen_total: int = 0
    consecutive_failures: int = 0
    parked: bool = False
    next_check_at: float = 0.0
    etag: str = ""
    last_modified: str = ""

    def to_redis(self) -> dict[str, str]:
        data = dataclasses.asdict(self)
        data["parked"] = "1" if self.parked else "0"
        return {k: str(v) for k, v in data.items()}

    @classmethod
    def from_redis(cls, data: Mapping[str, Any]) -> "FeedState":
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            raw = data.get(f.name)
            if raw is None or raw == "":
                continue
            raw = raw.decode() if isinstance(raw, bytes) else raw
            if f.type == "bool":
                values[f.name] = raw in {"1", "true", "True"}
            elif f.type in {"int", "float"}:
                try:
                    values[f.name] = int(float(raw)) if f.type == "int" else float(raw)
                except ValueError:
                    continue  # a hand-edited hash must not crash the scheduler
            else:
                values[f.name] = raw
        return cls(**values)


def is_due(state: FeedState, now: float) -> bool:
    return not state.parked and state.next_check_at <= now


def backoff_seconds(failures: int, interval: int, max_backoff: int,
                    rng: random.Random | None = None) -> float:
    """Jittered exponential backoff: uniform in [base/2, base], base = interval * 2**(n-1)."""
    rng = rng or random.Random()
    base = min(max_backoff, interval * 2 ** max(failures - 1, 0))
    return rng.uniform(base / 2, base)


def after_success(state: FeedState, *, now: float, interval: int, new_entries: int,
                  seen_entries: int, not_modified: bool, etag: str | None,
                  last_modified: str | None) -> FeedState:
    return dataclasses.replace(
        state, last_poll_at=now, last_success_at=now, last_error="",
        last_outcome="not_modified" if not_modified else "fetched",
        new_entries_last=new_entries, new_entries_total=state.new_entries_total + new_entries,
        entries_seen_total=state.entries_seen_total + seen_entries, consecutive_failures=0,
        next_check_at=now + interval, etag=etag or "", last_modified=last_modified or "",
    )


def after_failure(state: FeedState, *, now: float, interval: int, outcome: str, error: str,
                  transient: bool, retry_after_seconds: float | None, park_after: int,
                  max_backoff: int, rng: random.Random | None = None) -> FeedState:
    failures = state.consecutive_failures + 1
    delay = backoff_seconds(failures, interval, max_backoff, rng)
    if retry_after_seconds is not None:
        delay = max(delay, min(retry_after_seconds, max_backoff))
    parked = failures >= park_after or (not transient and failures >= PERMANENT_PARK_AFTER)
    return dataclasses.replace(
        state, last_poll_at=now, last_outcome="parked" if parked else outcome,
        last_error=error[:500], new_entries_last=0, consecutive_failures=failures,
        parked=parked, next_check_at=now + delay,
    )


def unparked(state: FeedState, now: float) -> FeedState:
    return dataclasses.replace(state, parked=False, consecutive_failures=0, next_check_at=now,
                               last_outcome="unparked")
