"""Build deploy/grafana/dashboards/rasad.json, Rasad's Grafana dashboard.

The dashboard is generated so its queries stay readable and reviewable in one place:
``python deploy/grafana/build_dashboard.py`` rewrites the JSON; tests/test_deploy.py fails
when the committed JSON is out of date, and tests/test_prometheus_integration.py runs every
query below against a live Rasad scraped by a real Prometheus.

Queries that can legitimately be empty (errors that have not happened) end in
``or on() vector(0)`` so a healthy system shows 0 rather than "No data".
"""

from __future__ import annotations

import json
import pathlib

OUT = pathlib.Path(__file__).parent / "dashboards" / "rasad.json"
DS = {"type": "prometheus", "uid": "${datasource}"}
FEED = 'feed=~"$feed"'
RULE = 'rule=~"$rule"'


def target(expr: str, legend: str = "", ref: str = "A", *, instant: bool = False,
           table: bool = False) -> dict:
    t = {"datasource": DS, "expr": expr, "legendFormat": legend or "__auto", "refId": ref}
    if instant:
        t["instant"], t["range"] = True, False
    if table:
        t["format"] = "table"
    return t


def refs(*targets: dict) -> list[dict]:
    return [{**t, "refId": chr(ord("A") + i)} for i, t in enumerate(targets)]


def panel(title: str, kind: str, targets: list[dict], grid: tuple[int, int, int, int], *,
          unit: str = "short", description: str = "", **extra) -> dict:
    x, y, w, h = grid
    p = {"type": kind, "title": title, "description": description, "datasource": DS,
         "gridPos": {"x": x, "y": y, "w": w, "h": h}, "targets": refs(*targets),
         "fieldConfig": {"defaults": {"unit": unit}, "overrides": []}, "options": {}}
    p.update(extra)
    return p


def row(title: str, y: int) -> dict:
    return {"type": "row", "title": title, "collapsed": False, "panels": [],
            "gridPos": {"x": 0, "y": y, "w": 24, "h": 1}}


def quantiles(metric: str, window: str = "$__rate_interval", selector: str = "") -> list[dict]:
    """p50, p90 and p99 of a histogram over ``window``."""
    return [target(f"histogram_quantile({q}, sum by (le) "
                   f"(rate({metric}_bucket{selector}[{window}])))", f"p{int(q * 100)}")
            for q in (0.5, 0.9, 0.99)]


def overview(y: int) -> list[dict]:
    return [
        panel("New articles (1h)", "stat",
              [target(f"sum(increase(rasad_entries_new_total{{{FEED}}}[1h]))")], (0, y, 4, 4)),
        panel("Alerts (24h)", "stat",
              [target(f"sum(increase(rasad_alerts_total{{{RULE}}}[24h]))")], (4, y, 4, 4)),
        panel("Feeds parked", "stat", [target("max(rasad_feeds_parked)")], (8, y, 4, 4),
              description="Feeds no longer polled after repeated failures (rasad status)."),
        panel("Queued messages", "stat", [target("sum(max by (queue) (rasad_queue_depth))")],
              (12, y, 4, 4)),
        panel("Endpoints up", "stat", [target('sum(up{job="rasad"})')], (16, y, 4, 4)),
        panel("Version", "stat",
              [target("max by (version, ner_model) (rasad_build_info)",
                      "{{version}} / {{ner_model}}", instant=True)], (20, y, 4, 4),
              options={"textMode": "name", "reduceOptions": {"calcs": ["lastNotNull"]}}),
    ]


def throughput(y: int) -> list[dict]:
    return [
        panel("Articles per second", "timeseries", [
            target(f"sum(rate(rasad_entries_seen_total{{{FEED}}}[$__rate_interval]))", "seen"),
            target(f"sum(rate(rasad_entries_new_total{{{FEED}}}[$__rate_interval]))", "new"),
            target(f"sum(rate(rasad_duplicate_stories_total{{{FEED}}}[$__rate_interval]))",
                   "duplicate story"),
            target(f'sum(rate(rasad_articles_processed_total{{{FEED},outcome="ok"}}'
                   f"[$__rate_interval]))", "processed"),
        ], (0, y, 12, 8), unit="reqps"),
        panel("Feed polls by outcome", "timeseries", [
            target(f"sum by (outcome) (rate(rasad_feed_fetches_total{{{FEED}}}"
                   f"[$__rate_interval]))", "{{outcome}}"),
        ], (12, y, 12, 8), unit="reqps"),
    ]


