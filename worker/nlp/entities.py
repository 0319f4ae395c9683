"""Final entities of an article: NER spans linked through the gazetteer, plus what it missed.

``merge_entities(text, ner_spans, gazetteer)`` takes the model's spans as plain
``(type, start, end)`` tuples (worker.nlp.ner ``spans()``), so it works and is tested
without a model.  Steps, in order:

1. Trim each NER span: quotes and punctuation at its edges, and a proclitic chain glued to
   the name in ANERcorp's tokens (والعراق، لـ"العربي، بالباغوز) when what is left is the
   name.  The entity text is always ``text[start:end]``.
2. Detect gazetteer entities in the whole text; their places are the context that picks
   among namesakes when linking NER spans.
3. Link each NER span (source "ner+gazetteer" when linked, "ner" when not).
4. Resolve overlaps: a linked span beats an unlinked one, then the longer span wins, then
   the NER span.  Gazetteer hits inside a longer NER name of another type are part of that
   name (دمشق in جامعة دمشق) and go.

Before step 4, spans that name no one and nowhere go (``casualties.not_a_name``: a dual
people noun tagged as a person, a death verb tagged as a place).
"""

from __future__ import annotations

import bisect
from typing import Iterable, Sequence

from worker.nlp.casualties import not_a_name
from worker.nlp.gazetteer import CUE_WORDS, Gazetteer, PlaceIndex, is_context_place, norm_key
from worker.records import Entity

TYPES = ("PER", "LOC", "ORG", "MISC")
# Other taggers' labels for the same types (ANERcorp writes PERS; OntoNotes-style GPE).
TYPE_ALIASES = {"PERS": "PER", "PERSON": "PER", "GPE": "LOC", "LOCATION": "LOC",
                "ORGANIZATION": "ORG"}
# Characters never part of a name at its edges: quotes of all kinds, brackets, punctuation,
# tatweel (لـ"العربي), spaces.
EDGE_CHARS = set(" \t\n\"'«»“”„‘’`()[]{}<>.,،;؛:!?؟-–—_/\\*\u0640\u200c\u200d\u200e\u200f")
# Proclitic chains split off a span when the rest starts with the article or is a known
# name.  ك is left out: كاليفورنيا is not ك + اليفورنيا.
PROCLITICS = ("وبال", "وال", "فال", "بال", "ولل", "فلل", "لل", "وب", "ول", "فب", "فل",
              "و", "ف", "ب", "ل")


# Places whose name commonly stands for a government or authority (metonymy).
METONYMIC_PLACETYPES = {"country", "region", "dependency", "macroregion", "empire"}
# Role and title words the tagger often includes in a person span (الناشط أبو محمد
# الجزراوي); the person is the name after them.  A span that is only a title is dropped.
PERSON_TITLES = {
    "الناشط", "الناشطه", "الناطق", "المتحدث", "الرئيس", "الشيخ", "العقيد", "العميد", "اللواء",
    "الدكتور", "السيد", "السيده", "الوزير", "القيادي", "الصحفي", "المصور", "المراسل",
    "الجنرال", "الملك", "الامير", "النائب", "المحامي", "الاعلامي", "القائد", "المقدم", "الرائد",
}


def _strip_titles(text: str, start: int, end: int) -> int:
    """Start of the name after leading title words (compared normalised)."""
    from worker.text.normalize import normalize_text

    while True:
        word_end = text.find(" ", start, end)
        if word_end < 0 or normalize_text(text[start:word_end]) not in PERSON_TITLES:
            return start
        start = word_end + 1


