"""Tests for worker.webhooks: Standard Webhooks signing, config validation, delivery to a
real loopback HTTP server, retry classification, backoff, retries kept in Redis and drained
by beat, the dead-letter stream, and (with `rasad run`) a hanging receiver that delays
neither polling nor NLP."""

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
    RETRY_QUEUE,
    WEBHOOK_MAX_ATTEMPTS,
    Webhook,
    claim_due_retries,
    hooks_for,
    load_webhooks,
    pending_retries,
    record_dead_letter,
    replay_dead_letters,
    retry_dispatched,
    schedule_retry,
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
        pytest.param("webhooks: [{id: a, url: 'http://', secret: S}]", "has no host", id="no-host"),
        pytest.param("webhooks: [{id: a, url: 'https://x/a hook', secret: S}]", "a space",
                     id="space-in-url"),
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


# --- retries wait in Redis, not in countdown messages -------------------------------------


def test_a_retry_waits_in_redis_until_due_then_is_claimed_once(redis_client):
    alert = make_alert().to_dict()
    schedule_retry(redis_client, "newsroom", alert, 2, due_at=1000.0)
    assert claim_due_retries(redis_client, now=999.0) == []
    [due] = claim_due_retries(redis_client, now=1000.5)
    assert (due.hook_id, due.alert, due.attempt) == ("newsroom", alert, 2)
    # Leased: a second drainer, or the next tick, does not take it again.
    assert claim_due_retries(redis_client, now=1001.0) == []
    retry_dispatched(redis_client, due)
    assert pending_retries(redis_client) == 0


def test_a_claimed_retry_comes_back_if_its_task_was_never_enqueued(redis_client):
    schedule_retry(redis_client, "newsroom", make_alert().to_dict(), 2, due_at=1000.0)
    assert claim_due_retries(redis_client, now=1000.0, lease_seconds=60)
    assert claim_due_retries(redis_client, now=1059.0) == []
    assert len(claim_due_retries(redis_client, now=1060.0)) == 1


def test_scheduling_the_same_attempt_twice_keeps_one_entry(redis_client):
    """A redelivered task that fails again schedules the same attempt: one retry, not two."""
    alert = make_alert().to_dict()
    schedule_retry(redis_client, "newsroom", alert, 3, due_at=1000.0)
    schedule_retry(redis_client, "newsroom", dict(reversed(list(alert.items()))), 3,
                   due_at=1002.0)
    assert pending_retries(redis_client) == 1
    schedule_retry(redis_client, "newsroom", alert, 4, due_at=1003.0)
    assert pending_retries(redis_client) == 2


def test_an_undecodable_retry_is_dropped_not_retried_forever(redis_client):
    redis_client.zadd(RETRY_QUEUE, {"not json": 1.0})
    assert claim_due_retries(redis_client, now=2.0) == []
    assert pending_retries(redis_client) == 0


# --- the tasks: Celery eager, real Redis, real receiver ------------------------------------


@pytest.fixture
def hook_tasks(monkeypatch, tmp_path, redis_url, redis_client, receiver):
    """worker.tasks with one webhook ``newsroom`` pointing at ``receiver``."""
    path = tmp_path / "webhooks.yaml"
    path.write_text(f"webhooks: [{{id: newsroom, url: '{receiver.url()}', secret: '{SECRET}',"
                    " allow_private: true}]")
    monkeypatch.setenv("RASAD_REDIS_URL", redis_url)
    monkeypatch.setenv("RASAD_WEBHOOKS", str(path))
    monkeypatch.setenv("RASAD_NER_MODEL", "none")
    monkeypatch.setenv("RASAD_WEBHOOK_TIMEOUT_SECONDS", "2")
    from worker import runtime, tasks
    from worker.celery_app import app

    runtime.reset_runtime()
    monkeypatch.setitem(app.conf, "task_always_eager", True)
    monkeypatch.setitem(app.conf, "task_eager_propagates", True)
    yield tasks
    runtime.reset_runtime()


def _retries(redis_client) -> list[tuple[dict, float]]:
    return [(json.loads(m), score)
            for m, score in redis_client.zrange(RETRY_QUEUE, 0, -1, withscores=True)]


def test_a_transient_failure_schedules_the_next_attempt_on_the_documented_backoff(
        hook_tasks, receiver, redis_client):
    receiver.respond(503)
    alert = make_alert()
    before = time.time()
    assert hook_tasks.send_webhook.apply(args=["newsroom", alert.to_dict()]).get() == 0
    [(retry, due)] = _retries(redis_client)
    assert retry == {"webhook": "newsroom", "alert": alert.to_dict(), "attempt": 2}
    assert before + 4 <= due <= time.time() + 6  # 5 s ± 20%: the spec's first step
    assert redis_client.xlen(DEAD_LETTER_STREAM) == 0


