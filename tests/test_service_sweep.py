"""Beat's sweep for work whose message Redis lost (worker/service.py, sweep_stranded), against
a real redis-server on 127.0.0.1 and real Celery messages on its queues.

kombu's Redis transport pops a message (BRPOP) and records it in ``unacked`` only on its next
round trip; a Redis killed in between loses the message, and the claimed entries or the webhook
delivery it carried stay in their in-flight ledgers.  On a live service the sweep re-issues such
a record only when two sweeps at least the grace apart both found no message carrying it, so
the moment a message is legitimately in neither place never causes a second one."""

from __future__ import annotations

import json
import logging
import threading

import pytest

from tests.conftest import queued_tasks
from worker import dedup, service, webhooks
from worker.celery_app import make_app
from worker.errors import ConfigError
from worker.records import Entry
from worker.service import (SWEEP_LOCK, SWEEP_MAX_REISSUES, requeue_stranded,
                            sweep_stranded)
from worker.settings import Settings

GRACE = 60.0
T0 = 1_000_000.0


@pytest.fixture
def settings(redis_url) -> Settings:
    return Settings(redis_url=redis_url, stranded_grace_seconds=GRACE)


def entry(name: str) -> Entry:
    return Entry(id=f"g:{name}", feed_id="good", title=f"عنوان {name}",
                 url=f"https://example.org/{name}", summary="نص الخبر", published=None)


def claim(redis_client, e: Entry, owner: str = "poll-done") -> None:
    """As poll_feed does: claimed, owned by the poll's task id, recorded in flight."""
    assert dedup.claim_entries(redis_client, [e], owner=owner) == [e]
    dedup.track_in_flight(redis_client, [e], fetched_at=1.0, owner=owner)


def send(settings: Settings, name: str, args: tuple, **options) -> None:
    app = make_app(settings)
    try:
        app.send_task(name, args=args, **options)
    finally:
        app.close()


def take(redis_client, queue: str, tag: str = "tag-1") -> None:
    """Pop a message and record it in ``unacked``, as a consumer's QoS.append does."""
    raw = redis_client.rpop(queue)
    redis_client.hset("unacked", tag, json.dumps([json.loads(raw), queue, queue]))
    redis_client.zadd("unacked_index", {tag: 1.0})


def article(e: Entry) -> dict:
    return {"entry": e.to_dict(), "story_id": "s:1", "fetched_at": 1.0}


# --- entries ----------------------------------------------------------------------------------


def test_an_uncarried_entry_is_reissued_only_by_a_later_sweep_past_the_grace(
        settings, redis_url, redis_client):
    lost = entry("lost")
    claim(redis_client, lost)
    assert sweep_stranded(redis_url, settings, now=T0) == (0, 0)  # first sighting only
    assert queued_tasks(redis_client, "nlp") == []
    assert sweep_stranded(redis_url, settings, now=T0 + GRACE - 1) == (0, 0)
    assert queued_tasks(redis_client, "nlp") == []

    assert sweep_stranded(redis_url, settings, now=T0 + GRACE) == (1, 0)
    [(name, args)] = queued_tasks(redis_client, "nlp")
    assert name == "rasad.process_articles" and [i["entry"]["id"] for i in args[0]] == [lost.id]
    # The re-issued message carries it now: later sweeps leave it alone.
    assert sweep_stranded(redis_url, settings, now=T0 + 10 * GRACE) == (0, 0)
    assert len(queued_tasks(redis_client, "nlp")) == 1
    assert redis_client.hkeys(dedup.IN_FLIGHT_KEY) == [dedup.claim_key(lost)]


def test_a_full_text_feeds_entry_goes_again_through_fetch_fulltext(
        settings, redis_url, redis_client):
    claim(redis_client, entry("page"))
    sweep_stranded(redis_url, settings, fulltext_feeds=["good"], now=T0)
    assert sweep_stranded(redis_url, settings, fulltext_feeds=["good"], now=T0 + GRACE) == (1, 0)
    [(name, _args)] = queued_tasks(redis_client, "poll")
    assert name == "rasad.fetch_fulltext"


def _in_nlp(settings, redis_client, e):
    send(settings, "rasad.process_articles", ([article(e)],))


def _in_unacked(settings, redis_client, e):
    send(settings, "rasad.raise_alerts", ({**article(e), "extraction": {}},))
    take(redis_client, "alerts")


def _bulk_priority(settings, redis_client, e):
    send(settings, "rasad.process_articles", ([article(e)],), priority=9)


def _poll_queued(settings, redis_client, e):
    send(settings, "rasad.poll_feed", ("good",), task_id="poll-1")  # wins its claims back


def _poll_running(settings, redis_client, e):
    send(settings, "rasad.poll_feed", ("good",), task_id="poll-1")
    take(redis_client, "poll")


