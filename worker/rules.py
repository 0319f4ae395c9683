"""Watch rules: loading ``config/rules.yaml`` strictly, and matching articles against them.

All terms of all rules (and their exclusions) are compiled into ONE clitic-aware automaton
(:class:`worker.text.match.TermMatcher`), so matching cost does not grow with the number of
terms (DESIGN.md, "Alerts").  A rule fires when a term or one of its canonical entities is
found, no exclusion term sits in the same sentence as the hit, and every condition on the
article's events holds.  Bad rules stop start-up with an error naming file, rule, problem.
"""

from __future__ import annotations

import bisect
import pathlib
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

from worker.errors import ConfigError
from worker.yamlfile import load_list
from worker.records import Event, Extraction, Span
from worker.text.match import Hit, TermMatcher
from worker.text.normalize import normalize

SEVERITIES = ("info", "low", "medium", "high", "critical")
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_RULE_FIELDS = {"id", "severity", "description", "terms", "exclude", "entities", "conditions"}
_CONDITIONS = {"casualties_at_least", "killed_at_least", "injured_at_least", "event_types",
               "weapons", "location", "require_event"}


@dataclass(frozen=True)
class LocationCondition:
    """An event location within ``radius_km`` of a gazetteer place (by id or name)."""

    near: str
    radius_km: float


@dataclass(frozen=True)
class Conditions:
    casualties_at_least: int | None = None
    killed_at_least: int | None = None
    injured_at_least: int | None = None
    event_types: tuple[str, ...] = ()
    weapons: tuple[str, ...] = ()
    location: LocationCondition | None = None
    require_event: bool = False

    @property
    def about_tolls(self) -> bool:
        """A rule on casualty figures: it re-alerts (as an update) when a story's toll rises."""
        return any(v is not None for v in (self.casualties_at_least, self.killed_at_least,
                                           self.injured_at_least))

    @property
    def on_events(self) -> bool:
        return any([self.casualties_at_least is not None, self.killed_at_least is not None,
                    self.injured_at_least is not None, self.event_types, self.weapons,
                    self.location, self.require_event])


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    description: str = ""
    terms: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()  # canonical entity ids, e.g. "wof:421178417"
    conditions: Conditions = field(default_factory=Conditions)


@dataclass(frozen=True)
class RuleMatch:
    rule: Rule
    matches: tuple[Span, ...]
    events: tuple[Event, ...] = ()  # the events that satisfied the conditions


# -- loading ---------------------------------------------------------------------------


def load_rules(path: str | pathlib.Path, *, entity_exists: Callable[[str], bool] | None = None,
               place_exists: Callable[[str], bool] | None = None,
               similar_places: Callable[[str], list[str]] | None = None) -> list[Rule]:
    """Read and validate a rules file.  When given, ``entity_exists`` checks canonical ids,
    ``place_exists`` checks each ``location.near`` the way matching resolves it (a near that
    never resolves would make its rule silently never fire), and ``similar_places`` offers
    close names in the error."""
    path = pathlib.Path(path)
    items = load_list(path, "rules")
    if not items:
        raise ConfigError(f"{path}: no rules, so nothing would ever alert; add at least one "
                          f"rule (the schema is in the header of the shipped config/rules.yaml)")
    rules: list[Rule] = []
    for index, item in enumerate(items):
        rule = _rule(path, index, item, entity_exists)
        if any(r.id == rule.id for r in rules):
            raise ConfigError(f"{path}: rule {rule.id!r}: duplicate id")
        _check_place(f"{path}: rule {rule.id!r}", rule, place_exists, similar_places)
        rules.append(rule)
    return rules


def _check_place(where: str, rule: Rule, place_exists, similar_places) -> None:
    location = rule.conditions.location
    if location is None or place_exists is None or place_exists(location.near):
        return
    close = similar_places(location.near) if similar_places else []
    hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
    raise ConfigError(f"{where}: conditions.location.near: {location.near!r} is not a place "
                      f"the gazetteer knows (give a place name or id, e.g. الباغوز, Baghouz "
                      f"or wof:1343849925), so the rule could never match{hint}")


