"""Task wiring on a real Redis and a real loopback HTTP server, Celery in eager mode.

Covers what the poll/nlp/alerts chain does with each feed outcome: new entries reach the
alert stream once, 304 keeps validators, 429 honours Retry-After, 5xx backs off and parks,
a malformed feed is counted as an error without affecting other feeds.
"""

from __future__ import annotations

import time

import pytest

from tests.conftest import queued_tasks
from tests.test_acceptance import rss, seed_items

FEEDS = """feeds:
  - {{id: good, name: جيد, url: '{good}', lang: ar, interval: 60, allow_private: true}}
  - {{id: broken, name: معطوب, url: '{broken}', lang: ar, interval: 60, allow_private: true}}
"""


@pytest.fixture
def tasks(monkeypatch, tmp_path, redis_url, redis_client, http_server):
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(FEEDS.format(good=http_server.url("/good.xml"),
                                  broken=http_server.url("/broken.xml")), encoding="utf-8")
    monkeypatch.setenv("RASAD_REDIS_URL", redis_url)
    monkeypatch.setenv("RASAD_FEEDS", str(feeds))
    monkeypatch.setenv("RASAD_NER_MODEL", "none")
    monkeypatch.setenv("RASAD_PARK_AFTER_FAILURES", "3")
    from worker import runtime, tasks as module
    from worker.celery_app import app

    runtime.reset_runtime()
    monkeypatch.setitem(app.conf, "task_always_eager", True)
    monkeypatch.setitem(app.conf, "task_eager_propagates", True)
    yield module
    runtime.reset_runtime()


def _state(redis_client, feed_id):
    return redis_client.hgetall(f"rasad:feed:{feed_id}")


def test_new_entries_alert_once_and_repoll_is_quiet(tasks, http_server, redis_client, seed_text):
    a, _ = seed_items(seed_text)
    http_server.route("/good.xml", 200, {"Content-Type": "application/rss+xml"}, rss([a]))
    assert tasks.poll_feed.apply(args=["good"]).get() == 1
    alerts = redis_client.xrange("rasad:alerts")
    assert sorted(f["rule"] for _, f in alerts) == ["baghouz", "casualties", "phosphorus"]
    assert redis_client.xlen("rasad:articles") == 1
    assert tasks.poll_feed.apply(args=["good"]).get() == 0
    assert redis_client.xlen("rasad:alerts") == 3
    state = _state(redis_client, "good")
    assert state["last_outcome"] == "fetched" and state["new_entries_total"] == "1"


def test_not_modified_keeps_validators(tasks, http_server, redis_client):
    def handler(h):
        if h.headers.get("If-None-Match") == '"v1"':
            h._send(304, {"ETag": '"v1"'}, b"")
        else:
            h._send(200, {"ETag": '"v1"', "Last-Modified": "Sat, 02 Mar 2019 10:00:00 GMT",
                          "Content-Type": "application/rss+xml"}, rss([]))
    http_server.route("/good.xml", handler)
    tasks.poll_feed.apply(args=["good"]).get()
    tasks.poll_feed.apply(args=["good"]).get()
    state = _state(redis_client, "good")
    assert state["last_outcome"] == "not_modified" and state["etag"] == '"v1"'
    assert http_server.requests[-1][1].get("If-None-Match") == '"v1"'


def test_429_retry_after_sets_next_check(tasks, http_server, redis_client):
    http_server.route("/good.xml", 429, {"Retry-After": "1200"}, b"slow down")
    before = time.time()
    tasks.poll_feed.apply(args=["good"]).get()
    state = _state(redis_client, "good")
    assert state["last_outcome"] == "transient_error"
    assert float(state["next_check_at"]) >= before + 1200


def test_5xx_backs_off_then_parks_and_beat_skips_parked(tasks, http_server, redis_client):
    http_server.route("/broken.xml", 503, {}, b"down")
    http_server.route("/good.xml", 200, {"Content-Type": "application/rss+xml"}, rss([]))
    delays = []
    for _ in range(3):
        redis_client.hset("rasad:feed:broken", "next_check_at", "0")
        tasks.poll_feed.apply(args=["broken"]).get()
        state = _state(redis_client, "broken")
        delays.append(float(state["next_check_at"]) - float(state["last_poll_at"]))
    assert delays[0] < delays[1] < delays[2] + 60
    assert state["parked"] == "1" and state["last_outcome"] == "parked"
    redis_client.hset("rasad:feed:broken", "next_check_at", "0")
    count = len(http_server.requests)
    tasks.poll_due_feeds.apply().get()
    polled = [p for p, _ in http_server.requests[count:]]
    assert "/good.xml" in polled and "/broken.xml" not in polled


