"""Fetch stage: one guarded HTTP GET for a feed or article page (DESIGN.md "Fetching").

We own the HTTP so feedparser only ever sees bytes (STYLE.md §3, after miniflux
``reader/fetcher``).  Every request gets: only http/https; the destination address checked
after DNS resolution on every redirect hop and again at connect time (so DNS rebinding
cannot slip past the check); redirects followed by hand up to a limit; conditional GET;
connect/read/total timeouts; a cap on the wire size and on the decompressed size (gzip
bombs); a per-host concurrency cap; an honest User-Agent.  Outcomes map to
:class:`~worker.errors.TransientFetchError` (retry with backoff) or
:class:`~worker.errors.PermanentFetchError` (count and record on the feed).
"""

from __future__ import annotations

import contextlib
import contextvars
import email.utils
import http.cookiejar
import ipaddress
import logging
import socket
import time
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
import threading
import uuid
from typing import Iterator, Protocol

import httpcore
import httpx

from worker import __version__
from worker.errors import FetchError, PermanentFetchError, TransientFetchError

log = logging.getLogger("rasad.fetch")

__all__ = [
    "FEED_ACCEPT", "HTML_ACCEPT", "FetchLimits", "FetchResult", "HostBusy", "HostLimiter",
    "InMemoryHostLimiter", "RedisHostLimiter", "Validators", "fetch", "make_client",
    "retry_after_seconds",
]

USER_AGENT = f"Rasad/{__version__} (+https://github.com/rasad-news/rasad; news monitoring)"
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5"
)
HTML_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
# We decompress ourselves (bounded, see _BoundedDecoder), so we only offer what zlib reads.
ACCEPT_ENCODING = "gzip, deflate"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# 408 Request Timeout and 425 Too Early are worth a retry; other 4xx are not (RFC 9110 §15.5).
TRANSIENT_4XX = frozenset({408, 425, 429})


@dataclass(frozen=True)
class FetchLimits:
    """Caps for one fetch; the defaults suit news feeds and article pages."""

    connect_timeout_seconds: float = 10.0
    read_timeout_seconds: float = 30.0
    # Whole request including redirects and a slow-drip body: read_timeout alone would let a
    # server trickle one byte every 29 seconds forever.
    total_timeout_seconds: float = 120.0
    max_body_bytes: int = 5_000_000  # compressed, as on the wire
    max_decompressed_bytes: int = 20_000_000
    max_redirects: int = 5
    per_host_concurrency: int = 2
    user_agent: str = USER_AGENT


@dataclass(frozen=True)
class Validators:
    """HTTP cache validators from the last 200 (RFC 9110 §8.8)."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class FetchResult:
    url: str
    final_url: str
    status_code: int
    not_modified: bool
    body: bytes
    headers: dict[str, str]  # lower-case keys, of the final response
    validators: Validators
    elapsed_seconds: float


# --------------------------------------------------------------------------- addresses

class RefusedAddress(Exception):
    """Raised inside the transport when a connect would reach a refused address."""


# Set by fetch() for the duration of one request, read by _GuardedBackend at connect time.
_ALLOW_PRIVATE: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "rasad_allow_private", default=False)


def resolve_host(host: str, port: int) -> list[str]:
    """All addresses ``host`` resolves to, IPv4 first (many servers lack IPv6 routes)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise OSError(f"cannot resolve {host!r}: {exc}") from exc
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    return sorted(addresses, key=lambda a: ":" in a)


