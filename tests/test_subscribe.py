"""Tests for worker.subscribe: following the alerts stream with catch-up, rule filter and
--from-start on a real Redis; snippets and the human and JSON forms of an alert."""

from __future__ import annotations

import itertools
import json
import logging
import os
import pathlib
import select
import subprocess
import sys
import threading
import time

import pytest
import redis as redis_lib
from redis.backoff import NoBackoff
from redis.retry import Retry

from tests.conftest import free_port, redis_server_binary
from tests.test_deliver import make_alert
from worker.deliver import ALERTS_STREAM, publish_alert
from worker.records import Alert
from worker.subscribe import (
    FSI, PDI, RLI, follow_alerts, format_alert, isolate, make_snippet, read_timeout_seconds,
)

ROOT = pathlib.Path(__file__).resolve().parents[1]


def take(redis, n: int, *, timeout: float = 5.0, **kwargs) -> list[Alert]:
    """The first ``n`` alerts a subscriber shows (fewer if ``timeout`` passes first)."""
    stop = threading.Event()
    timer = threading.Timer(timeout, stop.set)
    timer.start()
    try:
        return list(itertools.islice(follow_alerts(redis, stop=stop, block_ms=100, **kwargs), n))
    finally:
        timer.cancel()


def publish(redis, *ids: str, rule: str = "phosphorus") -> None:
    for id_ in ids:
        publish_alert(redis, make_alert(id_=id_, rule=rule))


# --- following --------------------------------------------------------------------------


@pytest.mark.integration
def test_first_run_starts_at_now(redis_client):
    publish(redis_client, "old")
    later = threading.Timer(0.3, publish, args=(redis_client, "new"))
    later.start()
    assert [a.id for a in take(redis_client, 1)] == ["new"]
    later.join()


@pytest.mark.integration
def test_from_start_replays_everything_in_the_stream(redis_client):
    publish(redis_client, "a1", "a2", "a3")
    assert [a.id for a in take(redis_client, 3, from_start=True)] == ["a1", "a2", "a3"]


@pytest.mark.integration
def test_catches_up_on_what_it_missed_while_away(redis_client):
    publish(redis_client, "seen")
    assert [a.id for a in take(redis_client, 1, from_start=True, name="desk")] == ["seen"]
    publish(redis_client, "missed-1", "missed-2")  # while the subscriber is away
    assert [a.id for a in take(redis_client, 2, name="desk")] == ["missed-1", "missed-2"]
    assert redis_client.get("rasad:subscriber:desk:last_id") == redis_client.xrevrange(ALERTS_STREAM, count=1)[0][0]


@pytest.mark.integration
def test_first_run_remembers_now_so_later_runs_catch_up(redis_client):
    assert take(redis_client, 1, name="desk", timeout=0.3) == []  # first run, nothing new
    publish(redis_client, "while-away")
    assert [a.id for a in take(redis_client, 1, name="desk")] == ["while-away"]


@pytest.mark.integration
def test_subscriber_names_keep_separate_positions(redis_client):
    publish(redis_client, "a1", "a2")
    take(redis_client, 2, from_start=True, name="one")
    assert [a.id for a in take(redis_client, 2, from_start=True, name="two")] == ["a1", "a2"]


@pytest.mark.integration
def test_follows_live_alerts(redis_client):
    def later():
        for i in range(3):
            time.sleep(0.1)
            publish(redis_client, f"live-{i}")

    thread = threading.Thread(target=later)
    thread.start()
    got = take(redis_client, 3, name="live")
    thread.join()
    assert [a.id for a in got] == ["live-0", "live-1", "live-2"]


@pytest.mark.integration
def test_rule_filter(redis_client):
    publish(redis_client, "p1", rule="phosphorus")
    publish(redis_client, "b1", rule="baghouz")
    publish(redis_client, "p2", rule="phosphorus")
    assert [a.id for a in take(redis_client, 2, from_start=True, rule="phosphorus")] == ["p1", "p2"]


@pytest.mark.integration
def test_filtered_out_alerts_still_advance_the_position(redis_client):
    take(redis_client, 1, name="desk", timeout=0.2)
    publish(redis_client, "b1", rule="baghouz")
    publish(redis_client, "p1", rule="phosphorus")
    take(redis_client, 1, name="desk", rule="phosphorus")
    publish(redis_client, "b2", rule="baghouz")
    assert [a.id for a in take(redis_client, 1, name="desk")] == ["b2"]


@pytest.mark.integration
def test_undecodable_entries_are_skipped(redis_client):
    redis_client.xadd(ALERTS_STREAM, {"id": "bad", "alert": "{not json", "rule": "phosphorus"})
    publish(redis_client, "good")
    assert [a.id for a in take(redis_client, 1, from_start=True)] == ["good"]


