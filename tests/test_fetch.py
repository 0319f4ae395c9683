"""Fetch stage: status outcomes, conditional GET, caps, redirects and address checks, against
a real HTTP server on 127.0.0.1 and, for hosts that must look public, httpx.MockTransport."""

from __future__ import annotations

import gzip
import threading
import time
import zlib
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import httpx
import pytest

from worker import fetch as fetch_mod
from worker.errors import PermanentFetchError, TransientFetchError
from worker.fetch import (
    FetchLimits, InMemoryHostLimiter, RedisHostLimiter, Validators, fetch, make_client,
    retry_after_seconds,
)

RSS = b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel></channel></rss>'
PUBLIC = "http://93.184.215.14"  # a public address literal: no DNS needed in unit tests


@pytest.fixture
def client():
    with make_client() as c:
        yield c


def get(http_server, path, client, **kw):
    kw.setdefault("allow_private", True)  # the test server is on loopback
    return fetch(http_server.url(path), client=client, **kw)


def request_headers(http_server, index=-1):
    return {k.lower(): v for k, v in http_server.requests[index][1].items()}


# --------------------------------------------------------------------------- outcomes

@pytest.mark.integration
def test_200_returns_body_headers_and_validators(http_server, client):
    http_server.route("/feed", 200, {"Content-Type": "application/rss+xml", "ETag": '"v1"',
                                     "Last-Modified": "Sat, 02 Mar 2019 10:00:00 GMT"}, RSS)
    result = get(http_server, "/feed", client)
    assert (result.status_code, result.not_modified, result.body) == (200, False, RSS)
    assert result.headers["content-type"] == "application/rss+xml"
    assert result.validators == Validators('"v1"', "Sat, 02 Mar 2019 10:00:00 GMT")
    assert result.final_url == http_server.url("/feed")


@pytest.mark.integration
def test_sends_honest_user_agent_and_feed_accept(http_server, client):
    http_server.route("/feed", 200, {}, RSS)
    get(http_server, "/feed", client)
    sent = request_headers(http_server)
    assert sent["user-agent"].startswith("Rasad/") and "+https://" in sent["user-agent"]
    assert "application/rss+xml" in sent["accept"]
    assert sent["accept-encoding"] == "gzip, deflate"
    assert "if-none-match" not in sent and "if-modified-since" not in sent


@pytest.mark.integration
def test_304_sends_validators_and_keeps_them(http_server, client):
    http_server.route("/feed", 304, {}, b"")
    old = Validators('"v1"', "Sat, 02 Mar 2019 10:00:00 GMT")
    result = get(http_server, "/feed", client, validators=old)
    assert result.not_modified and result.status_code == 304 and result.body == b""
    assert result.validators == old
    sent = request_headers(http_server)
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == "Sat, 02 Mar 2019 10:00:00 GMT"


@pytest.mark.integration
def test_304_with_new_etag_updates_it(http_server, client):
    http_server.route("/feed", 304, {"ETag": '"v2"'}, b"")
    result = get(http_server, "/feed", client, validators=Validators('"v1"', "x"))
    assert result.validators == Validators('"v2"', "x")


@pytest.mark.integration
def test_last_modified_alone_is_sent(http_server, client):
    http_server.route("/feed", 304, {}, b"")
    get(http_server, "/feed", client, validators=Validators(None, "Sat, 02 Mar 2019 10:00:00 GMT"))
    sent = request_headers(http_server)
    assert "if-none-match" not in sent
    assert sent["if-modified-since"] == "Sat, 02 Mar 2019 10:00:00 GMT"


@pytest.mark.integration
def test_200_without_validators_drops_old_ones(http_server, client):
    http_server.route("/feed", 200, {}, RSS)
    result = get(http_server, "/feed", client, validators=Validators('"v1"', "x"))
    assert result.validators == Validators()


@pytest.mark.integration
@pytest.mark.parametrize("status", [
    pytest.param(500, id="500"), pytest.param(502, id="502"), pytest.param(503, id="503"),
    pytest.param(408, id="408"),
])
def test_server_errors_are_transient(http_server, client, status):
    http_server.route("/feed", status, {}, b"oops")
    with pytest.raises(TransientFetchError, match=f"/feed: HTTP {status}"):
        get(http_server, "/feed", client)


