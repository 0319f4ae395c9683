"""Signed webhook delivery of alerts, per the Standard Webhooks specification.

Spec: https://www.standardwebhooks.com (``spec/standard-webhooks.md``).  Each POST carries
``webhook-id`` (the alert id: receivers deduplicate on it, so our retries are safe),
``webhook-timestamp`` (Unix seconds) and ``webhook-signature`` (``v1,<base64 HMAC-SHA256
of "{id}.{timestamp}.{body}">``) keyed with the secret ``whsec_<base64>``.  The body is
the spec's envelope ``{"type", "timestamp", "data"}`` with the alert as ``data``.

Outcomes follow the fetch stage's error classes (STYLE.md §5): timeouts, connection
errors, 5xx, 408/425/429 raise :class:`TransientFetchError` (with Retry-After when given)
and are retried on :func:`webhook_retry_delay_seconds`; other 4xx, redirects and refused
addresses raise :class:`PermanentFetchError`.  When retries run out or the error is
permanent, :func:`record_dead_letter` keeps the alert on the stream
``rasad:webhooks:failed``: a webhook is never dropped silently, and
:func:`replay_dead_letters` sends them again once the receiver is fixed.

A retry waits in the Redis sorted set ``rasad:webhooks:retry`` (score: when it is due;
:func:`schedule_retry`), and beat's ``drain_webhook_retries`` hands what is due back to the
webhooks queue (:func:`claim_due_retries`), not in a Celery countdown: the Redis transport
redelivers a countdown message held longer than the visibility timeout (Celery docs,
"Redis: visibility timeout"), which must stay short so that work a crash strands comes back
within minutes, while the spec's backoff waits up to an hour.

Every delivery handed to the webhooks queue is also kept in the hash
``rasad:webhooks:inflight`` (:func:`track_delivery`) until it succeeds or is dead-lettered
(:func:`finish_delivery`), through its retries: kombu's Redis transport pops a message
before it records it as unacknowledged, so a Redis killed in between loses the message, and
`rasad run` re-issues at start-up each delivery kept here that no message and no retry
carries (worker/service.py, requeue_stranded), and beat's sweep does on a live service
once two sweeps a grace apart found it so (service.sweep_stranded).

Destinations get the fetch stage's address guard: private, loopback and link-local
addresses are refused unless the webhook sets ``allow_private: true``.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import json
import logging
import os
import pathlib
import random
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable, Iterator, Mapping

import httpx
import yaml

from worker import fetch
from worker.deliver import alert_json, append_once
from worker.errors import ConfigError, FetchError, PermanentFetchError, TransientFetchError
from worker.records import Alert

log = logging.getLogger(__name__)
DEAD_LETTER_STREAM = "rasad:webhooks:failed"
DEAD_LETTER_MARK_PREFIX = "rasad:webhooks:failed:"  # + hook id + ":" + alert id
SECRET_PREFIX = "whsec_"
# The spec: "secrets ... should be between 24 bytes and 64 bytes"; we insist on the floor.
MIN_SECRET_BYTES, MAX_SECRET_BYTES = 24, 64
# Svix, the spec's reference implementation, waits 15 s for a response
# (RASAD_WEBHOOK_TIMEOUT_SECONDS; see request_timeout).
TIMEOUT = httpx.Timeout(15.0, connect=5.0)
RETRY_QUEUE = "rasad:webhooks:retry"  # sorted set: JSON {webhook, alert, attempt} by due time
# hash: delivery id (hook id + ":" + alert id) -> JSON {webhook, alert, attempt}, from the
# hand-off to the webhooks queue until delivered or dead-lettered (track_delivery).
IN_FLIGHT_KEY = "rasad:webhooks:inflight"
# A claimed retry goes back to due after this long unless its task was enqueued (the drainer
# died in between): at least once, and receivers deduplicate on webhook-id.
RETRY_LEASE_SECONDS = 60.0
# The spec's retry schedule (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h) capped at one hour,
# so an endpoint that comes back is served within the hour; 8 attempts span about 4.6 h.
RETRY_SCHEDULE_SECONDS = (5.0, 300.0, 1800.0, 3600.0)
MAX_RETRY_DELAY_SECONDS = 3600.0
WEBHOOK_MAX_ATTEMPTS = 8
TRANSIENT_STATUSES = frozenset({408, 425, 429})
_KEYS = {"id", "url", "secret", "secret_file", "secret_env", "rules", "allow_private"}


@dataclass(frozen=True)
class Webhook:
    """One receiver; ``rules`` empty means every rule.  ``secret`` stays out of reprs."""

    id: str
    url: str
    secret: str = field(repr=False)
    rules: tuple[str, ...] = ()
    allow_private: bool = False

    def wants(self, rule: str) -> bool:
        return not self.rules or rule in self.rules


def hooks_for(hooks: Iterable[Webhook], rule: str) -> list[Webhook]:
    """The webhooks that receive alerts of ``rule``."""
    return [hook for hook in hooks if hook.wants(rule)]


# --------------------------------------------------------------------------- config


def load_webhooks(path, *, known_rules: Iterable[str] | None = None,
                  env: Mapping[str, str] | None = None) -> list[Webhook]:
    """Read and validate a webhooks file (``webhooks: [{id, url, secret|secret_file|
    secret_env, rules, allow_private}]``).  Errors raise ConfigError naming the file, the
    webhook and the problem.  ``known_rules``: reject rule ids not among them."""
    path = pathlib.Path(path)
    items = _read_items(path)
    env = os.environ if env is None else env
    hooks = [_parse_hook(path, i, item, env) for i, item in enumerate(items)]
    _check_unique(path, hooks)
    if known_rules is not None:
        _check_rules(path, hooks, set(known_rules))
    return hooks


def _read_items(path: pathlib.Path) -> list[Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read webhooks file: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: invalid YAML: {exc}") from exc
    if data is None:
        return []
    if not isinstance(data, dict) or set(data) != {"webhooks"}:
        raise ConfigError(f"{path}: expected a mapping with the single key 'webhooks'")
    items = data["webhooks"] or []
    if not isinstance(items, list):
        raise ConfigError(f"{path}: 'webhooks' must be a list")
    return items


def _parse_hook(path: pathlib.Path, index: int, item: Any, env: Mapping[str, str]) -> Webhook:
    name = item.get("id") if isinstance(item, dict) and item.get("id") else f"#{index + 1}"

    def fail(problem: str) -> ConfigError:
        return ConfigError(f"{path}: webhook {name!s}: {problem}")

    if not isinstance(item, dict):
        raise fail("must be a mapping")
    unknown = sorted(set(item) - _KEYS)
    if unknown:
        raise fail(f"unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(_KEYS))})")
    hook_id, url = item.get("id"), item.get("url")
    if not isinstance(hook_id, str) or not hook_id.strip():
        raise fail("'id' is required and must be a non-empty string")
    _check_url(url, fail)
    rules = item.get("rules") or []
    if not isinstance(rules, list) or not all(isinstance(r, str) and r for r in rules):
        raise fail("'rules' must be a list of rule ids")
    allow_private = item.get("allow_private", False)
    if not isinstance(allow_private, bool):
        raise fail("'allow_private' must be true or false")
    secret = _read_secret(path, item, env, fail)
    return Webhook(hook_id, url, secret, tuple(rules), allow_private)


def _check_url(url: Any, fail) -> None:
    """The same checks as a feed URL (worker.feeds.check_url: scheme, host, no spaces or
    invisible marks, valid percent escapes and port)."""
    from worker.feeds import check_url

    if not isinstance(url, str) or not url:
        raise fail("'url' is required")
    try:
        check_url("url", url)
    except ConfigError as exc:
        raise fail(f"'url': {str(exc).removeprefix('url: ')}") from exc


def _read_secret(path: pathlib.Path, item: dict, env: Mapping[str, str], fail) -> str:
    given = [k for k in ("secret", "secret_file", "secret_env") if item.get(k) is not None]
    if len(given) != 1:
        raise fail("give exactly one of 'secret', 'secret_file' or 'secret_env'")
    key, value = given[0], item[given[0]]
    if not isinstance(value, str) or not value:
        raise fail(f"{key!r} must be a non-empty string")
    if key == "secret_env":
        if not env.get(value):
            raise fail(f"environment variable {value} (secret_env) is not set")
        secret = env[value]
    elif key == "secret_file":
        secret_path = path.parent / value
        try:
            secret = secret_path.read_text(encoding="utf-8")
        except OSError as exc:
            raise fail(f"cannot read secret_file {secret_path}: {exc.strerror or exc}") from exc
    else:
        secret = value
    secret = secret.strip()
    problem = secret_problem(secret)
    if problem:
        raise fail(f"{key}: {problem}")
    return secret


def secret_problem(secret: str) -> str | None:
    """Why ``secret`` is not a usable ``whsec_<base64>`` secret, or None."""
    try:
        key = _secret_bytes(secret)
    except ValueError:
        return "secret is not valid base64 (expected whsec_<base64>)"
    if not MIN_SECRET_BYTES <= len(key) <= MAX_SECRET_BYTES:
        return (f"secret decodes to {len(key)} bytes; the Standard Webhooks spec wants "
                f"{MIN_SECRET_BYTES} to {MAX_SECRET_BYTES} (e.g. whsec_ + base64 of "
                "`openssl rand 32`)")
    return None


def _check_unique(path: pathlib.Path, hooks: list[Webhook]) -> None:
    seen: set[str] = set()
    for hook in hooks:
        if hook.id in seen:
            raise ConfigError(f"{path}: webhook {hook.id}: duplicate id")
        seen.add(hook.id)


def _check_rules(path: pathlib.Path, hooks: list[Webhook], known: set[str]) -> None:
    for hook in hooks:
        unknown = [r for r in hook.rules if r not in known]
        if unknown:
            raise ConfigError(f"{path}: webhook {hook.id}: unknown rule(s) {', '.join(unknown)}"
                              f" (known: {', '.join(sorted(known))})")


# --------------------------------------------------------------------------- signing


def _secret_bytes(secret: str) -> bytes:
    raw = secret[len(SECRET_PREFIX):] if secret.startswith(SECRET_PREFIX) else secret
    try:
        return base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("invalid webhook secret") from exc


def _digest(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    mac = hmac.new(_secret_bytes(secret), signed, hashlib.sha256).digest()
    return base64.b64encode(mac).decode()


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value: ``v1,<base64 HMAC-SHA256>``."""
    return "v1," + _digest(secret, msg_id, int(timestamp), body)