@pytest.mark.integration
def test_stop_event_ends_the_subscription(redis_client):
    stop = threading.Event()
    threading.Timer(0.2, stop.set).start()
    started = time.monotonic()
    assert list(follow_alerts(redis_client, stop=stop, block_ms=100)) == []
    assert time.monotonic() - started < 2


# --- snippets ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, spans, width, expected",
    [
        pytest.param("short text here", [(6, 10)], 160, "short «text» here", id="whole-text"),
        pytest.param("a b c", [], 160, "a b c", id="no-match"),
        pytest.param("one\n\ntwo   three", [(5, 8)], 160, "one «two» three", id="whitespace-collapsed"),
        pytest.param("قصف الباغوز بالفسفور", [(4, 11), (12, 20)], 160, "قصف «الباغوز» «بالفسفور»",
                     id="two-matches"),
        pytest.param("abcdef", [(0, 3), (2, 5)], 160, "«abcde»f", id="overlapping-merged"),
        pytest.param("word " * 20 + "target " + "word " * 20, [(100, 106)], 30,
                     "…word word «target» word word…", id="cut-at-words"),
    ],
)
def test_make_snippet(text, spans, width, expected):
    assert make_snippet(text, spans, width) == expected


def test_snippet_on_the_seed_article_marks_phosphorus(seed_text):
    start = seed_text.index("بقنابل الفسفور") + len("بقنابل ")
    snippet = make_snippet(seed_text, [(start, start + len("الفسفور"))])
    assert "«الفسفور»" in snippet and len(snippet) <= 170 and "\n" not in snippet


# --- formatting -------------------------------------------------------------------------


def test_json_form_is_one_line_with_arabic_unescaped():
    alert = make_alert()
    line = format_alert(alert, as_json=True)
    assert "\n" not in line and "الفسفور" in line
    assert Alert.from_dict(json.loads(line)) == alert


def test_human_form_has_severity_rule_title_feed_published_link_and_marked_snippet():
    alert = make_alert()
    text = format_alert(alert, as_json=False)
    for part in ("[HIGH]", "phosphorus", alert.title, "alaraby", alert.published, alert.url,
                 "«الفسفور»", "injured 10"):
        assert part in text
    assert RLI + alert.title + PDI in text


def test_human_form_of_an_update_shows_previous_figures():
    alert = make_alert(update_of="a:casualties:s:1:0", rule="casualties",
                       casualties={"killed": 12, "injured": 10},
                       previous={"killed": 3, "injured": 10})
    text = format_alert(alert, as_json=False)
    assert "UPDATE casualties" in text and "killed 12 (was 3)" in text and "injured 10" in text
    assert "injured 10 (was" not in text


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("Baghouz strike", "Baghouz strike", id="latin-unchanged"),
        pytest.param("قصف الباغوز 2019", RLI + "قصف الباغوز 2019" + PDI, id="arabic-rli"),
        pytest.param("Coalition strikes near the town of الباغوز",
                     FSI + "Coalition strikes near the town of الباغوز" + PDI, id="mostly-latin-fsi"),
    ],
)
def test_isolate(text, expected):
    assert isolate(text) == expected


# --- quiet stream, outages -------------------------------------------------------------


def _follow_in_thread(client, **kwargs):
    """Follow alerts in a thread; returns (got: list of (monotonic time, alert), stop)."""
    got, stop = [], threading.Event()

    def run():
        for alert in follow_alerts(client, stop=stop, **kwargs):
            got.append((time.monotonic(), alert))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return got, stop, thread


