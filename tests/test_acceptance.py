"""Acceptance: `rasad run` (embedded Redis, real Celery worker and beat) polls a loopback feed
whose item is the seed article; a real `rasad subscribe` reads exactly one alert each for
phosphorus, baghouz and casualties; polling again, and the same story from a second feed,
yields no new alert."""

from __future__ import annotations

import json
import os
import pathlib
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from email.utils import format_datetime
from datetime import datetime, timezone
from xml.sax.saxutils import escape

import pytest

from tests.conftest import free_port

pytestmark = pytest.mark.integration
ROOT = pathlib.Path(__file__).resolve().parents[1]
RASAD = [sys.executable, "-m", "worker.cli"]


def rss(items: list[dict]) -> bytes:
    body = "".join(
        f"<item><title>{escape(i['title'])}</title><link>{escape(i['link'])}</link>"
        f"<guid isPermaLink=\"false\">{escape(i['guid'])}</guid>"
        f"<pubDate>{i['pubDate']}</pubDate><description>{escape(i['description'])}"
        f"</description></item>" for i in items)
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>test</title><link>http://127.0.0.1/</link><description>t</description>"
            f"{body}</channel></rss>").encode("utf-8")


def seed_items(seed_text: str) -> tuple[dict, dict]:
    title, _, body = seed_text.partition("\n")
    pub = format_datetime(datetime(2019, 3, 2, 10, 0, tzinfo=timezone.utc), usegmt=True)
    a = {"title": title, "link": "https://www.alaraby.co.uk/seed", "guid": "alaraby-1",
         "pubDate": pub, "description": body.strip()}
    # The same story through another outlet: other guid and link, lightly edited text.
    edited = body.strip().replace("وقالت مصادر محلية", "وذكرت مصادر محلية") + \
        "\n\nالمصدر: وكالات"
    b = {"title": title + " (تحديث)", "link": "https://example.org/news/123",
         "guid": "other-99", "pubDate": pub, "description": edited}
    return a, b


FIRST_REQUEST: dict[str, float] = {}


def serve_with_etag(server, path: str, body: bytes, etag: str) -> None:
    def handler(h):
        FIRST_REQUEST.setdefault(path, time.time())
        if h.headers.get("If-None-Match") == etag:
            h._send(304, {"ETag": etag}, b"")
        else:
            h._send(200, {"Content-Type": "application/rss+xml; charset=utf-8", "ETag": etag},
                    body)
    server.route(path, handler)


def _reader(proc, out: queue.Queue) -> None:
    for line in proc.stdout:
        out.put(line)


@pytest.fixture
def rasad_env(tmp_path, http_server):
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(
        "feeds:\n"
        f"  - {{id: feed-a, name: العربي الجديد, url: '{http_server.url('/a.xml')}', lang: ar,"
        " interval: 2, allow_private: true}\n"
        f"  - {{id: feed-b, name: مصدر آخر, url: '{http_server.url('/b.xml')}', lang: ar,"
        " interval: 2, allow_private: true}\n", encoding="utf-8")
    env = dict(os.environ, RASAD_DATA_DIR=str(tmp_path / "data"), RASAD_FEEDS=str(feeds),
               RASAD_EMBEDDED_REDIS_PORT=str(free_port()), RASAD_POLL_TICK_SECONDS="1",
               RASAD_METRICS_ADDR=f"127.0.0.1:{free_port()}", PYTHONPATH=str(ROOT))
    env.pop("RASAD_REDIS_URL", None)
    return env


