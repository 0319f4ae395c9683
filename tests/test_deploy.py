"""deploy/: checked with the real tools where the CI host has them (promtool, systemd-analyze,
kubectl kustomize) and structurally everywhere else.  There is no Docker engine on the CI
host, so docker-compose.yml and the Dockerfile are parsed and their wiring asserted, not run.
"""

from __future__ import annotations

import json
import pathlib
import re
import shlex
import shutil
import subprocess
import sys

import pytest
import yaml

from worker import metrics
from worker.celery_app import QUEUES
from worker.service import DENIED_COMMANDS

ROOT = pathlib.Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
PROM = DEPLOY / "prometheus"
DASHBOARD = DEPLOY / "grafana" / "dashboards" / "rasad.json"
PROMTOOL = shutil.which("promtool")
needs_promtool = pytest.mark.skipif(not PROMTOOL, reason="promtool not installed")

# Series produced at scrape time (RedisStateCollector) or by Prometheus itself.
SCRAPE_TIME = {"rasad_queue_depth", "rasad_feed_parked", "rasad_feeds_parked",
               "rasad_feed_last_success_timestamp_seconds",
               "rasad_feed_last_poll_timestamp_seconds", "rasad_feed_consecutive_failures",
               "rasad_redis_up", "rasad_broker_unacked_messages",
               "rasad_broker_unacked_oldest_age_seconds", "up",
               "rasad_webhook_retries_pending", "rasad_webhook_retry_overdue_seconds",
               "rasad_entries_in_flight", "rasad_webhook_deliveries_in_flight",
               # read from the archive at scrape time (metrics.ArchiveStateCollector)
               "rasad_archive_up", "rasad_archive_size_bytes",
               "rasad_archive_newest_article_timestamp_seconds",
               "rasad_archive_pending_records"}
COMPARISON = re.compile(r"^(?P<query>.+?)\s*(?P<op>==|!=|>=|<=|>|<)\s*(?P<number>-?[\d.]+)$",
                        re.S)
JOIN = re.compile(r"\s+(?:and|or|unless)(?:\s+on\s*\([^)]*\))?\s+")
ACL_LINE = re.compile(r"user default on resetpass >%s ~\* &\* \+@all ([^'\\]*)")


