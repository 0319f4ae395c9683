"""Event coreference: the mentions of one incident in an article become one event.

News repeats its main incident: the headline, the lead and later paragraphs each mention
the coalition strike on Baghouz (tests/fixtures/seed_article.txt has four).  Issue 4 asks
for events "across sentences where the article makes it clear", so after the per-sentence
frames this step clusters mentions that plausibly describe one incident:

* same type, different sentences (two triggers one sentence kept apart are two events,
  unless the later is definite: "الهجوم ... هذا الهجوم الكيميائي");
* no conflicting slot: place (the same place, or one inside the other: Sinjar is in Iraq),
  participants (one side set inside the other: {ISIS} fits {SDF, ISIS}, {regime} does
  not), weapon, date (a day apart is one night's strike: "مساء أمس وفجر اليوم");
* no "another" word after the trigger (غارة أخرى، هجوم جديد);
* unambiguous: a mention that fits two clusters ("اشتباكات بين داعش" fits both the SDF–ISIS
  and the ISIS–regime clash) joins neither, unless only one of them reports casualties
  of the kinds it reports ("وقتلى باشتباكات").

Mentions are clustered best-identified first (most participants, then most slots), the way
cross-document event coreference seeds on the argument-rich mentions (Lee et al., EMNLP
2012; ECB+ guidelines: same action, time, place and participants).  A casualty-only report
("إصابة سبعة أميركيين") joins the one event whose toll or sub-group has its figure.

The merged event keeps the most informative mention's trigger (ties: the first), lists the
others in ``mentions``, unions participants, keeps the most specific place and the largest
figure of each kind: figures of one incident are restated, never summed.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from typing import Any

from worker.records import Event
from worker.text.normalize import normalize_text

CASUALTIES_ONLY = "casualties"
KINDS = ("killed", "injured", "missing", "abducted")
_SLOTS = ("actors", "target", "location", "weapon", "time", "people", "destination",
          "damage") + KINDS
# "غارة أخرى" / "هجوم جديد" / "قصف ثان": the article says this is a different incident.
_ANOTHER = frozenset(normalize_text(w) for w in
                     "أخرى آخر أخريين آخرين جديد جديدة جديدا جديدين ثان ثانية ثاني ثالث "
                     "ثالثة مماثل مماثلة مشابه مشابهة".split())
# Bigger places rank higher (the gazetteer's PLACETYPE_RANK; copied so this stage runs
# without the gazetteer).
_PLACE_RANK = {"country": 6, "region": 5, "county": 4, "area": 4, "river": 4, "mountain": 3,
               "locality": 3, "camp": 3, "campus": 3, "crossing": 3, "neighbourhood": 2}
# "ردا على"، "انتقاما ل"، "ثأرا ل" (tanwin alef stripped before lookup).
_RESPONSE = frozenset({"رد", "ردا", "انتقام", "ثار", "وردا", "وانتقام"})
_PLACE_WORDS = frozenset(normalize_text(w) for w in
                         "ناحية منطقة مدينة بلدة قرية مخيم محافظة ريف حي معبر".split())


# Mentions corefer only within a stretch of this many sentences.  Every article of the
# 31,525 in ../shared/data/news/antcorpus has at most 200 sentences, so each real article
# is one stretch and merges as a whole; a text of thousands of sentences (a feed dump, or
# one above RASAD_NLP_MAX_CHARS when the cap is raised) merges stretch by stretch, which
# keeps this step linear in its length: compared with every cluster of its type, each
# mention was quadratic (1 M characters of casualty-dense sentences: 7.5 s of 11.7).
STRETCH_SENTENCES = 250


def merge_coreferent(text: str, events: list[Event]) -> list[Event]:
    """One event per incident, in the order of each incident's first mention."""
    stretches: dict[int, list[Event]] = {}
    for event in events:
        stretches.setdefault(event.sentence // STRETCH_SENTENCES, []).append(event)
    return [merged for _, part in sorted(stretches.items())
            for merged in _merge_stretch(text, part)]


def _merge_stretch(text: str, events: list[Event]) -> list[Event]:
    clusters: list[list[Event]] = []
    by_type: dict[str, list[list[Event]]] = {}  # only clusters of the event's type can fit
    for event in sorted(events, key=_seed_order):
        same = by_type.setdefault(event.type, [])
        if event.type == CASUALTIES_ONLY or _says_another(text, event):
            clusters.append([event])
            same.append(clusters[-1])  # ("غارة أخرى" starts a cluster later ones may join)
            continue
        fits = [c for c in same if _fits(text, event, c)]
        if len(fits) > 1:
            fits = [c for c in fits if _reports_alike(event, c)]
        if len(fits) == 1:
            fits[0].append(event)
        else:
            clusters.append([event])
            same.append(clusters[-1])
    clusters = _absorb_casualty_reports(clusters)
    clusters.sort(key=lambda c: min(e.trigger["start"] for e in c))
    return [_merge(c) for c in clusters]


def _seed_order(event: Event) -> tuple[int, int, int]:
    return (-len(_keys(event.actors) | _keys(event.target)), -_richness(event),
            event.trigger["start"])


def _richness(event: Event) -> int:
    return sum(1 for slot in _SLOTS if getattr(event, slot))


def _says_another(text: str, event: Event) -> bool:
    """"غارة أخرى" after the trigger, or "ردا على الهجوم" before it: a retaliation answers
    another incident (dev SK-middleEast-1131: the strikes "ردا على الهجوم في دوما")."""
    start, end = event.trigger["start"], event.trigger["end"]
    after = text[end:end + 30].split()[:3]
    before = normalize_text(text[max(start - 20, 0):start]).split()[-3:]
    return any(normalize_text(w).strip("،,.") in _ANOTHER for w in after) \
        or any(w.rstrip("ا") in _RESPONSE for w in before)


def _fits(text: str, event: Event, cluster: list[Event]) -> bool:
    """No conflict with any mention already in the cluster, and not in its sentences.
    Participants compare with the cluster's union: "اشتبكت مع قوات النظام" and
    "اشتباكات بين داعش وقوات النظام" make an ISIS–regime clash that {ISIS} also fits."""
    actors = set().union(*(_keys(e.actors) for e in cluster))
    target = set().union(*(_keys(e.target) for e in cluster))
    return _nested(_keys(event.actors), actors) and _nested(_keys(event.target), target) \
        and all(_apart_or_anaphoric(text, event, other) and _compatible(event, other)
                for other in cluster)


# "دانت باريس الهجوم ... حيال هذا الهجوم الكيميائي": a demonstrative refers back.
_DEMONSTRATIVES = frozenset(normalize_text(w) for w in "هذا هذه ذلك تلك هذين".split())


def _apart_or_anaphoric(text: str, a: Event, b: Event) -> bool:
    """Mentions in different sentences may corefer; in one sentence only when the later
    one is definite (الهجوم، هذا الهجوم), since two indefinite triggers the sentence
    stage kept apart ("الهجوم في دوما ... منذ هجوم أغسطس 2013") are two incidents."""
    if a.sentence != b.sentence:
        return True
    start = max(a.trigger["start"], b.trigger["start"])
    # Trigger spans leave the article out: look at the token's own prefix, then the word
    # before it.
    head = text[max(start - 20, 0):start]
    prefix = re.search(r"\S*$", head).group(0)
    words = normalize_text(head[:len(head) - len(prefix)]).split()
    return prefix.endswith(("ال", "لل")) or bool(words) and words[-1] in _DEMONSTRATIVES


def _reports_alike(event: Event, cluster: list[Event]) -> bool:
    """Between two fitting incidents, a mention that reports dead or wounded goes to the
    one that reports them too: the headline "وقتلى باشتباكات بين داعش والنظام" is the
    clash with dead, not the SDF–ISIS one the article gives no toll for."""
    kinds = {k for k in KINDS if getattr(event, k)}
    return bool(kinds) and all(any(getattr(e, k) for e in cluster) for k in kinds)


def _compatible(a: Event, b: Event) -> bool:
    """No slot of the two mentions conflicts (participants are checked per cluster)."""
    return (_places_agree(a.location, b.location)
            and _places_agree(a.destination, b.destination)
            and _same_or_missing(a.weapon, b.weapon, "canonical")
            and _dates_agree(a.time, b.time)
            and (a.type != CASUALTIES_ONLY or _figures_agree(a, b)))


def _keys(entities: list[dict[str, Any]]) -> set[str]:
    """Entity identities: the canonical id, else the normalised surface form."""
    return {(e.get("canonical") or {}).get("id") or normalize_text(e.get("text", ""))
            for e in entities}


def _nested(a: set[str], b: set[str]) -> bool:
    return a <= b or b <= a


def _same_or_missing(a: dict[str, Any] | None, b: dict[str, Any] | None, key: str) -> bool:
    return a is None or b is None or a.get(key) == b.get(key)


def _places_agree(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    if a is None or b is None:
        return True
    return _place_within(a, b) or _place_within(b, a)


def _place_within(inner: dict[str, Any], outer: dict[str, Any]) -> bool:
    """Is ``inner`` the place ``outer`` or inside it (its country, region or county)?"""
    ci, co = inner.get("canonical"), outer.get("canonical")
    if not ci or not co:
        ki, ko = _place_key(inner.get("text", "")), _place_key(outer.get("text", ""))
        return bool(ki) and bool(ko) and (ki in ko or ko in ki)
    if ci.get("id") == co.get("id"):
        return True
    if co.get("placetype") == "country":
        return ci.get("country") is not None and ci.get("country") == co.get("country")
    names = {co.get("name_en"), co.get("name_ar")} - {None}
    return bool(names & {ci.get(k) for k in ("region", "region_ar", "county", "county_ar")})


def _place_key(text: str) -> str:
    words = [w for w in normalize_text(text).split() if w not in _PLACE_WORDS]
    return " ".join(w[2:] if w.startswith("ال") and len(w) > 4 else w for w in words)


def _dates_agree(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    """Resolved dates at most a day apart ("مساء أمس وفجر اليوم" is one night); a year
    alone ("عام 2014") must be the same year, a month alone ("in March") the same month."""
    ra, rb = (a or {}).get("resolved"), (b or {}).get("resolved")
    if not ra or not rb:
        return True
    if len(ra) < 10 or len(rb) < 10:
        shared = min(len(ra), len(rb), 7)
        return ra[:shared] == rb[:shared]
    try:
        return abs((date.fromisoformat(ra[:10]) - date.fromisoformat(rb[:10])).days) <= 1
    except ValueError:
        return ra == rb


def _figures_agree(a: Event, b: Event) -> bool:
    """Casualty-only reports have nothing but their figures to identify them."""
    for kind in KINDS:
        fa, fb = getattr(a, kind), getattr(b, kind)
        if fa and fb and fa.get("count") != fb.get("count"):
            return False
    return True


def _absorb_casualty_reports(clusters: list[list[Event]]) -> list[list[Event]]:
    """A casualty-only mention whose figure is one typed event's toll or sub-group
    ("إصابة سبعة أميركيين" and "إصابة عشرة عناصر، من بينهم سبعة من القوات الأميركية")
    is that event's headline, when exactly one event has the figure."""
    kept: list[list[Event]] = []
    # Typed clusters by the figures they carry, so each report looks only at the clusters
    # with its number (was every typed cluster: quadratic in a long article's events).
    by_figure: dict[tuple[str, Any], list[list[Event]]] = {}
    for c in clusters:
        if c[0].type != CASUALTIES_ONLY:
            for key in {k for e in c for k in _figure_keys(e)}:
                by_figure.setdefault(key, []).append(c)
    for cluster in clusters:
        report = cluster[0]
        candidates = [] if report.type != CASUALTIES_ONLY or len(cluster) > 1 else \
            list({id(c): c for k in _report_keys(report) for c in by_figure.get(k, ())}.values())
        hosts = [c for c in candidates if any(_has_figure(e, report) and
                                               _places_agree(e.location, report.location)
                                               for e in c)]
        if len(hosts) == 1:
            hosts[0].append(report)
        else:
            kept.append(cluster)
    return kept


def _figure_keys(event: Event) -> set[tuple[str, Any]]:
    """(kind, count) of every figure an event carries, its sub-groups' included."""
    keys = set()
    for kind in KINDS:
        mine = getattr(event, kind)
        if mine:
            keys |= {(kind, mine.get("count"))} | {(kind, g.get("count"))
                                                   for g in mine.get("groups") or ()}
    return keys


def _report_keys(report: Event) -> set[tuple[str, Any]]:
    return {(kind, getattr(report, kind)["count"]) for kind in KINDS
            if getattr(report, kind) and getattr(report, kind).get("count") is not None}


def _has_figure(event: Event, report: Event) -> bool:
    for kind in KINDS:
        mine, theirs = getattr(event, kind), getattr(report, kind)
        if not mine or not theirs or theirs.get("count") is None:
            continue
        figures = {mine.get("count")} | {g.get("count") for g in mine.get("groups") or ()}
        if theirs["count"] in figures:
            return True
    return False


def _merge(cluster: list[Event]) -> Event:
    """One event from a cluster: the main mention's slots, completed by the others."""
    if len(cluster) == 1:
        return cluster[0]
    typed = [e for e in cluster if e.type != CASUALTIES_ONLY] or cluster
    main = min(typed, key=lambda e: (-_richness(e), e.trigger["start"]))
    others = sorted((e for e in cluster if e is not main), key=lambda e: e.trigger["start"])
    changes: dict[str, Any] = {
        "actors": _union([main.actors] + [e.actors for e in others]),
        "target": _union([main.target] + [e.target for e in others]),
        "location": _most_specific([main.location] + [e.location for e in others]),
        "destination": _most_specific([main.destination] + [e.destination for e in others]),
        "mentions": main.mentions + [_mention(e) for e in others],
    }
    for slot in ("weapon", "time", "attribution", "damage"):
        changes[slot] = next((getattr(e, slot) for e in [main] + others if getattr(e, slot)),
                             None)
    for kind in KINDS + ("people",):
        changes[kind] = _largest([getattr(e, kind) for e in [main] + others])
    return dataclasses.replace(main, **changes)


def _mention(event: Event) -> dict[str, Any]:
    trig = event.trigger
    return {"text": trig["text"], "start": trig["start"], "end": trig["end"],
            "sentence": event.sentence}


def _union(groups: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    out, seen = [], set()
    for group in groups:
        for entity in group:
            key = next(iter(_keys([entity])))
            if key not in seen:
                seen.add(key)
                out.append(entity)
    return out


def _most_specific(places: list[dict[str, Any] | None]) -> dict[str, Any] | None:
    """The first place, unless a later mention names a place inside it (العراق → شنكال)."""
    best = None
    for place in places:
        if place is None:
            continue
        if best is None or (_place_within(place, best) and _rank(place) < _rank(best)):
            best = place
    return best


def _rank(place: dict[str, Any]) -> int:
    kind = (place.get("canonical") or {}).get("placetype")
    return _PLACE_RANK.get(kind, 3)


def _largest(figures: list[dict[str, Any] | None]) -> dict[str, Any] | None:
    """The largest count (a reported figure without a number counts 0); ties keep the
    first, the main mention, with its sub-groups."""
    best = None
    for fig in figures:
        if fig and (best is None or (fig.get("count") or 0) > (best.get("count") or 0)):
            best = fig
    return best
