"""The embedded Redis of `rasad run` is locked down (issue 11): a generated password in a 0600
file, a 0700 data directory, 0600 AOF/RDB/log, an ACL that denies CONFIG, FLUSHALL and the
other dangerous commands, and every client (worker, CLI) finding the password the same way.

Each test starts the real server through the service code (worker.service.EmbeddedRedis).
"""

from __future__ import annotations

import json
import os
import pathlib
import socket
import subprocess
import sys
import threading

import pytest
import redis

from tests.conftest import free_port
from tests.test_deliver import make_alert
from worker import deliver, schedule
from worker.errors import ConfigError
from worker.service import DENIED_COMMANDS, EmbeddedRedis, ensure_password
from worker.settings import Settings, effective_redis_url

pytestmark = pytest.mark.integration
ROOT = pathlib.Path(__file__).resolve().parents[1]


@pytest.fixture
def locked(tmp_path):
    """A started embedded Redis under tmp_path/data; yields (server, password)."""
    server = EmbeddedRedis(tmp_path / "data" / "redis", free_port()).start()
    try:
        yield server, (tmp_path / "data" / "redis" / "password").read_text().strip()
    finally:
        server.stop()


def raw_command(port: int, line: bytes) -> bytes:
    """One inline command on a bare socket: what any local process could send."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(line + b"\r\n")
        return sock.recv(4096)


def mode(path: pathlib.Path) -> int:
    return path.stat().st_mode & 0o777


# --- refusal -------------------------------------------------------------------------------


@pytest.mark.parametrize("line", [b"PING", b"SET rasad:forged 1", b"XADD rasad:alerts * a b",
                                  b"CONFIG SET dir /tmp"])
def test_an_unauthenticated_client_is_refused(locked, line):
    server, _ = locked
    assert raw_command(server.port, line).startswith(b"-NOAUTH")
    with pytest.raises(redis.AuthenticationError):
        redis.Redis(port=server.port).ping()
    with pytest.raises(redis.AuthenticationError):
        redis.Redis(port=server.port, password="guessed").ping()


@pytest.mark.parametrize("command", [
    pytest.param(("CONFIG", "GET", "dir"), id="config-get"),
    pytest.param(("CONFIG", "SET", "dir", "/tmp"), id="config-set-dir"),
    pytest.param(("FLUSHALL",), id="flushall"),
    pytest.param(("FLUSHDB",), id="flushdb"),
    pytest.param(("SWAPDB", "0", "1"), id="swapdb"),
    pytest.param(("DEBUG", "SLEEP", "0"), id="debug"),
    pytest.param(("MODULE", "LIST"), id="module"),
    pytest.param(("ACL", "SETUSER", "default", "+config"), id="acl"),
    pytest.param(("REPLICAOF", "127.0.0.1", "1"), id="replicaof"),
    pytest.param(("SHUTDOWN", "NOSAVE"), id="shutdown"),
])
def test_the_service_user_may_not_reconfigure_wipe_or_stop_redis(locked, command):
    server, password = locked
    client = redis.Redis(port=server.port, password=password, decode_responses=True)
    client.set("rasad:kept", "1")
    with pytest.raises(redis.exceptions.NoPermissionError):
        client.execute_command(*command)
    assert client.get("rasad:kept") == "1" and client.ping()
    assert client.info("persistence")["aof_enabled"] == 1


# A well-formed call of each denied command (Redis checks the arity before the ACL).
DENIED_CALLS = {
    "config": ("GET", "dir"), "debug": ("SLEEP", "0"), "flushall": (), "flushdb": (),
    "swapdb": ("0", "1"), "module": ("LIST",), "shutdown": ("NOSAVE",), "acl": ("WHOAMI",),
    "replicaof": ("NO", "ONE"), "slaveof": ("NO", "ONE"), "sync": (), "psync": ("?", "-1"),
    "migrate": ("127.0.0.1", "1", "k", "0", "1000"), "failover": (), "monitor": (),
}


def test_every_denied_command_is_denied(locked):
    server, password = locked
    assert set(DENIED_CALLS) == set(DENIED_COMMANDS)
    client = redis.Redis(port=server.port, password=password)
    for name, args in DENIED_CALLS.items():
        with pytest.raises(redis.exceptions.NoPermissionError):
            client.execute_command(name.upper(), *args)


def test_what_the_service_uses_still_works(locked):
    """Streams, pub/sub, Lua, lists and sorted sets: Celery's and Rasad's commands."""
    server, password = locked
    client = redis.Redis(port=server.port, password=password, decode_responses=True)
    alert = make_alert()
    assert deliver.publish_alert(client, alert)
    assert client.xlen(deliver.ALERTS_STREAM) == 1
    client.lpush("poll", "m")
    assert client.brpop(["poll"], timeout=1) == ("poll", "m")
    client.zadd("z", {"m": 1})
    assert client.zrangebyscore("z", 0, 2) == ["m"]


# --- files ---------------------------------------------------------------------------------


def test_password_data_dir_aof_and_rdb_are_private(locked, tmp_path):
    server, password = locked
    data = tmp_path / "data" / "redis"
    client = redis.Redis(port=server.port, password=password)
    client.set("rasad:test", "x")
    client.bgsave()
    _wait_for(lambda: (data / "dump.rdb").exists() and
              client.info("persistence")["rdb_bgsave_in_progress"] == 0)
    assert mode(data) == 0o700
    for name in ("password", "port", "redis.conf", "appendonly.aof", "dump.rdb", "redis.log"):
        assert mode(data / name) == 0o600, name
    assert len(password) >= 40  # token_urlsafe(32): 256 bits
    # Nowhere a local user could read it: not in the config file, not on the command line.
    assert password not in (data / "redis.conf").read_text()
    cmdline = pathlib.Path(f"/proc/{server.proc.pid}/cmdline").read_bytes()
    assert password.encode() not in cmdline


def test_the_password_is_kept_across_restarts_and_so_is_the_data(tmp_path):
    port = free_port()
    data = tmp_path / "data" / "redis"
    server = EmbeddedRedis(data, port).start()
    first = (data / "password").read_text()
    try:
        redis.Redis(port=port, password=first.strip()).set("rasad:test", "محفوظ")
    finally:
        server.stop()
    server = EmbeddedRedis(data, port).start()
    try:
        assert (data / "password").read_text() == first
        client = redis.Redis(port=port, password=first.strip())
        assert client.get("rasad:test").decode() == "محفوظ"
    finally:
        server.stop()


def test_files_an_older_version_left_world_readable_are_tightened(tmp_path):
    data = tmp_path / "data" / "redis"
    data.mkdir(parents=True)
    data.chmod(0o755)
    (data / "appendonly.aof").write_bytes(b"")
    (data / "appendonly.aof").chmod(0o644)
    server = EmbeddedRedis(data, free_port()).start()
    try:
        assert mode(data) == 0o700 and mode(data / "appendonly.aof") == 0o600
    finally:
        server.stop()


def test_concurrent_starts_agree_on_one_password(tmp_path):
    path = tmp_path / "password"
    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(ensure_password(path)))
               for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 1 and mode(path) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["password"]  # no temporary file left


def test_an_empty_password_file_is_a_clear_error(tmp_path):
    (tmp_path / "password").write_text("")
    with pytest.raises(ConfigError, match="password is empty: delete it"):
        ensure_password(tmp_path / "password")


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to act as another local user")
def test_another_local_user_cannot_read_the_password(locked, tmp_path):
    tmp_path.chmod(0o755)
    (tmp_path / "data").chmod(0o755)  # even with the parents open, redis/ (0700) stops them
    result = subprocess.run(["cat", str(tmp_path / "data" / "redis" / "password")],
                            user=65534, group=65534, capture_output=True, text=True, timeout=30)
    assert result.returncode != 0 and "Permission denied" in result.stderr, result


# --- one way to find the credentials -------------------------------------------------------


def test_effective_url_is_the_embedded_server_with_its_password(locked, tmp_path):
    server, password = locked
    settings = Settings(data_dir=str(tmp_path / "data"))
    url = effective_redis_url(settings)
    assert url == f"redis://:{password}@127.0.0.1:{server.port}/0"
    assert redis.Redis.from_url(url).ping()


@pytest.mark.parametrize("settings, expected", [
    pytest.param(Settings(redis_url="redis://db:6379/0"), "redis://db:6379/0", id="url"),
    pytest.param(Settings(redis_url="redis://db:6379/0", redis_password="s3cr/t"),
                 "redis://:s3cr%2Ft@db:6379/0", id="url-and-password-file"),
    pytest.param(Settings(redis_url="rediss://user@db:6380/1", redis_password="pw"),
                 "rediss://user:pw@db:6380/1", id="tls-with-user"),
])
def test_a_configured_url_wins_and_takes_the_password_setting(settings, expected, tmp_path):
    settings = Settings(**{**settings.__dict__, "data_dir": str(tmp_path)})
    assert effective_redis_url(settings) == expected


def test_the_password_file_setting_reads_like_every_other_secret(tmp_path):
    secret = tmp_path / "redis-password"
    secret.write_text("from-a-secret\n")
    settings = Settings.from_env({"RASAD_REDIS_URL": "redis://redis:6379/0",
                                  "RASAD_REDIS_PASSWORD_FILE": str(secret)})
    assert effective_redis_url(settings) == "redis://:from-a-secret@redis:6379/0"
    assert settings.redacted()["redis_password"] == "***"
    with pytest.raises(ConfigError, match="keep one of them"):
        Settings.from_env({"RASAD_REDIS_URL": "redis://:a@redis:6379/0",
                           "RASAD_REDIS_PASSWORD": "b"})


def test_no_redis_at_all_says_what_to_do(tmp_path):
    settings = Settings(data_dir=str(tmp_path))
    with pytest.raises(ConfigError, match="set RASAD_REDIS_URL, or start `rasad run`"):
        effective_redis_url(settings)
    assert effective_redis_url(settings, required=False) is None


# --- the command line against a locked server ----------------------------------------------


def rasad(*args, env, timeout=120):
    return subprocess.run([sys.executable, "-m", "worker.cli", *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=timeout)


@pytest.fixture
def cli_env(locked, tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT), RASAD_DATA_DIR=str(tmp_path / "data"),
               RASAD_NER_MODEL="none")
    for name in ("RASAD_REDIS_URL", "RASAD_REDIS_URL_FILE", "RASAD_REDIS_PASSWORD",
                 "RASAD_REDIS_PASSWORD_FILE"):
        env.pop(name, None)
    return env


def test_status_reads_the_locked_server(locked, cli_env):
    server, password = locked
    client = redis.Redis(port=server.port, password=password, decode_responses=True)
    client.lpush("nlp", "a", "b")
    result = rasad("status", "--json", env=cli_env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["queues"]["nlp"] == 2


def test_subscribe_reads_the_locked_server_and_never_prints_the_password(locked, cli_env):
    server, password = locked
    client = redis.Redis(port=server.port, password=password, decode_responses=True)
    alert = make_alert()
    deliver.publish_alert(client, alert)
    proc = subprocess.Popen([sys.executable, "-m", "worker.cli", "subscribe", "--json",
                             "--from-start"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=cli_env, cwd=ROOT)
    try:
        line = proc.stdout.readline()
    finally:
        proc.terminate()
        _, stderr = proc.communicate(timeout=30)
    assert json.loads(line)["id"] == alert.id
    assert "following rasad:alerts on redis://:***@127.0.0.1" in stderr
    assert password not in stderr


def test_unpark_and_replay_webhooks_use_the_same_credentials(locked, cli_env, tmp_path):
    server, password = locked
    client = redis.Redis(port=server.port, password=password, decode_responses=True)
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds: [{id: f1, name: F, url: 'https://example.org/f.xml'}]")
    state = schedule.FeedState(parked=True, last_outcome="permanent_error")
    client.hset(schedule.FEED_KEY.format("f1"), mapping=state.to_redis())
    result = rasad("unpark", "f1", env=dict(cli_env, RASAD_FEEDS=str(feeds)))
    assert result.returncode == 0 and "unparked" in result.stdout, result.stderr
    assert client.hget(schedule.FEED_KEY.format("f1"), "parked") == "0"
    result = rasad("replay-webhooks", env=cli_env)
    assert result.returncode == 0 and "delivered 0; still failing 0" in result.stdout, \
        result.stderr


def test_a_client_without_the_password_file_is_told_what_to_do(locked, cli_env, tmp_path):
    (tmp_path / "data" / "redis" / "password").rename(tmp_path / "elsewhere")
    result = rasad("status", env=cli_env)
    assert result.returncode == 2
    assert "password is missing: restart `rasad run`" in result.stderr
    assert "Traceback" not in result.stderr


def _wait_for(predicate, timeout=10.0):
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")
