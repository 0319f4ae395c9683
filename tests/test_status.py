"""worker.status: the ``rasad status`` table and JSON, read from a real Redis."""

from __future__ import annotations

import json
import pathlib
import re
import signal
import subprocess
import sys
import time

import pytest
from kombu import Connection

from worker import status

NOW = 1_700_000_000.0
FEEDS = [
    {"id": "alaraby", "name": "العربي الجديد", "url": "https://www.alaraby.co.uk/rss",
     "lang": "ar"},
    {"id": "bbc-arabic", "name": "بي بي سي عربي", "url": "https://feeds.bbci.co.uk/x",
     "lang": "ar"},
    {"id": "reuters", "name": "Reuters World", "url": "https://example.com/rss", "lang": "en"},
]
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture
def feeds_in_redis(redis_client):
    redis_client.hset("rasad:feed:alaraby", mapping={
        "name": "العربي الجديد", "last_poll_at": str(NOW - 120), "last_outcome": "fetched",
        "last_success_at": str(NOW - 120), "new_entries_last": "3",
        "new_entries_total": "120", "entries_seen_total": "400", "parked": "0",
        "consecutive_failures": "0", "next_check_at": str(NOW + 180)})
    redis_client.hset("rasad:feed:bbc-arabic", mapping={
        "last_poll_at": str(NOW - 7200), "last_outcome": "permanent_error", "parked": "1",
        "consecutive_failures": "8", "new_entries_total": "5",
        "last_error": "PermanentFetchError: HTTP 404 for https://feeds.bbci.co.uk/arabic/"
                      "rss.xml\nafter 8 attempts, feed parked until an operator resets it"})
    redis_client.rpush("nlp", "a", "b")
    return redis_client


@pytest.mark.parametrize("ts, expected", [
    pytest.param(None, "never", id="never"),
    pytest.param(NOW - 0.4, "now", id="now"),
    pytest.param(NOW - 42, "42 s ago", id="seconds"),
    pytest.param(NOW - 150, "2 min ago", id="minutes"),
    pytest.param(NOW - 3 * 3600 - 5, "3 h ago", id="hours"),
    pytest.param(NOW - 2 * 86400, "2 d ago", id="days"),
    pytest.param(NOW + 30, "in 30 s", id="future"),
])
def test_relative_time_reads_like_speech(ts, expected):
    assert status.relative_time(ts, NOW) == expected


@pytest.mark.parametrize("text, width", [
    pytest.param("Reuters", 7, id="latin"),
    pytest.param("العربي الجديد", 13, id="arabic"),
    pytest.param("الفُسْفُور", 7, id="tashkeel-is-zero-width"),
    pytest.param("\u2068نص\u2069", 2, id="isolates-are-zero-width"),
    pytest.param("新闻", 4, id="cjk-is-wide"),
])
def test_display_width_counts_terminal_columns(text, width):
    assert status.display_width(text) == width


def test_rtl_names_are_isolated_and_padded_to_column_width():
    cell = status.pad("العربي الجديد", 20)
    assert cell.startswith("\u2068") and "\u2069" in cell
    assert status.display_width(cell) == 20
    assert status.pad("Reuters", 10) == "Reuters   "


def test_long_text_is_truncated_with_an_ellipsis_to_the_width():
    cut = status.truncate("الجزيرة نت — أخبار عاجلة من كل مكان", 12)
    assert cut.endswith("…") and status.display_width(cut) == 12


def test_table_has_one_row_per_feed_with_aligned_columns(feeds_in_redis):
    text = status.render_status(feeds_in_redis, FEEDS, now=NOW)
    lines = text.splitlines()
    header, rows = lines[0], lines[1:4]
    assert header.split()[:3] == ["ID", "FEED", "LAST"]
    # every row puts its third column where the header does, Arabic names included
    column = header.index("LAST POLL")
    for row in rows:
        assert status.display_width(_before(row, column)) == column, row


def _before(row: str, width: int) -> str:
    """The prefix of ``row`` that occupies ``width`` display columns."""
    out, used = "", 0
    for char in row:
        if used == width:
            break
        out += char
        used += status.char_width(char)
    return out