@pytest.mark.integration
@pytest.mark.parametrize("status", [
    pytest.param(401, id="401"), pytest.param(403, id="403"), pytest.param(404, id="404"),
    pytest.param(410, id="410"), pytest.param(400, id="400"), pytest.param(451, id="451"),
])
def test_client_errors_are_permanent(http_server, client, status):
    http_server.route("/feed", status, {}, b"no")
    with pytest.raises(PermanentFetchError, match=f"127.0.0.1.*/feed: HTTP {status}"):
        get(http_server, "/feed", client)


@pytest.mark.integration
def test_429_with_retry_after_seconds(http_server, client):
    http_server.route("/feed", 429, {"Retry-After": "120"}, b"")
    with pytest.raises(TransientFetchError) as info:
        get(http_server, "/feed", client)
    assert info.value.retry_after_seconds == 120.0


@pytest.mark.integration
def test_429_with_retry_after_http_date(http_server, client):
    when = datetime.now(timezone.utc) + timedelta(minutes=10)
    http_server.route("/feed", 429, {"Retry-After": format_datetime(when, usegmt=True)}, b"")
    with pytest.raises(TransientFetchError) as info:
        get(http_server, "/feed", client)
    assert 590 <= info.value.retry_after_seconds <= 600


@pytest.mark.integration
def test_503_with_retry_after_is_transient_with_delay(http_server, client):
    http_server.route("/feed", 503, {"Retry-After": "30"}, b"")
    with pytest.raises(TransientFetchError) as info:
        get(http_server, "/feed", client)
    assert info.value.retry_after_seconds == 30.0