def verify(secret: str, headers: Mapping[str, str], body: bytes, tolerance_seconds: int = 300,
           *, now: float | None = None) -> bool:
    """Check a delivery as a receiver would: headers present, timestamp within tolerance
    (replay protection), one of the space-separated ``v1,`` signatures matches."""
    lower = {k.lower(): v for k, v in headers.items()}
    msg_id, stamp = lower.get("webhook-id"), lower.get("webhook-timestamp", "")
    signatures = lower.get("webhook-signature", "")
    if not msg_id or not stamp.isdigit() or not signatures:
        return False
    now = time.time() if now is None else now
    if abs(now - int(stamp)) > tolerance_seconds:
        return False
    try:
        expected = _digest(secret, msg_id, int(stamp), body)
    except ValueError:
        return False
    return any(
        version == "v1" and hmac.compare_digest(sig, expected)
        for version, _, sig in (part.partition(",") for part in signatures.split())
    )


# --------------------------------------------------------------------------- sending


def webhook_body(alert: Alert, timestamp: int) -> bytes:
    """The spec's envelope: event type, ISO time, the alert as ``data``; UTF-8 JSON."""
    event = "alert.updated" if alert.update_of else "alert.created"
    when = datetime.fromtimestamp(timestamp, timezone.utc).isoformat().replace("+00:00", "Z")
    data = json.loads(alert_json(alert))
    envelope = {"type": event, "timestamp": when, "data": data}
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def webhook_headers(hook: Webhook, msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "content-type": "application/json; charset=utf-8",
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(hook.secret, msg_id, timestamp, body),
    }