def test_malformed_feed_is_an_error_and_other_feeds_still_work(tasks, http_server, redis_client,
                                                               seed_text):
    a, _ = seed_items(seed_text)
    from worker import metrics

    http_server.route("/broken.xml", 200, {"Content-Type": "application/rss+xml"},
                      b"\x00\x01 this is not XML at all <<<")
    http_server.route("/good.xml", 200, {"Content-Type": "application/rss+xml"}, rss([a]))
    errors = metrics.FEED_FETCHES.labels(feed="broken", outcome="parse_error")
    before = errors._value.get()
    tasks.poll_due_feeds.apply().get()
    state = _state(redis_client, "broken")
    assert state["last_outcome"] == "parse_error" and "broken" in state["last_error"]
    assert errors._value.get() == before + 1
    assert _state(redis_client, "good")["new_entries_total"] == "1"
    assert redis_client.xlen("rasad:alerts") == 3


def test_same_story_from_second_feed_does_not_alert_again(tasks, http_server, redis_client,
                                                          seed_text):
    a, b = seed_items(seed_text)
    http_server.route("/good.xml", 200, {"Content-Type": "application/rss+xml"}, rss([a]))
    http_server.route("/broken.xml", 200, {"Content-Type": "application/rss+xml"}, rss([b]))
    tasks.poll_feed.apply(args=["good"]).get()
    tasks.poll_feed.apply(args=["broken"]).get()
    assert redis_client.xlen("rasad:articles") == 2
    assert redis_client.xlen("rasad:alerts") == 3


def test_redelivered_poll_task_wins_back_its_own_claims(tasks, http_server, redis_client,
                                                       seed_text):
    """A poll task killed after claiming but before dispatching is redelivered with the
    same task id (late ack): it gets its entries back; any other task still gets nothing."""
    from worker import dedup
    from worker.parse import parse_feed

    a, _ = seed_items(seed_text)
    body = rss([a])
    http_server.route("/good.xml", 200, {"Content-Type": "application/rss+xml"}, body)
    entries = parse_feed(body, {}, feed_id="good", base_url=http_server.url("/good.xml")).entries
    assert dedup.claim_entries(redis_client, entries, owner="task-1")  # then the worker died
    assert tasks.poll_feed.apply(args=["good"], task_id="task-2").get() == 0
    assert redis_client.xlen("rasad:alerts") == 0
    assert tasks.poll_feed.apply(args=["good"], task_id="task-1").get() == 1
    assert redis_client.xlen("rasad:alerts") == 3


def test_alerts_reach_a_signed_webhook_and_fulltext_feeds_read_the_page(
        tasks, monkeypatch, tmp_path, http_server, redis_client, seed_text):
    """A `fulltext: true` feed whose item has only a teaser: the page's main text is fetched
    (under the same limits) and analysed; the alert is POSTed, signed, to a webhook."""
    import base64
    import json

    from worker import runtime
    from worker.webhooks import verify

    secret = "whsec_" + base64.b64encode(b"k" * 32).decode()
    hooks = tmp_path / "webhooks.yaml"
    hooks.write_text(f"webhooks: [{{id: local, url: '{http_server.url('/hook')}', "
                     f"secret: '{secret}', rules: [phosphorus], allow_private: true}}]")
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(f"feeds: [{{id: full, name: نص كامل, url: '{http_server.url('/f.xml')}', "
                     f"interval: 60, fulltext: true, allow_private: true}}]", encoding="utf-8")
    monkeypatch.setenv("RASAD_WEBHOOKS", str(hooks))
    monkeypatch.setenv("RASAD_FEEDS", str(feeds))
    runtime.reset_runtime()

    title, _, body = seed_text.partition("\n")
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n") if p.strip())
    page = (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>"
            f"<nav>الرئيسية | سياسة</nav><article><h1>{title}</h1>{paragraphs}</article>"
            f"<footer>جميع الحقوق محفوظة</footer></body></html>").encode()
    item = {"title": "خبر عن الغارات", "link": http_server.url("/story.html"), "guid": "s1",
            "pubDate": "Sat, 02 Mar 2019 10:00:00 GMT", "description": "موجز قصير"}
    http_server.route("/f.xml", 200, {"Content-Type": "application/rss+xml"}, rss([item]))
    http_server.route("/story.html", 200, {"Content-Type": "text/html; charset=utf-8"}, page)
    received = []

    def hook(h):
        received.append((dict(h.headers), h.rfile.read(int(h.headers["Content-Length"]))))
        h._send(204, {}, b"")
    http_server.route("/hook", hook)

    tasks.poll_feed.apply(args=["full"]).get()
    record = json.loads(redis_client.xrange("rasad:articles")[0][1]["article"])
    assert "الباغوز" in record["entry"]["content"] and "جميع الحقوق" not in record["entry"]["content"]
    assert any("phosphorus" == f["rule"] for _, f in redis_client.xrange("rasad:alerts"))
    assert len(received) == 1
    headers, payload = received[0]
    headers = {k.lower(): v for k, v in headers.items()}
    assert verify(secret, headers, payload)
    data = json.loads(payload)
    assert data["type"] == "alert.created" and data["data"]["rule"] == "phosphorus"
    assert headers["webhook-id"] == data["data"]["id"]