NOW = datetime(2019, 3, 2, 10, 0, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("value, expected", [
    pytest.param("120", 120.0, id="seconds"),
    pytest.param(" 0 ", 0.0, id="zero"),
    pytest.param("Sat, 02 Mar 2019 10:05:00 GMT", 300.0, id="http-date"),
    pytest.param("Sat, 02 Mar 2019 09:00:00 GMT", 0.0, id="date-in-past"),
    pytest.param("Saturday, 02-Mar-19 10:01:00 GMT", 60.0, id="rfc850-date"),
    pytest.param("-5", None, id="negative"),
    pytest.param("soon", None, id="garbage"),
    pytest.param("", None, id="empty"),
    pytest.param(None, None, id="absent"),
])
def test_retry_after_seconds(value, expected):
    assert retry_after_seconds(value, now=NOW) == expected


# --------------------------------------------------------------------------- caps

@pytest.mark.integration
def test_oversize_content_length_refused_before_reading(http_server, client):
    http_server.route("/big", 200, {"Content-Length": "999999999"}, b"x" * 10)
    with pytest.raises(PermanentFetchError, match=r"/big: body of 999999999 bytes over"):
        get(http_server, "/big", client)


@pytest.mark.integration
def test_oversize_streamed_body_without_length_refused(http_server, client):
    def stream_forever(handler):
        handler.send_response(200)
        handler.send_header("Connection", "close")
        handler.end_headers()
        try:
            for _ in range(2000):
                handler.wfile.write(b"x" * 65536)
        except (BrokenPipeError, ConnectionResetError):
            pass

    http_server.route("/stream", stream_forever)
    limits = FetchLimits(max_body_bytes=1_000_000)
    with pytest.raises(PermanentFetchError, match=r"/stream: body over the 1000000-byte cap"):
        get(http_server, "/stream", client, limits=limits)


@pytest.mark.integration
def test_gzip_body_is_decompressed(http_server, client):
    http_server.route("/gz", 200, {"Content-Encoding": "gzip"}, gzip.compress(RSS))
    assert get(http_server, "/gz", client).body == RSS


@pytest.mark.integration
@pytest.mark.parametrize("encode", [
    pytest.param(zlib.compress, id="zlib"),
    pytest.param(lambda b: zlib.compress(b)[2:-4], id="raw-deflate"),
])
def test_deflate_body_is_decompressed(http_server, client, encode):
    http_server.route("/df", 200, {"Content-Encoding": "deflate"}, encode(RSS))
    assert get(http_server, "/df", client).body == RSS


@pytest.mark.integration
def test_gzip_bomb_refused(http_server, client):
    bomb = gzip.compress(b"\0" * 50_000_000, compresslevel=9)
    assert len(bomb) < 100_000  # small on the wire, 50 MB inflated
    http_server.route("/bomb", 200, {"Content-Encoding": "gzip"}, bomb)
    with pytest.raises(PermanentFetchError, match=r"/bomb: decompressed body over 20000000"):
        get(http_server, "/bomb", client)


@pytest.mark.integration
def test_unsupported_content_encoding_refused(http_server, client):
    http_server.route("/br", 200, {"Content-Encoding": "br"}, b"\x0b\x02\x80")
    with pytest.raises(PermanentFetchError, match="unsupported Content-Encoding"):
        get(http_server, "/br", client)


@pytest.mark.integration
def test_read_timeout_is_transient(http_server, client):
    def slow(handler):
        time.sleep(1.0)
        handler._send(200, {}, RSS)

    http_server.route("/slow", slow)
    limits = FetchLimits(read_timeout_seconds=0.2)
    started = time.monotonic()
    with pytest.raises(TransientFetchError, match=r"/slow: timeout \(ReadTimeout\)"):
        get(http_server, "/slow", client, limits=limits)
    assert time.monotonic() - started < 0.9


@pytest.mark.integration
def test_slow_drip_body_hits_the_total_deadline(http_server, client):
    def drip(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", "1000")
        handler.end_headers()
        try:
            for _ in range(1000):
                handler.wfile.write(b"x")
                handler.wfile.flush()
                time.sleep(0.05)
        except (BrokenPipeError, ConnectionResetError):
            pass

    http_server.route("/drip", drip)
    limits = FetchLimits(read_timeout_seconds=1.0, total_timeout_seconds=0.5)
    with pytest.raises(TransientFetchError, match=r"/drip: body not received within 0.5s"):
        get(http_server, "/drip", client, limits=limits)


def test_unreachable_address_is_transient(client):
    # 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never routed, so this times out or fails fast.
    limits = FetchLimits(connect_timeout_seconds=0.2)
    with pytest.raises(TransientFetchError, match="192.0.2.1"):
        fetch("http://192.0.2.1/feed", client=client, allow_private=True, limits=limits)


def test_connection_refused_is_transient(client):
    with pytest.raises(TransientFetchError, match="127.0.0.1:9/feed"):
        fetch("http://127.0.0.1:9/feed", client=client, allow_private=True)


# --------------------------------------------------------------------------- redirects

def chain(http_server, length):
    for i in range(length):
        http_server.route(f"/r{i}", 302, {"Location": f"/r{i + 1}"}, b"")
    http_server.route(f"/r{length}", 200, {}, RSS)


@pytest.mark.integration
def test_redirects_followed_up_to_the_limit(http_server, client):
    chain(http_server, 5)
    result = get(http_server, "/r0", client)
    assert result.final_url == http_server.url("/r5") and result.body == RSS
    assert result.url == http_server.url("/r0")


@pytest.mark.integration
def test_redirect_chain_over_the_limit_refused(http_server, client):
    chain(http_server, 6)
    with pytest.raises(PermanentFetchError, match=r"/r0: more than 5 redirects"):
        get(http_server, "/r0", client)
    assert len(http_server.requests) == 6


@pytest.mark.integration
def test_conditional_headers_follow_redirects(http_server, client):
    http_server.route("/old", 301, {"Location": http_server.url("/new")}, b"")
    http_server.route("/new", 304, {}, b"")
    result = get(http_server, "/old", client, validators=Validators('"v"'))
    assert result.not_modified and result.final_url == http_server.url("/new")
    assert request_headers(http_server)["if-none-match"] == '"v"'


@pytest.mark.integration
def test_redirect_without_location_is_permanent(http_server, client):
    http_server.route("/nowhere", 302, {}, b"")
    with pytest.raises(PermanentFetchError, match="without Location"):
        get(http_server, "/nowhere", client)


@pytest.mark.integration
def test_redirect_to_file_scheme_refused(http_server, client):
    http_server.route("/evil", 302, {"Location": "file:///etc/passwd"}, b"")
    with pytest.raises(PermanentFetchError, match="refused scheme 'file'"):
        get(http_server, "/evil", client)


# --------------------------------------------------------------------------- addresses

@pytest.mark.parametrize("url", [
    pytest.param("file:///etc/passwd", id="file"),
    pytest.param("ftp://example.org/feed.xml", id="ftp"),
    pytest.param("gopher://example.org/", id="gopher"),
    pytest.param("/etc/passwd", id="bare-path"),
])
def test_only_http_and_https_are_fetched(client, url):
    with pytest.raises(PermanentFetchError, match="refused scheme|invalid URL"):
        fetch(url, client=client, allow_private=True)


@pytest.mark.integration
def test_loopback_refused_without_allow_private_before_connecting(http_server, client):
    http_server.route("/feed", 200, {}, RSS)
    with pytest.raises(PermanentFetchError, match=r"/feed: refused private.*127.0.0.1"):
        fetch(http_server.url("/feed"), client=client)
    assert http_server.requests == []


@pytest.mark.parametrize("address", [
    pytest.param("10.0.0.1", id="rfc1918-10"),
    pytest.param("192.168.1.1", id="rfc1918-192"),
    pytest.param("172.16.0.1", id="rfc1918-172"),
    pytest.param("169.254.169.254", id="link-local-metadata"),
    pytest.param("100.64.0.1", id="cgnat"),
    pytest.param("0.0.0.0", id="unspecified"),
    pytest.param("224.0.0.1", id="multicast"),
    pytest.param("240.0.0.1", id="reserved"),
    pytest.param("::1", id="ipv6-loopback"),
    pytest.param("fe80::1", id="ipv6-link-local"),
    pytest.param("fd00::1", id="ipv6-ula"),
    pytest.param("::ffff:127.0.0.1", id="ipv4-mapped-loopback"),
    pytest.param("2002:a9fe:a9fe::1", id="6to4-metadata"),
    pytest.param("64:ff9b::a00:1", id="nat64-rfc1918"),
    pytest.param("fe80::1%eth0", id="ipv6-zone"),
])
def test_non_public_addresses_are_refused(address):
    assert not fetch_mod.is_public_address(address)


@pytest.mark.parametrize("address", [
    pytest.param("93.184.215.14", id="ipv4"), pytest.param("2606:4700::1", id="ipv6"),
    pytest.param("64:ff9b::5db8:d70e", id="nat64-public"),
])
def test_public_addresses_pass(address):
    assert fetch_mod.is_public_address(address)


@pytest.mark.integration
def test_hostname_resolving_to_loopback_refused(http_server, client):
    http_server.route("/feed", 200, {}, RSS)
    url = f"http://localhost:{http_server.port}/feed"
    with pytest.raises(PermanentFetchError, match="refused private"):
        fetch(url, client=client)
    assert http_server.requests == []
    assert fetch(url, client=client, allow_private=True).body == RSS


@pytest.mark.parametrize("target", [
    pytest.param("http://10.0.0.1/", id="rfc1918"),
    pytest.param("http://169.254.169.254/latest/meta-data/", id="cloud-metadata"),
    pytest.param("http://[::1]:8080/", id="ipv6-loopback"),
    pytest.param("http://localhost/", id="localhost-name"),
])
def test_redirect_to_private_address_refused_before_connecting(target):
    seen = []

    def handler(request):
        seen.append(str(request.url))
        return httpx.Response(302, headers={"Location": target})

    with make_client(transport=httpx.MockTransport(handler)) as client:
        with pytest.raises(PermanentFetchError, match="refused private"):
            fetch(f"{PUBLIC}/feed", client=client)
    assert seen == [f"{PUBLIC}/feed"]  # the private hop was never requested


@pytest.fixture
def loopback_counts_as_public(monkeypatch):
    """Pretend 127.0.0.1 (only) is a public server, so a real loopback server can play a
    public feed host that redirects to a private address."""
    real = fetch_mod.is_public_address
    monkeypatch.setattr(fetch_mod, "is_public_address",
                        lambda a: a == "127.0.0.1" or real(a))


@pytest.mark.integration
@pytest.mark.parametrize("target", [
    pytest.param("http://10.0.0.1/", id="rfc1918"),
    pytest.param("http://169.254.169.254/latest/meta-data/", id="cloud-metadata"),
])
def test_real_server_redirect_to_private_refused(http_server, client, loopback_counts_as_public,
                                                 target):
    http_server.route("/feed", 302, {"Location": target}, b"")
    started = time.monotonic()
    with pytest.raises(PermanentFetchError, match=r"refused private"):
        fetch(http_server.url("/feed"), client=client, allow_private=False)
    # Refused from the address, not after a connect timeout to an unroutable host.
    assert time.monotonic() - started < 2.0
    assert [p for p, _ in http_server.requests] == ["/feed"]


@pytest.mark.integration
def test_dns_rebinding_is_caught_at_connect_time(http_server, client, monkeypatch):
    """The pre-check sees a public answer, the connect-time lookup gets loopback."""
    http_server.route("/feed", 200, {}, RSS)
    answers = iter([["93.184.215.14"], ["127.0.0.1"]])
    monkeypatch.setattr(fetch_mod, "resolve_host", lambda host, port: next(answers))
    with pytest.raises(PermanentFetchError, match="refused private.*127.0.0.1"):
        fetch(f"http://rebind.test:{http_server.port}/feed", client=client)
    assert http_server.requests == []


@pytest.mark.integration
def test_connects_to_the_checked_address(http_server, client, monkeypatch):
    """The guarded transport connects to the address it checked, with the Host header kept."""
    http_server.route("/feed", 200, {}, RSS)
    monkeypatch.setattr(fetch_mod, "resolve_host", lambda host, port: ["127.0.0.1"])
    result = fetch(f"http://feeds.example:{http_server.port}/feed", client=client,
                   allow_private=True)
    assert result.body == RSS
    assert request_headers(http_server)["host"] == f"feeds.example:{http_server.port}"


def test_unresolvable_host_is_transient(client, monkeypatch):
    def fail(host, port):
        raise OSError(f"cannot resolve {host!r}")

    monkeypatch.setattr(fetch_mod, "resolve_host", fail)
    with pytest.raises(TransientFetchError, match="http://no.such.host.test/feed: cannot resolve"):
        fetch("http://no.such.host.test/feed", client=client)


@pytest.mark.integration
def test_no_cookies_are_kept_between_fetches(http_server, client):
    http_server.route("/a", 200, {"Set-Cookie": "session=secret; Path=/"}, RSS)
    http_server.route("/b", 200, {}, RSS)
    get(http_server, "/a", client)
    get(http_server, "/b", client)
    assert "cookie" not in request_headers(http_server)


# --------------------------------------------------------------------------- per-host cap

def concurrent_peak(http_server, limiter, n=6, path="/slow"):
    active, peak, lock = [0], [0], threading.Lock()

    def slow(handler):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.2)
        with lock:
            active[0] -= 1
        handler._send(200, {}, RSS)

    http_server.route(path, slow)
    errors = []

    def worker():
        with make_client() as c:
            try:
                get(http_server, path, c, host_limiter=limiter)
            except Exception as exc:  # noqa: BLE001 (collected for the assertion)
                errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert errors == []
    return peak[0]


@pytest.mark.integration
def test_in_memory_host_limiter_caps_concurrency(http_server):
    assert concurrent_peak(http_server, InMemoryHostLimiter(limit=2)) == 2


def test_in_memory_host_limiter_times_out_transiently():
    limiter = InMemoryHostLimiter(limit=1, acquire_timeout_seconds=0.05)
    with limiter.acquire("example.org"):
        with pytest.raises(TransientFetchError, match="host example.org: 1 fetches"):
            with limiter.acquire("EXAMPLE.org"):
                pass
        with limiter.acquire("other.example"):  # other hosts are not affected
            pass


@pytest.mark.integration
def test_busy_host_error_names_the_url(http_server, client):
    http_server.route("/feed", 200, {}, RSS)
    limiter = InMemoryHostLimiter(limit=1, acquire_timeout_seconds=0.05)
    with limiter.acquire("127.0.0.1"):
        with pytest.raises(fetch_mod.HostBusy, match=r"^http://127.0.0.1:\d+/feed: host 127"):
            get(http_server, "/feed", client, host_limiter=limiter)


@pytest.mark.integration
def test_redis_host_limiter_caps_concurrency(http_server, redis_client):
    limiter = RedisHostLimiter(redis_client, limit=2, ttl_seconds=30)
    assert concurrent_peak(http_server, limiter) == 2
    assert redis_client.zcard("rasad:hostslots:127.0.0.1") == 0  # every slot released


@pytest.mark.integration
def test_redis_host_limiter_lease_of_a_killed_worker_expires(redis_client):
    limiter = RedisHostLimiter(redis_client, limit=1, ttl_seconds=0.3,
                               acquire_timeout_seconds=0.05)
    assert limiter.try_acquire("example.org") is not None  # never released: worker killed
    with pytest.raises(TransientFetchError):
        with limiter.acquire("example.org"):
            pass
    time.sleep(0.4)
    with limiter.acquire("example.org"):
        assert redis_client.zcard("rasad:hostslots:example.org") == 1


@pytest.mark.integration
def test_redis_host_limiter_renews_the_lease_of_a_long_fetch(redis_client):
    # A fetch longer than the lease keeps its slot (the holder renews it every ttl/3), so the
    # lease can be short and a killed worker's slot comes back within seconds.
    limiter = RedisHostLimiter(redis_client, limit=1, ttl_seconds=0.3,
                               acquire_timeout_seconds=0.05)
    with limiter.acquire("example.org"):
        time.sleep(1.0)  # more than three leases
        with pytest.raises(TransientFetchError):
            with limiter.acquire("example.org"):
                pass
    with limiter.acquire("example.org"):  # released at the end
        pass


# --------------------------------------------------------------------------- TLS

@pytest.fixture
def https_server(tmp_path):
    """An HTTPS server on 127.0.0.1 with a self-signed certificate for feeds.test; records
    the SNI name each handshake asked for."""
    import http.server
    import shutil
    import ssl
    import subprocess

    if not shutil.which("openssl"):
        pytest.skip("openssl binary not available")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=feeds.test", "-addext", "subjectAltName=DNS:feeds.test",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    sni = []
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(cert, key)
    server_ctx.sni_callback = lambda sock, name, ctx: sni.append(name)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server API)
            self.send_response(200)
            self.send_header("Content-Length", str(len(RSS)))
            self.end_headers()
            self.wfile.write(RSS)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = server_ctx.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    client_ctx = ssl.create_default_context(cafile=str(cert))
    yield server.server_address[1], client_ctx, sni
    server.shutdown()
    server.server_close()


