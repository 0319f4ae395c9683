"""worker.metrics: names, bounded labels, zero series, Redis state, multiprocess merging,
and ``promtool check metrics`` on the real exposition."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
import urllib.request

import pytest
import redis
from prometheus_client import REGISTRY, Counter, Histogram

from worker import metrics

PROMTOOL = shutil.which("promtool")
METRIC_OBJECTS = {name: obj for name, obj in vars(metrics).items()
                  if isinstance(obj, (Counter, Histogram, metrics.Gauge)) and name.isupper()}


def scrape(server) -> str:
    with urllib.request.urlopen(server.url, timeout=10) as response:
        return response.read().decode("utf-8")


def sample(body: str, series: str) -> float | None:
    for line in body.splitlines():
        if line.startswith(series + " "):
            return float(line.rsplit(" ", 1)[1])
    return None


@pytest.fixture
def server(redis_url):
    srv = metrics.start_metrics_server(
        "127.0.0.1:0", redis_client_factory=lambda: redis.Redis.from_url(redis_url),
        feed_ids=["alaraby", "bbc-arabic"], rule_ids=["phosphorus"])
    yield srv
    srv.close()


def test_every_metric_is_prefixed_with_base_units_and_total_suffix():
    for name, obj in METRIC_OBJECTS.items():
        metric_name = obj._name
        assert metric_name.startswith("rasad_"), name
        if isinstance(obj, Counter):
            obj.labels(*["x"] * len(obj._labelnames))  # a child so samples are exposed
            samples = {s.name for family in obj.collect() for s in family.samples}
            assert samples and all(n.endswith(("_total", "_created")) for n in samples), name
        if isinstance(obj, Histogram):
            assert metric_name.endswith("_seconds"), name
        assert "url" not in obj._labelnames and "article" not in obj._labelnames, name


@pytest.mark.parametrize("buckets, low, high", [
    pytest.param(metrics.FETCH_BUCKETS, 0.05, 30, id="fetch"),
    pytest.param(metrics.NLP_BUCKETS, 0.005, 60, id="nlp"),
    pytest.param(metrics.PUBLICATION_TO_ALERT_BUCKETS, 10, 2 * 86400, id="publication"),
    pytest.param(metrics.FETCH_TO_ALERT_BUCKETS, 0.1, 3600, id="fetch-to-alert"),
])
def test_buckets_increase_and_span_the_measured_range(buckets, low, high):
    assert list(buckets) == sorted(set(buckets))
    assert buckets[0] == low and buckets[-1] == high


@pytest.mark.parametrize("value, label", [
    pytest.param(ValueError("a message with spaces"), "ValueError", id="instance"),
    pytest.param(TimeoutError, "TimeoutError", id="class"),
    pytest.param("TransientFetchError", "TransientFetchError", id="known-name"),
    pytest.param(type("SomeLibrarySpecificError", (Exception,), {})(), "other", id="unknown"),
    pytest.param("https://example.com/leak", "other", id="text-never-leaks"),
])
def test_exception_labels_are_collapsed_to_a_fixed_set(value, label):
    assert metrics.exception_label(value) == label


def test_error_counters_collapse_exception_instances_passed_as_labels():
    before = REGISTRY.get_sample_value(
        "rasad_feed_errors_total", {"feed": "t-errors", "error": "other"}) or 0
    metrics.FEED_ERRORS.labels(feed="t-errors", error=KeyboardInterrupt("secret text")).inc()
    metrics.TASK_FAILURES.labels("worker.tasks.poll", ValueError("boom")).inc()
    assert REGISTRY.get_sample_value(
        "rasad_feed_errors_total", {"feed": "t-errors", "error": "other"}) == before + 1
    assert REGISTRY.get_sample_value(
        "rasad_task_failures_total", {"task": "worker.tasks.poll", "exception": "ValueError"})


def test_init_series_creates_every_bounded_series_at_zero():
    metrics.init_series(["t-init"], ["t-rule"], event_types=["airstrike"])
    expected = [
        *(("rasad_feed_fetches_total", {"feed": "t-init", "outcome": o})
          for o in metrics.FETCH_OUTCOMES),
        *(("rasad_articles_processed_total", {"feed": "t-init", "outcome": o})
          for o in metrics.ARTICLE_OUTCOMES),
        ("rasad_entries_new_total", {"feed": "t-init"}),
        ("rasad_duplicate_stories_total", {"feed": "t-init"}),
        ("rasad_feed_fetch_duration_seconds_count", {"feed": "t-init"}),
        *(("rasad_alerts_total", {"rule": "t-rule", "kind": k}) for k in metrics.ALERT_KINDS),
        ("rasad_publication_to_alert_seconds_count", {"rule": "t-rule"}),
        ("rasad_fetch_to_alert_seconds_bucket", {"rule": "t-rule", "le": "3600.0"}),
        ("rasad_events_extracted_total", {"type": "airstrike"}),
        *(("rasad_entities_extracted_total", {"type": t}) for t in metrics.ENTITY_TYPES),
        *(("rasad_alert_deliveries_total", {"channel": c, "outcome": o})
          for c in metrics.DELIVERY_CHANNELS for o in metrics.DELIVERY_OUTCOMES),
        *(("rasad_nlp_duration_seconds_count", {"stage": s}) for s in metrics.NLP_STAGES),
    ]
    for name, labels in expected:
        value = REGISTRY.get_sample_value(name, labels)
        # Series keyed by this test's own feed/rule must be fresh zeros; shared ones (event
        # and entity types, deliveries, NLP stages) may have been counted by tests run
        # earlier in the same process, but must exist.
        fresh = any(str(v).startswith("t-") for v in labels.values())
        assert (value == 0) if fresh else (value is not None), (name, labels, value)


@pytest.mark.parametrize("addr, expected", [
    pytest.param("127.0.0.1:9464", ("127.0.0.1", 9464), id="ipv4"),
    pytest.param("[::1]:9464", ("::1", 9464), id="ipv6"),
    pytest.param(":9464", ("0.0.0.0", 9464), id="all-interfaces"),
])
def test_metrics_address_parses(addr, expected):
    assert metrics.parse_addr(addr) == expected


def test_metrics_address_without_port_is_rejected():
    with pytest.raises(ValueError, match="HOST:PORT"):
        metrics.parse_addr("localhost")


def test_redis_state_is_exported_at_scrape_time(server, redis_client):
    redis_client.hset("rasad:feed:alaraby", mapping={
        "last_poll_at": "1700000100", "last_success_at": "1700000000", "parked": "0",
        "consecutive_failures": "2", "last_outcome": "transient_error"})
    redis_client.hset("rasad:feed:bbc-arabic", mapping={"parked": "1",
                                                       "consecutive_failures": "8"})
    redis_client.rpush("nlp", "m1", "m2")
    redis_client.rpush("nlp\x06\x163", "m3")  # Celery's priority-3 list for queue "nlp"
    body = scrape(server)
    assert sample(body, 'rasad_feed_last_success_timestamp_seconds{feed="alaraby"}') == 1.7e9
    assert sample(body, 'rasad_feed_last_poll_timestamp_seconds{feed="alaraby"}') == 1700000100
    assert sample(body, 'rasad_feed_consecutive_failures{feed="alaraby"}') == 2
    assert sample(body, 'rasad_feed_parked{feed="bbc-arabic"}') == 1
    assert sample(body, 'rasad_feed_parked{feed="alaraby"}') == 0
    assert sample(body, "rasad_feeds_parked") == 1
    assert sample(body, 'rasad_queue_depth{queue="nlp"}') == 3
    assert sample(body, 'rasad_queue_depth{queue="poll"}') == 0
    assert sample(body, "rasad_redis_up") == 1


def test_work_in_flight_is_exported(server, redis_url, redis_client):
    from tests.test_status import strand_a_celery_message

    body = scrape(server)
    assert sample(body, "rasad_broker_unacked_messages") == 0
    assert sample(body, "rasad_broker_unacked_oldest_age_seconds") == 0
    strand_a_celery_message(redis_url)  # a worker killed mid-task: out of its queue, unacked
    time.sleep(1.1)
    body = scrape(server)
    assert sample(body, 'rasad_queue_depth{queue="poll"}') == 0
    assert sample(body, "rasad_broker_unacked_messages") == 1
    assert 1 <= sample(body, "rasad_broker_unacked_oldest_age_seconds") < 60


def test_webhook_retries_waiting_and_overdue_are_exported(server, redis_client):
    from worker.webhooks import RETRY_QUEUE

    body = scrape(server)
    assert sample(body, "rasad_webhook_retries_pending") == 0
    assert sample(body, "rasad_webhook_retry_overdue_seconds") == 0
    now = time.time()
    redis_client.zadd(RETRY_QUEUE, {"due-later": now + 300, "overdue": now - 120})
    body = scrape(server)
    assert sample(body, "rasad_webhook_retries_pending") == 2
    assert 120 <= sample(body, "rasad_webhook_retry_overdue_seconds") < 180


def test_entries_in_flight_are_exported(server, redis_client):
    from worker.dedup import IN_FLIGHT_KEY

    assert sample(scrape(server), "rasad_entries_in_flight") == 0
    redis_client.hset(IN_FLIGHT_KEY, mapping={"claim:a": "{}", "claim:b": "{}"})
    assert sample(scrape(server), "rasad_entries_in_flight") == 2


def test_webhook_deliveries_in_flight_are_exported(server, redis_client):
    from worker.webhooks import IN_FLIGHT_KEY

    assert sample(scrape(server), "rasad_webhook_deliveries_in_flight") == 0
    redis_client.hset(IN_FLIGHT_KEY, mapping={"h:a:1": "{}", "h:a:2": "{}", "h:a:3": "{}"})
    assert sample(scrape(server), "rasad_webhook_deliveries_in_flight") == 3


def test_feed_never_polled_exports_zero_timestamps(server, redis_client):
    body = scrape(server)
    assert sample(body, 'rasad_feed_last_success_timestamp_seconds{feed="bbc-arabic"}') == 0
    assert sample(body, 'rasad_feed_parked{feed="bbc-arabic"}') == 0


def test_scrape_survives_redis_being_away():
    srv = metrics.start_metrics_server(
        "127.0.0.1:0", redis_client_factory=lambda: redis.Redis(port=1, socket_timeout=1),
        feed_ids=["alaraby"], rule_ids=[])
    try:
        body = scrape(srv)
    finally:
        srv.close()
    assert sample(body, "rasad_redis_up") == 0
    assert 'rasad_feed_fetches_total{feed="alaraby",outcome="fetched"}' in body


def test_worker_endpoint_without_redis_serves_process_metrics_only():
    srv = metrics.start_metrics_server("127.0.0.1:0", redis_client_factory=None,
                                       feed_ids=["alaraby"], rule_ids=[])
    try:
        body = scrape(srv)
    finally:
        srv.close()
    assert "rasad_queue_depth" not in body and "rasad_redis_up" not in body
    assert "rasad_entries_new_total" in body


@pytest.mark.skipif(not PROMTOOL, reason="promtool not installed")
def test_exposition_passes_promtool_check_metrics(server, redis_client):
    metrics.set_build_info("0.0.0-test", "bundled")
    redis_client.hset("rasad:feed:alaraby", mapping={"last_success_at": "1700000000"})
    result = subprocess.run([PROMTOOL, "check", "metrics"], input=scrape(server).encode(),
                            capture_output=True, timeout=30)
    assert result.returncode == 0, result.stdout.decode() + result.stderr.decode()
    assert not result.stdout.strip(), result.stdout.decode()  # no lint warnings either


MULTIPROCESS_SCRIPT = textwrap.dedent("""
    import os, sys, urllib.request
    import prometheus_client  # imported before the directory is set, on purpose
    from worker import metrics
    path = sys.argv[1]
    open(os.path.join(path, "counter_999999.db"), "wb").write(b"stale")
    open(os.path.join(path, "keep.txt"), "w").write("not a metrics file")
    metrics.prepare_multiproc_dir(path)
    assert not os.path.exists(os.path.join(path, "counter_999999.db"))
    assert os.path.exists(os.path.join(path, "keep.txt"))
    server = metrics.start_metrics_server("127.0.0.1:0", redis_client_factory=None,
                                          feed_ids=["alaraby"], rule_ids=["phosphorus"])
    metrics.set_build_info("1.2.3", "bundled")
    children = []
    for n in (1, 2, 3):
        pid = os.fork()
        if pid == 0:  # like a Celery prefork child
            metrics.ENTRIES_NEW.labels(feed="alaraby").inc(n)
            metrics.FETCH_TO_ALERT.labels(rule="phosphorus").observe(0.3)
            os._exit(0)
        children.append(pid)
    for pid in children:
        os.waitpid(pid, 0)
        metrics.mark_process_dead(pid)
    sys.stdout.write(urllib.request.urlopen(server.url).read().decode())
    server.close()
