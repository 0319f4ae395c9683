"""Tests for worker.webhooks: Standard Webhooks signing, config validation, delivery to a
real loopback HTTP server, retry classification, backoff and the dead-letter stream."""

from __future__ import annotations

import base64
import http.server
import json
import random
import threading
import time

import httpx
import pytest

from tests.test_deliver import make_alert
from worker.errors import ConfigError, PermanentFetchError, TransientFetchError
from worker.fetch import make_client
from worker.records import Alert
from worker.webhooks import (
    DEAD_LETTER_STREAM,
    Webhook,
    hooks_for,
    load_webhooks,
    record_dead_letter,
    replay_dead_letters,
    send_webhook,
    sign,
    verify,
    webhook_retry_delay_seconds,
)

pytestmark = pytest.mark.integration

SECRET = "whsec_" + base64.b64encode(b"0123456789abcdef0123456789abcdef").decode()


# --- signing ----------------------------------------------------------------------------


def test_sign_matches_the_standard_webhooks_reference_vector():
    # The reference test vector of the standard-webhooks libraries (python/tests.py).
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    assert sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body) == \
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def headers_for(msg_id: str, ts: int, body: bytes, secret: str = SECRET) -> dict[str, str]:
    return {"webhook-id": msg_id, "webhook-timestamp": str(ts),
            "webhook-signature": sign(secret, msg_id, ts, body)}


def test_verify_accepts_a_good_signature():
    now = int(time.time())
    assert verify(SECRET, headers_for("m1", now, b"{}"), b"{}")


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda h, b: (h, b + b" "), id="body-tampered"),
        pytest.param(lambda h, b: ({**h, "webhook-id": "m2"}, b), id="id-changed"),
        pytest.param(lambda h, b: ({**h, "webhook-timestamp": str(int(time.time()) - 3600)}, b),
                     id="timestamp-too-old"),
        pytest.param(lambda h, b: ({k: v for k, v in h.items() if k != "webhook-signature"}, b),
                     id="no-signature"),
        pytest.param(lambda h, b: ({**h, "webhook-signature": "v2," + h["webhook-signature"][3:]}, b),
                     id="unknown-version"),
    ],
)
def test_verify_rejects(change):
    headers, body = change(headers_for("m1", int(time.time()), b"{}"), b"{}")
    assert not verify(SECRET, headers, body)


def test_verify_accepts_any_of_several_signatures_and_any_header_case():
    now = int(time.time())
    good = headers_for("m1", now, b"{}")
    headers = {"Webhook-Id": "m1", "Webhook-Timestamp": str(now),
               "Webhook-Signature": "v1,bm90IGl0 " + good["webhook-signature"]}
    assert verify(SECRET, headers, b"{}")


def test_verify_with_the_wrong_secret_fails():
    other = "whsec_" + base64.b64encode(b"x" * 32).decode()
    assert not verify(other, headers_for("m1", int(time.time()), b"{}"), b"{}")


# --- delivery against a real HTTP server ------------------------------------------------


def hook(url: str, **kw) -> Webhook:
    return Webhook(id="newsroom", url=url, secret=SECRET, allow_private=True, **kw)


@pytest.fixture
def client():
    with make_client() as c:
        yield c


class Receiver:
    """A real webhook receiver on 127.0.0.1: answers POSTs with ``status``/``headers`` after
    ``delay_seconds`` and records each request's headers and body."""

    def __init__(self):
        self.status, self.headers, self.delay_seconds = 200, {}, 0.0
        self.received: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802 (http.server API)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.received.append((dict(self.headers), body))
                time.sleep(receiver.delay_seconds)
                self.send_response(receiver.status)
                for key, value in receiver.headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                pass  # clients that time out on purpose reset the connection

        self.server = Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def respond(self, status: int, headers: dict | None = None, delay_seconds: float = 0.0):
        self.status, self.headers, self.delay_seconds = status, headers or {}, delay_seconds


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.server.shutdown()
    server.server.server_close()


def test_delivery_is_signed_and_verifiable(receiver, client):
    alert = make_alert()
    assert send_webhook(client, hook(receiver.url()), alert) == 200
    [(headers, body)] = receiver.received
    assert verify(SECRET, headers, body)
    lower = {k.lower(): v for k, v in headers.items()}
    assert lower["webhook-id"] == alert.id
    envelope = json.loads(body)
    assert envelope["type"] == "alert.created"
    assert Alert.from_dict(envelope["data"]) == alert
    assert "الفسفور".encode() in body  # UTF-8 JSON, not \u escapes


def test_update_alert_has_the_updated_type(receiver, client):
    receiver.respond(204)
    send_webhook(client, hook(receiver.url()), make_alert(update_of="a:x:s:1:0"))
    assert json.loads(receiver.received[0][1])["type"] == "alert.updated"