@pytest.mark.integration
def test_tls_through_the_guarded_transport_checks_the_hostname(https_server, monkeypatch):
    port, ctx, sni = https_server
    monkeypatch.setattr(fetch_mod, "resolve_host", lambda host, p: ["127.0.0.1"])
    with make_client(transport=fetch_mod.guarded_transport(ctx)) as client:
        result = fetch(f"https://feeds.test:{port}/feed", client=client, allow_private=True)
        assert result.body == RSS and sni == ["feeds.test"]  # SNI is the name, not the IP
        with pytest.raises(TransientFetchError, match="other.test.*CERTIFICATE_VERIFY_FAILED"):
            fetch(f"https://other.test:{port}/feed", client=client, allow_private=True)


@pytest.mark.integration
def test_gzip_members_and_trailing_padding(http_server, client):
    body = gzip.compress(RSS[:20]) + gzip.compress(RSS[20:]) + b"\0\0\0\0"
    http_server.route("/gz", 200, {"Content-Encoding": "gzip"}, body)
    assert get(http_server, "/gz", client).body == RSS


@pytest.mark.integration
def test_corrupt_gzip_is_permanent(http_server, client):
    http_server.route("/gz", 200, {"Content-Encoding": "gzip"}, b"\x1f\x8bnot really gzip")
    with pytest.raises(PermanentFetchError, match="/gz: corrupt compressed body"):
        get(http_server, "/gz", client)


@pytest.mark.integration
def test_private_connections_are_not_kept_alive(http_server, client):
    http_server.route("/feed", 200, {}, RSS)
    get(http_server, "/feed", client)
    assert request_headers(http_server)["connection"] == "close"