def _wait_for(got: list, n: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while len(got) < n and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(got) >= n, f"{len(got)} of {n} alerts after {timeout} s"


@pytest.mark.integration
def test_a_quiet_stream_is_not_an_outage(redis_url, caplog):
    """A real multi-second block on a client built as `rasad subscribe` builds it: idle for
    longer than redis-py's 5 s default socket timeout, nothing is logged, and an alert added
    afterwards arrives at once (no backoff was started)."""
    client = redis_lib.Redis.from_url(redis_url, decode_responses=True,
                                      socket_timeout=read_timeout_seconds(3000))
    client.delete(ALERTS_STREAM, "rasad:subscriber:quiet:last_id")
    caplog.set_level(logging.DEBUG, logger="worker.subscribe")
    got, stop, thread = _follow_in_thread(client, name="quiet", block_ms=3000)
    time.sleep(8)  # two and a half blocking reads with nothing to read
    assert got == [] and caplog.records == []
    added = time.monotonic()
    publish(client, "after-quiet")
    _wait_for(got, 1, timeout=5)
    stop.set()
    assert [a.id for _, a in got] == ["after-quiet"]
    assert got[0][0] - added < 1.0
    assert caplog.records == []
    thread.join(5)
    client.close()


def test_a_socket_timeout_shorter_than_the_block_is_refused(redis_url):
    client = redis_lib.Redis.from_url(redis_url, socket_timeout=2)
    with pytest.raises(ValueError, match="socket_timeout=read_timeout_seconds"):
        next(follow_alerts(client, block_ms=3000))
    default = redis_lib.Redis.from_url(redis_url)  # redis-py 8: 5 s, the old 5 s block failed
    with pytest.raises(ValueError, match=r"\(5 s\)"):
        next(follow_alerts(default, block_ms=5000))


def _start_redis(port: int, data) -> subprocess.Popen:
    proc = subprocess.Popen(
        [redis_server_binary(), "--port", str(port), "--bind", "127.0.0.1", "--dir", str(data),
         "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    probe = redis_lib.Redis(port=port)
    for _ in range(200):
        try:
            probe.ping()
            return proc
        except redis_lib.ConnectionError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("redis-server did not start")


@pytest.mark.integration
def test_an_outage_is_reported_once_retried_and_its_end_reported(tmp_path, monkeypatch, caplog):
    """A real Redis stopped for a few seconds, then started again on the same port."""
    monkeypatch.setattr("worker.subscribe.RECONNECT_MIN_SECONDS", 0.05)
    monkeypatch.setattr("worker.subscribe.RECONNECT_MAX_SECONDS", 0.2)
    port = free_port()
    server = _start_redis(port, tmp_path)
    # No retries inside redis-py, so each failed XREAD comes back at once and the
    # subscriber's own backoff is what paces the retries.
    client = redis_lib.Redis(port=port, decode_responses=True, retry=Retry(NoBackoff(), 0),
                             socket_timeout=read_timeout_seconds(500))
    caplog.set_level(logging.DEBUG, logger="worker.subscribe")
    got, stop, thread = _follow_in_thread(client, name="outage", block_ms=500)
    try:
        # The subscriber starts from the stream's end: publish only once it has stored its
        # position, or "before" can land ahead of its first read on a loaded machine.
        deadline = time.monotonic() + 10
        while client.get("rasad:subscriber:outage:last_id") is None:
            assert time.monotonic() < deadline, "the subscriber never started"
            time.sleep(0.01)
        publish(client, "before")
        _wait_for(got, 1, timeout=5)
        server.terminate()
        server.wait(10)
        time.sleep(3)
        server = _start_redis(port, tmp_path)
        publish(redis_lib.Redis(port=port, decode_responses=True), "after")
        _wait_for(got, 2, timeout=10)
    finally:
        stop.set()
        thread.join(5)
        server.terminate()
        server.wait(10)
    assert [a.id for _, a in got] == ["before", "after"]
    messages = [(r.levelno, r.getMessage()) for r in caplog.records]
    assert messages.count((logging.WARNING, "redis unavailable; retrying until it is back")) == 1
    assert messages.count((logging.DEBUG, "redis still unavailable")) >= 3
    assert messages.count((logging.INFO, "redis reachable again; catching up")) == 1


@pytest.mark.integration
def test_rasad_subscribe_prints_nothing_while_idle(redis_url, redis_client, tmp_path):
    """The command itself, with its real 5 s blocking read: quiet for longer than one read,
    then an alert printed within a second of being added."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), RASAD_REDIS_URL=redis_url,
               RASAD_DATA_DIR=str(tmp_path))
    stderr = (tmp_path / "stderr").open("w+")
    proc = subprocess.Popen([sys.executable, "-m", "worker.cli", "subscribe", "--json"],
                            stdout=subprocess.PIPE, stderr=stderr, env=env, cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while redis_client.get("rasad:subscriber:default:last_id") is None:
            assert proc.poll() is None and time.monotonic() < deadline, _read(stderr)
            time.sleep(0.05)
        # Two 5 s blocking reads: with redis-py's default 5 s socket timeout each one raced
        # the server's empty reply and usually lost ("Timeout reading from socket").
        time.sleep(11)
        lines = _read(stderr).splitlines()
        assert len(lines) == 1 and lines[0].startswith("following rasad:alerts"), lines
        added = time.monotonic()
        publish(redis_client, "live")
        ready, _, _ = select.select([proc.stdout], [], [], 5)
        assert ready, "no alert printed within 5 s"
        line = proc.stdout.readline()
        assert time.monotonic() - added < 1.0
        assert json.loads(line)["id"] == "live"
        assert len(_read(stderr).splitlines()) == 1
    finally:
        proc.terminate()
        proc.wait(10)
        stderr.close()


def _read(handle) -> str:
    handle.seek(0)
    return handle.read()