def merge_entities(text: str, ner_spans: Iterable[Sequence], gazetteer: Gazetteer) -> list[Entity]:
    """NER spans linked to canonical entities plus gazetteer-only hits, overlaps resolved."""
    # (neither a tagger's span nor a gazetteer hit that names no one and nowhere: "قتل
    # [قياديان بارزان]" tagged as a person is two people, "[توفيا]" a verb before it is a
    # village; casualties.not_a_name, stop 31, applied here from stop 32 so that stored and
    # shown entities lose them too)
    found = [e for e in gazetteer.find(text) if not not_a_name(e.text, e.type)]
    context = PlaceIndex(e.canonical for e in found
                         if e.canonical and is_context_place(e.canonical))
    ner = [e for e in (_ner_entity(text, span, gazetteer, context) for span in ner_spans)
           if e and not not_a_name(e.text, e.type)]
    return resolve_overlaps(ner + found)


def _ner_entity(text: str, span: Sequence, gazetteer: Gazetteer,
                context: PlaceIndex) -> Entity | None:
    type_, start, end = _type(span[0]), int(span[1]), int(span[2])
    start, end = trim_span(text, start, end)
    if type_ == "PER":
        start = _strip_titles(text, start, end)
        from worker.text.normalize import normalize_text

        if normalize_text(text[start:end]) in PERSON_TITLES:
            return None
    if start >= end:
        return None
    start, canonical = _strip_clitics(text, start, end, type_, gazetteer, context)
    if canonical is not None and not gazetteer.supported(canonical, context):
        canonical = None
    if canonical is not None and (not type_ or _trust_gazetteer_type(canonical)):
        type_ = canonical["type"]
    source = "ner+gazetteer" if canonical else "ner"
    return Entity(text[start:end], type_ or "MISC", start, end, canonical, source)


def _type(label: str | None) -> str:
    """A NER label as one of TYPES ('' when the tagger gave none)."""
    label = (label or "").upper()
    label = TYPE_ALIASES.get(label, label)
    return label if label in TYPES or not label else "MISC"