def test_a_higher_toll_for_the_same_story_sends_an_update(tasks, http_server, redis_client,
                                                          seed_text):
    """The same story later reports more wounded (through another feed): one update alert
    for `casualties` with old and new figures; phosphorus and baghouz stay quiet."""
    import json

    a, b = seed_items(seed_text)
    b["description"] = b["description"].replace("إصابة عشرة عناصر", "إصابة خمسة عشر عنصراً")
    http_server.route("/good.xml", 200, {"Content-Type": "application/rss+xml"}, rss([a]))
    http_server.route("/broken.xml", 200, {"Content-Type": "application/rss+xml"}, rss([b]))
    tasks.poll_feed.apply(args=["good"]).get()
    tasks.poll_feed.apply(args=["broken"]).get()
    alerts = [json.loads(f["alert"]) for _, f in redis_client.xrange("rasad:alerts")]
    assert [x["rule"] for x in alerts].count("casualties") == 2 and len(alerts) == 4
    first = next(x for x in alerts if x["rule"] == "casualties")
    update = alerts[-1]
    assert update["rule"] == "casualties" and update["update_of"] == first["id"]
    assert update["casualties"]["injured"] == 15 and update["previous"]["injured"] == 10


def test_a_poll_out_of_time_after_claiming_retries_and_dispatches_its_entries(
        tasks, monkeypatch, http_server, redis_client, seed_text):
    """The soft time limit firing between claim and dispatch (issue 11): the retry keeps the
    task id, wins its own claims back and dispatches them; nothing is left claimed and lost.
    The limit is raised from story assignment, where a real one would interrupt the task."""
    from celery.exceptions import SoftTimeLimitExceeded

    a, _ = seed_items(seed_text)
    http_server.route("/good.xml", 200, {"Content-Type": "application/rss+xml"}, rss([a]))
    real, calls = tasks.dedup.assign_story, []

    def out_of_time_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise SoftTimeLimitExceeded()
        return real(*args, **kwargs)

    monkeypatch.setattr(tasks.dedup, "assign_story", out_of_time_once)
    from celery.exceptions import Retry

    with pytest.raises(Retry):  # Celery sends the retry with the same task id
        tasks.poll_feed.apply(args=["good"], task_id="slow-poll").get()
    assert redis_client.xlen("rasad:articles") == 0
    # Another poll of the feed meanwhile gets nothing: the entry is claimed ...
    assert tasks.poll_feed.apply(args=["good"], task_id="other-poll").get() == 0
    # ... and the retry (same id, as the broker delivers it) wins it back and dispatches it.
    assert tasks.poll_feed.apply(args=["good"], task_id="slow-poll").get() == 1
    assert redis_client.xlen("rasad:articles") == 1
    assert redis_client.xlen("rasad:alerts") == 3


def test_an_unexpected_error_backs_off_instead_of_hammering(tasks, monkeypatch, http_server,
                                                           redis_client):
    def boom(*_a, **_k):
        raise RuntimeError("parser bug")
    http_server.route("/good.xml", 200, {"Content-Type": "application/rss+xml"}, rss([]))
    monkeypatch.setattr(tasks, "parse_feed", boom)
    tasks.poll_feed.apply(args=["good"]).get()
    state = _state(redis_client, "good")
    assert state["consecutive_failures"] == "1" and "parser bug" in state["last_error"]
    assert float(state["next_check_at"]) > float(state["last_poll_at"])