def test_a_long_retry_after_is_kept_in_redis_past_any_visibility_timeout(
        hook_tasks, receiver, redis_client):
    receiver.respond(429, {"Retry-After": "3000"})
    hook_tasks.send_webhook.apply(args=["newsroom", make_alert().to_dict(), 3]).get()
    [(retry, due)] = _retries(redis_client)
    assert retry["attempt"] == 4 and due == pytest.approx(time.time() + 3000, abs=5)


def test_a_hanging_receiver_is_given_up_on_after_the_webhook_timeout(
        hook_tasks, receiver, redis_client):
    receiver.respond(200, delay_seconds=4)
    started = time.monotonic()
    hook_tasks.send_webhook.apply(args=["newsroom", make_alert().to_dict()]).get()
    assert time.monotonic() - started < 3.5  # RASAD_WEBHOOK_TIMEOUT_SECONDS=2
    assert _retries(redis_client)[0][0]["attempt"] == 2


@pytest.mark.parametrize("status, attempt", [
    pytest.param(503, WEBHOOK_MAX_ATTEMPTS, id="last-attempt"),
    pytest.param(404, 1, id="permanent-at-once"),
])
def test_the_last_attempt_or_a_permanent_error_is_dead_lettered(
        hook_tasks, receiver, redis_client, status, attempt):
    receiver.respond(status)
    hook_tasks.send_webhook.apply(args=["newsroom", make_alert().to_dict(), attempt]).get()
    [(_, fields)] = redis_client.xrange(DEAD_LETTER_STREAM)
    assert fields["attempts"] == str(attempt) and str(status) in fields["error"]
    assert pending_retries(redis_client) == 0


def test_the_drain_task_sends_what_is_due_and_leaves_the_rest(hook_tasks, receiver,
                                                              redis_client):
    due, later = make_alert(id_="a:due"), make_alert(id_="a:later")
    schedule_retry(redis_client, "newsroom", due.to_dict(), 2, due_at=time.time() - 1)
    schedule_retry(redis_client, "newsroom", later.to_dict(), 2, due_at=time.time() + 600)
    assert hook_tasks.drain_webhook_retries.apply().get() == 1
    sent = [{k.lower(): v for k, v in h.items()}["webhook-id"] for h, _ in receiver.received]
    assert sent == ["a:due"]
    assert [r["alert"]["id"] for r, _ in _retries(redis_client)] == ["a:later"]


# --- deliveries in flight, and the start-up sweep that re-issues a lost one ------------------


def _in_flight(redis_client) -> dict[str, dict]:
    from worker.webhooks import IN_FLIGHT_KEY

    return {k: json.loads(v) for k, v in redis_client.hgetall(IN_FLIGHT_KEY).items()}


def test_a_delivery_stays_in_flight_through_its_retries_until_delivered(
        hook_tasks, receiver, redis_url, redis_client):
    """Recorded until a 2xx, kept (at the next attempt) while a retry waits; a retry whose
    drained message is lost is found by the start-up sweep and sent at the attempt it had
    reached."""
    from unittest import mock

    from worker.service import requeue_stranded
    from worker.settings import Settings
    from worker.webhooks import track_delivery

    alert = make_alert()
    track_delivery(redis_client, "newsroom", alert.to_dict())  # as raise_alerts does
    receiver.respond(503)
    hook_tasks.send_webhook.apply(args=["newsroom", alert.to_dict()]).get()
    assert _in_flight(redis_client) == {
        f"newsroom:{alert.id}": {"webhook": "newsroom", "alert": alert.to_dict(), "attempt": 2}}
    settings = Settings(redis_url=redis_url)
    assert requeue_stranded(redis_url, settings) == 0  # waiting in the retry set

    redis_client.zadd(RETRY_QUEUE, {m: 0 for m in redis_client.zrange(RETRY_QUEUE, 0, -1)})
    with mock.patch.object(hook_tasks.send_webhook, "apply_async") as lost:
        assert hook_tasks.drain_webhook_retries.apply().get() == 1
    assert lost.call_count == 1 and pending_retries(redis_client) == 0
    assert len(_in_flight(redis_client)) == 1  # the drained message is lost: the record is not

    assert requeue_stranded(redis_url, settings) == 1
    [raw] = redis_client.lrange("webhooks", 0, -1)
    redis_client.delete("webhooks")
    message = json.loads(raw)
    args = json.loads(base64.b64decode(message["body"]))[0]
    assert message["headers"]["task"] == "rasad.send_webhook"
    assert args == ["newsroom", alert.to_dict(), 2]
    receiver.respond(200)
    received_before = len(receiver.received)
    assert hook_tasks.send_webhook.apply(args=args).get() == 200
    assert len(receiver.received) == received_before + 1
    assert _in_flight(redis_client) == {} and pending_retries(redis_client) == 0


