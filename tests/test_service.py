"""The embedded Redis of `rasad run`: AOF persistence under the data dir."""

import redis

from tests.conftest import free_port
from worker.service import EmbeddedRedis


def test_embedded_redis_persists_across_restarts_with_aof(tmp_path):
    port = free_port()
    server = EmbeddedRedis(tmp_path / "redis", port).start()
    try:
        client = redis.Redis(port=port)
        assert client.config_get("appendonly")["appendonly"] == "yes"
        assert client.config_get("appendfsync")["appendfsync"] == "everysec"
        client.set("rasad:test", "محفوظ")
    finally:
        server.stop()
    server = EmbeddedRedis(tmp_path / "redis", port).start()
    try:
        assert redis.Redis(port=port).get("rasad:test").decode() == "محفوظ"
        assert (tmp_path / "redis" / "port").read_text() == str(port)
    finally:
        server.stop()