def test_fulltext_out_of_time_sends_the_rest_with_their_summaries(
        tasks, monkeypatch, tmp_path, http_server, redis_client):
    """The soft time limit firing while pages are fetched (issue 11 leftover): the pages
    already read keep their text, the rest go to NLP with their summaries; none is lost."""
    import json

    from celery.exceptions import SoftTimeLimitExceeded

    from worker import runtime

    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(f"feeds: [{{id: full, name: نص كامل, url: '{http_server.url('/f.xml')}', "
                     f"interval: 60, fulltext: true, allow_private: true}}]", encoding="utf-8")
    monkeypatch.setenv("RASAD_FEEDS", str(feeds))
    runtime.reset_runtime()
    items = [{"title": f"خبر {i}", "link": http_server.url(f"/story{i}.html"), "guid": f"s{i}",
              "pubDate": "Sat, 02 Mar 2019 10:00:00 GMT",
              "description": f"موجز الخبر رقم {i} عن قصف في دير الزور"} for i in range(3)]
    http_server.route("/f.xml", 200, {"Content-Type": "application/rss+xml"}, rss(items))
    calls = []

    def slow_then_out_of_time(url, **_kwargs):
        calls.append(url)
        if len(calls) == 2:
            raise SoftTimeLimitExceeded()
        return "النص الكامل للخبر الأول عن قصف مدفعي استهدف بلدة في ريف دير الزور."

    monkeypatch.setattr(tasks, "fetch_article_text", slow_then_out_of_time)
    tasks.poll_feed.apply(args=["full"]).get()
    records = [json.loads(f["article"]) for _, f in redis_client.xrange("rasad:articles")]
    assert len(records) == 3 and len(calls) == 2
    contents = sorted(bool(r["entry"].get("content")) for r in records)
    assert contents == [False, False, True]


# --- a work message lost after its entries were claimed (fault scenario 3) -------------------


def test_an_nlp_message_lost_after_the_claim_is_reissued_at_start(
        tasks, monkeypatch, http_server, redis_url, redis_client, seed_text):
    """kombu's Redis transport pops a message (BRPOP) before recording it in ``unacked``; a
    Redis killed in between kept the pop and lost the message, and the entries it carried
    stayed claimed for 30 days: every later poll found them old (fault scenario 3, entries_new
    =0, no alert).  The start-up sweep re-issues them, and once handled they leave the
    in-flight record."""
    from unittest import mock

    from worker import dedup
    from worker.service import requeue_stranded
    from worker.settings import Settings

    a, _ = seed_items(seed_text)
    http_server.route("/good.xml", 200, {"Content-Type": "application/rss+xml"}, rss([a]))
    with mock.patch.object(tasks.process_articles, "apply_async") as lost:
        assert tasks.poll_feed.apply(args=["good"], task_id="poll-1").get() == 1
    assert lost.call_count == 1  # the batch's message: popped, then Redis died
    assert tasks.poll_feed.apply(args=["good"]).get() == 0  # claimed: never new again
    assert redis_client.xlen("rasad:articles") == 0 and redis_client.hlen(dedup.IN_FLIGHT_KEY) == 1

    settings = Settings(redis_url=redis_url)
    assert requeue_stranded(redis_url, settings) == 1
    [(name, args)] = queued_tasks(redis_client, "nlp")
    assert name == "rasad.process_articles" and [i["entry"]["url"] for i in args[0]] == [a["link"]]
    redis_client.delete("nlp")
    tasks.process_articles.apply(args=args).get()  # the worker runs it (eager: alerts too)
    assert redis_client.xlen("rasad:articles") == 1
    assert sorted(f["rule"] for _, f in redis_client.xrange("rasad:alerts")) == \
        ["baghouz", "casualties", "phosphorus"]
    assert redis_client.hlen(dedup.IN_FLIGHT_KEY) == 0
    assert requeue_stranded(redis_url, settings) == 0