def test_table_shows_poll_outcome_counts_parked_and_error(feeds_in_redis):
    text = status.render_status(feeds_in_redis, FEEDS, now=NOW)
    alaraby, bbc, reuters = text.splitlines()[1:4]
    assert "العربي الجديد" in alaraby and "2 min ago" in alaraby
    assert "fetched" in alaraby and "3/120" in alaraby and "in 3 min" in alaraby
    assert "permanent_error" in bbc and " yes " in bbc and "parked" in bbc
    assert "HTTP 404" in bbc and "…" in bbc and "\n" not in bbc  # one line, truncated
    assert "never" in reuters and "0/0" in reuters


def test_totals_and_queue_depths_follow_the_table(feeds_in_redis):
    text = status.render_status(feeds_in_redis, FEEDS, now=NOW)
    assert "feeds: 3  parked: 1" in text and "never polled: 1" in text
    assert "new entries: 125" in text
    assert "queues: poll 0  nlp 2  alerts 0" in text


def test_color_only_when_asked(feeds_in_redis):
    plain = status.render_status(feeds_in_redis, FEEDS, now=NOW)
    colored = status.render_status(feeds_in_redis, FEEDS, now=NOW, color=True)
    assert not ANSI.search(plain)
    assert "\x1b[32m" in colored and ANSI.sub("", colored).split() == plain.split()


def test_due_feed_shows_due(redis_client):
    redis_client.hset("rasad:feed:reuters", mapping={"next_check_at": str(NOW - 5),
                                                      "last_poll_at": str(NOW - 305)})
    row = status.render_status(redis_client, FEEDS[2:], now=NOW).splitlines()[1]
    assert " due" in row


def test_json_carries_the_same_state(feeds_in_redis):
    data = json.loads(json.dumps(status.status_json(feeds_in_redis, FEEDS, now=NOW)))
    by_id = {feed["id"]: feed for feed in data["feeds"]}
    assert by_id["alaraby"]["name"] == "العربي الجديد"
    assert by_id["alaraby"]["new_entries_total"] == 120
    assert by_id["alaraby"]["last_poll_at"] == NOW - 120
    assert by_id["bbc-arabic"]["parked"] is True
    assert by_id["reuters"]["last_poll_at"] is None
    assert data["totals"]["parked"] == 1 and data["queues"]["nlp"] == 2


def test_bytes_responses_decode_like_strings(redis_url, feeds_in_redis):
    import redis

    raw_client = redis.Redis.from_url(redis_url)  # decode_responses=False
    assert status.read_feed_states(raw_client, ["alaraby"])["alaraby"]["name"] == "العربي الجديد"
    raw_client.close()


# --- Work in flight: kombu's unacknowledged messages ------------------------------------

REPO = pathlib.Path(__file__).resolve().parents[1]
# Sends a real rasad.poll_feed task with Rasad's Celery app, takes it the way a Celery worker
# does (a kombu Consumer on the app's "poll" queue, acknowledging late), then dies by SIGKILL
# before acknowledging: what a kill -9 of a worker mid-task leaves behind.
STRAND_SCRIPT = """
import os, signal, sys
from kombu import Consumer
from worker.celery_app import make_app
from worker.settings import Settings

app = make_app(Settings(redis_url=sys.argv[1]))
app.send_task("rasad.poll_feed", args=["alaraby"])
with app.connection_for_read() as conn:
    def die(body, message):
        os.kill(os.getpid(), signal.SIGKILL)
    with Consumer(conn, queues=[app.amqp.queues["poll"]], callbacks=[die], accept=["json"]):
        conn.drain_events(timeout=20)
"""


