"""``rasad status``: per-feed progress read from Redis, as a terminal table or JSON.

Feed state lives in the Redis hashes ``rasad:feed:<id>`` that the poll task writes; queue
depth is the length of Celery's Redis lists; work in flight is kombu's set of delivered,
unacknowledged messages.  The same readers feed the metrics collector
(:mod:`worker.metrics`), so the table and the dashboards never disagree.

Arabic feed names are padded by display width, not by code points, and wrapped in Unicode
isolates (FSI ... PDI, Unicode Bidirectional Algorithm UAX #9 §2.7) so a bidi-aware terminal
does not let right-to-left text pull the neighbouring columns out of order.
"""

from __future__ import annotations

import time
import unicodedata
from typing import Iterable, Mapping, Sequence

FEED_KEY = "rasad:feed:{}"
QUEUES = ("poll", "nlp", "alerts", "webhooks")  # worker.celery_app.QUEUES
# Celery's Redis transport keeps one list per priority step: the queue name for step 0 and
# "<queue>\x06\x16<step>" for the others (kombu/transport/redis.py, PRIORITY_STEPS, sep).
PRIORITY_STEPS = (0, 3, 6, 9)
PRIORITY_SEP = "\x06\x16"
# Messages a worker has taken but not acknowledged (running, reserved, or stranded by a crash)
# are in neither list: kombu's Redis transport keeps each in the hash "unacked" (delivery
# tag -> message) and the sorted set "unacked_index" (delivery tag -> time delivered), and
# puts one back on its queue once it is older than the visibility timeout
# (kombu/transport/redis.py, Channel.unacked_key / unacked_index_key, QoS.restore_visible).
UNACKED_INDEX_KEY = "unacked_index"
# Webhook deliveries waiting to be retried: a sorted set scored by when each is due (worker/
# webhooks.py RETRY_QUEUE; a claimed one is pushed to its lease end).  Kept here as a
# literal so that `rasad status` stays light to import.
WEBHOOK_RETRY_KEY = "rasad:webhooks:retry"

FSI, PDI = "\u2068", "\u2069"
ELLIPSIS = "…"

_INT_FIELDS = ("new_entries_last", "new_entries_total", "entries_seen_total",
               "consecutive_failures")
_TIME_FIELDS = ("last_poll_at", "last_success_at", "next_check_at")


# --- Reading state -----------------------------------------------------------------------
def _text(value) -> str:
    if value is None:
        return ""
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _number(value, kind=float):
    try:
        return kind(float(_text(value))) if _text(value) else None
    except ValueError:
        return None


def parse_feed_state(raw: Mapping) -> dict:
    """A ``rasad:feed:<id>`` hash (bytes or str) as typed values; missing fields are None/0."""
    raw = {_text(k): _text(v) for k, v in raw.items()}
    state = {field: _number(raw.get(field)) for field in _TIME_FIELDS}
    state.update({field: _number(raw.get(field), int) or 0 for field in _INT_FIELDS})
    state["parked"] = raw.get("parked") == "1"
    for field in ("name", "url", "last_outcome", "last_error"):
        state[field] = raw.get(field) or None
    return state


def read_feed_states(redis, feed_ids: Sequence[str]) -> dict[str, dict]:
    """State of each configured feed, in config order, in one round trip."""
    pipe = redis.pipeline(transaction=False)
    for feed_id in feed_ids:
        pipe.hgetall(FEED_KEY.format(feed_id))
    return {feed_id: parse_feed_state(raw or {})
            for feed_id, raw in zip(feed_ids, pipe.execute())}


def queue_depths(redis, queues: Iterable[str] = QUEUES) -> dict[str, int]:
    """Messages waiting per Celery queue, summed over its priority lists."""
    queues = list(queues)
    pipe = redis.pipeline(transaction=False)
    for queue in queues:
        for step in PRIORITY_STEPS:
            pipe.llen(queue if step == 0 else f"{queue}{PRIORITY_SEP}{step}")
    lengths = pipe.execute()
    n = len(PRIORITY_STEPS)
    return {queue: sum(lengths[i * n:(i + 1) * n]) for i, queue in enumerate(queues)}


def unacked_messages(redis, *, now: float | None = None) -> dict:
    """Broker messages taken by a worker and not yet acknowledged: how many, and how long ago
    the oldest was delivered (None when there are none).  Two O(1)/O(log n) reads, whatever
    the messages weigh: their bodies (whole nlp batches) are never fetched."""
    now = time.time() if now is None else now
    pipe = redis.pipeline(transaction=False)
    pipe.zcard(UNACKED_INDEX_KEY)
    pipe.zrange(UNACKED_INDEX_KEY, 0, 0, withscores=True)
    count, oldest = pipe.execute()
    age = max(0.0, now - float(oldest[0][1])) if oldest else None
    return {"messages": int(count), "oldest_age_seconds": age}