def test_seed_article_alerts_once_per_rule_and_never_again(rasad_env, http_server, seed_text):
    a, b = seed_items(seed_text)
    serve_with_etag(http_server, "/a.xml", rss([a]), '"a1"')
    http_server.route("/b.xml", 200, {"Content-Type": "application/rss+xml"}, rss([]))
    started = time.time()
    service = subprocess.Popen(RASAD + ["run"], env=rasad_env, cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    subscriber = None
    try:
        _wait_for_port_file(rasad_env, service)
        subscriber = subprocess.Popen(RASAD + ["subscribe", "--json", "--from-start"],
                                      env=rasad_env, cwd=ROOT, stdout=subprocess.PIPE,
                                      stderr=subprocess.DEVNULL, text=True)
        lines: queue.Queue = queue.Queue()
        threading.Thread(target=_reader, args=(subscriber, lines), daemon=True).start()

        alerts = _collect(lines, until=lambda got: len(got) >= 3, timeout=180)
        first_poll = _first_request_time(http_server, "/a.xml")
        assert sorted(x["rule"] for x in alerts) == ["baghouz", "casualties", "phosphorus"]
        print(f"\nseed alerts: all 3 on the subscriber {time.time() - first_poll:.2f}s after "
              f"the first poll, {time.time() - started:.1f}s after `rasad run` started "
              f"(embedded Redis, worker with NER model loaded before fork, beat)")
        _assert_alert_contents(alerts)

        # The same story from a second feed, and re-polls of the first: nothing new.
        http_server.route("/b.xml", 200, {"Content-Type": "application/rss+xml"}, rss([b]))
        _wait_for_requests(http_server, "/b.xml", 3, timeout=60)
        _wait_for_requests(http_server, "/a.xml", 4, timeout=60)
        time.sleep(8)  # let the duplicate go through nlp and alerts
        more = _collect(lines, until=lambda got: False, timeout=2)
        assert more == [], f"unexpected extra alerts: {[m['rule'] for m in more]}"
        conditional = [h for p, h in http_server.requests if p == "/a.xml"][1:]
        assert any(h.get("If-None-Match") == '"a1"' for h in conditional)
    finally:
        if subscriber and subscriber.poll() is None:
            subscriber.terminate()
            subscriber.wait(10)
        service.send_signal(signal.SIGINT)  # Ctrl-C: everything stops cleanly
        code = service.wait(120)
        stderr = service.stderr.read()
    assert code == 0, stderr[-3000:]
    with socket.socket() as sock:  # the embedded Redis went down with it
        assert sock.connect_ex(("127.0.0.1", int(rasad_env["RASAD_EMBEDDED_REDIS_PORT"]))) != 0


def _wait_for_port_file(env, service, timeout=60):
    port_file = pathlib.Path(env["RASAD_DATA_DIR"]) / "redis" / "port"
    deadline = time.time() + timeout
    while time.time() < deadline:
        if port_file.exists():
            return
        if service.poll() is not None:
            pytest.fail(f"rasad run exited: {service.stderr.read()[-3000:]}")
        time.sleep(0.2)
    pytest.fail("embedded redis did not start")


def _collect(lines: queue.Queue, until, timeout: float) -> list[dict]:
    got, deadline = [], time.time() + timeout
    while time.time() < deadline and not until(got):
        try:
            got.append(json.loads(lines.get(timeout=0.5)))
        except queue.Empty:
            continue
    return got


def _first_request_time(server, path: str) -> float:
    return FIRST_REQUEST.get(path, time.time())


def _wait_for_requests(server, path: str, count: int, timeout: float) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if sum(1 for p, _ in server.requests if p == path) >= count:
            return
        time.sleep(0.3)
    pytest.fail(f"{path} was not polled {count} times in {timeout}s")


def _assert_alert_contents(alerts: list[dict]) -> None:
    by_rule = {a["rule"]: a for a in alerts}
    phos = by_rule["phosphorus"]
    assert phos["severity"] == "critical" and phos["feed_id"] == "feed-a"
    assert phos["url"] == "https://www.alaraby.co.uk/seed"
    assert phos["published"].startswith("2019-03-02")
    assert any("الفسفور" in m["text"] for m in phos["matches"])
    assert phos["snippet"]
    assert by_rule["casualties"]["casualties"]["injured"] == 10
