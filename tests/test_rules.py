"""Watch rules: strict loading with errors naming file/rule/problem, and matching."""

import pathlib

import pytest

from worker.errors import ConfigError
from worker.records import Event, Extraction
from worker.rules import RuleSet, load_rules

ROOT = pathlib.Path(__file__).resolve().parents[1]
DEFAULT_RULES = ROOT / "config" / "rules.yaml"


def _write(tmp_path, text):
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("body, message", [
    pytest.param("rules: [{id: x, severity: urgent, terms: {ar: [قصف]}}]", "severity must be",
                 id="bad-severity"),
    pytest.param("rules: [{id: X Y, severity: high, terms: [a]}]", "'id' is required",
                 id="bad-id"),
    pytest.param("rules: [{id: x, severity: high}]", "needs at least one term", id="no-terms"),
    pytest.param("rules: [{id: x, severity: high, terms: {ar: [قصف]}, colour: red}]",
                 "unknown field", id="unknown-field"),
    pytest.param("rules: [{id: x, severity: high, terms: {ar: [قصف]}},"
                 " {id: x, severity: low, terms: [y]}]", "duplicate id", id="duplicate"),
    pytest.param("rules: [{id: x, severity: high, terms: {ar: [\"ً\"]}}]",
                 "empty after normalisation", id="term-only-diacritics"),
    pytest.param("rules: [{id: x, severity: high, terms: [a], conditions: {killed_at_least: -1}}]",
                 "killed_at_least", id="negative-count"),
    pytest.param("rules: [{id: x, severity: high, terms: [a], conditions: {when: now}}]",
                 "unknown condition", id="unknown-condition"),
    pytest.param("rules: [{id: x, severity: high, terms: {arabic: [a]}}]", "language keys",
                 id="bad-language-key"),
    pytest.param("rules: {id: x}", "'rules:' list", id="not-a-list"),
    pytest.param("rules: [{id: x, severity: high, terms: [a]", "not valid YAML", id="bad-yaml"),
    pytest.param("rules: []", "no rules, so nothing would ever alert", id="no-rules"),
    pytest.param("rules: [{id: x, severity: high, terms: [a], conditions: {location: "
                 "{near: الباغوز, radius_km: -5}}}]", "radius_km: <number >= 0>",
                 id="negative-radius"),
])
def test_bad_rule_file_names_file_rule_and_problem(tmp_path, body, message):
    path = _write(tmp_path, body)
    with pytest.raises(ConfigError) as info:
        load_rules(path)
    assert str(path) in str(info.value)
    assert message in str(info.value)


def test_unknown_entity_is_rejected(tmp_path):
    path = _write(tmp_path, "rules: [{id: x, severity: high, entities: ['wof:nope']}]")
    with pytest.raises(ConfigError, match="rule 'x'.*not in the gazetteer"):
        load_rules(path, entity_exists=lambda _id: False)


NEAR_RULE = """
rules:
  - id: near-x
    severity: high
    terms: {ar: [قصف]}
    conditions: {location: {near: %s, radius_km: 40}}
"""


def test_unknown_place_is_rejected_with_close_names(tmp_path):
    path = _write(tmp_path, NEAR_RULE % "الباغوس")
    with pytest.raises(ConfigError) as info:
        load_rules(path, place_exists=lambda near: near == "الباغوز",
                   similar_places=lambda near: ["الباغوز"])
    message = str(info.value)
    assert str(path) in message and "rule 'near-x'" in message
    assert "'الباغوس' is not a place the gazetteer knows" in message
    assert "did you mean 'الباغوز'?" in message


@pytest.mark.parametrize("near, ok", [
    pytest.param("الباغوز", True, id="arabic-name"),
    pytest.param("Baghouz", True, id="english-name"),
    pytest.param("'wof:1343849925'", True, id="place-id"),
    pytest.param("Atlantis", False, id="unknown-name"),
    pytest.param("'wof:0'", False, id="unknown-id"),
    pytest.param("داعش", False, id="an-organisation-is-not-a-place"),
])
def test_location_near_is_resolved_as_matching_resolves_it(tmp_path, near, ok):
    """Through the real gazetteer, the way `rasad check` and `rasad run` load rules."""
    from worker.runtime import load_ruleset
    from worker.settings import Settings

    settings = Settings.from_env({"RASAD_RULES": str(_write(tmp_path, NEAR_RULE % near))})
    if ok:
        assert load_ruleset(settings).rules[0].conditions.location.near == near.strip("'")
    else:
        with pytest.raises(ConfigError, match="rule 'near-x': conditions.location.near"):
            load_ruleset(settings)


def test_misspelt_place_gets_gazetteer_suggestions(tmp_path):
    from worker.runtime import load_ruleset
    from worker.settings import Settings

    settings = Settings.from_env({"RASAD_RULES": str(_write(tmp_path, NEAR_RULE % "Baghoz"))})
    with pytest.raises(ConfigError, match=r"did you mean 'Baghouz'"):
        load_ruleset(settings)