def webhook_retries(redis, *, now: float | None = None) -> dict:
    """Webhook deliveries waiting for a retry: how many, when the next is due (seconds from
    now, None when none wait), and how long the most overdue one has been due (0 when none
    is): beat's drainer hands a due retry to the webhooks queue within seconds, so a retry
    overdue for minutes means beat or the drainer is not running."""
    now = time.time() if now is None else now
    pipe = redis.pipeline(transaction=False)
    pipe.zcard(WEBHOOK_RETRY_KEY)
    pipe.zrange(WEBHOOK_RETRY_KEY, 0, 0, withscores=True)
    count, first = pipe.execute()
    due = float(first[0][1]) if first else None
    return {"pending": int(count),
            "next_due_in_seconds": None if due is None else due - now,
            "overdue_seconds": 0.0 if due is None else max(0.0, now - due)}


def entries_in_flight(redis) -> int:
    """Claimed entries not yet through raise_alerts (worker.dedup.IN_FLIGHT_KEY): a few per
    batch while work flows; many that stay mean the nlp or alerts workers are behind or
    down (a start of `rasad run` re-issues those whose work message was lost)."""
    from worker.dedup import IN_FLIGHT_KEY

    return int(redis.hlen(IN_FLIGHT_KEY))


def webhook_deliveries_in_flight(redis) -> int:
    """Webhook deliveries handed to the webhooks queue and not yet delivered or
    dead-lettered (worker.webhooks.IN_FLIGHT_KEY), those waiting for a retry included."""
    from worker.webhooks import IN_FLIGHT_KEY

    return int(redis.hlen(IN_FLIGHT_KEY))


def collect_status(redis, feeds: Sequence[Mapping], *, now: float | None = None) -> dict:
    """Everything ``rasad status`` shows, as plain JSON-ready data."""
    now = time.time() if now is None else now
    states = read_feed_states(redis, [feed["id"] for feed in feeds])
    rows = [_feed_row(feed, states[feed["id"]]) for feed in feeds]
    return {"generated_at": now, "feeds": rows, "totals": _totals(rows),
            "queues": queue_depths(redis), "unacked": unacked_messages(redis, now=now),
            "webhook_retries": webhook_retries(redis, now=now),
            "entries_in_flight": entries_in_flight(redis),
            "webhook_deliveries_in_flight": webhook_deliveries_in_flight(redis)}


def _feed_row(feed: Mapping, state: dict) -> dict:
    row = {"id": feed["id"], "name": feed.get("name") or state["name"] or feed["id"],
           "url": feed.get("url") or state["url"], "lang": feed.get("lang")}
    row.update({k: v for k, v in state.items() if k not in ("name", "url")})
    return row


def _totals(rows: Sequence[dict]) -> dict:
    return {
        "feeds": len(rows),
        "parked": sum(1 for r in rows if r["parked"]),
        "failing": sum(1 for r in rows if r["consecutive_failures"] and not r["parked"]),
        "never_polled": sum(1 for r in rows if r["last_poll_at"] is None),
        "new_entries_total": sum(r["new_entries_total"] for r in rows),
        "entries_seen_total": sum(r["entries_seen_total"] for r in rows),
    }


def status_json(redis, feeds: Sequence[Mapping], *, now: float | None = None) -> dict:
    """``rasad status --json``: the JSON-ready document (``json.dumps`` it)."""
    return collect_status(redis, feeds, now=now)


# --- Display width and bidi --------------------------------------------------------------
def char_width(char: str) -> int:
    """Terminal columns for one code point: 0 for combining marks (Arabic tashkeel) and
    format characters (isolates, ZWJ), 2 for East Asian wide/fullwidth, else 1."""
    if unicodedata.category(char) in ("Mn", "Me", "Cf") or unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def display_width(text: str) -> int:
    return sum(char_width(c) for c in text)


def truncate(text: str, width: int) -> str:
    """Cut ``text`` to at most ``width`` columns, marking the cut with an ellipsis."""
    if display_width(text) <= width:
        return text
    out, used = [], 0
    for char in text:
        w = char_width(char)
        if used + w > width - 1:
            break
        out.append(char)
        used += w
    return "".join(out) + ELLIPSIS


def has_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


def isolate(text: str) -> str:
    """Wrap right-to-left text in FSI...PDI so it cannot reorder the rest of the line."""
    return f"{FSI}{text}{PDI}" if has_rtl(text) else text