def freshness(y: int) -> list[dict]:
    return [
        panel("Publication → alert", "timeseries",
              quantiles("rasad_publication_to_alert_seconds", window="1h",
                        selector=f"{{{RULE}}}"), (0, y, 8, 8),
              unit="s", description="From the publisher's timestamp to the delivered alert, "
              "last hour."),
        panel("Fetch → alert", "timeseries",
              quantiles("rasad_fetch_to_alert_seconds", window="1h",
                        selector=f"{{{RULE}}}"), (8, y, 8, 8), unit="s",
              description="Rasad's own latency, from the fetch that saw the entry, last hour."),
        panel("Time since last successful poll", "timeseries", [
            target(f"time() - max by (feed) "
                   f"(rasad_feed_last_success_timestamp_seconds{{{FEED}}} > 0)", "{{feed}}"),
        ], (16, y, 8, 8), unit="s"),
    ]


def feed_health(y: int) -> list[dict]:
    columns = [
        target(f"max by (feed) (rasad_feed_parked{{{FEED}}})", "parked", instant=True,
               table=True),
        target(f"max by (feed) (rasad_feed_consecutive_failures{{{FEED}}})", "failures",
               instant=True, table=True),
        target(f"time() - max by (feed) (rasad_feed_last_poll_timestamp_seconds{{{FEED}}} > 0)",
               "since last poll", instant=True, table=True),
        target(f"sum by (feed) (increase(rasad_entries_new_total{{{FEED}}}[24h]))",
               "new (24h)", instant=True, table=True),
        target(f'sum by (feed) (increase(rasad_feed_fetches_total{{{FEED},outcome=~".*error"}}'
               f"[24h]))", "errors (24h)", instant=True, table=True),
    ]
    return [
        panel("Per-feed health", "table", columns, (0, y, 14, 10),
              transformations=[{"id": "merge", "options": {}},
                               {"id": "organize", "options": {
                                   "excludeByName": {"Time": True}}}]),
        panel("Fetch duration p90 by feed", "timeseries", [
            target(f"histogram_quantile(0.9, sum by (feed, le) (rate("
                   f"rasad_feed_fetch_duration_seconds_bucket{{{FEED}}}[$__rate_interval])))",
                   "{{feed}}"),
        ], (14, y, 10, 10), unit="s"),
    ]


def alerts(y: int) -> list[dict]:
    return [
        panel("Alerts per rule", "timeseries", [
            target(f"sum by (rule, kind) (increase(rasad_alerts_total{{{RULE}}}"
                   f"[$__rate_interval]))", "{{rule}} {{kind}}"),
        ], (0, y, 8, 8), fieldConfig={"defaults": {"unit": "short", "custom": {
            "drawStyle": "bars"}}, "overrides": []}),
        panel("Rule matches per rule", "timeseries", [
            target(f"sum by (rule) (increase(rasad_rule_matches_total{{{RULE}}}"
                   f"[$__rate_interval]))", "{{rule}}"),
        ], (8, y, 8, 8)),
        panel("Alert deliveries", "timeseries", [
            target("sum by (channel, outcome) (rate(rasad_alert_deliveries_total"
                   "[$__rate_interval]))", "{{channel}} {{outcome}}"),
            target('sum by (channel) (rate(rasad_alert_deliveries_total{outcome=~"error|'
                   'dead_letter"}[$__rate_interval])) / clamp_min(sum by (channel) '
                   '(rate(rasad_alert_deliveries_total[$__rate_interval])), 1e-9)',
                   "{{channel}} failure ratio"),
            # A receiver that is down keeps retries waiting (rasad status shows them too).
            target("max(rasad_webhook_retries_pending)", "webhook retries waiting", "C"),
        ], (16, y, 8, 8), unit="short"),
    ]


def errors(y: int) -> list[dict]:
    return [
        panel("Feed errors by class", "timeseries", [
            target(f"sum by (error) (rate(rasad_feed_errors_total{{{FEED}}}[$__rate_interval]))"
                   " or on() vector(0)", "{{error}}"),
        ], (0, y, 8, 8), unit="reqps"),
        panel("Task failures", "timeseries", [
            target("sum by (task, exception) (rate(rasad_task_failures_total"
                   "[$__rate_interval])) or on() vector(0)", "{{task}} {{exception}}"),
            target(f'sum(rate(rasad_articles_processed_total{{{FEED},outcome="error"}}'
                   f"[$__rate_interval]))", "articles failed"),
        ], (8, y, 8, 8), unit="reqps"),
        panel("Invalid input", "timeseries", [
            target("sum by (kind) (rate(rasad_invalid_input_total[$__rate_interval]))",
                   "{{kind}}"),
        ], (16, y, 8, 8), unit="reqps"),
    ]