def test_the_start_up_sweep_reissues_only_entries_no_message_carries(
        tasks, redis_url, redis_client):
    """Queued, held in ``unacked`` (restore_unacked runs first, but either way) or owned by a
    queued poll (which wins its claims back): left alone.  Only the entry no message carries
    is sent again, once; an entry whose claim expired leaves the record."""
    import json

    from worker import dedup
    from worker.celery_app import make_app
    from worker.records import Entry
    from worker.service import requeue_stranded
    from worker.settings import Settings

    def entry(name: str) -> Entry:
        return Entry(id=f"g:{name}", feed_id="good", title=f"عنوان {name}",
                     url=f"https://example.org/{name}", summary="نص الخبر",
                     published=None)

    queued, held, polled, lost, expired = (entry(n) for n in
                                           ("queued", "held", "polled", "lost", "expired"))
    for e, owner in ((queued, "p1"), (held, "p1"), (polled, "p2"), (lost, "p1"),
                     (expired, "p1")):
        assert dedup.claim_entries(redis_client, [e], owner=owner) == [e]
        dedup.track_in_flight(redis_client, [e], fetched_at=1.0, owner=owner)
    redis_client.delete(dedup.claim_key(expired))

    settings = Settings(redis_url=redis_url)
    app = make_app(settings)
    app.send_task("rasad.process_articles",
                  args=([{"entry": queued.to_dict(), "story_id": "s:1", "fetched_at": 1.0}],))
    app.send_task("rasad.raise_alerts", args=({"entry": held.to_dict(), "story_id": "s:2",
                                               "fetched_at": 1.0, "extraction": {}},))
    app.send_task("rasad.poll_feed", args=("good",), task_id="p2")
    app.close()
    raw = redis_client.rpop("alerts")  # taken and recorded, as kombu's QoS.append does
    redis_client.hset("unacked", "tag-1", json.dumps([json.loads(raw), "alerts", "alerts"]))
    redis_client.zadd("unacked_index", {"tag-1": 1.0})

    assert requeue_stranded(redis_url, settings) == 1
    sent = [args for name, args in queued_tasks(redis_client, "nlp")]
    assert sorted([i["entry"]["id"] for i in args[0]] for args in sent) == \
        [[lost.id], [queued.id]]  # the queued one as it was, the lost one sent again
    assert set(redis_client.hkeys(dedup.IN_FLIGHT_KEY)) == \
        {dedup.claim_key(e) for e in (queued, held, polled, lost)}


# --- a send_webhook message lost between kombu's pop and its unacked record ------------------


def test_a_webhook_message_lost_after_the_alert_is_reissued_at_start_and_delivered_once(
        tasks, monkeypatch, tmp_path, http_server, redis_url, redis_client, seed_text):
    """raise_alerts hands one alert to one webhook; its send_webhook message is popped and
    Redis dies before kombu records it in ``unacked``: nothing else carries the delivery
    (the alert is published, the entry finished).  The delivery's in-flight record does, and
    the start-up sweep sends it again; the real receiver gets it once, signed with the alert
    id, and the record goes."""
    import base64
    from unittest import mock

    from worker import dedup, runtime, webhooks
    from worker.service import requeue_stranded
    from worker.settings import Settings

    secret = "whsec_" + base64.b64encode(b"k" * 32).decode()
    hooks = tmp_path / "webhooks.yaml"
    hooks.write_text(f"webhooks: [{{id: desk, url: '{http_server.url('/hook')}', "
                     f"secret: '{secret}', rules: [phosphorus], allow_private: true}}]")
    monkeypatch.setenv("RASAD_WEBHOOKS", str(hooks))
    runtime.reset_runtime()
    received = []

    def hook(h):
        received.append((dict(h.headers), h.rfile.read(int(h.headers["Content-Length"]))))
        h._send(204, {}, b"")
    http_server.route("/hook", hook)
    a, _ = seed_items(seed_text)
    http_server.route("/good.xml", 200, {"Content-Type": "application/rss+xml"}, rss([a]))

    with mock.patch.object(tasks.send_webhook, "apply_async") as lost:
        assert tasks.poll_feed.apply(args=["good"]).get() == 1
    assert lost.call_count == 1 and received == []  # the message: popped, then Redis died
    [alert_id] = [f["id"] for _, f in redis_client.xrange("rasad:alerts")
                  if f["rule"] == "phosphorus"]
    assert redis_client.hlen(dedup.IN_FLIGHT_KEY) == 0  # the entry is done: no re-run
    assert redis_client.hkeys(webhooks.IN_FLIGHT_KEY) == [f"desk:{alert_id}"]

    settings = Settings(redis_url=redis_url)
    assert requeue_stranded(redis_url, settings) == 1
    [(name, args)] = queued_tasks(redis_client, "webhooks")
    assert name == "rasad.send_webhook" and args[0] == "desk" and args[1]["id"] == alert_id
    assert args[2] == 1
    redis_client.delete("webhooks")
    assert tasks.send_webhook.apply(args=args).get() == 204  # the webhooks worker runs it
    assert len(received) == 1
    headers = {k.lower(): v for k, v in received[0][0].items()}
    assert headers["webhook-id"] == alert_id
    assert webhooks.verify(secret, headers, received[0][1])
    assert redis_client.hlen(webhooks.IN_FLIGHT_KEY) == 0
    assert requeue_stranded(redis_url, settings) == 0  # delivered: nothing left to send
    assert queued_tasks(redis_client, "webhooks") == [] and len(received) == 1
