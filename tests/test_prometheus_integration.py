"""Rasad under a real Prometheus: `rasad run` polls a loopback feed carrying the seed
article; `promtool check metrics` passes on its live /metrics; Debian's Prometheus scrapes it
every second with the alerting rules loaded; once an alert went out, every query of the
Grafana dashboard and of the alerting rules returns data through Prometheus' HTTP API.
"""

from __future__ import annotations

import json
import math
import os
import pathlib
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from xml.sax.saxutils import escape

import pytest
import yaml

from tests.conftest import FIXTURES, free_port
from tests.test_deploy import (DASHBOARD, PROM, alert_rules, alert_signal_queries,
                               dashboard_exprs, substitute_grafana)

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not (shutil.which("prometheus") and shutil.which("promtool")),
                       reason="Debian's prometheus and promtool are needed"),
]
ROOT = pathlib.Path(__file__).resolve().parents[1]
RASAD = [sys.executable, "-m", "worker.cli"]


def seed_feed(with_seed: bool = True) -> bytes:
    title, _, body = (FIXTURES / "seed_article.txt").read_text(encoding="utf-8").partition("\n")
    # Published two minutes ago, so publication-to-alert lands in a real bucket.
    published = format_datetime(datetime.now(timezone.utc) - timedelta(minutes=2), usegmt=True)
    item = (f"<item><title>{escape(title)}</title><link>https://www.alaraby.co.uk/seed</link>"
            '<guid isPermaLink="false">seed-1</guid>'
            f"<pubDate>{published}</pubDate><description>{escape(body.strip())}</description>"
            "</item>") if with_seed else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        "<title>local</title><link>http://127.0.0.1/</link><description>t</description>"
        f"{item}</channel></rss>").encode("utf-8")


def get(url: str, timeout: float = 10) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read()


def wait_until(check, timeout: float, what: str, proc: subprocess.Popen | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            pytest.fail(f"{what}: process exited with {proc.returncode}")
        try:
            value = check()
            if value:
                return value
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")


class PromAPI:
    def __init__(self, base: str):
        self.base = base

    def call(self, path: str, **params) -> dict:
        query = urllib.parse.urlencode(params, doseq=True)
        data = json.loads(get(f"{self.base}/api/v1/{path}?{query}"))
        assert data["status"] == "success", data
        return data["data"]

    def query(self, expr: str) -> list[dict]:
        return self.call("query", query=expr)["result"]

    def scalar(self, expr: str) -> float:
        result = self.query(expr)
        return float(result[0]["value"][1]) if result else math.nan


@pytest.fixture
def rasad(tmp_path, http_server):
    """`rasad run` with embedded Redis polling one loopback feed, empty until the prometheus
    fixture serves the seed article; yields the metrics URL."""
    http_server.route("/feed.xml", 200, {"Content-Type": "application/rss+xml"},
                      seed_feed(with_seed=False))
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(
        "feeds:\n"
        f"  - {{id: local, url: '{http_server.url('/feed.xml')}', name: العربي الجديد المحلي,"
        " lang: ar, interval: 5, allow_private: true}\n", encoding="utf-8")
    metrics_port = free_port()
    env = dict(os.environ, RASAD_DATA_DIR=str(tmp_path / "data"), RASAD_FEEDS=str(feeds),
               RASAD_EMBEDDED_REDIS_PORT=str(free_port()), RASAD_POLL_TICK_SECONDS="1",
               RASAD_METRICS_ADDR=f"127.0.0.1:{metrics_port}", PYTHONPATH=str(ROOT))
    for name in ("RASAD_REDIS_URL", "PROMETHEUS_MULTIPROC_DIR"):
        env.pop(name, None)
    log = (tmp_path / "rasad.log").open("w")
    service = subprocess.Popen(RASAD + ["run"], env=env, cwd=ROOT, stdout=log,
                               stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{metrics_port}/metrics"
    try:
        wait_until(lambda: get(url, timeout=2), 120, "rasad /metrics", service)
        yield url
    finally:
        if service.poll() is None:
            service.terminate()
        try:
            service.wait(60)
        except subprocess.TimeoutExpired:
            service.kill()
        log.close()
        print("rasad run log (tail):\n" + (tmp_path / "rasad.log").read_text()[-3000:])


@pytest.fixture
def prometheus(tmp_path, rasad, http_server):
    """Debian's Prometheus on loopback scraping Rasad every second, with rules.yml loaded.
    The seed article is served once Prometheus has scraped Rasad: rates need a sample taken
    before the alert (Rasad's first poll comes seconds after its start, issue 12)."""
    target = urllib.parse.urlsplit(rasad).netloc
    shutil.copy(PROM / "rules.yml", tmp_path / "rules.yml")
    config = {"global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
              "rule_files": [str(tmp_path / "rules.yml")],
              "scrape_configs": [{"job_name": "rasad", "static_configs": [
                  {"targets": [target], "labels": {"component": "run"}}]}]}
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config))
    port = free_port()
    log = (tmp_path / "prometheus.log").open("w")
    proc = subprocess.Popen(
        [shutil.which("prometheus"), f"--config.file={tmp_path / 'prometheus.yml'}",
         f"--storage.tsdb.path={tmp_path / 'tsdb'}", f"--web.listen-address=127.0.0.1:{port}"],
        stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path)
    api = PromAPI(f"http://127.0.0.1:{port}")
    try:
        wait_until(lambda: get(f"{api.base}/-/ready", timeout=2), 60, "prometheus ready", proc)
        wait_until(lambda: api.query('up{job="rasad"} == 1'), 60, "a first scrape", proc)
        http_server.route("/feed.xml", 200, {"Content-Type": "application/rss+xml"},
                          seed_feed())
        yield api
    finally:
        proc.terminate()
        proc.wait(30)
        log.close()


