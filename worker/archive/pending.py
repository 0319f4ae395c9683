"""Records the archive could not take yet, kept in Redis until it can.

An archive write that fails (database down, disk full, lock timeout) must not cost the
pipeline the article: the NLP task still publishes it and raises its alerts, and the record
waits in the stream ``rasad:archive:pending``.  The beat task ``rasad.archive_drain``
(worker/tasks.py) writes what waits there every ARCHIVE_DRAIN_SECONDS; writes are
idempotent, so an entry written twice (a drain killed before its XDEL) is stored once.
The task is not retried instead: a retry would redo the NLP and hold the batch's alerts
back for as long as the database is away.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Mapping

PENDING_STREAM = "rasad:archive:pending"
# Far above what a database outage of a day piles up at a few thousand articles a day; past
# it the oldest are trimmed (the alert and article streams still hold them).
PENDING_MAXLEN = 1_000_000
ARTICLES, ALERT = "articles", "alert"


def push(redis, kind: str, payload: Any) -> None:
    """Keep one write for later: ``kind`` ARTICLES (a list of article records) or ALERT
    (``{"alert": Alert.to_dict(), "kind": "new"|"update"}``)."""
    redis.xadd(PENDING_STREAM, {"kind": kind, "payload": json.dumps(payload, ensure_ascii=False)},
               maxlen=PENDING_MAXLEN, approximate=True)


def size(redis) -> int:
    return int(redis.xlen(PENDING_STREAM))


def drain(redis, write: Callable[[str, Any], None], *, limit: int = 500) -> int:
    """Hand up to ``limit`` waiting writes to ``write(kind, payload)``, oldest first, and
    drop each one it took; stops at the first failure (the database is still away) and
    raises it.  Returns how many were written."""
    done = 0
    for stream_id, fields in redis.xrange(PENDING_STREAM, count=limit):
        fields = _text(fields)
        write(fields["kind"], json.loads(fields["payload"]))
        redis.xdel(PENDING_STREAM, stream_id)
        done += 1
    return done


def _text(fields: Mapping) -> dict[str, str]:
    return {(k.decode() if isinstance(k, bytes) else k): (v.decode() if isinstance(v, bytes)
                                                          else v) for k, v in fields.items()}