@pytest.mark.parametrize("carry", [
    pytest.param(_in_nlp, id="queued"),
    pytest.param(_bulk_priority, id="queued-at-bulk-priority"),
    pytest.param(_in_unacked, id="in-unacked"),
    pytest.param(_poll_queued, id="claiming-poll-queued"),
    pytest.param(_poll_running, id="claiming-poll-unacked"),
])
def test_an_entry_a_message_carries_is_never_reissued(
        carry, settings, redis_url, redis_client):
    e = entry("carried")
    claim(redis_client, e, owner="poll-1")
    carry(settings, redis_client, e)
    before = {q: redis_client.llen(q) for q in ("poll", "nlp", "alerts")}
    for step in range(5):
        assert sweep_stranded(redis_url, settings, now=T0 + step * GRACE) == (0, 0)
    assert {q: redis_client.llen(q) for q in ("poll", "nlp", "alerts")} == before
    assert redis_client.hlen(service.STRANDED_MARKS["entries"]) == 0


def test_an_entry_seen_carried_between_two_sweeps_starts_its_grace_again(
        settings, redis_url, redis_client):
    """Uncarried at one sweep, carried at the next (a scan that fell between two tasks), then
    lost: the grace counts from the sighting after the loss, not from the first one."""
    e = entry("between")
    claim(redis_client, e)
    assert sweep_stranded(redis_url, settings, now=T0) == (0, 0)
    _in_nlp(settings, redis_client, e)
    assert sweep_stranded(redis_url, settings, now=T0 + GRACE) == (0, 0)
    assert redis_client.hlen(service.STRANDED_MARKS["entries"]) == 0
    redis_client.delete("nlp")  # the message lost in the gap
    assert sweep_stranded(redis_url, settings, now=T0 + 2 * GRACE) == (0, 0)
    assert sweep_stranded(redis_url, settings, now=T0 + 3 * GRACE) == (1, 0)


def test_a_finished_or_expired_entry_leaves_the_ledger_and_its_mark(
        settings, redis_url, redis_client):
    done, expired = entry("done"), entry("expired")
    claim(redis_client, done)
    claim(redis_client, expired)
    assert sweep_stranded(redis_url, settings, now=T0) == (0, 0)
    assert redis_client.hlen(service.STRANDED_MARKS["entries"]) == 2
    dedup.finish_in_flight(redis_client, [done])  # raise_alerts handled it meanwhile
    redis_client.delete(dedup.claim_key(expired))  # its claim ran out: a poll takes it anew
    assert sweep_stranded(redis_url, settings, now=T0 + GRACE) == (0, 0)
    assert queued_tasks(redis_client, "nlp") == []
    assert redis_client.exists(dedup.IN_FLIGHT_KEY, service.STRANDED_MARKS["entries"]) == 0


def test_an_entry_whose_task_keeps_failing_is_reissued_a_bounded_number_of_times(
        settings, redis_url, redis_client, caplog):
    """Each re-issued message is taken and its task fails without finishing the entry (a bug):
    the sweep gives up after SWEEP_MAX_REISSUES, logs it once, and keeps the record."""
    claim(redis_client, entry("poison"))
    now, sent = T0, 0
    with caplog.at_level(logging.ERROR, logger="rasad.service"):
        for _ in range(3 * (SWEEP_MAX_REISSUES + 2)):
            sent += sweep_stranded(redis_url, settings, now=now)[0]
            redis_client.delete("nlp")  # run and failed, acknowledged
            now += GRACE
    assert sent == SWEEP_MAX_REISSUES
    assert len([r for r in caplog.records if "not re-issued again" in r.getMessage()]) == 1
    assert redis_client.hlen(dedup.IN_FLIGHT_KEY) == 1


# --- the lock -------------------------------------------------------------------------------


def test_a_sweep_does_nothing_while_another_holds_the_lock_and_frees_its_own(
        settings, redis_url, redis_client):
    claim(redis_client, entry("lost"))
    sweep_stranded(redis_url, settings, now=T0)
    assert not redis_client.exists(SWEEP_LOCK)  # released after the pass
    redis_client.set(SWEEP_LOCK, "another-sweep", ex=60)
    assert sweep_stranded(redis_url, settings, now=T0 + GRACE) is None
    assert queued_tasks(redis_client, "nlp") == [] and redis_client.get(SWEEP_LOCK) == "another-sweep"
    redis_client.delete(SWEEP_LOCK)
    assert sweep_stranded(redis_url, settings, now=T0 + GRACE) == (1, 0)