def test_a_dead_lettered_or_unconfigured_delivery_leaves_the_record(
        hook_tasks, receiver, redis_client):
    from worker.webhooks import track_delivery

    dead, orphan = make_alert(id_="a:dead"), make_alert(id_="a:orphan")
    track_delivery(redis_client, "newsroom", dead.to_dict())
    track_delivery(redis_client, "gone", orphan.to_dict())
    receiver.respond(404)
    hook_tasks.send_webhook.apply(args=["newsroom", dead.to_dict()]).get()
    assert redis_client.xlen(DEAD_LETTER_STREAM) == 1
    hook_tasks.send_webhook.apply(args=["gone", orphan.to_dict()]).get()
    assert _in_flight(redis_client) == {}


def test_a_redelivered_raise_alerts_keeps_the_attempt_a_retry_reached(redis_client):
    from worker.webhooks import retry_delivery, track_delivery

    alert = make_alert()
    retry_delivery(redis_client, "newsroom", alert.to_dict(), 5, due_at=time.time() + 60)
    track_delivery(redis_client, "newsroom", alert.to_dict())
    assert _in_flight(redis_client)[f"newsroom:{alert.id}"]["attempt"] == 5


def test_the_start_up_sweep_reissues_only_deliveries_nothing_carries(redis_url, redis_client):
    """Carried by a queued send_webhook message, by one held in ``unacked``, or waiting in
    the retry set (due, later, or leased to a drainer): left alone.  Dead-lettered: leaves
    the record.  Only the delivery nothing carries is sent again, once."""
    from worker.celery_app import make_app
    from worker.service import requeue_stranded
    from worker.settings import Settings
    from worker.webhooks import IN_FLIGHT_KEY, retry_delivery, track_delivery

    alerts = {name: make_alert(id_=f"a:{name}")
              for name in ("queued", "held", "due", "later", "leased", "dead", "lost")}
    for alert in alerts.values():
        track_delivery(redis_client, "newsroom", alert.to_dict())
    now = time.time()
    retry_delivery(redis_client, "newsroom", alerts["due"].to_dict(), 2, due_at=now - 5)
    retry_delivery(redis_client, "newsroom", alerts["later"].to_dict(), 3, due_at=now + 600)
    retry_delivery(redis_client, "newsroom", alerts["leased"].to_dict(), 2, due_at=now - 5)
    claim_due_retries(redis_client, now, limit=1)  # one of the due two leased (no message)
    record_dead_letter(redis_client, hook("http://127.0.0.1:9/"), alerts["dead"], "HTTP 404")

    settings = Settings(redis_url=redis_url)
    app = make_app(settings)
    app.send_task("rasad.send_webhook", args=("newsroom", alerts["held"].to_dict(), 1))
    app.send_task("rasad.send_webhook", args=("newsroom", alerts["queued"].to_dict()))
    app.close()
    raw = redis_client.rpop("webhooks")  # taken (the oldest) and recorded, as QoS.append does
    assert json.loads(base64.b64decode(json.loads(raw)["body"]))[0][1]["id"] == "a:held"
    redis_client.hset("unacked", "tag-1", json.dumps([json.loads(raw), "webhooks", "webhooks"]))
    redis_client.zadd("unacked_index", {"tag-1": 1.0})

    assert requeue_stranded(redis_url, settings) == 1
    sent = [json.loads(base64.b64decode(json.loads(m)["body"]))[0]
            for m in redis_client.lrange("webhooks", 0, -1)]
    assert sorted(args[1]["id"] for args in sent) == ["a:lost", "a:queued"]
    assert [args for args in sent if args[1]["id"] == "a:lost"] == \
        [["newsroom", alerts["lost"].to_dict(), 1]]
    assert set(redis_client.hkeys(IN_FLIGHT_KEY)) == \
        {f"newsroom:a:{n}" for n in ("queued", "held", "due", "later", "leased", "lost")}
    assert requeue_stranded(redis_url, settings) == 0  # now queued: not sent a second time