def test_default_rules_load():
    ids = [r.id for r in load_rules(DEFAULT_RULES)]
    assert ids == ["phosphorus", "baghouz", "casualties"]


@pytest.fixture(scope="module")
def default_rules():
    return RuleSet(load_rules(DEFAULT_RULES))


@pytest.mark.parametrize("text, rule_ids", [
    pytest.param("قصف بالفسفور الأبيض", {"phosphorus"}, id="arabic-phosphorus"),
    pytest.param("Shells with white phosphorus hit the town", {"phosphorus"}, id="english"),
    pytest.param("ارتفاع أسعار الفوسفات", set(), id="phosphate-not-alerted"),
    pytest.param("صادرات الفسفور والأسمدة", set(), id="excluded-in-sentence"),
    pytest.param("معارك في الباغوز", {"baghouz"}, id="baghouz"),
    pytest.param("Fighting in Baghuz", {"baghouz"}, id="baghuz-english"),
    pytest.param("قتلى في الباغوز", {"baghouz"}, id="casualty-word-without-event"),
])
def test_default_rules_match(default_rules, text, rule_ids):
    assert {m.rule.id for m in default_rules.match(text)} == rule_ids


def _event(**kw):
    return Event(type=kw.pop("type", "clash"), trigger={"text": "x", "start": 0, "end": 1}, **kw)


@pytest.mark.parametrize("event, fires", [
    pytest.param(_event(killed={"count": 3}), True, id="three-killed"),
    pytest.param(_event(injured={"count": None}), True, id="unnumbered-wounded"),
    pytest.param(_event(injured={"count": 0, "negated": True}), False, id="negated"),
    pytest.param(_event(), False, id="no-casualties"),
])
def test_casualties_rule_needs_a_real_casualty_report(default_rules, event, fires):
    extraction = Extraction(events=(event,))
    matched = {m.rule.id for m in default_rules.match("قتلى وجرحى في اشتباكات", extraction)}
    assert ("casualties" in matched) is fires


def test_event_type_weapon_and_entity_conditions(tmp_path):
    path = _write(tmp_path, """
rules:
  - id: strikes
    severity: high
    terms: {ar: [قصف]}
    conditions: {event_types: [airstrike], weapons: [الفسفور الأبيض], killed_at_least: 2}
  - id: place
    severity: low
    entities: ["wof:1"]
""")
    rules = RuleSet(load_rules(path), aliases=lambda i: ["الباغوز", "Baghuz"])
    good = _event(type="airstrike", killed={"count": 2},
                  weapon={"text": "الفسفور الأبيض", "canonical": "white phosphorus"})
    wrong = _event(type="shelling", killed={"count": 5}, weapon=good.weapon)
    assert [m.rule.id for m in rules.match("قصف", Extraction(events=(good,)))] == ["strikes"]
    assert rules.match("قصف", Extraction(events=(wrong,))) == []
    assert [m.rule.id for m in rules.match("وفي باغوز")] == ["place"]


def test_term_inside_an_organisation_name_is_not_a_mention(default_rules):
    from worker.records import Entity

    text = "وصلت تعزيزات كتائب سيد الشهداء"
    start = text.index("كتائب")
    org = Entity(text="كتائب سيد الشهداء", type="ORG", start=start, end=len(text))
    hits = default_rules._rule_spans(default_rules.rules[2], default_rules.matcher.find(text),
                                     lambda _o: 0, [org])
    assert hits == []
    assert default_rules._rule_spans(default_rules.rules[2], default_rules.matcher.find(text),
                                     lambda _o: 0, [])


def test_rule_on_a_canonical_entity_catches_its_aliases():
    from worker.runtime import load_ruleset
    from worker.settings import Settings

    rules = load_ruleset(Settings.from_env({}))  # entities checked against the gazetteer
    assert "wof:1343849925" in rules.rules[1].entities
    for text in ("نزوح من الباغوز", "قرية باغوز", "Baghuz camp", "وللباغوز"):
        assert "baghouz" in {m.rule.id for m in rules.match(text)}, text


def test_location_condition_uses_gazetteer_distance(tmp_path):
    from worker.nlp.gazetteer import default_gazetteer
    from worker.runtime import load_ruleset
    from worker.settings import Settings

    path = _write(tmp_path, """
rules:
  - id: near-baghouz
    severity: high
    terms: {ar: [قصف]}
    conditions: {location: {near: الباغوز, radius_km: 40}}
""")
    rules = load_ruleset(Settings.from_env({"RASAD_RULES": str(path)}))
    gaz = default_gazetteer()

    def event_at(name):
        linked = gaz.link(name, "LOC")
        return _event(type="shelling", location={"text": name, "canonical": linked})

    near = Extraction(events=(event_at("البوكمال"),))   # about 10 km away
    far = Extraction(events=(event_at("حلب"),))         # about 400 km away
    assert [m.rule.id for m in rules.match("قصف", near)] == ["near-baghouz"]
    assert rules.match("قصف", far) == []