def _rule(path: pathlib.Path, index: int, item: Any, entity_exists) -> Rule:
    if not isinstance(item, dict):
        raise ConfigError(f"{path}: rule #{index + 1}: expected a mapping")
    where = f"{path}: rule {item.get('id', '#' + str(index + 1))!r}"
    unknown = set(item) - _RULE_FIELDS
    if unknown:
        raise ConfigError(f"{where}: unknown field(s) {sorted(unknown)}; allowed: "
                          f"{sorted(_RULE_FIELDS)}")
    if not isinstance(item.get("id"), str) or not _ID.match(item["id"]):
        raise ConfigError(f"{where}: 'id' is required and must match {_ID.pattern}")
    if item.get("severity") not in SEVERITIES:
        raise ConfigError(f"{where}: severity must be one of {list(SEVERITIES)}, "
                          f"got {item.get('severity')!r}")
    terms = _terms(where, "terms", item.get("terms"))
    entities = _strings(where, "entities", item.get("entities", []))
    if not terms and not entities:
        raise ConfigError(f"{where}: needs at least one term (terms: {{ar: [...], en: [...]}})"
                          f" or one canonical entity (entities: [...])")
    for entity_id in entities:
        if entity_exists is not None and not entity_exists(entity_id):
            raise ConfigError(f"{where}: entity {entity_id!r} is not in the gazetteer")
    return Rule(
        id=item["id"], severity=item["severity"], description=str(item.get("description", "")),
        terms=tuple(terms), exclude=tuple(_terms(where, "exclude", item.get("exclude", []))),
        entities=tuple(entities), conditions=_conditions(where, item.get("conditions") or {}),
    )


def _terms(where: str, name: str, value: Any) -> list[str]:
    """Terms are a list, or a mapping of language code to list."""
    if value is None:
        return []
    if isinstance(value, dict):
        out: list[str] = []
        for lang, items in value.items():
            if not isinstance(lang, str) or not re.fullmatch(r"[a-z]{2,3}", lang):
                raise ConfigError(f"{where}: {name}: language keys are ISO codes like ar, en; "
                                  f"got {lang!r}")
            out += _strings(where, f"{name}.{lang}", items)
        return out
    return _strings(where, name, value)


def _strings(where: str, name: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{where}: {name} must be a list of non-empty strings")
    for term in value:
        if not normalize(term).text.strip():
            raise ConfigError(f"{where}: {name}: term {term!r} is empty after normalisation")
    return [v.strip() for v in value]


def _conditions(where: str, data: Any) -> Conditions:
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: conditions must be a mapping")
    unknown = set(data) - _CONDITIONS
    if unknown:
        raise ConfigError(f"{where}: unknown condition(s) {sorted(unknown)}; allowed: "
                          f"{sorted(_CONDITIONS)}")
    ints = {}
    for name in ("casualties_at_least", "killed_at_least", "injured_at_least"):
        value = data.get(name)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)
                                  or value < 0):
            raise ConfigError(f"{where}: conditions.{name} must be a whole number >= 0")
        ints[name] = value
    location = data.get("location")
    if location is not None:
        radius = location.get("radius_km", 0) if isinstance(location, dict) else None
        if not isinstance(location, dict) or not isinstance(location.get("near"), str) \
                or not isinstance(radius, (int, float)) or isinstance(radius, bool) \
                or radius < 0:
            raise ConfigError(f"{where}: conditions.location needs near: <place> and "
                              f"radius_km: <number >= 0>")
        location = LocationCondition(location["near"], float(location.get("radius_km", 0)))
    return Conditions(
        **ints, location=location, require_event=bool(data.get("require_event", False)),
        event_types=tuple(_strings(where, "conditions.event_types", data.get("event_types", []))),
        weapons=tuple(_strings(where, "conditions.weapons", data.get("weapons", []))),
    )


# -- matching --------------------------------------------------------------------------


