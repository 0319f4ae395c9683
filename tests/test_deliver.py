"""Tests for worker.deliver: alert claims per (rule, story), idempotent publication to the
stream and the pub/sub channel, and the capped articles stream, on a real Redis."""

from __future__ import annotations

import json
import threading

import pytest
import redis as redis_lib

from worker.deliver import (
    ALERTS_CHANNEL,
    ALERTS_STREAM,
    ARTICLES_STREAM,
    claim_alert,
    publish_alert,
    publish_article,
)
from worker.records import Alert, Span

pytestmark = pytest.mark.integration


def make_alert(id_="a:phosphorus:s:1:0", rule="phosphorus", severity="high", **kw) -> Alert:
    fields = dict(
        id=id_, rule=rule, severity=severity, story_id="s:1", entry_id="e1", feed_id="alaraby",
        title='التحالف الدولي يقصف الباغوز بـ"الفسفور الأبيض"', url="https://www.alaraby.co.uk/x",
        published="2019-03-02T10:00:00Z", matches=(Span("الفسفور", 32, 39),),
        snippet="…يقصف الباغوز بـ«الفسفور» الأبيض…", created_at="2019-03-02T10:05:00Z",
        casualties={"killed": None, "injured": 10},
    )
    fields.update(kw)
    return Alert(**fields)


# --- claim_alert ------------------------------------------------------------------------


def test_first_claim_is_new(redis_client):
    claim = claim_alert(redis_client, "phosphorus", "s:1", {"killed": None, "injured": 10})
    assert claim and claim.kind == "new" and claim.alert_id == "a:phosphorus:s:1:0"


def test_second_claim_same_figures_is_duplicate(redis_client):
    claim_alert(redis_client, "phosphorus", "s:1", {"killed": 2, "injured": 10})
    claim = claim_alert(redis_client, "phosphorus", "s:1", {"killed": 2, "injured": 10})
    assert not claim and claim.kind == "duplicate"


def test_other_rule_on_the_same_story_alerts(redis_client):
    claim_alert(redis_client, "phosphorus", "s:1", {})
    assert claim_alert(redis_client, "baghouz", "s:1", {}).kind == "new"


@pytest.mark.parametrize(
    "first, second, kind",
    [
        pytest.param({"killed": 2, "injured": 10}, {"killed": 5, "injured": 10}, "update", id="killed-rises"),
        pytest.param({"killed": 2, "injured": 10}, {"killed": 2, "injured": 12}, "update", id="injured-rises"),
        pytest.param({"killed": None, "injured": None}, {"killed": 3, "injured": None}, "update", id="unknown-to-known"),
        pytest.param({"killed": 5, "injured": 10}, {"killed": 3, "injured": 10}, "duplicate", id="falls"),
        pytest.param({"killed": 5, "injured": 10}, {"killed": None, "injured": None}, "duplicate", id="figures-lost"),
        pytest.param({"killed": None, "injured": None}, {"killed": 0, "injured": None}, "duplicate", id="zero-is-no-rise"),
    ],
)
def test_update_only_when_a_figure_rises(redis_client, first, second, kind):
    claim_alert(redis_client, "casualties", "s:1", first)
    assert claim_alert(redis_client, "casualties", "s:1", second).kind == kind


def test_update_carries_previous_figures_and_alert(redis_client):
    claim_alert(redis_client, "casualties", "s:1", {"killed": 2, "injured": 10})
    claim = claim_alert(redis_client, "casualties", "s:1", {"killed": 5, "injured": 10})
    assert claim.alert_id == "a:casualties:s:1:1"
    assert claim.update_of == "a:casualties:s:1:0"
    assert claim.previous == {"killed": 2, "injured": 10}