_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def is_public_address(address: str) -> bool:
    """True for globally routable unicast; False for private, loopback, link-local
    (169.254.0.0/16: cloud metadata), CGNAT, reserved, multicast and unspecified."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        # IPv6 forms that carry an IPv4 address reach that address: mapped (::ffff:0:0/96),
        # 6to4 (2002::/16) and NAT64 (64:ff9b::/96, RFC 6052).
        embedded = ip.ipv4_mapped or ip.sixtofour
        if ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            ip = embedded
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def _refused(addresses: list[str]) -> list[str]:
    return [a for a in addresses if not is_public_address(a)]


def check_destination(url: httpx.URL, allow_private: bool) -> None:
    """Refuse other schemes and, unless allowed, any hop whose host resolves to a
    non-public address.  Raises PermanentFetchError naming the URL."""
    if url.scheme not in ("http", "https"):
        raise PermanentFetchError(f"{url}: refused scheme {url.scheme!r} (only http/https)")
    if not url.host:
        raise PermanentFetchError(f"{url}: no host")
    if allow_private:
        return
    try:
        addresses = resolve_host(url.host, url.port or (443 if url.scheme == "https" else 80))
    except OSError as exc:
        raise TransientFetchError(f"{url}: {exc}") from exc
    bad = _refused(addresses)
    if bad:
        raise PermanentFetchError(
            f"{url}: refused private/loopback/link-local destination {bad[0]} "
            "(set allow_private: true on the feed to allow it)")


class _GuardedBackend(httpcore.NetworkBackend):
    """Connects only to addresses that pass the check, resolving once and connecting to the
    checked address: a second lookup by the socket layer could be answered differently
    (DNS rebinding).  TLS still uses the hostname for SNI and certificate checks."""

    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        addresses = resolve_host(host, port)
        if not _ALLOW_PRIVATE.get():
            bad = _refused(addresses)
            if bad:
                raise RefusedAddress(f"refused private/loopback/link-local destination {bad[0]}")
        last: Exception | None = None
        for address in addresses:
            try:
                return self._inner.connect_tcp(address, port, timeout, local_address,
                                               socket_options)
            except httpcore.ConnectError as exc:
                last = exc
        raise last or httpcore.ConnectError(f"no address for {host}")

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise RefusedAddress("unix sockets are not fetched")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def guarded_transport(ssl_context=None) -> httpx.HTTPTransport:
    """The production transport: connects through :class:`_GuardedBackend`."""
    transport = httpx.HTTPTransport(trust_env=False)
    # httpx has no public hook for the network backend; swap the pool for one built the same
    # way with our backend (httpx 0.28 HTTPTransport.__init__; pinned <0.29 in pyproject).
    transport._pool = httpcore.ConnectionPool(
        ssl_context=ssl_context or httpx.create_ssl_context(trust_env=False),
        max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0,
        network_backend=_GuardedBackend(),
    )
    return transport


class _NoCookies(http.cookiejar.DefaultCookiePolicy):
    """Feeds are fetched anonymously: never store or send cookies across feeds."""

    def set_ok(self, cookie, request):  # noqa: D401 (cookiejar API)
        return False

    def return_ok(self, cookie, request):
        return False


def make_client(limits: FetchLimits = FetchLimits(), transport=None) -> httpx.Client:
    """An httpx client for :func:`fetch`; ``transport`` is for tests (httpx.MockTransport).

    ``trust_env=False``: no proxies or .netrc credentials picked up from the environment,
    so a feed never receives a password meant for another host."""
    return httpx.Client(
        transport=transport or guarded_transport(),
        timeout=_timeout(limits),
        follow_redirects=False,
        trust_env=False,
        cookies=http.cookiejar.CookieJar(policy=_NoCookies()),
        headers={"User-Agent": limits.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
    )


def _timeout(limits: FetchLimits) -> httpx.Timeout:
    return httpx.Timeout(connect=limits.connect_timeout_seconds,
                         read=limits.read_timeout_seconds,
                         write=limits.read_timeout_seconds,
                         pool=limits.connect_timeout_seconds)


# --------------------------------------------------------------------------- per-host cap

class HostLimiter(Protocol):
    """At most N fetches in flight per host, across whatever the limiter spans."""

    def acquire(self, host: str) -> contextlib.AbstractContextManager[None]: ...


class HostBusy(TransientFetchError):
    """The host's concurrency cap stayed full for the whole wait: try again later."""


def _busy(host: str, limit: int, waited: float) -> HostBusy:
    return HostBusy(
        f"host {host.lower()}: {limit} fetches already in flight after waiting {waited:g}s",
        retry_after_seconds=waited)


class InMemoryHostLimiter:
    """Per-host semaphores for the threads of one process (tests, ``rasad feed``)."""

    def __init__(self, limit: int = FetchLimits.per_host_concurrency,
                 acquire_timeout_seconds: float = 60.0):
        self.limit, self.acquire_timeout_seconds = limit, acquire_timeout_seconds
        self._lock = threading.Lock()
        self._semaphores: dict[str, threading.BoundedSemaphore] = {}

    @contextlib.contextmanager
    def acquire(self, host: str) -> Iterator[None]:
        with self._lock:
            semaphore = self._semaphores.setdefault(
                host.lower(), threading.BoundedSemaphore(self.limit))
        if not semaphore.acquire(timeout=self.acquire_timeout_seconds):
            raise _busy(host, self.limit, self.acquire_timeout_seconds)
        try:
            yield
        finally:
            semaphore.release()