def test_retry_resends_the_same_webhook_id(receiver, client):
    alert = make_alert()
    send_webhook(client, hook(receiver.url()), alert)
    send_webhook(client, hook(receiver.url()), alert)
    ids = [{k.lower(): v for k, v in h.items()}["webhook-id"] for h, _ in receiver.received]
    assert ids == [alert.id, alert.id]


@pytest.mark.parametrize(
    "status, headers, error, retry_after",
    [
        pytest.param(500, {}, TransientFetchError, None, id="500-transient"),
        pytest.param(503, {"Retry-After": "120"}, TransientFetchError, 120.0, id="503-retry-after"),
        pytest.param(429, {"Retry-After": "30"}, TransientFetchError, 30.0, id="429-retry-after"),
        pytest.param(408, {}, TransientFetchError, None, id="408-transient"),
        pytest.param(400, {}, PermanentFetchError, None, id="400-permanent"),
        pytest.param(401, {}, PermanentFetchError, None, id="401-permanent"),
        pytest.param(410, {}, PermanentFetchError, None, id="410-permanent"),
        pytest.param(302, {"Location": "http://127.0.0.1:1/x"}, PermanentFetchError, None,
                     id="redirect-not-followed"),
    ],
)
def test_status_classification(receiver, client, status, headers, error, retry_after):
    receiver.respond(status, headers)
    with pytest.raises(error) as info:
        send_webhook(client, hook(receiver.url("/secret-token/hook")), make_alert())
    assert info.value.retry_after_seconds == retry_after
    assert len(receiver.received) == 1  # a redirect is not followed
    # Errors name the hook and host, never the URL path (it often embeds a token).
    assert "newsroom" in str(info.value) and "secret-token" not in str(info.value)


def test_timeout_is_transient(receiver, client, monkeypatch):
    monkeypatch.setattr("worker.webhooks.TIMEOUT", httpx.Timeout(0.2))
    receiver.respond(200, delay_seconds=1.0)
    with pytest.raises(TransientFetchError, match="timeout"):
        send_webhook(client, hook(receiver.url()), make_alert())


def test_connection_refused_is_transient(client):
    from tests.conftest import free_port

    with pytest.raises(TransientFetchError):
        send_webhook(client, hook(f"http://127.0.0.1:{free_port()}/x"), make_alert())


def test_loopback_is_refused_unless_allowed(receiver, client):
    closed = Webhook(id="newsroom", url=receiver.url(), secret=SECRET)
    with pytest.raises(PermanentFetchError, match="private"):
        send_webhook(client, closed, make_alert())
    assert receiver.received == []


# --- backoff ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "attempt, low, high",
    [
        pytest.param(1, 4, 6, id="first-retry-5s"),
        pytest.param(2, 240, 360, id="second-5min"),
        pytest.param(3, 1440, 2160, id="third-30min"),
        pytest.param(4, 2880, 3600, id="fourth-capped-1h"),
        pytest.param(20, 2880, 3600, id="later-capped-1h"),
    ],
)
def test_retry_delay_follows_the_capped_schedule_with_jitter(attempt, low, high):
    delays = {webhook_retry_delay_seconds(attempt, rng=random.Random(i)) for i in range(50)}
    assert all(low <= d <= high for d in delays) and len(delays) > 1


def test_longer_retry_after_wins_within_the_cap():
    assert webhook_retry_delay_seconds(1, retry_after_seconds=90, rng=random.Random(1)) == 90
    assert webhook_retry_delay_seconds(1, retry_after_seconds=10**6) == 3600


# --- dead letters -----------------------------------------------------------------------


def test_dead_letter_keeps_the_alert_and_the_error(redis_client):
    alert = make_alert()
    error = TransientFetchError("webhook newsroom (example.org): HTTP 503")
    assert record_dead_letter(redis_client, hook("https://example.org/h"), alert, error, attempts=8)
    [(_, fields)] = redis_client.xrange(DEAD_LETTER_STREAM)
    assert fields["webhook"] == "newsroom" and fields["alert_id"] == alert.id
    assert fields["error_type"] == "TransientFetchError" and "503" in fields["error"]
    assert fields["attempts"] == "8"
    assert Alert.from_dict(json.loads(fields["alert"])) == alert


def test_dead_letter_is_recorded_once_per_hook_and_alert(redis_client):
    alert = make_alert()
    record_dead_letter(redis_client, hook("https://example.org/h"), alert, "HTTP 500")
    assert not record_dead_letter(redis_client, hook("https://example.org/h"), alert, "HTTP 500")
    assert redis_client.xlen(DEAD_LETTER_STREAM) == 1


# --- config -----------------------------------------------------------------------------


def write(tmp_path, text: str):
    path = tmp_path / "webhooks.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_example_config_loads_empty():
    from tests.conftest import FIXTURES

    assert load_webhooks(FIXTURES.parent.parent / "config" / "webhooks.yaml") == []