def test_update_compares_with_the_highest_figures_alerted(redis_client):
    claim_alert(redis_client, "casualties", "s:1", {"killed": 9, "injured": 1})
    claim_alert(redis_client, "casualties", "s:1", {"killed": 2, "injured": 5})  # injured rises
    assert not claim_alert(redis_client, "casualties", "s:1", {"killed": 8, "injured": 5})
    third = claim_alert(redis_client, "casualties", "s:1", {"killed": 12, "injured": 5})
    assert third.kind == "update" and third.previous == {"killed": 9, "injured": 5}


def test_retry_of_the_winning_entry_gets_the_same_claim(redis_client):
    first = claim_alert(redis_client, "phosphorus", "s:1", {}, entry_id="e1")
    assert claim_alert(redis_client, "phosphorus", "s:1", {}, entry_id="e1") == first
    assert not claim_alert(redis_client, "phosphorus", "s:1", {}, entry_id="e2")


def test_retry_of_an_update_gets_the_same_update(redis_client):
    claim_alert(redis_client, "casualties", "s:1", {"killed": 1}, entry_id="e1")
    update = claim_alert(redis_client, "casualties", "s:1", {"killed": 4}, entry_id="e2")
    assert claim_alert(redis_client, "casualties", "s:1", {"killed": 4}, entry_id="e2") == update


def test_concurrent_claims_alert_once(redis_url, redis_client):
    kinds = []
    barrier = threading.Barrier(10)

    def worker(i):
        client = redis_lib.Redis.from_url(redis_url, decode_responses=True)
        barrier.wait()
        kinds.append(claim_alert(client, "baghouz", "s:9", {"killed": 1}, entry_id=f"e{i}").kind)
        client.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(kinds) == ["duplicate"] * 9 + ["new"]


# --- publish_alert ----------------------------------------------------------------------


def test_publish_appends_alert_json_rule_and_id_to_the_stream(redis_client):
    alert = make_alert()
    assert publish_alert(redis_client, alert) is True
    [(_, fields)] = redis_client.xrange(ALERTS_STREAM)
    assert fields["id"] == alert.id and fields["rule"] == "phosphorus"
    assert Alert.from_dict(json.loads(fields["alert"])) == alert
    assert "الفسفور" in fields["alert"]  # ensure_ascii=False: Arabic readable in the stream


def test_publish_is_idempotent_on_alert_id(redis_client):
    alert = make_alert()
    assert publish_alert(redis_client, alert) is True
    assert publish_alert(redis_client, alert) is False
    assert redis_client.xlen(ALERTS_STREAM) == 1


def test_stream_and_pubsub_both_receive(redis_url, redis_client):
    listener = redis_lib.Redis.from_url(redis_url, decode_responses=True)
    pubsub = listener.pubsub()
    pubsub.subscribe(ALERTS_CHANNEL)
    assert pubsub.get_message(timeout=2)["type"] == "subscribe"
    alert = make_alert()
    publish_alert(redis_client, alert)
    message = pubsub.get_message(timeout=2)
    pubsub.close()
    listener.close()
    assert message["type"] == "message"
    assert Alert.from_dict(json.loads(message["data"])) == alert
    assert redis_client.xlen(ALERTS_STREAM) == 1


def test_stream_is_trimmed_approximately(redis_client):
    for i in range(400):
        publish_alert(redis_client, make_alert(id_=f"a:{i}"), maxlen=100)
    assert 100 <= redis_client.xlen(ALERTS_STREAM) < 400


# --- publish_article --------------------------------------------------------------------


def test_article_is_published_once_per_entry(redis_client):
    record = {"entry": {"id": "e1", "title": "عنوان"}, "extraction": {"entities": []}}
    assert publish_article(redis_client, record) is True
    assert publish_article(redis_client, record) is False
    [(_, fields)] = redis_client.xrange(ARTICLES_STREAM)
    assert fields["id"] == "e1" and json.loads(fields["article"]) == record


def test_articles_stream_is_capped(redis_client):
    for i in range(300):
        publish_article(redis_client, {"entry": {"id": f"e{i}"}}, maxlen=50)
    assert redis_client.xlen(ARTICLES_STREAM) < 300