def test_webhooks_have_their_own_queue_and_a_beat_tick():
    from worker.celery_app import WEBHOOK_QUEUE, WEBHOOK_RETRY_TICK_SECONDS, app

    routes = app.conf.task_routes
    assert routes["rasad.send_webhook"]["queue"] == WEBHOOK_QUEUE
    assert routes["rasad.drain_webhook_retries"]["queue"] == WEBHOOK_QUEUE
    assert WEBHOOK_QUEUE not in {routes[t]["queue"] for t in routes
                                 if t not in ("rasad.send_webhook", "rasad.drain_webhook_retries")}
    tick = next(e for e in app.conf.beat_schedule.values()
                if e["task"] == "rasad.drain_webhook_retries")
    assert tick["schedule"] == WEBHOOK_RETRY_TICK_SECONDS <= 1.0


def test_the_every_second_tick_logs_only_when_it_hands_retries_over(caplog):
    """Celery's own INFO lines, from its own loggers and format strings, once per tick."""
    import logging

    from celery.app.trace import LOG_RECEIVED, LOG_SUCCESS

    from worker.celery_app import DRAIN_TASK

    def record(logger: str, message: str, args) -> None:
        log = logging.getLogger(logger)
        log.info(message, args) if isinstance(args, dict) else log.info(message, *args)

    base = {"id": "t1", "runtime": 0.001, "args": "()", "kwargs": "{}"}
    with caplog.at_level(logging.INFO):
        record("celery.beat", "Scheduler: Sending due task %s (%s)",
               ("webhook-retries", DRAIN_TASK))
        record("celery.worker.strategy", LOG_RECEIVED, {**base, "name": DRAIN_TASK})
        record("celery.app.trace", LOG_SUCCESS, {**base, "name": DRAIN_TASK,
                                                 "return_value": "0"})
        record("celery.app.trace", LOG_SUCCESS, {**base, "name": DRAIN_TASK,
                                                 "return_value": "2"})
        record("celery.app.trace", LOG_SUCCESS, {**base, "name": "rasad.send_webhook",
                                                 "return_value": "204"})
    assert [r.getMessage().split("]")[-1] for r in caplog.records] == [
        " succeeded in 0.001s: 2", " succeeded in 0.001s: 204"]


# --- `rasad run`: a hanging receiver delays nothing else ------------------------------------

HANG_TIMEOUT_SECONDS = 20  # RASAD_WEBHOOK_TIMEOUT_SECONDS in the test below
RETRY_AFTER_SECONDS = 7
SECOND_ARTICLE = {
    "title": "قصف بقذائف فوسفورية على أطراف بلدة في ريف إدلب الجنوبي",
    "link": "https://example.org/news/idlib-1", "guid": "idlib-1",
    "pubDate": "Sun, 03 Mar 2019 08:00:00 GMT",
    "description": "أفاد ناشطون بأن طائرات حربية ألقت قذائف فوسفورية على الأراضي الزراعية "
                   "المحيطة بالبلدة فجر الأحد، وأشعلت حرائق في بساتين الزيتون.",
}