class RuleSet:
    """Compiled rules: one automaton for all terms, exclusions and entity aliases.

    Matching costs O(hits + matched rules), not rules x hits: the hits are grouped by the
    rule their payloads name in one pass, and only rules with a hit, a canonical entity of
    theirs in the extraction, or a toll condition are looked at (issue 12: the same 10,000
    terms ran at 41 articles/s in 200 rules of 50 against 148 in one rule, each rule
    scanning every hit)."""

    def __init__(self, rules: Iterable[Rule], *, aliases: Callable[[str], list[str]] | None = None,
                 near: Callable[[dict | None, LocationCondition], bool] | None = None):
        self.rules = list(rules)
        self._near = near
        pairs: list[tuple[str, tuple[str, str]]] = []
        for rule in self.rules:
            pairs += [(t, ("term", rule.id)) for t in rule.terms]
            pairs += [(t, ("exclude", rule.id)) for t in rule.exclude]
            for entity_id in rule.entities:
                pairs += [(a, ("term", rule.id)) for a in (aliases(entity_id) if aliases else [])]
        self.matcher = TermMatcher(pairs)
        self._order: dict[str, list[int]] = {}  # a list: RuleSet may be given equal ids
        for i, rule in enumerate(self.rules):
            self._order.setdefault(rule.id, []).append(i)
        self._by_entity: dict[str, list[int]] = {}
        for i, rule in enumerate(self.rules):
            for entity_id in dict.fromkeys(rule.entities):
                self._by_entity.setdefault(entity_id, []).append(i)
        self._on_tolls = [i for i, r in enumerate(self.rules) if r.conditions.about_tolls]

    @property
    def ids(self) -> list[str]:
        return [r.id for r in self.rules]

    def match(self, text: str, extraction: Extraction | None = None) -> list[RuleMatch]:
        """Every rule that fires on ``text`` (the article, title on the first line), in the
        order of the rules file."""
        extraction = extraction or Extraction()
        hits = self.matcher.find(normalize(text))
        sentences = _sentence_ids(text)
        found = _RuleHits.group(hits, sentences, self._order)
        names = [(e.start, e.end) for e in extraction.entities if e.type in {"ORG", "PER"}]
        linked = self._linked_entities(extraction)
        results = []
        for index in self._candidates(found, linked):
            rule = self.rules[index]
            excluded = found.excluded.get(index, set())
            spans = _rule_spans(found.terms.get(index, []), excluded, sentences,
                                linked.get(index, []), names)
            if not spans and not rule.conditions.about_tolls:
                continue
            events = _satisfying_events(rule.conditions, extraction, self._near)
            if rule.conditions.on_events and not events:
                continue
            if rule.conditions.about_tolls:
                # A toll the event stage read is evidence of its own: "لقي 10 من عناصر
                # الميليشيا مصرعهم" splits the rule's term, yet it is a casualty report
                # (issue 8); an exclusion in its sentence still cancels it.
                spans = _with_toll_spans(spans, events, excluded, sentences)
                if not spans:
                    continue
            results.append(RuleMatch(rule, tuple(spans), tuple(events)))
        return results

    def _linked_entities(self, extraction: Extraction) -> dict[int, list]:
        """Rule index -> the extraction's entities linked to one of its canonical ids."""
        out: dict[int, list] = {}
        for entity in extraction.entities:
            canonical_id = entity.canonical.get("id") if entity.canonical else None
            for index in self._by_entity.get(canonical_id, ()):
                out.setdefault(index, []).append(entity)
        return out

    def _candidates(self, found: "_RuleHits", linked: dict[int, list]) -> list[int]:
        """Indices of the rules that can fire, in file order: a term or an entity of theirs
        was found, or they are about tolls (the event stage's figures are evidence)."""
        return sorted({*found.terms, *linked, *self._on_tolls})


