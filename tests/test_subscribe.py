"""Tests for worker.subscribe: following the alerts stream with catch-up, rule filter and
--from-start on a real Redis; snippets and the human and JSON forms of an alert."""

from __future__ import annotations

import itertools
import json
import threading
import time

import pytest
import redis as redis_lib

from tests.test_deliver import make_alert
from worker.deliver import ALERTS_STREAM, publish_alert
from worker.records import Alert
from worker.subscribe import FSI, PDI, RLI, follow_alerts, format_alert, isolate, make_snippet


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


class FlakyRedis:
    """The real client, but the first ``failures`` XREADs fail as if Redis were restarting."""

    def __init__(self, client, failures: int):
        self.client, self.failures = client, failures

    def xread(self, *args, **kwargs):
        if self.failures:
            self.failures -= 1
            raise redis_lib.ConnectionError("Connection refused")
        return self.client.xread(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.client, name)


@pytest.mark.integration
def test_survives_a_lost_connection(redis_client, monkeypatch):
    monkeypatch.setattr("worker.subscribe.RECONNECT_MIN_SECONDS", 0.01)
    publish(redis_client, "a1")
    assert [a.id for a in take(FlakyRedis(redis_client, 2), 1, from_start=True)] == ["a1"]
