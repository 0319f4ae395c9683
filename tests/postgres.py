"""A throwaway PostgreSQL server for the archive tests: Debian's postgresql package
(/usr/lib/postgresql/<version>/bin), started by the test session on a loopback port with its
data and socket in a temporary directory, stopped at the end.

initdb and postgres refuse to run as root, and CI runs as root: there they run as the
unprivileged ``postgres`` user (the Debian package creates it), the child switching user
before it executes them (``subprocess`` ``user=``/``group=``), with the temporary directory
handed to that user.  No runuser in between: the server must be the process the test
signals, or stopping it would leave it running.  Without the binaries, or as root without that
user, the PostgreSQL tests are skipped with the reason.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
import uuid

import pytest

from tests.conftest import free_port

PG_USER = "postgres"  # the system account Debian's package creates
DB_USER = "rasad"  # the database superuser initdb creates (trust auth on loopback only)


def pg_bin() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return os.path.dirname(found[-1]) if found else None


class PostgresServer:
    def __init__(self):
        self.bin = pg_bin()
        self.root = tempfile.mkdtemp(prefix="rasad-pg-")
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.as_user: dict = {}
        if os.geteuid() == 0:
            user = pwd.getpwnam(PG_USER)
            os.chown(self.root, user.pw_uid, user.pw_gid)
            self.as_user = {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": [],
                            "env": {"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8"}}

    def start(self) -> "PostgresServer":
        data = os.path.join(self.root, "data")
        subprocess.run([f"{self.bin}/initdb", "-D", data, "-U", DB_USER, "--auth=trust",
                        "-E", "UTF8", "--no-locale"], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, cwd=self.root, **self.as_user)
        self.proc = subprocess.Popen(
            [f"{self.bin}/postgres", "-D", data, "-p", str(self.port),
                           "-c", "listen_addresses=127.0.0.1",
                           "-c", f"unix_socket_directories={self.root}",
                           "-c", "fsync=off", "-c", "full_page_writes=off"],
            stdout=subprocess.DEVNULL, stderr=open(os.path.join(self.root, "log"), "wb"),
            cwd=self.root, **self.as_user)
        self._wait()
        return self

    def _wait(self, timeout: float = 30.0) -> None:
        import psycopg

        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                psycopg.connect(self.dsn("postgres"), connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.1)
        raise RuntimeError(f"postgres did not start: {self.log()[-2000:]}")

    def log(self) -> str:
        try:
            with open(os.path.join(self.root, "log"), encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def dsn(self, database: str) -> str:
        return f"postgresql://{DB_USER}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh empty database; returns its URL."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.dsn("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.dsn(name)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # "fast" shutdown: clients are cut off
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        shutil.rmtree(self.root, ignore_errors=True)


def skip_reason() -> str | None:
    if pg_bin() is None:
        return "PostgreSQL binaries not installed (Debian package postgresql; .ci/run installs it)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(PG_USER)
        except KeyError:
            return (f"running as root and no '{PG_USER}' user to run initdb/postgres as "
                    "(initdb refuses root)")
    return None


@pytest.fixture(scope="session")
def postgres_server():
    reason = skip_reason()
    if reason:
        pytest.skip(reason)
    server = PostgresServer().start()
    yield server
    server.stop()