""")


def test_multiprocess_children_are_merged_on_one_endpoint(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != metrics.MULTIPROC_ENV}
    result = subprocess.run([sys.executable, "-c", MULTIPROCESS_SCRIPT, str(tmp_path)],
                            capture_output=True, text=True, timeout=60, env=env,
                            cwd=os.path.dirname(os.path.dirname(__file__)))
    assert result.returncode == 0, result.stderr
    body = result.stdout
    assert sample(body, 'rasad_entries_new_total{feed="alaraby"}') == 6
    assert sample(body, 'rasad_fetch_to_alert_seconds_count{rule="phosphorus"}') == 3
    assert sample(body, 'rasad_fetch_to_alert_seconds_bucket{le="0.5",rule="phosphorus"}') == 3
    assert sample(body, 'rasad_build_info{ner_model="bundled",version="1.2.3"}') == 1
    assert sample(body, 'rasad_feed_fetches_total{feed="alaraby",outcome="parked"}') == 0
    if PROMTOOL:
        check = subprocess.run([PROMTOOL, "check", "metrics"], input=body.encode(),
                               capture_output=True, timeout=30)
        assert check.returncode == 0 and not check.stdout.strip(), check.stdout.decode()


WRITER_SCRIPT = textwrap.dedent("""
    import sys
    from worker import metrics
    metrics.prepare_multiproc_dir(sys.argv[1])
    metrics.ENTRIES_NEW.labels(feed="alaraby").inc(int(sys.argv[2]))
