"""The archive (issue 10): every processed article, its entities and events, and every
alert, stored durably in SQL so history can be searched, exported and replayed.

* :mod:`.schema` the tables; :mod:`.migrations` their Alembic revisions (upgraded on open);
* :mod:`.database` where the archive is (SQLite under RASAD_DATA_DIR, or PostgreSQL with
  RASAD_DATABASE_URL) and one engine per process;
* :mod:`.writer` the one write path (idempotent), :mod:`.pending` writes kept in Redis
  while the database is away;
* :mod:`.query` ``rasad events`` / ``rasad articles``; :mod:`.backtest`;
  :mod:`.reprocess`.
"""

from __future__ import annotations

import datetime as dt
import pathlib
from typing import Any

from sqlalchemy import Engine, func, select, text
from sqlalchemy.engine import make_url

from worker.archive.database import describe, get_engine
from worker.archive.schema import alerts, articles
from worker.archive.writer import counts

__all__ = ["get_engine", "describe", "size_bytes", "summary"]


def size_bytes(engine: Engine) -> int:
    """Bytes the archive takes: the SQLite file with its WAL, or the PostgreSQL database."""
    url = make_url(str(engine.url))
    if url.get_backend_name() == "sqlite":
        path = pathlib.Path(url.database or "")
        return sum(p.stat().st_size for p in (path, path.with_name(path.name + "-wal"))
                   if p.exists())
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar())


def newest(engine: Engine) -> dict[str, dt.datetime | None]:
    with engine.connect() as conn:
        return {"article": conn.execute(select(func.max(articles.c.processed_at))).scalar(),
                "alert": conn.execute(select(func.max(alerts.c.created_at))).scalar()}


def summary(engine: Engine) -> dict[str, Any]:
    """What ``rasad status`` shows about the archive: rows, bytes, newest rows (UTC)."""
    with engine.connect() as conn:
        rows = counts(conn)
    latest = newest(engine)
    return {"database": engine.url.render_as_string(hide_password=True),
            "size_bytes": size_bytes(engine), "rows": rows,
            "newest_article_at": _iso(latest["article"]),
            "newest_alert_at": _iso(latest["alert"])}


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") + "Z" if value else None
