"""Where the archive lives and how a process opens it: one engine per process and URL,
the schema upgraded (Alembic) on first open.

* SQLite, the embedded default, at ``RASAD_DATA_DIR/archive.sqlite3``: WAL journal (readers
  never block the writer), ``busy_timeout`` so concurrent writers wait instead of failing,
  and every write transaction opened with ``BEGIN IMMEDIATE``, so the Celery pool's processes
  queue for the one write lock up front; a deferred transaction that reads and then writes
  can fail with SQLITE_BUSY regardless of the timeout (sqlite.org/lang_transaction.html,
  sqlite.org/wal.html).  ``synchronous=NORMAL`` in WAL mode survives a killed process (kill
  -9); only a power cut can lose the last commits (sqlite.org/pragma.html#pragma_synchronous).
* PostgreSQL when ``RASAD_DATABASE_URL`` is set, through psycopg 3.

Engines are cached per process id: a Celery child forked from a parent that had opened one
opens its own (SQLAlchemy docs, "Using Connection Pools with Multiprocessing or os.fork()").
"""

from __future__ import annotations

import logging
import os
import pathlib
import threading
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

from worker.settings import Settings

log = logging.getLogger("rasad.archive")
SQLITE_FILE = "archive.sqlite3"
SQLITE_BUSY_TIMEOUT_MS = 30_000
# Serialises concurrent upgrades from several processes on one PostgreSQL database.
PG_UPGRADE_LOCK = 0x72617361  # "rasa"
MIGRATIONS = "worker.archive:migrations"

_ENGINES: dict[tuple[int, str], Engine] = {}
# URLs whose schema this process, or the parent it was forked from, brought up to date: a
# Celery child skips the check its parent made before forking.
_UPGRADED: set[str] = set()
_LOCK = threading.Lock()


def database_url(settings: Settings) -> str:
    """The SQLAlchemy URL: RASAD_DATABASE_URL (postgresql:// goes through psycopg 3), else
    the SQLite file under RASAD_DATA_DIR."""
    if settings.database_url:
        url = make_url(settings.database_url)
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+psycopg")
        return url.render_as_string(hide_password=False)
    path = pathlib.Path(settings.data_dir).expanduser() / SQLITE_FILE
    return f"sqlite:///{path}"


def describe(settings: Settings) -> str:
    """Where the archive is, password hidden, for messages."""
    return make_url(database_url(settings)).render_as_string(hide_password=True)


def get_engine(settings: Settings, *, upgrade: bool = True) -> Engine:
    """This process's engine for the configured archive, created (and the schema upgraded)
    on first use."""
    url = database_url(settings)
    key = (os.getpid(), url)
    with _LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            engine = make_engine(url)
            if upgrade and url not in _UPGRADED:
                upgrade_schema(engine)
                _UPGRADED.add(url)
            _ENGINES[key] = engine
    return engine


def reset_engines() -> None:
    """Forget this process's engines (tests; after fork they are simply not reused)."""
    with _LOCK:
        for (pid, _), engine in list(_ENGINES.items()):
            if pid == os.getpid():
                engine.dispose()
        _ENGINES.clear()


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            pathlib.Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=2, max_overflow=4)


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # The driver's own transaction handling off: _sqlite_begin opens each transaction
    # (SQLAlchemy docs, "Serializable isolation / Savepoints / Transactional DDL" for pysqlite).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in ("journal_mode=WAL", f"busy_timeout={SQLITE_BUSY_TIMEOUT_MS}",
                   "synchronous=NORMAL", "foreign_keys=ON"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def upgrade_schema(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (Alembic), in one transaction; several processes
    starting together take turns (SQLite's write lock, a PostgreSQL advisory lock)."""
    logging.getLogger("alembic").setLevel(logging.WARNING)  # its INFO lines, at each start
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_UPGRADE_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