def request_timeout(seconds: float) -> httpx.Timeout:
    """Wait ``seconds`` for each read (a receiver that hangs is given up on then), connect
    within 5 s at most."""
    return httpx.Timeout(seconds, connect=min(5.0, seconds))


def send_webhook(client: httpx.Client, hook: Webhook, alert: Alert, *,
                 now: float | None = None, timeout: httpx.Timeout | None = None) -> int:
    """POST ``alert`` to ``hook``, signed; return the 2xx status or raise a FetchError.

    ``webhook-id`` is the alert id, the receiver's idempotency key, so retries and
    redelivered tasks are safe.  Redirects are not followed (the body would be re-sent to
    an address nobody configured).  Messages name the hook and host, never the full URL,
    which often embeds a token.
    """
    label = f"webhook {hook.id} ({urllib.parse.urlsplit(hook.url).hostname})"
    timestamp = int(time.time() if now is None else now)
    body = webhook_body(alert, timestamp)
    headers = webhook_headers(hook, alert.id, timestamp, body)
    with _guarded(label, hook.allow_private):
        fetch.check_destination(httpx.URL(hook.url), hook.allow_private)
        with client.stream("POST", hook.url, content=body, headers=headers,
                           timeout=timeout or TIMEOUT, follow_redirects=False) as response:
            status = response.status_code  # the body is never read: it is not needed
            retry_after = fetch.retry_after_seconds(response.headers.get("retry-after"))
    _raise_for_status(label, status, retry_after)
    return status