@dataclass
class _RuleHits:
    """Hits grouped per rule index, in one pass over the hits."""

    terms: dict[int, list[Hit]]
    excluded: dict[int, set[int]]  # sentence numbers holding one of the rule's exclusions

    @classmethod
    def group(cls, hits: list[Hit], sentences, order: dict[str, list[int]]) -> "_RuleHits":
        terms: dict[int, list[Hit]] = {}
        excluded: dict[int, set[int]] = {}
        for hit in hits:
            for kind, rule_id in dict.fromkeys(hit.payloads):
                for index in order.get(rule_id, ()):
                    if kind == "term":
                        terms.setdefault(index, []).append(hit)
                    elif kind == "exclude":
                        excluded.setdefault(index, set()).add(sentences(hit.start))
        return cls(terms, excluded)


def _rule_spans(hits: list[Hit], excluded: set[int], sentences, entities: list,
                names: list[tuple[int, int]]) -> list[Span]:
    """The spans of a rule's own term ``hits`` and linked ``entities`` outside its
    ``excluded`` sentences and not inside a longer name, sorted by position."""
    spans = {(h.start, h.end): Span(h.text, h.start, h.end) for h in hits
             if sentences(h.start) not in excluded and not _inside_name(h, names)}
    for entity in entities:
        if sentences(entity.start) not in excluded:
            spans.setdefault((entity.start, entity.end),
                             Span(entity.text, entity.start, entity.end))
    return [spans[k] for k in sorted(spans)]


def _with_toll_spans(spans: list[Span], events: list[Event], excluded: set[int],
                     sentences) -> list[Span]:
    """``spans`` plus the killed/injured spans of ``events`` outside excluded sentences."""
    found = {(s.start, s.end): s for s in spans}
    for event in events:
        for slot in (event.killed, event.injured):
            if slot and slot.get("start") is not None and slot.get("text") \
                    and sentences(slot["start"]) not in excluded:
                found.setdefault((slot["start"], slot["end"]),
                                 Span(slot["text"], slot["start"], slot["end"]))
    return [found[k] for k in sorted(found)]


def _inside_name(hit: Hit, names: list[tuple[int, int]]) -> bool:
    """A term inside a longer organisation or person name is part of the name, not a
    mention: الشهداء in كتائب سيد الشهداء is no casualty report."""
    return any(s <= hit.start and hit.end <= e and (s, e) != (hit.start, hit.end)
               for s, e in names)


def _sentence_ids(text: str) -> Callable[[int], int]:
    """Offset -> sentence number (sentences end at . ! ? ؟ or a line break)."""
    ends = [m.end() for m in re.finditer(r"[.!?\u061f\n]+", text)]

    def sentence_of(offset: int) -> int:
        return bisect.bisect_right(ends, offset)

    return sentence_of


def _count(slot: Mapping[str, Any] | None) -> int | None:
    """A casualty slot's count; a reported toll with no figure counts as 1 (at least one)."""
    if not slot:
        return None
    count = slot.get("count")
    if count is None:
        return None if slot.get("negated") else 1
    return int(count)


def _satisfying_events(cond: Conditions, extraction: Extraction, near) -> list[Event]:
    if not cond.on_events:
        return []
    return [ev for ev in extraction.events if _event_ok(cond, ev, near)]


def _event_ok(cond: Conditions, event: Event, near) -> bool:
    killed, injured = _count(event.killed), _count(event.injured)
    total = None if killed is None and injured is None else (killed or 0) + (injured or 0)
    checks = [
        cond.casualties_at_least is None
        or (total is not None and total >= cond.casualties_at_least),
        cond.killed_at_least is None or (killed or 0) >= cond.killed_at_least,
        cond.injured_at_least is None or (injured or 0) >= cond.injured_at_least,
        not cond.event_types or event.type in cond.event_types,
        not cond.weapons or _weapon_in(event.weapon, cond.weapons),
        cond.location is None or (near is not None and near(event.location, cond.location)),
    ]
    return all(checks)


def _weapon_in(weapon: Mapping[str, Any] | None, wanted: tuple[str, ...]) -> bool:
    if not weapon:
        return False
    names = {str(weapon.get("canonical") or ""), str(weapon.get("text") or "")}
    wanted_norm = {normalize(w).text for w in wanted}
    return any(normalize(n).text in wanted_norm for n in names if n)