def test_sweeps_at_the_same_moment_issue_a_lost_entry_once(settings, redis_url, redis_client):
    claim(redis_client, entry("lost"))
    sweep_stranded(redis_url, settings, now=T0)
    barrier, results = threading.Barrier(6), []

    def beat():
        barrier.wait()
        results.append(sweep_stranded(redis_url, settings, now=T0 + GRACE))
    threads = [threading.Thread(target=beat) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sum(r[0] for r in results if r) == 1 and len(queued_tasks(redis_client, "nlp")) == 1


def test_the_start_up_pass_reissues_at_once_and_takes_over_a_dead_sweeps_lock(
        settings, redis_url, redis_client):
    """No consumer is alive at start-up: no grace, and a lock in the AOF is a dead tree's."""
    claim(redis_client, entry("lost"))
    redis_client.set(SWEEP_LOCK, "the-tree-before", ex=300)
    assert requeue_stranded(redis_url, settings) == 1
    assert len(queued_tasks(redis_client, "nlp")) == 1 and not redis_client.exists(SWEEP_LOCK)


# --- webhook deliveries -----------------------------------------------------------------------


ALERT = {"id": "a:1", "rule": "watch", "title": "عنوان"}


def test_an_uncarried_webhook_delivery_is_resent_after_the_grace_at_its_attempt(
        settings, redis_url, redis_client):
    webhooks.track_delivery(redis_client, "desk", ALERT)
    webhooks.retry_delivery(redis_client, "desk", ALERT, 3, due_at=0)  # reached attempt 3
    redis_client.delete(webhooks.RETRY_QUEUE)  # the drainer sent it; that message was lost
    assert sweep_stranded(redis_url, settings, now=T0) == (0, 0)
    assert sweep_stranded(redis_url, settings, now=T0 + GRACE) == (0, 1)
    [(name, args)] = queued_tasks(redis_client, "webhooks")
    assert name == "rasad.send_webhook" and args == ["desk", ALERT, 3]
    assert sweep_stranded(redis_url, settings, now=T0 + 5 * GRACE) == (0, 0)


def _sending(settings, redis_client):
    send(settings, "rasad.send_webhook", ("desk", ALERT))


def _sending_unacked(settings, redis_client):
    _sending(settings, redis_client)
    take(redis_client, "webhooks")


def _retry_waiting(settings, redis_client):
    webhooks.retry_delivery(redis_client, "desk", ALERT, 2, due_at=T0 + 3600)


@pytest.mark.parametrize("carry", [
    pytest.param(_sending, id="queued"),
    pytest.param(_sending_unacked, id="in-unacked"),
    pytest.param(_retry_waiting, id="waiting-in-the-retry-set"),
])
def test_a_webhook_delivery_a_message_or_a_retry_carries_is_never_resent(
        carry, settings, redis_url, redis_client):
    webhooks.track_delivery(redis_client, "desk", ALERT)
    carry(settings, redis_client)
    before = redis_client.llen("webhooks")
    for step in range(5):
        assert sweep_stranded(redis_url, settings, now=T0 + step * GRACE) == (0, 0)
    assert redis_client.llen("webhooks") == before


# --- wiring -------------------------------------------------------------------------------------


def test_beat_runs_the_sweep_on_the_poll_queue_every_configured_interval():
    app = make_app(Settings(stranded_sweep_seconds=42))
    [tick] = [e for e in app.conf.beat_schedule.values() if e["task"] == "rasad.sweep_stranded"]
    assert tick["schedule"] == 42 and tick["options"]["expires"] == 42
    assert app.conf.task_routes["rasad.sweep_stranded"]["queue"] == "poll"
    assert Settings().stranded_sweep_seconds == 300 and Settings().stranded_grace_seconds == 120


@pytest.mark.parametrize("env", [
    pytest.param({"RASAD_STRANDED_SWEEP_SECONDS": "0"}, id="no-interval"),
    pytest.param({"RASAD_STRANDED_GRACE_SECONDS": "-1"}, id="negative-grace"),
])
def test_sweep_settings_out_of_range_are_refused_at_start_up(env):
    with pytest.raises(ConfigError, match="RASAD_STRANDED_"):
        Settings.from_env(env)


def test_the_beat_task_counts_what_it_reissued(monkeypatch, redis_url, redis_client):
    from prometheus_client import REGISTRY

    from worker import runtime, tasks

    monkeypatch.setenv("RASAD_REDIS_URL", redis_url)
    monkeypatch.setenv("RASAD_STRANDED_GRACE_SECONDS", "0")
    runtime.reset_runtime()

    def count(kind: str) -> float:
        return REGISTRY.get_sample_value("rasad_stranded_reissued_total", {"kind": kind}) or 0.0
    try:
        claim(redis_client, entry("lost"))
        webhooks.track_delivery(redis_client, "desk", ALERT)
        before = count("entry"), count("webhook_delivery")
        assert tasks.sweep_stranded() == 0  # first sighting
        assert tasks.sweep_stranded() == 2
        assert (count("entry"), count("webhook_delivery")) == (before[0] + 1, before[1] + 1)
    finally:
        runtime.reset_runtime()