# A counting semaphore as a sorted set of leases scored by expiry (Redis server clock, so
# worker clocks need not agree).  Expired leases are dropped before counting, so a worker
# killed mid-fetch frees its slot after ttl (pattern: "Redis in Action" §6.3, fair
# semaphores, simplified: no owner counter, leases expire instead).  The holder renews its
# lease every ttl/3 while the fetch runs, so ttl can be short: a killed worker's slot used to
# stay taken for the longest fetch's 180 s, and a host capped at one fetch stalled that long.
_ACQUIRE_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
"""
# Push a held lease's expiry to now + ttl; 0 when it is gone (expired, released).
_RENEW_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if redis.call('ZSCORE', KEYS[1], ARGV[2]) then
  redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[1]), ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  return 1
end
return 0
"""


class RedisHostLimiter:
    """Per-host cap shared by every worker process on one Redis.  A held slot's lease is
    renewed every ``ttl_seconds``/3 by a thread of the holder, so a slot outlives its
    holder by at most ``ttl_seconds`` (a worker killed mid-fetch, fault scenario 1)."""

    def __init__(self, redis_client, limit: int = FetchLimits.per_host_concurrency,
                 ttl_seconds: float = 15.0, acquire_timeout_seconds: float = 60.0,
                 key_prefix: str = "rasad:hostslots:"):
        self.redis, self.limit, self.ttl_seconds = redis_client, limit, ttl_seconds
        self.acquire_timeout_seconds, self.key_prefix = acquire_timeout_seconds, key_prefix
        self._script = redis_client.register_script(_ACQUIRE_LUA)
        self._renew = redis_client.register_script(_RENEW_LUA)

    def try_acquire(self, host: str) -> str | None:
        """One attempt: a lease token, or None when the host is at its cap."""
        token = uuid.uuid4().hex
        got = self._script(keys=[self.key_prefix + host.lower()],
                           args=[self.limit, int(self.ttl_seconds * 1000), token])
        return token if int(got) == 1 else None

    def release(self, host: str, token: str) -> None:
        self.redis.zrem(self.key_prefix + host.lower(), token)

    def _keep_alive(self, host: str, token: str, done: threading.Event) -> None:
        key, ttl_ms = self.key_prefix + host.lower(), int(self.ttl_seconds * 1000)
        while not done.wait(self.ttl_seconds / 3):
            try:
                if not int(self._renew(keys=[key], args=[ttl_ms, token])):
                    return  # lost (Redis restarted, or expired under a stall): nothing held
            except Exception as exc:  # noqa: BLE001 - Redis away: the lease lapses by itself
                log.warning("host slot for %s not renewed: %s", host, exc)

    @contextlib.contextmanager
    def acquire(self, host: str) -> Iterator[None]:
        token, delay = self.try_acquire(host), 0.02
        deadline = time.monotonic() + self.acquire_timeout_seconds
        while token is None:
            if time.monotonic() >= deadline:
                raise _busy(host, self.limit, self.acquire_timeout_seconds)
            time.sleep(delay)
            delay = min(delay * 2, 0.5)
            token = self.try_acquire(host)
        done = threading.Event()
        renewer = threading.Thread(target=self._keep_alive, args=(host, token, done),
                                   name=f"host-slot-{host}", daemon=True)
        renewer.start()
        try:
            yield
        finally:
            done.set()
            self.release(host, token)


# --------------------------------------------------------------------------- Retry-After