def promtool(*args: str, cwd: pathlib.Path = PROM) -> subprocess.CompletedProcess:
    return subprocess.run([PROMTOOL, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def load_yaml(path: pathlib.Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def alert_rules() -> list[dict]:
    return [rule for group in load_yaml(PROM / "rules.yml")["groups"]
            for rule in group["rules"] if "alert" in rule]


def dashboard_exprs() -> list[str]:
    data = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    return [t["expr"] for p in data["panels"] for t in p.get("targets", [])]


def alert_signal_queries(expr: str) -> list[str]:
    """Each ``<query> <op> <number>`` part of an alert expression, as a ``bool`` comparison
    that returns data whether or not the alert fires (used by the integration test too)."""
    parts = JOIN.split(" ".join(expr.split()))
    out = []
    for part in parts:
        match = COMPARISON.match(part.strip())
        assert match, f"alert expression part is not '<query> <op> <number>': {part!r}"
        out.append(f"{match['query']} {match['op']} bool {match['number']}")
    return out


def metric_names(expr: str) -> set[str]:
    return {name for name in re.findall(r"\b(rasad_[a-z_]+|up)\b(?=\s*[{\[)])", expr)}


def exported_names() -> set[str]:
    names = set(SCRAPE_TIME)
    for obj in vars(metrics).values():
        if isinstance(obj, metrics.Counter):
            names.add(obj._name + "_total")
        elif isinstance(obj, metrics.Histogram):
            names |= {obj._name + s for s in ("_bucket", "_sum", "_count")}
        elif isinstance(obj, metrics.Gauge):
            names.add(obj._name)
    return names


# --- Prometheus ---------------------------------------------------------------------------
@needs_promtool
def test_prometheus_config_passes_promtool():
    result = promtool("check", "config", "prometheus.yml")
    assert result.returncode == 0, result.stdout + result.stderr


@needs_promtool
def test_kubernetes_scrape_config_passes_promtool_or_parses():
    result = promtool("check", "config", "prometheus-kubernetes.yml")
    if "kubernetes_sd_configs not found" in result.stdout + result.stderr:
        # Debian builds Prometheus without Kubernetes service discovery; check the shape.
        job = load_yaml(PROM / "prometheus-kubernetes.yml")["scrape_configs"][0]
        assert job["job_name"] == "rasad" and job["kubernetes_sd_configs"][0]["role"] == "pod"
        return
    assert result.returncode == 0, result.stdout + result.stderr


@needs_promtool
def test_alerting_rules_pass_promtool_check():
    result = promtool("check", "rules", "rules.yml")
    assert result.returncode == 0, result.stdout + result.stderr


@needs_promtool
def test_alerting_rules_pass_their_unit_tests():
    result = promtool("test", "rules", "rules_test.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_required_alerts_exist():
    assert {r["alert"] for r in alert_rules()} == {
        "RasadWorkerDown", "RasadNoNewArticles", "RasadFeedParked",
        "RasadAlertDeliveryFailing", "RasadQueueBacklog", "RasadStrandedWork",
        "RasadArchiveBehind", "RasadWebhookRetriesStuck", "RasadLostWorkReissued"}


def test_every_alert_has_a_unit_test_that_fires_it():
    tests = load_yaml(PROM / "rules_test.yml")["tests"]
    fired = {case["alertname"] for test in tests for case in test["alert_rule_test"]
             if case.get("exp_alerts")}
    assert fired == {r["alert"] for r in alert_rules()}


@pytest.mark.parametrize("rule", alert_rules(), ids=lambda r: r["alert"])
def test_alert_expressions_are_comparisons_the_integration_test_can_probe(rule):
    assert alert_signal_queries(rule["expr"])
    assert rule["labels"]["severity"] in {"warning", "critical"}
    assert rule["annotations"]["summary"] and rule["annotations"]["description"]


# --- Grafana ------------------------------------------------------------------------------
def test_dashboard_json_is_generated_from_its_builder():
    sys.path.insert(0, str(DEPLOY / "grafana"))
    try:
        import build_dashboard
    finally:
        sys.path.pop(0)
    assert DASHBOARD.read_text(encoding="utf-8") == build_dashboard.render(), \
        "run: python deploy/grafana/build_dashboard.py"


def test_dashboard_has_the_promised_panels_and_sane_layout():
    data = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    titles = {p["title"] for p in data["panels"]}
    for needed in ("Articles per second", "Publication → alert", "Fetch → alert",
                   "Per-feed health", "Alerts per rule", "Feed errors by class",
                   "Queue depth", "NLP latency p90 by stage"):
        assert needed in titles
    ids = [p["id"] for p in data["panels"]]
    assert len(ids) == len(set(ids))
    for p in data["panels"]:
        grid = p["gridPos"]
        assert grid["x"] + grid["w"] <= 24, p["title"]
        refs = [t["refId"] for t in p.get("targets", [])]
        assert len(refs) == len(set(refs)), p["title"]
    assert {v["name"] for v in data["templating"]["list"]} == {"datasource", "feed", "rule"}


def test_dashboard_and_rules_only_use_metrics_rasad_exports():
    known = exported_names()
    exprs = dashboard_exprs() + [r["expr"] for r in alert_rules()]
    for expr in exprs:
        assert metric_names(expr), expr
        assert metric_names(expr) <= known, (expr, metric_names(expr) - known)


@needs_promtool
def test_dashboard_queries_are_valid_promql(tmp_path):
    """promtool has no offline query parser; recording rules are parsed by `check rules`."""
    exprs = [substitute_grafana(e) for e in dashboard_exprs()]
    rules = {"groups": [{"name": "dashboard", "rules": [
        {"record": f"dashboard:query{i}", "expr": e} for i, e in enumerate(exprs)]}]}
    (tmp_path / "dashboard_rules.yml").write_text(yaml.safe_dump(rules))
    result = promtool("check", "rules", "dashboard_rules.yml", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def substitute_grafana(expr: str, rate_interval: str = "5m") -> str:
    """Grafana's variables as a dashboard user with 'All' selected would send them."""
    for name, value in (("$__rate_interval", rate_interval), ("$__interval", "1m"),
                        ("$__range", "1h"), ("$feed", ".*"), ("$rule", ".*")):
        expr = expr.replace(name, value)
    return expr


def test_grafana_provisioning_points_at_the_dashboard_and_datasource():
    source = load_yaml(DEPLOY / "grafana/provisioning/datasources/prometheus.yml")
    assert source["datasources"][0]["uid"] == "prometheus"
    provider = load_yaml(DEPLOY / "grafana/provisioning/dashboards/rasad.yml")["providers"][0]
    grafana = compose()["services"]["grafana"]
    mounts = dict(v.rsplit(":", 2)[:2] if v.count(":") == 2 else v.split(":")
                  for v in grafana["volumes"])
    assert mounts["./grafana/dashboards"] == provider["options"]["path"]
    assert mounts["./grafana/provisioning"] == "/etc/grafana/provisioning"


# --- docker compose -----------------------------------------------------------------------
def compose() -> dict:
    return load_yaml(DEPLOY / "docker-compose.yml")


def command_text(service: dict) -> str:
    cmd = service["command"]
    return " ".join(cmd) if isinstance(cmd, list) else cmd


def test_compose_has_every_role():
    assert set(compose()["services"]) == {
        "redis", "worker-poll", "worker-nlp", "worker-alerts", "worker-webhooks", "beat",
        "metrics", "prometheus", "grafana"}


def redis_server_args(script: str) -> list[str]:
    """The arguments the shell script finally execs redis-server with."""
    words = shlex.split(script)
    return words[words.index("redis-server") + 1:]


def denied(script: str) -> set[str]:
    """The commands an ACL line in a shell script denies (``-name`` after ``+@all``)."""
    match = ACL_LINE.search(" ".join(script.split()))
    assert match, f"no ACL line for the default user in {script!r}"
    return {word[1:] for word in match[1].split() if word.startswith("-")}


def test_compose_redis_persists_with_aof_every_second():
    redis_cmd = redis_server_args(compose()["services"]["redis"]["command"][2])
    assert redis_cmd[redis_cmd.index("--appendonly") + 1] == "yes"
    assert redis_cmd[redis_cmd.index("--appendfsync") + 1] == "everysec"
    assert any(v.endswith(":/data") for v in compose()["services"]["redis"]["volumes"])


def test_compose_redis_takes_its_password_from_a_secret_and_denies_what_rasad_never_needs():
    data = compose()
    redis_service = data["services"]["redis"]
    script = redis_service["command"][2]
    assert redis_service["secrets"] == ["redis_password"]
    assert '"$$(cat /run/secrets/redis_password)" > /tmp/rasad-acl.conf' in script
    assert denied(script) == set(DENIED_COMMANDS)  # the embedded server's rules
    # the password reaches Redis in a file: never on a command line `ps` shows
    assert redis_server_args(script)[0] == "/tmp/rasad-acl.conf"
    assert "requirepass" not in script and "umask 077" in script
    health = " ".join(redis_service["healthcheck"]["test"])
    assert 'REDISCLI_AUTH="$$(cat /run/secrets/redis_password)" redis-cli ping' in health
    assert data["secrets"]["redis_password"]["file"] == "./secrets/redis_password"
    ignored = (DEPLOY / "secrets" / ".gitignore").read_text().split()
    assert ignored == ["*", "!.gitignore"]  # the secret never lands in git


@pytest.mark.parametrize("queue", QUEUES)
def test_compose_runs_one_celery_worker_service_per_queue(queue):
    service = compose()["services"][f"worker-{queue}"]
    cmd = command_text(service)
    assert f"celery -A worker.celery_app worker -Q {queue} " in cmd
    assert service["environment"]["RASAD_WORKER_QUEUES"] == queue
    # Each container writes metrics in its own directory under the shared volume.
    assert "PROMETHEUS_MULTIPROC_DIR=/metrics/$$HOSTNAME" in cmd
    assert "metrics:/metrics" in service["volumes"]
    assert service["depends_on"]["redis"]["condition"] == "service_healthy"
    # webhooks: a thread pool of its own; a receiver that hangs holds one of its threads
    assert ("-P threads" in cmd) is (queue == "webhooks")


@pytest.mark.parametrize("name", ["worker-poll", "worker-nlp", "worker-alerts",
                                  "worker-webhooks", "beat", "metrics"])
def test_compose_rasad_services_read_the_redis_password_secret(name):
    service = compose()["services"][name]
    assert "redis_password" in service["secrets"]
    assert service["environment"]["RASAD_REDIS_URL"] == "redis://redis:6379/0"
    assert service["environment"]["RASAD_REDIS_PASSWORD_FILE"] == "/run/secrets/redis_password"


def test_compose_metrics_service_reads_all_worker_dirs_and_is_scraped():
    services = compose()["services"]
    metrics_service = services["metrics"]
    assert metrics_service["environment"]["PROMETHEUS_MULTIPROC_DIR"] == "/metrics"
    port = metrics_service["environment"]["RASAD_METRICS_ADDR"].rsplit(":", 1)[1]
    targets = [t for job in load_yaml(PROM / "prometheus.yml")["scrape_configs"]
               if job["job_name"] == "rasad" for sc in job["static_configs"]
               for t in sc["targets"]]
    assert targets == [f"metrics:{port}"]
    assert "./prometheus:/etc/prometheus:ro" in services["prometheus"]["volumes"]


def test_compose_runs_exactly_one_beat():
    beat = compose()["services"]["beat"]
    assert command_text(beat) == "rasad beat"
    assert beat.get("deploy", {}).get("replicas", 1) == 1


def test_compose_builds_from_the_repository_dockerfile():
    build = compose()["x-rasad"]["build"]
    context = (DEPLOY / build["context"]).resolve()
    assert context == ROOT and (context / build["dockerfile"]).is_file()
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "download.pytorch.org/whl/cpu" in dockerfile
    # the image installs what the tests ran on: the lock with its hashes, then the project
    # without resolving anything (no drift between CI and the image)
    assert "--require-hashes -r requirements.lock" in dockerfile
    assert "pip install --no-deps --no-build-isolation ." in dockerfile
    assert "pip install torch" not in dockerfile.replace("`pip install torch`", "")


# --- systemd ------------------------------------------------------------------------------
def unit(name: str) -> dict[str, list[str]]:
    """``Key -> [values]`` over all sections (repeated keys such as Environment kept)."""
    out: dict[str, list[str]] = {}
    for line in (DEPLOY / "systemd" / name).read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            out.setdefault(key.strip(), []).append(value.strip())
    return out


@pytest.mark.parametrize("name", ["rasad-worker@.service", "rasad-beat.service",
                                  "rasad-metrics.service"])
def test_systemd_units_get_the_redis_password_as_a_credential(name):
    service = unit(name)
    assert service["LoadCredential"] == ["redis-password:/etc/rasad/redis-password"]
    assert "RASAD_REDIS_PASSWORD_FILE=%d/redis-password" in service["Environment"]


def test_systemd_target_starts_a_worker_for_every_queue_and_redis_is_locked():
    wants = unit("rasad.target")["Wants"][0].split()
    assert {f"rasad-worker@{q}.service" for q in QUEUES} <= set(wants)
    example = (DEPLOY / "systemd" / "rasad.env.example").read_text()
    env = dict(line.split("=", 1) for line in example.splitlines()
               if line and not line.startswith("#"))
    assert "@" not in env["RASAD_REDIS_URL"]  # no password in the environment file
    line = next(x for x in example.splitlines() if "user default on resetpass" in x)
    words = line.split()
    assert {w[1:] for w in words[words.index("+@all") + 1:]} == set(DENIED_COMMANDS)


def test_systemd_worker_template_is_per_queue():
    worker = unit("rasad-worker@.service")
    assert worker["ExecStart"] == ["/opt/rasad/.venv/bin/rasad worker --queues %i"]
    assert "RASAD_WORKER_QUEUES=%i" in worker["Environment"]
    assert "PROMETHEUS_MULTIPROC_DIR=/run/rasad/metrics/%i" in worker["Environment"]
    assert worker["KillMode"] == ["mixed"]  # warm shutdown of the Celery main process
    metrics_unit = unit("rasad-metrics.service")
    assert "PROMETHEUS_MULTIPROC_DIR=/run/rasad/metrics" in metrics_unit["Environment"]
    assert unit("rasad-beat.service")["ExecStart"] == ["/opt/rasad/.venv/bin/rasad beat"]


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze missing")
def test_systemd_units_pass_systemd_analyze_verify(tmp_path):
    for path in (DEPLOY / "systemd").glob("rasad*"):
        # verify insists the ExecStart binary exists; the venv is not installed here
        text = path.read_text().replace("/opt/rasad/.venv/bin/rasad", shutil.which("true"))
        name = path.name.replace("@.service", "@nlp.service")
        (tmp_path / name).write_text(text)
    units = sorted(str(p) for p in tmp_path.glob("*.service"))
    result = subprocess.run(["systemd-analyze", "verify", "--man=no", *units],
                            capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


# --- Kubernetes ---------------------------------------------------------------------------
def kubernetes_objects() -> list[dict]:
    kubectl = shutil.which("kubectl")
    if kubectl:
        result = subprocess.run(
            [kubectl, "kustomize", "--load-restrictor", "LoadRestrictionsNone",
             str(DEPLOY / "kubernetes")], capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        return [d for d in yaml.safe_load_all(result.stdout) if d]
    docs = []
    for name in load_yaml(DEPLOY / "kubernetes/kustomization.yaml")["resources"]:
        docs += [d for d in yaml.safe_load_all((DEPLOY / "kubernetes" / name).read_text()) if d]
    return docs


@pytest.fixture(scope="module")
def k8s() -> dict[tuple[str, str], dict]:
    return {(d["kind"], d["metadata"]["name"]): d for d in kubernetes_objects()}


def containers(deployment: dict) -> dict[str, dict]:
    return {c["name"]: c for c in deployment["spec"]["template"]["spec"]["containers"]}


@pytest.mark.parametrize("queue", QUEUES)
def test_kubernetes_has_one_deployment_per_queue_with_its_metrics(k8s, queue):
    deployment = k8s[("Deployment", f"rasad-worker-{queue}")]
    pod = deployment["spec"]["template"]
    worker, sidecar = containers(deployment)["worker"], containers(deployment)["metrics"]
    assert f"rasad worker --queues {queue}" in " ".join(worker["command"] + worker["args"])
    worker_dir = {e["name"]: e["value"] for e in worker["env"]}["PROMETHEUS_MULTIPROC_DIR"]
    sidecar_env = {e["name"]: e["value"] for e in sidecar["env"]}
    # the worker writes a subdirectory of what the sidecar serves, on a shared emptyDir
    assert pathlib.PurePosixPath(worker_dir).parent.as_posix() == \
        sidecar_env["PROMETHEUS_MULTIPROC_DIR"]
    assert "--no-redis-state" in sidecar["command"]
    annotations = pod["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert int(annotations["prometheus.io/port"]) in \
        [p["containerPort"] for p in sidecar["ports"]]
    assert sidecar_env["RASAD_METRICS_ADDR"].endswith(":" + annotations["prometheus.io/port"])
    assert pod["metadata"]["labels"]["app.kubernetes.io/component"] == f"worker-{queue}"


def test_kubernetes_nlp_scales_on_its_own(k8s):
    hpa = k8s[("HorizontalPodAutoscaler", "rasad-worker-nlp")]
    assert hpa["spec"]["scaleTargetRef"]["name"] == "rasad-worker-nlp"


def test_kubernetes_runs_a_single_beat_never_two_during_rollout(k8s):
    beat = k8s[("Deployment", "rasad-beat")]
    assert beat["spec"]["replicas"] == 1 and beat["spec"]["strategy"]["type"] == "Recreate"


def test_kubernetes_config_comes_from_the_repository_config(k8s):
    config = next(v for (kind, name), v in k8s.items()
                  if kind == "ConfigMap" and name.startswith("rasad-config"))
    assert config["data"]["feeds.yaml"] == (ROOT / "config/feeds.yaml").read_text()
    assert config["data"]["rules.yaml"] == (ROOT / "config/rules.yaml").read_text()


def test_kubernetes_redis_uses_aof_every_second(k8s):
    args = redis_server_args(containers(k8s[("StatefulSet", "redis")])["redis"]["args"][0])
    assert args[args.index("--appendonly") + 1] == "yes"
    assert args[args.index("--appendfsync") + 1] == "everysec"


def secret_mounts(pod_spec: dict, container: dict) -> dict[str, str]:
    """mountPath -> Secret name for the container's Secret volumes."""
    secrets = {v["name"]: v["secret"]["secretName"] for v in pod_spec["volumes"]
               if "secret" in v}
    return {m["mountPath"]: secrets[m["name"]] for m in container.get("volumeMounts", [])
            if m["name"] in secrets}


def test_kubernetes_redis_takes_its_password_from_the_secret_and_denies_commands(k8s):
    statefulset = k8s[("StatefulSet", "redis")]
    redis_container = containers(statefulset)["redis"]
    script = redis_container["args"][0]
    pod = statefulset["spec"]["template"]["spec"]
    assert secret_mounts(pod, redis_container) == {"/run/secrets/redis": "rasad-redis"}
    assert '"$(cat /run/secrets/redis/password)"' in script
    assert denied(script) == set(DENIED_COMMANDS)
    assert redis_server_args(script)[0] == "/tmp/rasad-acl.conf"
    probe = " ".join(redis_container["readinessProbe"]["exec"]["command"])
    assert "REDISCLI_AUTH=" in probe and "/run/secrets/redis/password" in probe


@pytest.mark.parametrize("name, container", [
    *[(f"rasad-worker-{q}", "worker") for q in QUEUES],
    ("rasad-beat", "beat"), ("rasad-metrics", "metrics"),
])
def test_kubernetes_rasad_pods_read_the_redis_password_from_the_secret(k8s, name, container):
    env = next(v for (kind, n), v in k8s.items()
               if kind == "ConfigMap" and n.startswith("rasad-env"))["data"]
    assert env["RASAD_REDIS_URL"] == "redis://redis:6379/0"
    password_file = pathlib.PurePosixPath(env["RASAD_REDIS_PASSWORD_FILE"])
    deployment = k8s[("Deployment", name)]
    pod = deployment["spec"]["template"]["spec"]
    mounts = secret_mounts(pod, containers(deployment)[container])
    assert mounts == {str(password_file.parent): "rasad-redis"}
    # the Secret's files are root-owned: readable by the pod's group, which runs rasad
    assert pod["securityContext"]["fsGroup"] == pod["securityContext"]["runAsUser"]
    assert not any("redis://:" in str(value) for value in env.values())


def test_kubernetes_metrics_deployment_serves_redis_state(k8s):
    deployment = k8s[("Deployment", "rasad-metrics")]
    assert containers(deployment)["metrics"]["command"] == ["rasad", "metrics"]
    assert deployment["spec"]["template"]["metadata"]["annotations"][
        "prometheus.io/scrape"] == "true"


def test_shell_commands_in_compose_are_well_formed():
    for name, service in compose()["services"].items():
        if isinstance(service.get("command"), list) and service["command"][:2] == ["sh", "-c"]:
            shlex.split(service["command"][2])  # raises on unbalanced quotes