def strand_a_celery_message(redis_url: str) -> None:
    result = subprocess.run([sys.executable, "-c", STRAND_SCRIPT, redis_url], cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == -signal.SIGKILL, result.stderr[-2000:]


def test_nothing_in_flight_reads_zero(redis_client):
    assert status.unacked_messages(redis_client) == {"messages": 0, "oldest_age_seconds": None}
    text = status.render_status(redis_client, FEEDS, now=NOW)
    assert "in flight (taken, not acknowledged): 0" in text


def test_webhook_retries_waiting_show_when_due_and_when_overdue(redis_client):
    assert "webhook retries waiting: 0" in status.render_status(redis_client, FEEDS, now=NOW)
    # Members as worker.webhooks.schedule_retry writes them, scored by when they are due.
    redis_client.zadd(status.WEBHOOK_RETRY_KEY, {'{"webhook": "ops", "attempt": 2}': NOW + 300,
                                                 '{"webhook": "ops", "attempt": 3}': NOW + 900})
    data = status.status_json(redis_client, FEEDS, now=NOW)["webhook_retries"]
    assert data == {"pending": 2, "next_due_in_seconds": 300.0, "overdue_seconds": 0.0}
    assert "webhook retries waiting: 2, next due in 5 min" in \
        status.render_status(redis_client, FEEDS, now=NOW)
    # Beat stopped: the retries stay past their due time, and the line says what to check.
    later = NOW + 300 + 600
    text = status.render_status(redis_client, FEEDS, now=later)
    assert "webhook retries waiting: 2, the oldest due 10 min ago: is beat running?" in text


def test_a_task_stranded_by_a_killed_worker_shows_as_in_flight(redis_url, redis_client):
    strand_a_celery_message(redis_url)
    later = time.time() + 125
    data = json.loads(json.dumps(status.status_json(redis_client, FEEDS, now=later)))
    assert data["queues"]["poll"] == 0  # gone from its queue: depth alone hides it
    assert data["unacked"]["messages"] == 1
    assert 125 <= data["unacked"]["oldest_age_seconds"] < 125 + 60
    text = status.render_status(redis_client, FEEDS, now=later)
    assert "in flight (taken, not acknowledged): 1, oldest taken 2 min ago" in text


def test_in_flight_is_what_kombu_puts_back_after_the_visibility_timeout(redis_url, redis_client):
    strand_a_celery_message(redis_url)
    # What a live worker's periodic sweep does once the message is older than the timeout
    # (0 here, so now): kombu QoS.restore_visible.
    with Connection(redis_url, transport_options={"visibility_timeout": 0}) as conn:
        conn.default_channel.qos.restore_visible(num=None, interval=1)
    assert status.unacked_messages(redis_client)["messages"] == 0
    assert status.queue_depths(redis_client)["poll"] == 1


def test_every_task_is_acknowledged_within_the_visibility_timeout():
    """A message is unacknowledged from delivery through its retry countdown to the end of
    its task; held past the visibility timeout it is delivered twice.  So for every task:
    longest countdown + hard time limit + slack <= timeout, and the kombu sweep that puts
    stranded work back scans on each 10 s firing (docs/scaling.md)."""
    import worker.tasks  # noqa: F401 - registers the tasks on the app
    from worker.celery_app import app
    from worker.settings import RETRY_COUNTDOWN_MAX_SECONDS, TIME_LIMIT_SLACK_SECONDS

    timeout = app.conf.broker_transport_options["visibility_timeout"]
    assert timeout <= 300  # back within 5 minutes, not 2 hours (issue 11)
    assert app.conf.broker_transport_options["unacked_restore_throttle"] == 1
    tasks = {name: task for name, task in app.tasks.items() if name.startswith("rasad.")}
    assert "rasad.process_articles" in tasks and "rasad.poll_feed" in tasks
    for name, task in tasks.items():
        assert task.soft_time_limit < task.time_limit, name
        assert (task.time_limit + RETRY_COUNTDOWN_MAX_SECONDS + TIME_LIMIT_SLACK_SECONDS
                <= timeout), name
        assert (getattr(task, "retry_backoff_max", 0) or 0) <= RETRY_COUNTDOWN_MAX_SECONDS, name


def test_entries_in_flight_show_in_text_and_json(redis_client):
    from worker.dedup import IN_FLIGHT_KEY

    assert "entries in flight (claimed, not yet alerted): 0" in \
        status.render_status(redis_client, FEEDS, now=NOW)
    redis_client.hset(IN_FLIGHT_KEY, mapping={"claim:a": "{}", "claim:b": "{}", "claim:c": "{}"})
    assert status.status_json(redis_client, FEEDS, now=NOW)["entries_in_flight"] == 3
    assert "entries in flight (claimed, not yet alerted): 3" in \
        status.render_status(redis_client, FEEDS, now=NOW)


def test_webhook_deliveries_in_flight_show_in_text_and_json(redis_client):
    from worker.webhooks import IN_FLIGHT_KEY

    assert "webhook deliveries in flight (not yet delivered or dead-lettered): 0" in \
        status.render_status(redis_client, FEEDS, now=NOW)
    redis_client.hset(IN_FLIGHT_KEY, mapping={"h:a:1": "{}", "h:a:2": "{}"})
    assert status.status_json(redis_client, FEEDS, now=NOW)["webhook_deliveries_in_flight"] == 2
    assert "webhook deliveries in flight (not yet delivered or dead-lettered): 2" in \
        status.render_status(redis_client, FEEDS, now=NOW)