def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After value: delay-seconds or an HTTP-date
    (RFC 9110 §10.2.3).  None when absent or unparseable; never negative."""
    if not value or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # HTTP-dates are GMT by definition
        when = when.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    return max(0.0, (when - now).total_seconds())


# --------------------------------------------------------------------------- body

class _BoundedDecoder:
    """Decompresses gzip/deflate with a hard cap on output: httpx's own decoder inflates a
    whole chunk at once, and 64 KiB of gzip can inflate to about 64 MiB."""

    def __init__(self, encoding: str, url: str, cap: int):
        self.url, self.cap, self.size = url, cap, 0
        codings = [c.strip() for c in encoding.lower().split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate")):
            raise PermanentFetchError(f"{url}: unsupported Content-Encoding {encoding!r}")
        self.coding = codings[0] if codings else None
        # wbits 47 = auto-detect gzip or zlib header; raw deflate is retried on first error.
        self._z = zlib.decompressobj(47) if self.coding else None
        self._started = False

    def feed(self, data: bytes) -> bytes:
        if self._z is None:
            return self._count(data)
        out = []
        while data:
            chunk = self._inflate(data)
            out.append(self._count(chunk))
            data = self._z.unconsumed_tail
            if self._z.eof:
                # Concatenated gzip members continue; other trailing bytes (padding some
                # servers append) are ignored, as browsers do.
                rest = self._z.unused_data
                data = rest if rest.startswith(b"\x1f\x8b") else b""
                if data:
                    self._z = zlib.decompressobj(47)
        return b"".join(out)

    def _inflate(self, data: bytes) -> bytes:
        limit = self.cap - self.size + 1
        try:
            chunk = self._z.decompress(data, limit)
        except zlib.error:
            if self._started or self.coding != "deflate":
                raise
            # Some servers send raw deflate (no zlib header) for "deflate" (RFC 9110 §8.4.1.2).
            self._z = zlib.decompressobj(-zlib.MAX_WBITS)
            chunk = self._z.decompress(data, limit)
        self._started = True
        return chunk

    def _count(self, data: bytes) -> bytes:
        self.size += len(data)
        if self.size > self.cap:
            raise PermanentFetchError(
                f"{self.url}: decompressed body over {self.cap} bytes (compression bomb?)")
        return data


def _read_body(response: httpx.Response, url: str, limits: FetchLimits, deadline: float) -> bytes:
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > limits.max_body_bytes:
        raise PermanentFetchError(
            f"{url}: body of {length} bytes over the {limits.max_body_bytes}-byte cap")
    decoder = _BoundedDecoder(response.headers.get("content-encoding", ""), url,
                              limits.max_decompressed_bytes)
    parts, wire = [], 0
    try:
        for raw in response.iter_raw():  # as received: a chunk size would buffer slow drips
            wire += len(raw)
            if wire > limits.max_body_bytes:
                raise PermanentFetchError(
                    f"{url}: body over the {limits.max_body_bytes}-byte cap")
            if time.monotonic() > deadline:
                raise TransientFetchError(
                    f"{url}: body not received within {limits.total_timeout_seconds}s")
            parts.append(decoder.feed(raw))
    except zlib.error as exc:
        raise PermanentFetchError(f"{url}: corrupt compressed body: {exc}") from exc
    return b"".join(parts)


# --------------------------------------------------------------------------- status table

def _raise_for_status(response: httpx.Response, url: str) -> None:
    """The outcome table (after miniflux ``fetcher/response_handler.go``)."""
    status = response.status_code
    if 200 <= status < 300 or status == 304:
        return
    retry_after = retry_after_seconds(response.headers.get("retry-after"))
    if status in TRANSIENT_4XX or status >= 500:
        raise TransientFetchError(f"{url}: HTTP {status}", retry_after_seconds=retry_after)
    raise PermanentFetchError(f"{url}: HTTP {status}")


def _conditional_headers(validators: Validators) -> dict[str, str]:
    # Both are sent; a server that knows the ETag must evaluate If-None-Match and ignore
    # If-Modified-Since (RFC 9110 §13.2.2), so the ETag wins.
    headers = {}
    if validators.etag:
        headers["If-None-Match"] = validators.etag
    if validators.last_modified:
        headers["If-Modified-Since"] = validators.last_modified
    return headers


def _new_validators(response: httpx.Response, old: Validators) -> Validators:
    etag = response.headers.get("etag")
    modified = response.headers.get("last-modified")
    if response.status_code == 304:
        # A 304 may refresh the stored validators (RFC 9111 §4.3.4); otherwise keep them.
        return Validators(etag or old.etag, modified or old.last_modified)
    return Validators(etag, modified)


# --------------------------------------------------------------------------- fetch

def fetch(
    url: str,
    *,
    client: httpx.Client,
    validators: Validators = Validators(),
    allow_private: bool = False,
    limits: FetchLimits = FetchLimits(),
    host_limiter: HostLimiter | None = None,
    accept: str = FEED_ACCEPT,
) -> FetchResult:
    """GET ``url`` under ``limits``, following redirects by hand, each hop checked."""
    started = time.monotonic()
    deadline = started + limits.total_timeout_seconds
    headers = {"Accept": accept, **_conditional_headers(validators)}
    current = _parse_url(url)
    for _ in range(limits.max_redirects + 1):
        if time.monotonic() > deadline:
            raise TransientFetchError(f"{url}: not fetched within {limits.total_timeout_seconds}s")
        check_destination(current, allow_private)
        response, body = _send(client, current, headers, allow_private, limits, deadline,
                               host_limiter)
        if response.status_code not in REDIRECT_STATUSES:
            break
        current = _redirect_target(current, response)
    else:
        raise PermanentFetchError(f"{url}: more than {limits.max_redirects} redirects")
    _raise_for_status(response, str(current))
    return FetchResult(
        url=url, final_url=str(current), status_code=response.status_code,
        not_modified=response.status_code == 304, body=body,
        headers={k.lower(): v for k, v in response.headers.items()},
        validators=_new_validators(response, validators),
        elapsed_seconds=time.monotonic() - started,
    )


def _parse_url(url: str) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise PermanentFetchError(f"{url}: invalid URL: {exc}") from exc
    if parsed.scheme not in ("http", "https"):
        raise PermanentFetchError(f"{url}: refused scheme {parsed.scheme!r} (only http/https)")
    return parsed


def _redirect_target(current: httpx.URL, response: httpx.Response) -> httpx.URL:
    location = response.headers.get("location")
    if not location:
        raise PermanentFetchError(f"{current}: HTTP {response.status_code} without Location")
    try:
        target = current.join(location)
    except (httpx.InvalidURL, ValueError) as exc:
        raise PermanentFetchError(f"{current}: bad redirect Location {location!r}") from exc
    return _parse_url(str(target.copy_with(fragment=None)))


def _send(client, url: httpx.URL, headers, allow_private, limits, deadline, host_limiter):
    """One request/response, body read under the caps; returns (response, body)."""
    acquire = host_limiter.acquire if host_limiter else (lambda host: contextlib.nullcontext())
    if allow_private:
        # A kept-alive connection to a private address must not be reused later by a feed
        # that is not allowed one (the pool would skip the connect-time check).
        headers = {**headers, "Connection": "close"}
    token = _ALLOW_PRIVATE.set(allow_private)
    try:
        with _named(url), acquire(url.host):
            with _mapped_errors(str(url)):
                request = client.build_request("GET", url, headers=headers,
                                               timeout=_timeout(limits))
                response = client.send(request, stream=True)
                try:
                    if response.status_code >= 300:
                        return response, b""  # redirect, 304 and error bodies are not read
                    return response, _read_body(response, str(url), limits, deadline)
                finally:
                    response.close()
    finally:
        _ALLOW_PRIVATE.reset(token)


@contextlib.contextmanager
def _named(url: httpx.URL) -> Iterator[None]:
    """Prefix the URL to a limiter's HostBusy, which only knows the host."""
    try:
        yield
    except HostBusy as exc:
        if str(exc).startswith(str(url)):
            raise
        raise HostBusy(f"{url}: {exc}", retry_after_seconds=exc.retry_after_seconds) from exc


@contextlib.contextmanager
def _mapped_errors(url: str) -> Iterator[None]:
    try:
        yield
    except FetchError:
        raise
    except RefusedAddress as exc:
        raise PermanentFetchError(f"{url}: {exc}") from exc
    except httpx.TimeoutException as exc:
        raise TransientFetchError(f"{url}: timeout ({type(exc).__name__})") from exc
    except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
        raise PermanentFetchError(f"{url}: {exc}") from exc
    except (httpx.TransportError, OSError) as exc:
        raise TransientFetchError(f"{url}: {type(exc).__name__}: {exc}") from exc
    except httpx.DecodingError as exc:
        raise PermanentFetchError(f"{url}: {exc}") from exc