def pad(text: str, width: int) -> str:
    """Truncate and left-align ``text`` in ``width`` columns, isolating RTL runs."""
    cut = truncate(text, width)
    return isolate(cut) + " " * (width - display_width(cut))


# --- Rendering ---------------------------------------------------------------------------
def relative_time(ts: float | None, now: float) -> str:
    """'2 min ago', 'in 30 s', 'never' (None), 'now' (within a second)."""
    if ts is None:
        return "never"
    delta = ts - now
    if abs(delta) < 1:
        return "now"
    text = _span(abs(delta))
    return f"in {text}" if delta > 0 else f"{text} ago"


def _span(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{int(seconds // size)} {unit}"
    return f"{int(seconds)} s"


_COLUMNS = (("ID", 16), ("FEED", 24), ("LAST POLL", 11), ("OUTCOME", 15),
            ("NEW last/total", 14), ("PARKED", 6), ("NEXT CHECK", 11), ("LAST ERROR", 40))
_COLORS = {"fetched": "32", "not_modified": "32", "transient_error": "33",
           "parse_error": "31", "permanent_error": "31", "parked": "31;1"}


def _cells(row: dict, now: float) -> list[str]:
    next_check = "parked" if row["parked"] else relative_time(row["next_check_at"], now)
    if not row["parked"] and row["next_check_at"] is not None and row["next_check_at"] <= now:
        next_check = "due"
    return [row["id"], row["name"], relative_time(row["last_poll_at"], now),
            row["last_outcome"] or "-",
            f"{row['new_entries_last']}/{row['new_entries_total']}",
            "yes" if row["parked"] else "no", next_check,
            (row["last_error"] or "").replace("\n", " ")]


def _line(cells: Sequence[str], colors: Sequence[str | None] = ()) -> str:
    parts = []
    for i, (cell, (_, width)) in enumerate(zip(cells, _COLUMNS)):
        text = pad(cell, width)
        color = colors[i] if i < len(colors) else None
        parts.append(f"\x1b[{color}m{text}\x1b[0m" if color else text)
    return "  ".join(parts).rstrip()


def render_status(redis, feeds: Sequence[Mapping], *, now: float | None = None,
                  color: bool = False) -> str:
    """The ``rasad status`` table: one line per feed, then totals and queue depths."""
    data = collect_status(redis, feeds, now=now)
    now = data["generated_at"]
    lines = [_line([title for title, _ in _COLUMNS], ["1"] * len(_COLUMNS) if color else ())]
    for row in data["feeds"]:
        outcome_color = _COLORS.get(row["last_outcome"] or "") if color else None
        parked_color = "31;1" if color and row["parked"] else None
        lines.append(_line(_cells(row, now),
                           [None, None, None, outcome_color, None, parked_color]))
    lines += ["", _totals_line(data["totals"]), _queues_line(data["queues"]),
              _unacked_line(data["unacked"]), _retries_line(data["webhook_retries"]),
              f"entries in flight (claimed, not yet alerted): {data['entries_in_flight']}",
              "webhook deliveries in flight (not yet delivered or dead-lettered): "
              f"{data['webhook_deliveries_in_flight']}"]
    return "\n".join(lines) + "\n"


def _totals_line(totals: dict) -> str:
    return (f"feeds: {totals['feeds']}  parked: {totals['parked']}  "
            f"failing: {totals['failing']}  never polled: {totals['never_polled']}  "
            f"new entries: {totals['new_entries_total']}  "
            f"entries seen: {totals['entries_seen_total']}")


def _queues_line(queues: dict) -> str:
    return "queues: " + "  ".join(f"{name} {depth}" for name, depth in queues.items())


def _retries_line(retries: dict) -> str:
    if not retries["pending"]:
        return "webhook retries waiting: 0"
    line = f"webhook retries waiting: {retries['pending']}, "
    if retries["overdue_seconds"] > 60:
        return line + (f"the oldest due {_span(retries['overdue_seconds'])} ago: is beat "
                       f"running? (it hands due retries back to the webhooks queue)")
    return line + f"next due in {_span(max(retries['next_due_in_seconds'], 0.0))}"


def _unacked_line(unacked: dict) -> str:
    # Stranded work (a worker killed, Redis restarted) shows here and nowhere else: it has
    # left its queue and comes back only after RASAD_VISIBILITY_TIMEOUT_SECONDS.
    if not unacked["messages"]:
        return "in flight (taken, not acknowledged): 0"
    return (f"in flight (taken, not acknowledged): {unacked['messages']}, oldest taken "
            f"{_span(unacked['oldest_age_seconds'])} ago (back on its queue once older than "
            f"RASAD_VISIBILITY_TIMEOUT_SECONDS, if its worker is gone)")