@contextlib.contextmanager
def _guarded(label: str, allow_private: bool) -> Iterator[None]:
    # The fetch stage's guarded transport checks the address again at connect time; it
    # reads this flag (set per request, as fetch._send does).
    token = fetch._ALLOW_PRIVATE.set(allow_private)
    try:
        yield
    except FetchError as exc:
        raise type(exc)(f"{label}: {exc}", retry_after_seconds=exc.retry_after_seconds) from exc
    except fetch.RefusedAddress as exc:
        raise PermanentFetchError(f"{label}: {exc}") from exc
    except httpx.TimeoutException as exc:
        raise TransientFetchError(f"{label}: timeout ({type(exc).__name__})") from exc
    except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
        raise PermanentFetchError(f"{label}: {exc}") from exc
    except (httpx.TransportError, OSError) as exc:
        raise TransientFetchError(f"{label}: {type(exc).__name__}: {exc}") from exc
    finally:
        fetch._ALLOW_PRIVATE.reset(token)


def _raise_for_status(label: str, status: int, retry_after: float | None) -> None:
    if 200 <= status < 300:
        return
    message = f"{label}: HTTP {status}"
    if status >= 500 or status in TRANSIENT_STATUSES:
        raise TransientFetchError(message, retry_after_seconds=retry_after)
    if 300 <= status < 400:
        message += " (redirects are not followed; configure the final URL)"
    raise PermanentFetchError(message)


def webhook_retry_delay_seconds(attempt: int, *, retry_after_seconds: float | None = None,
                                rng: random.Random | None = None) -> float:
    """Delay before the next try after ``attempt`` failed tries (1 after the first failure):
    the spec's schedule capped at one hour, jittered by ±20% so that many alerts failing
    together do not retry in lockstep.  A longer Retry-After wins, within the cap."""
    index = min(max(attempt, 1), len(RETRY_SCHEDULE_SECONDS)) - 1
    delay = RETRY_SCHEDULE_SECONDS[index] * (rng or random).uniform(0.8, 1.2)
    if retry_after_seconds is not None:
        delay = max(delay, retry_after_seconds)
    return min(delay, MAX_RETRY_DELAY_SECONDS)


# --------------------------------------------------------------------------- retries


@dataclass(frozen=True)
class DueRetry:
    """One retry taken from ``rasad:webhooks:retry``: send ``alert`` to ``hook_id`` again as
    attempt ``attempt`` (1 is the first try), then :func:`retry_dispatched`."""

    hook_id: str
    alert: dict[str, Any]
    attempt: int
    member: str = field(repr=False)