""")
READER_SCRIPT = textwrap.dedent("""
    import sys, urllib.request
    from worker import metrics
    metrics.prepare_multiproc_dir(sys.argv[1])
    server = metrics.start_metrics_server("127.0.0.1:0", redis_client_factory=None,
                                          feed_ids=["alaraby"], rule_ids=[])
    sys.stdout.write(urllib.request.urlopen(server.url).read().decode())
    server.close()
""")


def test_metrics_server_merges_per_unit_subdirectories(tmp_path):
    """Containers and systemd units on one host write their own subdirectory (PIDs may
    collide across containers); ``rasad metrics`` pointed at the parent sums them all."""
    env = {k: v for k, v in os.environ.items() if k != metrics.MULTIPROC_ENV}
    root = os.path.dirname(os.path.dirname(__file__))
    for unit, count in (("poll", 2), ("nlp", 5)):
        subprocess.run([sys.executable, "-c", WRITER_SCRIPT, str(tmp_path / unit), str(count)],
                       check=True, env=env, cwd=root, timeout=60)
    result = subprocess.run([sys.executable, "-c", READER_SCRIPT, str(tmp_path)], env=env,
                            cwd=root, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert sample(result.stdout, 'rasad_entries_new_total{feed="alaraby"}') == 7
    assert list((tmp_path / "poll").glob("*.db")), "the reader must not wipe subdirectories"


def _wait_for_metrics(url: str, proc, timeout: float = 30.0) -> str:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read().decode()
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read().decode()
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer")


def test_standalone_endpoint_serves_zero_series_from_config_and_redis_state(
        tmp_path, redis_url, redis_client):
    from tests.conftest import free_port

    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds:\n  - {id: alaraby, url: 'https://x/rss', name: العربي, lang: ar}\n",
                     encoding="utf-8")
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - {id: phosphorus, severity: high, terms: {en: [x]}}\n")
    redis_client.rpush("alerts", "m")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RASAD_")}
    env.update({metrics.MULTIPROC_ENV: str(tmp_path / "mp"), "RASAD_FEEDS": str(feeds),
                "RASAD_RULES": str(rules), "RASAD_REDIS_URL": redis_url,
                "RASAD_METRICS_ADDR": f"127.0.0.1:{port}"})
    proc = subprocess.Popen([sys.executable, "-m", "worker.metrics"], env=env,
                            cwd=os.path.dirname(os.path.dirname(__file__)),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        body = _wait_for_metrics(f"http://127.0.0.1:{port}/metrics", proc)
    finally:
        proc.terminate()
        assert proc.wait(10) == 0
    assert sample(body, 'rasad_feed_fetches_total{feed="alaraby",outcome="fetched"}') == 0
    assert sample(body, 'rasad_alerts_total{kind="new",rule="phosphorus"}') == 0
    assert sample(body, 'rasad_queue_depth{queue="alerts"}') == 1
    assert "rasad_build_info{" in body