def queues_and_nlp(y: int) -> list[dict]:
    return [
        panel("Queue depth", "timeseries", [
            target("max by (queue) (rasad_queue_depth)", "{{queue}}"),
            target("min(rasad_redis_up)", "redis reachable"),
        ], (0, y, 8, 8)),
        panel("NLP latency p90 by stage", "timeseries", [
            target("histogram_quantile(0.9, sum by (stage, le) "
                   "(rate(rasad_nlp_duration_seconds_bucket[$__rate_interval])))", "{{stage}}"),
        ], (8, y, 8, 8), unit="s"),
        panel("NLP latency per article", "timeseries",
              quantiles("rasad_nlp_duration_seconds", selector='{stage="total"}'),
              (16, y, 8, 8), unit="s"),
        panel("Entities by type", "timeseries", [
            target("sum by (type) (rate(rasad_entities_extracted_total[$__rate_interval]))",
                   "{{type}}"),
        ], (0, y + 8, 12, 8), unit="reqps"),
        panel("Events by type", "timeseries", [
            target("sum by (type) (rate(rasad_events_extracted_total[$__rate_interval]))",
                   "{{type}}"),
        ], (12, y + 8, 12, 8), unit="reqps"),
    ]


def archive(y: int) -> list[dict]:
    """The archive (issue 10): rows written, failures and what waits for the database,
    write latency, size."""
    return [
        panel("Archive rows written", "timeseries", [
            target("sum by (table) (rate(rasad_archive_rows_written_total[$__rate_interval]))",
                   "{{table}}"),
        ], (0, y, 6, 8), unit="reqps"),
        panel("Archive write errors and pending writes", "timeseries", [
            target("sum by (table, error) (rate(rasad_archive_write_errors_total"
                   "[$__rate_interval])) or on() vector(0)", "{{table}} {{error}}"),
            target("max(rasad_archive_pending_records)", "pending in Redis", "B"),
            target("min(rasad_archive_up)", "archive readable", "C"),
        ], (6, y, 6, 8)),
        panel("Archive write latency p90", "timeseries", [
            target("histogram_quantile(0.9, sum by (table, le) "
                   "(rate(rasad_archive_write_duration_seconds_bucket[$__rate_interval])))",
                   "{{table}}"),
        ], (12, y, 6, 8), unit="s"),
        panel("Archive size", "timeseries", [
            target("max(rasad_archive_size_bytes)", "database"),
        ], (18, y, 6, 8), unit="bytes"),
    ]


def variable(name: str, metric: str) -> dict:
    query = f"label_values({metric}, {name})"
    return {"name": name, "label": name, "type": "query", "datasource": DS,
            "query": {"query": query, "refId": f"{name}-values"}, "definition": query,
            "includeAll": True, "allValue": ".*", "multi": True, "refresh": 2, "sort": 1,
            "current": {"text": "All", "value": "$__all"}}


def dashboard() -> dict:
    sections = [("Overview", overview), ("Throughput", throughput),
                ("Freshness", freshness), ("Per-feed health", feed_health),
                ("Alerts", alerts), ("Errors", errors), ("Queues and NLP", queues_and_nlp),
                ("Archive", archive)]
    panels, y = [], 0
    for title, build in sections:
        panels.append(row(title, y))
        built = build(y + 1)
        panels += built
        y = max(p["gridPos"]["y"] + p["gridPos"]["h"] for p in built)
    for number, p in enumerate(panels, start=1):
        p["id"] = number
    datasource = {"name": "datasource", "label": "Prometheus", "type": "datasource",
                  "query": "prometheus", "current": {"text": "Prometheus",
                                                     "value": "prometheus"}}
    return {
        "uid": "rasad", "title": "Rasad", "tags": ["rasad"], "timezone": "utc",
        "schemaVersion": 39, "version": 1, "editable": True, "refresh": "30s",
        "time": {"from": "now-6h", "to": "now"}, "graphTooltip": 1,
        "description": "Rasad: feeds polled, articles analysed, alerts raised and delivered.",
        "templating": {"list": [datasource, variable("feed", "rasad_feed_fetches_total"),
                                variable("rule", "rasad_alerts_total")]},
        "annotations": {"list": []}, "links": [], "panels": panels,
    }


def render() -> str:
    return json.dumps(dashboard(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    OUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUT}")