def schedule_retry(redis, hook_id: str, alert: dict[str, Any], attempt: int,
                   due_at: float) -> None:
    """Keep attempt ``attempt`` of (hook, alert) until ``due_at`` (Unix seconds).  The member
    is the canonical JSON, so a redelivered task that schedules the same attempt again
    updates one entry instead of adding a second."""
    member = json.dumps({"webhook": hook_id, "alert": alert, "attempt": attempt},
                        ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    redis.zadd(RETRY_QUEUE, {member: due_at})


# KEYS[1]: the retry set.  ARGV: now, lease end, limit.  Takes what is due and pushes its
# score to the lease end in one step, so two drainers never take the same retry.
_CLAIM_DUE_LUA = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, member in ipairs(due) do redis.call('ZADD', KEYS[1], 'XX', ARGV[2], member) end
return due
"""


def claim_due_retries(redis, now: float, *, lease_seconds: float = RETRY_LEASE_SECONDS,
                      limit: int = 500) -> list[DueRetry]:
    """The retries due at ``now`` (at most ``limit``), leased for ``lease_seconds``: call
    :func:`retry_dispatched` once each one's task is enqueued, or it comes back after the
    lease.  An entry that does not decode is removed and logged, never retried forever."""
    script = redis.register_script(_CLAIM_DUE_LUA)
    members = script(keys=[RETRY_QUEUE], args=[repr(now), repr(now + lease_seconds), limit])
    out = []
    for member in members:
        member = member.decode() if isinstance(member, bytes) else member
        try:
            data = json.loads(member)
            out.append(DueRetry(str(data["webhook"]), dict(data["alert"]),
                                int(data["attempt"]), member))
        except (ValueError, KeyError, TypeError) as exc:
            log.error("undecodable webhook retry dropped from %s: %s (%r)", RETRY_QUEUE, exc,
                      member[:200])
            redis.zrem(RETRY_QUEUE, member)
    return out


def retry_dispatched(redis, retry: DueRetry) -> None:
    redis.zrem(RETRY_QUEUE, retry.member)


def pending_retries(redis) -> int:
    return int(redis.zcard(RETRY_QUEUE))


# --------------------------------------------------------------------------- in flight
# kombu's Redis transport takes a message with BRPOP and records it in ``unacked`` only on
# its next round trip (QoS.append): a Redis killed in between keeps the pop and the message
# is gone, so one alert's delivery to one webhook would be dropped without a trace (the
# gap fault scenario 3 measured for an nlp batch; worker/dedup.py, IN_FLIGHT_KEY).  Each
# delivery is therefore kept here from before its first message is sent until it succeeds
# or is dead-lettered, through its retries (a retry waiting in RETRY_QUEUE keeps its record,
# so the message the drainer sends for it later is covered too), and `rasad run` re-issues
# at start-up each one that no queued or unacknowledged message and no retry carries (beat's
# sweep too, after a grace: worker/service.py, sweep_stranded).


def delivery_id(hook_id: str, alert_id: str) -> str:
    """The delivery of one alert to one webhook: ``<hook>:<alert>`` (as the dead letter's
    ``id``); its field in IN_FLIGHT_KEY."""
    return f"{hook_id}:{alert_id}"


def _delivery_value(hook_id: str, alert: dict[str, Any], attempt: int) -> str:
    return json.dumps({"webhook": hook_id, "alert": alert, "attempt": int(attempt)},
                      ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def track_delivery(redis, hook_id: str, alert: dict[str, Any], attempt: int = 1) -> None:
    """Record the delivery of ``alert`` to ``hook_id`` as pending, before its message is
    sent.  A delivery already recorded keeps its record (HSETNX): a redelivered raise_alerts
    must not reset the attempt a retry reached."""
    redis.hsetnx(IN_FLIGHT_KEY, delivery_id(hook_id, str(alert.get("id", ""))),
                 _delivery_value(hook_id, alert, attempt))


def retry_delivery(redis, hook_id: str, alert: dict[str, Any], attempt: int,
                   due_at: float) -> None:
    """:func:`schedule_retry` and keep the delivery's record at ``attempt``, in one
    transaction: a start-up re-issue then resumes at the attempt it had reached."""
    pipe = redis.pipeline(transaction=True)
    schedule_retry(pipe, hook_id, alert, attempt, due_at)
    pipe.hset(IN_FLIGHT_KEY, delivery_id(hook_id, str(alert.get("id", ""))),
              _delivery_value(hook_id, alert, attempt))
    pipe.execute()


def finish_delivery(redis, hook_id: str, alert_id: str) -> None:
    """The delivery succeeded or was given up for good (dead-lettered, or its webhook is no
    longer configured): no longer in flight."""
    redis.hdel(IN_FLIGHT_KEY, delivery_id(hook_id, alert_id))


def deliveries_in_flight(redis) -> dict[str, dict | None]:
    """Every delivery in flight, by delivery id: ``{"webhook", "alert", "attempt"}``; a
    field that does not decode is reported as ``None``."""
    out: dict[str, dict | None] = {}
    for key, value in redis.hscan_iter(IN_FLIGHT_KEY, count=1000):
        key = key.decode() if isinstance(key, bytes) else key
        try:
            data = json.loads(value)
            out[key] = {"webhook": str(data["webhook"]), "alert": dict(data["alert"]),
                        "attempt": max(1, int(data.get("attempt") or 1))}
        except (ValueError, KeyError, TypeError):
            out[key] = None
    return out


def retry_delivery_ids(redis) -> set[str]:
    """The delivery ids of every retry in RETRY_QUEUE, due, waiting or leased."""
    out = set()
    for member in redis.zrange(RETRY_QUEUE, 0, -1):
        try:
            data = json.loads(member)
            out.add(delivery_id(str(data["webhook"]), str(data["alert"]["id"])))
        except (ValueError, KeyError, TypeError):
            continue
    return out


# --------------------------------------------------------------------------- dead letters


def record_dead_letter(redis, hook: Webhook, alert: Alert, error: BaseException | str, *,
                       attempts: int | None = None) -> bool:
    """Keep an undeliverable alert on ``rasad:webhooks:failed`` (never trimmed).

    Fields: ``id`` (``<hook>:<alert>``), ``alert`` (JSON), ``webhook``, ``alert_id``,
    ``rule``, ``error``, ``error_type``, ``attempts``, ``failed_at``.  Recorded once per
    (hook, alert), so a redelivered final attempt does not add a second entry (returns
    False then).  Replay by reading the stream and sending each ``alert`` again.
    """
    error_type = type(error).__name__ if isinstance(error, BaseException) else "Error"
    key = f"{hook.id}:{alert.id}"
    fields = [
        "id", key, "alert", alert_json(alert), "webhook", hook.id, "alert_id", alert.id,
        "rule", alert.rule, "error", str(error), "error_type", error_type,
        "attempts", "" if attempts is None else str(attempts),
        "failed_at", datetime.now(timezone.utc).isoformat(timespec="seconds"),
    ]
    return append_once(redis, DEAD_LETTER_MARK_PREFIX + key, DEAD_LETTER_STREAM, fields,
                       maxlen=None)


def replay_dead_letters(redis, client: httpx.Client, hooks: Iterable[Webhook], *,
                        hook_id: str | None = None, batch: int = 100) -> tuple[int, int]:
    """Send the dead letters again (those of ``hook_id``, or all); each one delivered is
    removed from the stream, the others stay.  Returns (delivered, still failing).  Dead
    letters of a webhook no longer configured stay and count as failing."""
    by_id = {hook.id: hook for hook in hooks}
    delivered = failing = 0
    start = "-"
    while True:
        page = redis.xrange(DEAD_LETTER_STREAM, min=start, count=batch)
        for stream_id, fields in page:
            if hook_id is not None and fields.get("webhook") != hook_id:
                continue
            if _redeliver(redis, client, by_id.get(fields.get("webhook", "")), stream_id, fields):
                delivered += 1
            else:
                failing += 1
        if len(page) < batch:
            return delivered, failing
        start = "(" + page[-1][0]


def _redeliver(redis, client, hook: Webhook | None, stream_id: str, fields: dict) -> bool:
    if hook is None:
        return False
    try:
        send_webhook(client, hook, Alert.from_dict(json.loads(fields["alert"])))
    except (FetchError, KeyError, ValueError):
        return False
    redis.xdel(DEAD_LETTER_STREAM, stream_id)
    redis.delete(DEAD_LETTER_MARK_PREFIX + fields.get("id", ""))
    return True