@pytest.mark.timeout(300)
def test_a_hanging_receiver_delays_neither_polling_nor_nlp_and_retries_run_on_time(
        tmp_path, http_server, seed_text):
    """`rasad run` (worker for poll/nlp/alerts with 2 processes, the webhooks worker, beat)
    with two receivers on 127.0.0.1: ``slow`` hangs on every alert (4 deliveries, more than
    the 2 worker processes), ``flaky`` answers 503 with Retry-After: 7 once per alert, then
    204.  While the slow deliveries hang, a second feed's article is polled, analysed and
    alerted; each flaky retry, due exactly 7 s after its failure (the Retry-After is longer
    than the first backoff step, 5 s ± 20%), arrives close to on time."""
    import os
    import signal
    import subprocess

    import redis as redis_lib

    from tests.conftest import free_port
    from tests.test_acceptance import RASAD, ROOT, rss, seed_items
    from worker.settings import Settings, effective_redis_url

    release = threading.Event()
    slow_started: list[float] = []
    flaky: dict[str, list[float]] = {}

    def slow(h):
        h.rfile.read(int(h.headers["Content-Length"]))
        slow_started.append(time.time())
        release.wait(HANG_TIMEOUT_SECONDS + 10)
        h._send(204, {}, b"")

    def flaky_hook(h):
        h.rfile.read(int(h.headers["Content-Length"]))
        times = flaky.setdefault(h.headers["webhook-id"], [])
        times.append(time.time())
        h._send(*((503, {"Retry-After": str(RETRY_AFTER_SECONDS)}) if len(times) == 1
                  else (204, {})), b"")

    a, _ = seed_items(seed_text)
    http_server.route("/a.xml", 200, {"Content-Type": "application/rss+xml"}, rss([a]))
    http_server.route("/b.xml", 200, {"Content-Type": "application/rss+xml"}, rss([]))
    http_server.route("/slow", slow)
    http_server.route("/flaky", flaky_hook)
    feeds, hooks = tmp_path / "feeds.yaml", tmp_path / "webhooks.yaml"
    feeds.write_text(
        "feeds:\n"
        f"  - {{id: feed-a, name: أ, url: '{http_server.url('/a.xml')}', interval: 2,"
        " allow_private: true}\n"
        f"  - {{id: feed-b, name: ب, url: '{http_server.url('/b.xml')}', interval: 2,"
        " allow_private: true}\n", encoding="utf-8")
    hooks.write_text(
        "webhooks:\n"
        f"  - {{id: slow, url: '{http_server.url('/slow')}', secret: '{SECRET}',"
        " allow_private: true}\n"
        f"  - {{id: flaky, url: '{http_server.url('/flaky')}', secret: '{SECRET}',"
        " rules: [phosphorus], allow_private: true}\n")
    env = dict(os.environ, RASAD_DATA_DIR=str(tmp_path / "data"), RASAD_FEEDS=str(feeds),
               RASAD_WEBHOOKS=str(hooks), RASAD_NER_MODEL="none",
               RASAD_EMBEDDED_REDIS_PORT=str(free_port()), RASAD_POLL_TICK_SECONDS="1",
               RASAD_METRICS_ADDR=f"127.0.0.1:{free_port()}", RASAD_WORKER_CONCURRENCY="2",
               RASAD_WEBHOOK_TIMEOUT_SECONDS=str(HANG_TIMEOUT_SECONDS), PYTHONPATH=str(ROOT))
    for name in ("RASAD_REDIS_URL", "PROMETHEUS_MULTIPROC_DIR"):
        env.pop(name, None)
    log = (tmp_path / "rasad.log").open("w")
    service = subprocess.Popen(RASAD + ["run"], env=env, cwd=ROOT, stdout=log,
                               stderr=subprocess.STDOUT)
    try:
        # The seed article's 3 alerts: 3 slow deliveries hanging at once (2 worker processes
        # could not hold 3), and 1 flaky one.
        _wait(lambda: len(slow_started) >= 3, 150, "3 hanging deliveries", service, tmp_path)
        hang_began = slow_started[2]
        http_server.route("/b.xml", 200, {"Content-Type": "application/rss+xml"},
                          rss([SECOND_ARTICLE]))
        served_b = time.time()
        client = redis_lib.Redis.from_url(
            effective_redis_url(Settings(data_dir=str(tmp_path / "data"))),
            decode_responses=True)

        def feed_b_alert() -> bool:
            return any(f.get("rule") == "phosphorus" and "idlib" in f.get("alert", "")
                       for _, f in client.xrange("rasad:alerts"))
        _wait(feed_b_alert, 60, "feed-b's alert", service, tmp_path)
        alerted_b = time.time()
        _wait(lambda: len(flaky) == 2 and all(len(t) == 2 for t in flaky.values()), 60,
              "both flaky retries", service, tmp_path)
        still_hanging = not release.is_set() and time.time() < hang_began + HANG_TIMEOUT_SECONDS
        release.set()
        late = [times[1] - times[0] - RETRY_AFTER_SECONDS for times in flaky.values()]
        print(f"\nwhile {len(slow_started)} deliveries hung: feed-b polled to alert in "
              f"{alerted_b - served_b:.1f}s; retries due after {RETRY_AFTER_SECONDS}s ran "
              f"{', '.join(f'{x:.2f}' for x in late)}s late")
        assert alerted_b < hang_began + HANG_TIMEOUT_SECONDS, \
            "feed-b's alert waited for the hanging webhooks"
        assert alerted_b - served_b < 12  # feed interval 2 s + poll tick 1 s + NLP
        assert all(-0.1 <= x <= 2.5 for x in late), late  # beat tick 1 s + queue hops
        assert still_hanging
    finally:
        release.set()
        service.send_signal(signal.SIGINT)
        try:
            code = service.wait(90)
        except subprocess.TimeoutExpired:
            service.kill()
            code = None
        log.close()
    assert code == 0, (tmp_path / "rasad.log").read_text()[-3000:]


def _wait(predicate, timeout: float, what: str, service, tmp_path) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        if service.poll() is not None:
            break
        time.sleep(0.1)
    pytest.fail(f"{what}: not within {timeout:.0f}s; rasad run log:\n"
                + (tmp_path / "rasad.log").read_text()[-3000:])
