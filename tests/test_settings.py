"""Settings: RASAD_* overrides, *_FILE secrets, validation, redaction."""

import pytest

from worker.errors import ConfigError
from worker.settings import Settings


def test_defaults_and_overrides():
    s = Settings.from_env({"RASAD_METRICS_ADDR": "127.0.0.1:9999", "RASAD_PARK_AFTER_FAILURES": "3",
                           "RASAD_LOG_JSON": "true"})
    assert s.metrics_addr == "127.0.0.1:9999" and s.park_after_failures == 3 and s.log_json
    assert Settings.from_env({}).metrics_addr == "127.0.0.1:9464"
    assert Settings.from_env({}).redis_url is None
    assert Settings.from_env({"RASAD_METRICS_ADDR": ":9464"}).metrics_host_port == ("", 9464)


def test_secret_from_file_and_redacted(tmp_path):
    secret = tmp_path / "url"
    secret.write_text("redis://:hunter2@db:6379/0\n")
    s = Settings.from_env({"RASAD_REDIS_URL_FILE": str(secret)})
    assert s.redis_url == "redis://:hunter2@db:6379/0"
    assert "hunter2" not in str(s.redacted())


@pytest.mark.parametrize("env, message", [
    pytest.param({"RASAD_PARK_AFTER_FAILURES": "many"}, "not a valid int", id="bad-int"),
    pytest.param({"RASAD_METRICS_ADDR": "9464"}, "HOST:PORT", id="bad-addr"),
    pytest.param({"RASAD_REDIS_URL": "http://x"}, "redis://", id="bad-scheme"),
    pytest.param({"RASAD_LOG_JSON": "maybe"}, "bool", id="bad-bool"),
    pytest.param({"RASAD_REDIS_URL_FILE": "/nonexistent/x"}, "cannot read", id="missing-file"),
    pytest.param({"RASAD_POLL_CONCURRENCY": "0"}, "RASAD_POLL_CONCURRENCY must be at least 1",
                 id="no-poll-children"),
])
def test_bad_settings_name_the_variable(env, message):
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)