def test_loads_secret_env_secret_file_and_inline(tmp_path):
    (tmp_path / "hook.secret").write_text(SECRET + "\n")
    path = write(tmp_path, f"""
webhooks:
  - id: a
    url: https://a.example.org/h
    secret_env: HOOK_A_SECRET
    rules: [phosphorus]
  - id: b
    url: http://127.0.0.1:9/h
    secret_file: hook.secret
    allow_private: true
  - id: c
    url: https://c.example.org/h
    secret: "{SECRET}"
""")
    hooks = load_webhooks(path, env={"HOOK_A_SECRET": SECRET}, known_rules=["phosphorus"])
    assert [(h.id, h.secret, h.rules, h.allow_private) for h in hooks] == [
        ("a", SECRET, ("phosphorus",), False), ("b", SECRET, (), True), ("c", SECRET, (), False)]
    assert [h.id for h in hooks_for(hooks, "baghouz")] == ["b", "c"]
    assert SECRET not in repr(hooks)


@pytest.mark.parametrize(
    "body, problem",
    [
        pytest.param("webhooks: [{id: a, url: 'ftp://x/h', secret: S}]", "webhook a: 'url'", id="bad-scheme"),
        pytest.param("webhooks: [{id: a, url: 'https://x/h'}]", "webhook a: give exactly one", id="no-secret"),
        pytest.param("webhooks: [{id: a, url: 'https://x/h', secret: S, secret_env: E}]",
                     "webhook a: give exactly one", id="two-secrets"),
        pytest.param("webhooks: [{id: a, url: 'https://x/h', secret_env: MISSING}]",
                     "webhook a: environment variable MISSING", id="env-unset"),
        pytest.param("webhooks: [{id: a, url: 'https://x/h', secret_file: nope.txt}]",
                     "webhook a: cannot read secret_file", id="secret-file-missing"),
        pytest.param("webhooks: [{id: a, url: 'https://x/h', secret: 'whsec_c2hvcnQ='}]",
                     "webhook a: secret: secret decodes to 5 bytes", id="secret-too-short"),
        pytest.param("webhooks: [{id: a, url: 'https://x/h', secret: 'whsec_!!!'}]",
                     "webhook a: secret: secret is not valid base64", id="secret-not-base64"),
        pytest.param("webhooks: [{url: 'https://x/h', secret: S}]", "webhook #1: 'id'", id="no-id"),
        pytest.param("webhooks: [{id: a, url: 'https://x/h', secret: S, rule: [x]}]",
                     "webhook a: unknown key(s) rule", id="unknown-key"),
        pytest.param("webhooks: [{id: a, url: 'https://x/h', secret: S, allow_private: 'yes'}]",
                     "webhook a: 'allow_private'", id="allow-private-not-bool"),
        pytest.param("webhooks: [{id: a, url: 'https://x/h', secret: S, rules: [nope]}]",
                     "webhook a: unknown rule(s) nope", id="unknown-rule"),
        pytest.param("webhooks: [{id: a, url: 'https://x/h', secret: S}, {id: a, url: 'https://y/h', secret: S}]",
                     "webhook a: duplicate id", id="duplicate-id"),
        pytest.param("hooks: []", "single key 'webhooks'", id="wrong-top-key"),
        pytest.param("webhooks: [", "invalid YAML", id="bad-yaml"),
    ],
)
def test_config_errors_name_file_webhook_and_problem(tmp_path, body, problem):
    path = write(tmp_path, body.replace("secret: S", f"secret: '{SECRET}'"))
    with pytest.raises(ConfigError) as info:
        load_webhooks(path, env={}, known_rules=["phosphorus"])
    assert str(path) in str(info.value) and problem in str(info.value)


def test_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot read webhooks file"):
        load_webhooks(tmp_path / "absent.yaml")


def test_replay_delivers_dead_letters_and_keeps_failures(redis_client, receiver, client):
    good, gone = hook(receiver.url()), Webhook(id="gone", url="https://x.example/h", secret=SECRET)
    for i in range(3):
        record_dead_letter(redis_client, good, make_alert(id_=f"a{i}"), "HTTP 503")
    record_dead_letter(redis_client, gone, make_alert(id_="a9"), "HTTP 503")
    assert replay_dead_letters(redis_client, client, [good], batch=2) == (3, 1)
    assert [f["alert_id"] for _, f in redis_client.xrange(DEAD_LETTER_STREAM)] == ["a9"]
    sent = [{k.lower(): v for k, v in h.items()}["webhook-id"] for h, _ in receiver.received]
    assert sent == ["a0", "a1", "a2"]
    # Delivered letters may be dead-lettered again later (their marker is gone).
    assert record_dead_letter(redis_client, good, make_alert(id_="a0"), "HTTP 503")


def test_replay_of_a_still_failing_receiver_keeps_the_letter(redis_client, receiver, client):
    receiver.respond(500)
    record_dead_letter(redis_client, hook(receiver.url()), make_alert(), "HTTP 500")
    assert replay_dead_letters(redis_client, client, [hook(receiver.url())]) == (0, 1)
    assert redis_client.xlen(DEAD_LETTER_STREAM) == 1