def _trust_gazetteer_type(canonical: dict) -> bool:
    """A curated organisation, person or group keeps its type whatever the tagger said
    (الحشد الشعبي tagged LOC is still an ORG); a country or region named in an ORG span
    (العراق as the government) keeps the tagger's type, but a town or village is not a
    government: الباغوز tagged ORG is still a place."""
    return canonical["type"] != "LOC" or canonical.get("placetype") not in METONYMIC_PLACETYPES


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop quotes, punctuation and spaces at both edges of ``text[start:end]``, and a
    preposition written with tatweel before a quote (لـ"العربي الجديد")."""
    start, end = max(0, start), min(len(text), end)
    for _ in range(2):
        while start < end and text[start] in EDGE_CHARS:
            start += 1
        while end > start and text[end - 1] in EDGE_CHARS:
            end -= 1
        # لـ / بـ / وبـ + quote: a clitic detached by tatweel from a quoted name.
        head = text[start:start + 3]
        cut = next((i for i in (1, 2) if len(head) > i and head[i] == "\u0640"
                    and all(ch in "وفبلك" for ch in head[:i])), None)
        if cut is None:
            break
        start += cut + 1
    return start, end


def _strip_clitics(text: str, start: int, end: int, type_: str, gazetteer: Gazetteer,
                   context: PlaceIndex) -> tuple[int, dict | None]:
    """Move ``start`` past a proclitic chain glued to the name, and link what is left.

    ANERcorp tokens keep clitics (والعراق، للتنظيم، بريف), names do not.  The chain goes
    when the span is not itself a known name and (a) what is left is one (للباغوز ->
    باغوز, والعراق -> العراق), or (b) for LOC/ORG spans, what is left starts with the
    article and three more letters, or with a cue word (بريف دير الزور -> ريف دير الزور)."""
    word = norm_key(text[start:end])
    if not gazetteer.knows(word):
        for prefix in PROCLITICS:
            if not word.startswith(prefix) or len(word) - len(prefix) < 3:
                continue
            stem = word[len(prefix):]
            keep_article = prefix.endswith("ال") and not prefix.endswith("لل")
            known = gazetteer.knows(stem) or gazetteer.knows("ال" + stem)
            generic = type_ in ("LOC", "ORG") and (keep_article or stem.split(" ")[0] in CUE_WORDS)
            if known or generic:
                rest = start + _source_len(text, start, end, prefix)
                start = rest - 2 if keep_article else rest
                break
    return start, gazetteer.link(text[start:end], type_, context)


def _source_len(text: str, start: int, end: int, prefix: str) -> int:
    """How many source characters spell ``prefix`` (normalised) at ``start``, skipping
    diacritics and tatweel; the full length of the prefix when it does not match."""
    i, matched = start, 0
    while i < end and matched < len(prefix):
        folded = norm_key(text[i])
        if folded == prefix[matched]:
            matched += 1
        elif folded:
            return len(prefix)
        i += 1
    return i - start


def resolve_overlaps(entities: Iterable[Entity]) -> list[Entity]:
    """Keep one entity per overlapping group: linked over unlinked, longer over shorter,
    NER over gazetteer; a NER span that loses to a gazetteer hit lends it its "ner" source.

    Kept entities never overlap, so sorted by (start, end) their ends never decrease too:
    the only kept entity that can overlap a new one is the last that starts before the new
    one ends (a bisect, not a scan of all kept entities: issue 11, linking was quadratic)."""
    ranked = sorted(_absorb_inner_hits(list(entities)), key=_priority, reverse=True)
    spans: list[tuple[int, int]] = []  # of the kept entities, sorted
    kept: list[Entity] = []  # in the order of ``spans``
    for entity in ranked:
        i = bisect.bisect_left(spans, (entity.end, entity.end)) - 1  # last starting before end
        clash = kept[i] if i >= 0 and spans[i][1] > entity.start else None
        if clash is None:
            at = bisect.bisect_right(spans, (entity.start, entity.end))
            spans.insert(at, (entity.start, entity.end))
            kept.insert(at, entity)
        elif clash.source == "gazetteer" and entity.source.startswith("ner") and \
                spans[i] == (entity.start, entity.end):
            kept[i] = _confirmed(clash, entity)
    return kept


def _absorb_inner_hits(entities: list[Entity]) -> list[Entity]:
    """Gazetteer hits strictly inside an unlinked NER span are part of a longer name.

    One hit of the span's type links the span (شمال العراق -> Iraq); hits of other types
    go (دمشق in جامعة دمشق).  Two or more linked hits mean the model ran two names together
    (التحالف الدولي وقوات سورية الديمقراطية): the span goes and the hits stay."""
    hits = [e for e in entities if e.source == "gazetteer"]
    order = sorted(range(len(hits)), key=lambda i: hits[i].start)  # hits by start, bisected
    starts = [hits[i].start for i in order]
    gone: set[int] = set()
    spans = []
    for span in (e for e in entities if e.source != "gazetteer"):
        inner = [i for i in order[bisect.bisect_left(starts, span.start):
                                  bisect.bisect_left(starts, span.end)]
                 if i not in gone and hits[i].end <= span.end
                 and (hits[i].start, hits[i].end) != (span.start, span.end)]
        if span.canonical is not None or not inner:
            spans.append(span)
        elif len(inner) == 1:
            hit = hits[inner[0]]
            same = hit.type == span.type
            gone.add(inner[0])
            spans.append(Entity(span.text, span.type, span.start, span.end,
                                hit.canonical if same else None,
                                "ner+gazetteer" if same else "ner"))
    return [h for i, h in enumerate(hits) if i not in gone] + spans


def _priority(entity: Entity) -> tuple:
    return (entity.canonical is not None, entity.end - entity.start,
            entity.source != "gazetteer", -entity.start)


def _confirmed(gaz: Entity, ner: Entity) -> Entity:
    """The model found the same span the gazetteer did: one entity, both sources."""
    return Entity(gaz.text, gaz.type, gaz.start, gaz.end, gaz.canonical, "ner+gazetteer")
