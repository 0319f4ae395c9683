"""Structured logging with stable keys bound once per task (STYLE.md §9, after structlog's
``contextvars``): ``feed_id``, ``entry_id``, ``task_id`` are added to every record logged
while they are bound.  Output is ``key=value`` text, or one JSON object per line with
``RASAD_LOG_JSON=1``.  Arabic values are written as-is (UTF-8) and wrapped in Unicode
first-strong isolates in text mode so mixed RTL/LTR log lines keep their order.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import sys
from typing import Any, Iterator

_CONTEXT: contextvars.ContextVar[dict[str, Any]] = contextvars.ContextVar("rasad_log", default={})
# Celery's task-trace records carry a `data` dict that repeats the message: leave it out.
_RESERVED = set(vars(logging.makeLogRecord({}))) | {"data"}


@contextlib.contextmanager
def bound(**keys: Any) -> Iterator[None]:
    """Bind keys to every log record emitted inside the block."""
    token = _CONTEXT.set({**_CONTEXT.get(), **{k: v for k, v in keys.items() if v is not None}})
    try:
        yield
    finally:
        _CONTEXT.reset(token)


def isolate(value: str) -> str:
    """Wrap text containing Arabic in FSI…PDI (Unicode UAX #9) so it cannot reorder the line."""
    return f"\u2068{value}\u2069" if any("\u0600" <= c <= "\u06ff" for c in value) else value


class _Formatter(logging.Formatter):
    def __init__(self, as_json: bool):
        super().__init__()
        self.as_json = as_json

    def format(self, record: logging.LogRecord) -> str:
        fields = {"ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"), "level": record.levelname,
                  "logger": record.name, "msg": record.getMessage()}
        fields.update(_CONTEXT.get())
        fields.update({k: v for k, v in vars(record).items() if k not in _RESERVED
                       and not k.startswith("_") and k not in {"message", "asctime"}})
        if record.exc_info:
            fields["exc"] = self.formatException(record.exc_info)
        if self.as_json:
            return json.dumps(fields, ensure_ascii=False, default=str)
        head = f"{fields.pop('ts')} {fields.pop('level'):<7} {fields.pop('logger')}: " \
               f"{isolate(str(fields.pop('msg')))}"
        exc = fields.pop("exc", None)
        tail = " ".join(f"{k}={isolate(_quote(v))}" for k, v in fields.items())
        return f"{head} {tail}".rstrip() + (f"\n{exc}" if exc else "")


def _quote(value: Any) -> str:
    text = str(value)
    return json.dumps(text, ensure_ascii=False) if (" " in text or not text) else text


def setup(level: str = "INFO", as_json: bool = False) -> None:
    """Configure the root logger once (idempotent)."""
    root = logging.getLogger()
    if any(getattr(h, "_rasad", False) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Formatter(as_json))
    handler._rasad = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level.upper())
    for noisy in ("httpx", "httpcore", "stanza", "urllib3"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