def test_live_endpoint_passes_promtool_check_metrics(rasad):
    body = get(rasad)
    result = subprocess.run(["promtool", "check", "metrics"], input=body,
                            capture_output=True, timeout=60)
    assert result.returncode == 0, result.stdout.decode() + result.stderr.decode()
    assert not result.stdout.strip(), result.stdout.decode()  # no lint findings either
    text = body.decode()
    assert 'rasad_feed_fetches_total{feed="local",outcome="parked"}' in text  # zero series
    assert "rasad_build_info{" in text and "rasad_queue_depth{" in text


@pytest.mark.timeout(600)
def test_every_dashboard_and_alert_query_returns_data(prometheus):
    api = prometheus
    # An alert went out and Prometheus has scraped it.
    wait_until(lambda: api.scalar("sum(rasad_alerts_total)") >= 1, 300,
               "an alert in Prometheus")
    wait_until(lambda: api.scalar("sum(rasad_fetch_to_alert_seconds_count)") >= 1, 30,
               "fetch-to-alert observed")
    time.sleep(5)  # a few more 1 s scrapes so every rate() window holds the change

    failures = []
    for expr in dashboard_exprs():
        query = substitute_grafana(expr, rate_interval="5m")
        result = api.query(query)
        if not result:
            failures.append(f"dashboard: {query}")
        elif "rasad_alerts_total" in query:
            print(f"\n{query}\n  -> {[(r['metric'], r['value'][1]) for r in result]}")
    for rule in alert_rules():
        for query in alert_signal_queries(rule["expr"]):
            if not api.query(query):
                failures.append(f"{rule['alert']}: {query}")
    assert not failures, "queries without data:\n" + "\n".join(failures)

    # The dashboard's variables list the configured feed and the rules.
    for variable in json.loads(DASHBOARD.read_text())["templating"]["list"]:
        if variable["type"] == "query":
            metric = variable["definition"].split("(")[1].split(",")[0]
            values = api.call(f"label/{variable['name']}/values", **{"match[]": metric})
            assert values, variable["definition"]

    # The numbers mean what they say.
    assert api.scalar('sum(rasad_entries_new_total{feed="local"})') >= 1
    assert api.scalar('rasad_feed_last_success_timestamp_seconds{feed="local"}') > 0
    assert api.scalar('max(rasad_feed_parked{feed="local"})') == 0
    assert api.scalar('sum(rasad_alert_deliveries_total{channel="stream",outcome="ok"})') >= 1
    p50 = api.scalar("histogram_quantile(0.5, sum by (le) "
                     "(rate(rasad_publication_to_alert_seconds_bucket[1h])))")
    assert 60 <= p50 <= 1200, p50  # published 2 minutes before the poll
    assert api.scalar("histogram_quantile(0.5, sum by (le) "
                      "(rate(rasad_fetch_to_alert_seconds_bucket[1h])))") < 300
    # Every alerting rule evaluated without error.
    groups = api.call("rules", type="alert")["groups"]
    health = {r["name"]: r["health"] for g in groups for r in g["rules"]}
    assert health and set(health.values()) == {"ok"}, health
