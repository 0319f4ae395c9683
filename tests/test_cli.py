"""The command-line contracts of DESIGN.md: `rasad analyze`, `rasad feed`, `rasad check`."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
FEEDS = ROOT / "tests" / "fixtures" / "feeds"


def rasad(*args, stdin=None, env=None):
    env = dict(os.environ, PYTHONPATH=str(ROOT), **(env or {}))
    return subprocess.run([sys.executable, "-m", "worker.cli", *args], input=stdin,
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)


def test_feed_prints_one_json_line_per_input_with_errors_inline():
    result = rasad("feed", str(FEEDS / "windows-1256-undeclared.xml"),
                   str(FEEDS / "not-a-feed.html"), "missing.xml", "--json")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [l["source"] for l in lines] == [str(FEEDS / "windows-1256-undeclared.xml"),
                                            str(FEEDS / "not-a-feed.html"), "missing.xml"]
    good, html, missing = lines
    assert good["error"] is None and good["encoding"] == "windows-1256" and good["entries"]
    entry = good["entries"][0]
    assert set(entry) >= {"id", "url", "title", "summary", "published"}
    assert "\ufffd" not in json.dumps(good, ensure_ascii=False)
    assert any("\u0600" <= c <= "\u06ff" for c in entry["title"] + entry["summary"])
    assert "not an RSS or Atom feed" in html["error"] and missing["error"]
    assert result.returncode == 1


def test_analyze_reads_stdin_and_follows_the_json_contract(seed_text):
    result = rasad("analyze", "-", "--json", stdin=seed_text, env={"RASAD_NER_MODEL": "none"})
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) >= {"entities", "events", "casualties", "alerts"}
    for ent in data["entities"]:
        assert ent["type"] in {"PER", "LOC", "ORG", "MISC"}
        assert seed_text[ent["start"]:ent["end"]] == ent["text"]
    for ev in data["events"]:
        assert set(ev) >= {"type", "trigger", "actors", "location", "weapon", "killed", "injured"}
        assert seed_text[ev["trigger"]["start"]:ev["trigger"]["end"]] == ev["trigger"]["text"]
    assert data["casualties"]["injured"] == 10
    assert {a["rule"] for a in data["alerts"]} == {"phosphorus", "baghouz", "casualties"}
    for alert in data["alerts"]:
        assert alert["severity"] and alert["matches"]
        for m in alert["matches"]:
            assert seed_text[m["start"]:m["end"]] == m["text"]


@pytest.mark.parametrize("rules, message", [
    pytest.param("rules: [{id: x, severity: loud, terms: [a]}]", "rule 'x': severity",
                 id="bad-severity"),
    pytest.param("rules: [{id: x, severity: high, terms: [a], conditions: {near: 1}}]",
                 "unknown condition", id="bad-condition"),
])
def test_bad_rule_file_stops_start_up_with_a_clear_message(tmp_path, rules, message):
    path = tmp_path / "rules.yaml"
    path.write_text(rules)
    for command in (["check"], ["run"]):
        result = rasad(*command, env={"RASAD_RULES": str(path),
                                      "RASAD_DATA_DIR": str(tmp_path / "data")})
        assert result.returncode == 2
        assert str(path) in result.stderr and message in result.stderr
        assert "Traceback" not in result.stderr


NEAR_UNKNOWN = ("rules: [{id: near-x, severity: high, terms: [a], conditions: "
                "{location: {near: Atlantis, radius_km: 10}}}]")


@pytest.mark.parametrize("name, body, message", [
    pytest.param("feeds", "feeds: [{id: a, url: 'http://', name: x}]",
                 "feed 'a': url 'http://' has no host", id="feed-url-without-host"),
    pytest.param("feeds", "feeds: [{id: a, url: 'https://example.com/my feed.xml', name: x}]",
                 "feed 'a': url 'https://example.com/my feed.xml' contains a space",
                 id="feed-url-with-space"),
    pytest.param("rules", "rules: []", "no rules, so nothing would ever alert", id="no-rules"),
    pytest.param("rules", NEAR_UNKNOWN, "rule 'near-x': conditions.location.near: 'Atlantis' "
                 "is not a place the gazetteer knows", id="unknown-place"),
])
def test_config_gaps_stop_check_and_run(tmp_path, name, body, message):
    """Each of these used to pass `rasad check` and start `rasad run` (issue 11, item 7)."""
    path = tmp_path / f"{name}.yaml"
    path.write_text(body, encoding="utf-8")
    for command in (["check"], ["run"]):
        result = rasad(*command, env={f"RASAD_{name.upper()}": str(path),
                                      "RASAD_NER_MODEL": "none",
                                      "RASAD_DATA_DIR": str(tmp_path / "data")})
        assert result.returncode == 2, (command, result.stderr)
        assert str(path) in result.stderr and message in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "data" / "redis").exists()  # refused before starting anything


def test_stanza_model_not_installed_stops_check_and_run(tmp_path):
    env = {"RASAD_NER_MODEL": "stanza", "STANZA_RESOURCES_DIR": str(tmp_path / "stanza"),
           "RASAD_DATA_DIR": str(tmp_path / "data")}
    for command in (["check"], ["run"]):
        result = rasad(*command, env=env)
        assert result.returncode == 2, (command, result.stderr)
        assert "RASAD_NER_MODEL=stanza: Official Stanza Arabic NER models are not installed" \
            in result.stderr and "rasad models download" in result.stderr
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "data" / "redis").exists()


def test_models_download_fails_clearly_offline(tmp_path):
    result = rasad("models", "download", "--dir", str(tmp_path / "stanza"))
    assert result.returncode == 2
    assert "RASAD_NER_MODEL=bundled" in result.stderr and "Traceback" not in result.stderr


def test_models_train_help_reaches_the_trainer():
    result = rasad("models", "train", "--help")
    assert result.returncode == 0 and "--stages" in result.stdout


@pytest.mark.parametrize("args, env, message", [
    pytest.param(["check"], {"RASAD_NER_MODEL": "/nonexistent/model.pt"}, "does not exist",
                 id="check-missing-model"),
    pytest.param(["status"], {"RASAD_REDIS_URL": "redis://127.0.0.1:1/0"}, "cannot reach Redis",
                 id="status-redis-down"),
    pytest.param(["unpark", "no-such-feed"], {}, "no feed 'no-such-feed'", id="unpark-unknown"),
])
def test_errors_are_one_line_and_say_what_to_do(args, env, message):
    result = rasad(*args, env=env)
    assert result.returncode == 2 and message in result.stderr
    assert "Traceback" not in result.stderr


def test_feed_file_resolves_relative_links_against_the_feeds_own_address():
    result = rasad("feed", str(FEEDS / "skynews-arabia-atom.xml"))
    urls = [e["url"] for e in json.loads(result.stdout)["entries"]]
    assert urls and all(u.startswith("https://www.skynewsarabia.com/") for u in urls)
