"""The gazetteer: places, organisations and people of Syria/Iraq news, linked to canonical ids.

Data (see worker/nlp/resources/README.md, "Gazetteer"): ``places.tsv`` built from Who's On
First by :mod:`worker.nlp.build_gazetteer`, and the curated ``organisations.yaml``.

Two ways in:

* :meth:`Gazetteer.find` detects entities in raw text without a NER model.  Thousands of
  village names are also common words, so detection uses only *safe* names (curated
  entries, countries, regions, counties and notable localities whose names are not common
  words; the ``detect`` column), plus any place name right after a settlement cue word
  (ناحية عياش، قرية X، ريف Y) that is not a common word.
* :meth:`Gazetteer.link` links a NER mention to any entry, tolerant to clitics, the
  article and spelling variants, preferring the same type, larger places, curated entries
  and places near the other places of the article (a simple context prior).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import pathlib
import re
import sys
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import yaml

from worker.errors import ConfigError
from worker.nlp.tokenize import MAX_MARK_RUN
from worker.records import Entity
from worker.text.match import TermMatcher
from worker.text.normalize import Normalized, fold_char, normalize

RESOURCES = pathlib.Path(__file__).parent / "resources" / "gazetteer"
ENTITY_TYPES = ("PER", "LOC", "ORG", "MISC")
PLACETYPE_RANK = {"country": 6, "region": 5, "river": 4, "area": 4, "county": 4,
                  "mountain": 3, "locality": 3, "campus": 3, "camp": 3, "crossing": 3,
                  "neighbourhood": 2}
# A NER span of type X may link to an entry of these types; PER never links to a place
# (عياش the man is not عياش the town).
COMPATIBLE = {"LOC": ("LOC", "ORG"), "ORG": ("ORG", "LOC", "MISC"), "PER": ("PER",),
              "MISC": ("MISC", "ORG", "LOC", "PER"), "": ("LOC", "ORG", "PER", "MISC")}
# Settlement and area words that announce a place name (normalised; dual forms included
# for ناحيتي هجين والباغوز).  Only without the article: المنطقة المحاصرة is "the besieged
# area", not a place called المحاصرة.
CUE_WORDS = frozenset("""
    ناحيه ناحيتي بلده بلدتي قريه قريتي مدينه مدينتي منطقه منطقتي محافظه محافظتي ريف قضاء
    مخيم معبر حي جبل بلدات قري مناطق نواحي مدن
""".split())
# Nisba/adjective endings: العراقية، الإيرانية are adjectives, not mentions of the place.
NISBA_SUFFIXES = frozenset({"ي", "يه", "يين", "يون", "يات", "يا", "يتين", "يتان"})
_WORD = re.compile(r"\w+")
CONTEXT_KINDS = frozenset({"region", "county", "locality", "campus", "camp", "crossing",
                           "neighbourhood"})
CUE_RADIUS_KM = 150.0
LINK_RADIUS_KM = 300.0
_PROCLITICS = ("وبال", "وال", "بال", "فال", "لل", "ولل", "فلل", "كال", "ال", "وب", "ول", "فب",
               "فل", "و", "ف", "ب", "ل")


@dataclass(frozen=True, slots=True)
class Record:
    """One gazetteer entry (a place or a curated organisation/person)."""

    id: str
    type: str  # LOC, ORG, PER, MISC
    kind: str  # placetype for places, e.g. "armed_group" for organisations
    name_en: str
    name_ar: str
    aliases_ar: tuple[str, ...] = ()
    aliases_en: tuple[str, ...] = ()
    lat: float | None = None
    lon: float | None = None
    country: str = ""
    region_id: str = ""
    county_id: str = ""
    current: str = "1"
    curated: bool = False
    same_as: tuple[str, ...] = ()
    detect: tuple[str, ...] = ()
    link_only: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(n for n in (self.name_ar, *self.aliases_ar, self.name_en, *self.aliases_en)
                     if n)

    @property
    def point(self) -> tuple[float, float] | None:
        return None if self.lat is None or self.lon is None else (self.lat, self.lon)


def is_context_place(place: Any) -> bool:
    """Whether a place (Record or canonical dict) is small enough to say where an article
    is: not a country, river, desert or mountain range, whose point is nominal."""
    kind = place.kind if isinstance(place, Record) else place.get("placetype")
    lat = place.lat if isinstance(place, Record) else place.get("lat")
    return lat is not None and kind in CONTEXT_KINDS


def haversine_km(a: Any, b: Any) -> float:
    """Great-circle distance in km between two points: (lat, lon) pairs or dicts with lat/lon."""
    (lat1, lon1), (lat2, lon2) = _latlon(a), _latlon(b)
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


def _latlon(point: Any) -> tuple[float, float]:
    if isinstance(point, dict):
        return float(point["lat"]), float(point["lon"])
    lat, lon = point
    return float(lat), float(lon)


class PlaceIndex:
    """The places of one article, for "is any of them within R km of this point?".

    Linking asks that question for every mention, and an article names more places the
    longer it is, so scanning the list each time made linking quadratic in text length
    (issue 11: 0.5, 1.8, 7.3, 29.3 s at 25k to 200k characters).  Here the distinct points
    sit in 1-degree cells, a question looks only at the cells that can hold an answer and
    stops at the first point that does, and each answer is computed once per (point,
    radius): the same answers as the scan, at a cost per mention that no longer grows with
    the article (bench/bench_linearity.py).
    """

    CELL_DEGREES = 1.0
    EARTH_RADIUS_KM = 6371.0  # as haversine_km

    def __init__(self, places: Iterable[Any] = ()):
        self._cells: dict[tuple[int, int], list[tuple[float, float]]] = {}
        seen: set[tuple[float, float]] = set()
        for place in places:
            if place is None or not _has_point(place):
                continue
            point = _latlon(place)
            if point not in seen:
                seen.add(point)
                self._cells.setdefault(self._cell(point), []).append(point)
        self._answers: dict[tuple, bool] = {}

    @classmethod
    def of(cls, context: "PlaceIndex | Iterable[Any]") -> "PlaceIndex":
        return context if isinstance(context, PlaceIndex) else cls(context)

    def __bool__(self) -> bool:
        return bool(self._cells)

    def any_within(self, point: tuple[float, float], radius_km: float,
                   beyond_km: float | None = None) -> bool:
        """Whether a place lies within ``radius_km`` of ``point`` (and, with ``beyond_km``,
        farther than that: the place itself is no evidence of its neighbourhood)."""
        key = (point, radius_km, beyond_km)
        if key not in self._answers:
            self._answers[key] = self._search(point, radius_km, beyond_km)
        return self._answers[key]

    def _search(self, point: tuple[float, float], radius_km: float,
                beyond_km: float | None) -> bool:
        for other in self._candidates(point, radius_km):
            distance = haversine_km(point, other)
            if distance <= radius_km and (beyond_km is None or distance > beyond_km):
                return True
        return False

    def _cell(self, point: tuple[float, float]) -> tuple[int, int]:
        lat, lon = point
        return math.floor(lat / self.CELL_DEGREES), math.floor(lon / self.CELL_DEGREES) % 360

    def _candidates(self, point: tuple[float, float], radius_km: float) -> Iterable:
        """Points in the cells of the bounding box of the circle (Matuschek, "Finding points
        within a distance of a latitude/longitude using bounding coordinates", 2011)."""
        lat, lon = point
        d = math.degrees(radius_km / self.EARTH_RADIUS_KM) + 1e-6
        if abs(lat) + d >= 90:
            dlon = 180.0
        else:
            ratio = math.sin(math.radians(d)) / math.cos(math.radians(lat))
            dlon = 180.0 if ratio >= 1 else math.degrees(math.asin(ratio)) + 1e-6
        rows = range(math.floor((lat - d) / self.CELL_DEGREES),
                     math.floor((lat + d) / self.CELL_DEGREES) + 1)
        cols = range(360) if dlon >= 180 else range(
            math.floor((lon - dlon) / self.CELL_DEGREES),
            math.floor((lon + dlon) / self.CELL_DEGREES) + 1)
        if len(rows) * len(cols) >= len(self._cells):  # fewer cells than the box: scan all
            for points in self._cells.values():
                yield from points
            return
        for row in rows:
            for col in cols:
                yield from self._cells.get((row, col % 360), ())


class _FoldTable(dict):
    """A ``str.translate`` table filled on demand from the shared normaliser's fold_char."""

    def __missing__(self, code: int) -> str:
        self[code] = fold_char(chr(code))
        return self[code]


_FOLD = _FoldTable()


def norm_key(text: str) -> str:
    """The normaliser's folding (worker.text.normalize.fold_char), whitespace collapsed and
    trimmed: the lookup key of a name.  str.translate is about 10x faster than normalize()
    on the 80k names indexed at start-up, and gives the same string."""
    return " ".join(text.translate(_FOLD).split())


class Gazetteer:
    """Places and curated entities, with a detection automaton and a link index."""

    def __init__(self, records: Iterable[Record], common_words: Iterable[str] = ()):
        self.records: list[Record] = list(records)
        self._by_id: dict[str, int] = {}
        self._index: dict[str, list[tuple[int, int]]] = {}  # key -> [(record, quality)]
        self._common = frozenset(common_words)
        for i, record in enumerate(self.records):
            self._register(i, record)
        self._matcher = TermMatcher(
            (name, i) for i, r in enumerate(self.records) for name in r.detect)
        self._detect_keys = frozenset(norm_key(n) for r in self.records for n in r.detect)

    # --- loading ------------------------------------------------------------------------

    @classmethod
    def load(cls, path: str | pathlib.Path | None = None) -> "Gazetteer":
        """Load from a resources folder (default: the one shipped in the package)."""
        folder = pathlib.Path(path) if path else RESOURCES
        try:
            records = list(_read_places(folder / "places.tsv"))
            records += _read_curated(folder / "organisations.yaml")
            common = _read_common(folder / "common_words.tsv")
        except (OSError, ValueError, KeyError, IndexError, TypeError, yaml.YAMLError) as exc:
            # A broken gazetteer is a start-up error that names the file, never a silent gap.
            raise ConfigError(f"gazetteer {folder}: {type(exc).__name__}: {exc}") from exc
        return cls(records, common)

    def _register(self, i: int, record: Record) -> None:
        self._by_id.setdefault(record.id, i)
        for other in record.same_as:
            self._by_id.setdefault(other, i)
        primary = {record.name_ar, record.name_en}
        for name in (*record.names, *record.link_only):
            quality = 2 if name in primary else 1
            for key in _keys(name):
                bucket = self._index.setdefault(key, [])
                if (i, quality) not in bucket:
                    bucket.append((i, quality))

    # --- lookups ------------------------------------------------------------------------

    def get(self, entity_id: str) -> dict[str, Any] | None:
        """The canonical dict for an id (also ids merged away as duplicates), or None."""
        i = self._by_id.get(entity_id)
        return None if i is None else self.canonical(self.records[i])

    def record(self, entity_id: str) -> Record | None:
        i = self._by_id.get(entity_id)
        return None if i is None else self.records[i]

    def aliases(self, entity_id: str) -> list[str]:
        """Every name of an entity, Arabic and English (for rules on a canonical entity)."""
        record = self.record(entity_id)
        if record is None:
            return []
        return list(dict.fromkeys((*record.names, *record.link_only)))

    def canonical(self, record: Record) -> dict[str, Any]:
        data: dict[str, Any] = {"id": record.id, "type": record.type, "kind": record.kind,
                                "name_en": record.name_en or record.name_ar,
                                "name_ar": record.name_ar or record.name_en}
        if record.type == "LOC":
            data.update(placetype=record.kind, lat=record.lat, lon=record.lon,
                        country=record.country)
            for level in ("region", "county"):
                parent = self.record(getattr(record, f"{level}_id"))
                if parent is not None and parent.id != record.id:
                    data[level] = parent.name_en or parent.name_ar
                    data[f"{level}_ar"] = parent.name_ar or parent.name_en
        elif record.country:
            data["country"] = record.country
        return data

    def knows(self, mention: str) -> bool:
        """True when the mention, as written (normalised), is a name in the gazetteer."""
        return norm_key(mention) in self._index

    def candidates(self, mention: str) -> list[tuple[Record, int]]:
        """Entries a mention can name, with match quality (2 primary name, 1 alias, 0 after
        stripping clitics or a cue word)."""
        key = norm_key(mention)
        found: dict[int, int] = {}
        for variant, penalty in _variants(key):
            for i, quality in self._index.get(variant, ()):
                found[i] = max(found.get(i, -1), quality - penalty)
            if found and penalty == 0:
                break
        return [(self.records[i], q) for i, q in found.items()]

    def link(self, mention: str, type: str = "",
             context: PlaceIndex | Sequence[Any] = ()) -> dict | None:
        """The canonical entity a NER mention names, or None.  ``context``: points (canonical
        dicts or (lat, lon)) of other places in the article, to choose among namesakes; pass
        one :class:`PlaceIndex` when linking many mentions of one article."""
        allowed = COMPATIBLE.get(type or "", COMPATIBLE[""])
        found = [(r, q) for r, q in self.candidates(mention) if r.type in allowed]
        if not found:
            return None
        places = PlaceIndex.of(context)
        best = max(found, key=lambda rq: (self._score(rq[0], rq[1], type, places), rq[0].id))
        return self.canonical(self._prefer_child(best[0], [r for r, _ in found]))

    def _score(self, record: Record, quality: int, type: str, context: PlaceIndex) -> float:
        score = 2.0 * quality + (1.5 if record.type == type else 0.0)
        score += 3.0 if record.curated else 0.0
        if record.type == "LOC":
            score += 0.5 * PLACETYPE_RANK.get(record.kind, 3)
            score += {"1": 1.0, "-1": 0.0, "0": -3.0}.get(record.current, 0.0)
            score += _proximity_bonus(record, context)
        return score

    def supported(self, canonical: dict[str, Any],
                  context: PlaceIndex | Sequence[Any]) -> bool:
        """Whether a link is credible for an article whose places are ``context``.

        A minor village (not curated, not notable) shares its name with places all over
        the world (القاهرة is also a Baghdad neighbourhood, الرياض a Syrian village), so a
        NER span links to one only when the article names a place within LINK_RADIUS_KM."""
        record = self.record(canonical.get("id", ""))
        if record is None or record.type != "LOC" or record.curated or record.detect:
            return True
        if record.kind in ("country", "region", "county"):
            return True
        return record.point is not None and \
            PlaceIndex.of(context).any_within(record.point, LINK_RADIUS_KM)

    # --- detection without NER ----------------------------------------------------------

    def find(self, text: str, context: Sequence[Any] = ()) -> list[Entity]:
        """Entities detected by the gazetteer alone (source "gazetteer"), sorted by start."""
        norm = normalize(text)
        raw = [(h.start, h.end, self._owners(h.term, h.payloads))
               for h in self._matcher.find(norm) if self._plausible(norm.source, h)]
        # Two passes: unambiguous places first, then their points guide the namesakes.
        points = PlaceIndex([*context, *(self.records[p[0]].point for _, _, p in raw
                                         if len(p) == 1 and is_context_place(self.records[p[0]]))])
        overlaps = _Overlaps(raw)
        raw += [hit for hit in self._cue_hits(norm, points) if not overlaps(hit)]
        raw.sort()
        entities = []
        for start, end, payloads in raw:
            end = _bounded_end(text, start, end)
            record = self._best(payloads, norm.source[start:end], points)
            entities.append(Entity(text[start:end], record.type, start, end,
                                   self.canonical(record), "gazetteer"))
        return entities

    def _owners(self, term: str, payloads: Sequence[int]) -> tuple[int, ...]:
        """The payloads that own the matched term itself.  TermMatcher also merges onto a
        long hit the owners of shorter terms inside it (سورية inside قوات سورية
        الديمقراطية); for entities only the long name's owner counts."""
        owners = tuple(i for i in payloads if any(term in _keys(n) or _bare(term) in _keys(n)
                                                  for n in self.records[i].detect))
        return owners or tuple(payloads)

    def _best(self, payloads: tuple[int, ...], surface: str, points: PlaceIndex) -> Record:
        key = norm_key(surface)
        def score(i: int) -> tuple[float, str]:
            record = self.records[i]
            primary = key in {norm_key(record.name_ar), norm_key(record.name_en)}
            return self._score(record, 2 if primary else 1, record.type, points), record.id
        best = self.records[max(payloads, key=score)]
        return self._prefer_child(best, [self.records[i] for i in payloads])

    @staticmethod
    def _prefer_child(best: Record, candidates: Iterable[Record]) -> Record:
        """A region or county and its own seat of the same name: the name means the town
        (الرقة, الحسكة); the area is named explicitly (محافظة الحسكة, ريف الرقة)."""
        if best.kind not in ("region", "county"):
            return best
        children = [c for c in candidates if best.id in (c.region_id, c.county_id)
                    and c.kind in ("locality", "county") and c.current != "0"]
        return max(children, key=lambda c: (c.curated, PLACETYPE_RANK.get(c.kind, 3), c.id)) \
            if children else best

    def _plausible(self, source: str, hit: Any) -> bool:
        """Drop adjectives (العراقية، السورية) and article-less forms of names written with
        the article (رقة، قائم، هول): TermMatcher makes ال optional for rules, but a bare
        word is a place only after لل (للرقة), where the article's alef is dropped."""
        suffix = _suffix(source, hit.end)
        if suffix in NISBA_SUFFIXES:
            return False
        # A place name takes no suffix: كفريا is another village than كفري.
        if suffix and all(self.records[i].type == "LOC" for i in hit.payloads):
            return False
        prefix = _prefix(source, hit.start)
        if prefix.endswith("ال"):
            # The article on a name written without it: السورية is "the Syrian", not سورية.
            return "ال" + hit.term in self._detect_keys
        if hit.term in self._detect_keys or "ال" + hit.term not in self._detect_keys:
            return True
        return prefix.endswith("لل")

    def _cue_hits(self, norm: Normalized, points: PlaceIndex) -> list[tuple]:
        """Place names (any, even unsafe) right after a cue word: ناحية عياش، قرى المراشدة.

        Namesakes abound (محافظة صعدة in Yemen is also a Syrian village), so a cue hit
        counts only within CUE_RADIUS_KM of a place the article names safely (even a
        curated one: بمدينة سوسة in a Tunisian story is not the Syrian السوسة)."""
        words = list(_WORD.finditer(norm.text))
        hits = []
        for n, word in enumerate(words):
            if not _is_cue(word.group()):
                continue
            for start, end, ids in self._names_after(norm, words, n + 1):
                near = tuple(i for i in ids if self._near_any(self.records[i], points))
                if near:
                    hits.append((start, end, near))
        return hits

    def _near_any(self, record: Record, points: PlaceIndex) -> bool:
        return record.point is not None and points.any_within(record.point, CUE_RADIUS_KM)

    def _names_after(self, norm: Normalized, words: list, n: int) -> list:
        """The place at words[n:] (longest name first), then one more joined by و."""
        out = []
        for _ in range(2):  # ناحيتي هجين والباغوز: the second name comes after و
            hit = self._place_at(norm, words, n)
            if hit is None:
                break
            out.append(hit[:3])
            n = hit[3]
            if n >= len(words) or not words[n].group().startswith("و"):
                break
        return out

    def _place_at(self, norm: Normalized, words: list, n: int):
        for size in (3, 2, 1):
            if n + size > len(words):
                continue
            first, last = words[n], words[n + size - 1]
            phrase = norm.text[first.start():last.end()]
            for key in dict.fromkeys((phrase, _strip_conj(phrase))):
                # A common word after a cue is a place only if curated (مدينة الطبقة).
                common = self._is_common(key)
                ids = tuple(i for i, _ in self._index.get(key, ()) if self.records[i].type ==
                            "LOC" and (self.records[i].curated or not common))
                if ids:
                    s, e = norm.span(first.start() + len(phrase) - len(key), last.end())
                    return s, e, ids, n + size
        return None

    def _is_common(self, key: str) -> bool:
        bare = _bare(key)
        return len(bare.replace(" ", "")) < 3 or key in self._common or bare in self._common \
            or "ال" + key in self._common

    # --- geography ----------------------------------------------------------------------

    def point(self, ref: Any) -> tuple[float, float] | None:
        """(lat, lon) of an id, a canonical dict, a Record or a (lat, lon) pair."""
        if isinstance(ref, str):
            record = self.record(ref)
            return record.point if record else None
        if isinstance(ref, Record):
            return ref.point
        if isinstance(ref, dict):
            if ref.get("lat") is not None and ref.get("lon") is not None:
                return float(ref["lat"]), float(ref["lon"])
            return self.point(ref["id"]) if ref.get("id") else None
        return _latlon(ref) if ref is not None else None

    haversine_km = staticmethod(haversine_km)

    def within_km(self, place: Any, center: Any, radius_km: float) -> bool:
        """True when ``place`` (id, canonical dict or point) lies within ``radius_km`` of
        ``center`` (id, canonical dict or point).  Unknown places are never within."""
        a, b = self.point(place), self.point(center)
        return a is not None and b is not None and haversine_km(a, b) <= radius_km

    def __len__(self) -> int:
        return len(self.records)


# --- helpers --------------------------------------------------------------------------------

def _bare(key: str) -> str:
    return key[2:] if key.startswith("ال") and len(key) > 4 else key


def _keys(name: str) -> set[str]:
    key = norm_key(name)
    if not key:
        return set()
    return {key, key[2:]} if key.startswith("ال") and len(key.split(" ")[0]) > 4 else {key}


def _variants(key: str) -> list[tuple[str, int]]:
    """Lookup keys for a mention: itself, then with clitics or a leading cue word removed."""
    out = [(key, 0)]
    head, _, rest = key.partition(" ")
    if rest and _is_cue(head):
        out.append((rest, 1))
    for prefix in _PROCLITICS:
        if key.startswith(prefix) and len(key) - len(prefix) >= 3:
            stem = key[len(prefix):]
            out.append((stem, 1))
            if prefix.endswith("لل") or prefix.endswith("ال"):
                out.append(("ال" + stem, 1))
    return out


def _is_cue(word: str) -> bool:
    """A cue word, possibly with proclitics: بناحية، وريف، لمنطقة، وبمدينة."""
    return word in CUE_WORDS or (word[:1] in "وفبلك" and word[1:] in CUE_WORDS) or \
        (word[:2] in ("وب", "ول", "فب", "فل") and word[2:] in CUE_WORDS)


def _strip_conj(word: str) -> str:
    return word[1:] if word[:1] in ("و", "ف") and len(word) > 3 else word


def _suffix(source: str, end: int) -> str:
    """The normalised letters glued after a hit (العراق|ية -> "يه")."""
    tail = []
    for ch in source[end:end + 6]:
        folded = fold_char(ch)
        if not folded:
            continue
        if not folded.isalnum():
            break
        tail.append(folded)
    return "".join(tail)


def _prefix(source: str, start: int) -> str:
    """The normalised letters of the word before ``start`` (the hit's proclitics)."""
    i = start
    while i > 0 and (source[i - 1].isalnum() or not fold_char(source[i - 1])):
        i -= 1
    return norm_key(source[i:start])


def _bounded_end(source: str, start: int, end: int) -> int:
    """The end of a hit with at most MAX_MARK_RUN diacritics after its last letter, as in a
    token (worker.nlp.tokenize).  Normalized.span extends a hit over every one of them, so a
    name followed by 90,000 diacritics was a 90,005-character entity (issue 11)."""
    last = end
    while last > start and fold_char(source[last - 1]) == "":
        last -= 1
    return min(end, last + MAX_MARK_RUN)


class _Overlaps:
    """Whether a (start, end, ...) hit overlaps any of a fixed list of hits: bisect over the
    starts and a running maximum of the ends, O(log n) a question instead of a scan."""

    def __init__(self, hits: Sequence[tuple]):
        ordered = sorted(hits, key=lambda h: h[0])
        self._starts = [h[0] for h in ordered]
        self._max_ends = list(itertools.accumulate((h[1] for h in ordered), max))

    def __call__(self, hit: tuple) -> bool:
        i = bisect.bisect_left(self._starts, hit[1]) - 1  # the last hit starting before it ends
        return i >= 0 and self._max_ends[i] > hit[0]


def _proximity_bonus(record: Record, context: PlaceIndex) -> float:
    """Namesakes near the article's other places win (simple context prior): by the nearest
    other place, 4 within 50 km, 2 within 150 km, 0.5 within 400 km.  Places 0.5 km away or
    less are the place itself, no evidence."""
    if record.point is None or not context:
        return 0.0
    for radius_km, bonus in ((50, 4.0), (150, 2.0), (400, 0.5)):
        if context.any_within(record.point, radius_km, beyond_km=0.5):
            return bonus
    return 0.0


def _has_point(p: Any) -> bool:
    if isinstance(p, dict):
        return p.get("lat") is not None and p.get("lon") is not None
    return True


def _read_places(path: pathlib.Path) -> Iterable[Record]:
    with path.open(encoding="utf-8") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        columns = next(lines).rstrip("\n").split("\t")
        col = {name: i for i, name in enumerate(columns)}
        split = lambda cell: tuple(cell.split("|")) if cell else ()  # noqa: E731
        for line in lines:
            c = line.rstrip("\n").split("\t")
            # Interned: 33k records share a few dozen placetypes, countries and parents.
            shared = {k: sys.intern(c[col[k]]) for k in
                      ("placetype", "country", "region_id", "county_id", "current")}
            yield Record(
                id=c[col["id"]], type="LOC", kind=shared["placetype"],
                name_en=c[col["name_en"]], name_ar=c[col["name_ar"]],
                aliases_ar=split(c[col["aliases_ar"]]), aliases_en=split(c[col["aliases_en"]]),
                lat=float(c[col["lat"]]), lon=float(c[col["lon"]]), country=shared["country"],
                region_id=shared["region_id"], county_id=shared["county_id"],
                current=shared["current"], curated=c[col["curated"]] == "1",
                same_as=split(c[col["same_as"]]), detect=split(c[col["detect"]]))


def _read_curated(path: pathlib.Path) -> list[Record]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    records = []
    for e in data["entities"]:
        if e.get("type") not in ENTITY_TYPES or not e.get("id") or not e.get("name_ar"):
            raise ValueError(f"{path.name}: entry {e.get('id')!r} needs an id, a name_ar and "
                             f"a type in {ENTITY_TYPES}")
        link_only = set(e.get("link_only", ()))
        names = tuple(n for n in (e["name_ar"], *e.get("aliases_ar", ()), e["name_en"],
                                  *e.get("aliases_en", ())) if n not in link_only)
        records.append(Record(
            id=e["id"], type=e["type"], kind=e.get("kind", ""), name_en=e["name_en"],
            name_ar=e["name_ar"], aliases_ar=tuple(e.get("aliases_ar", ())),
            aliases_en=tuple(e.get("aliases_en", ())), country=e.get("country", ""),
            curated=True, detect=names if e.get("detect", True) else (),
            link_only=tuple(e.get("link_only", ()))))
    return records


def _read_common(path: pathlib.Path) -> list[str]:
    if not path.exists():
        return []
    return [line.split("\t")[0] for line in path.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]


@functools.lru_cache(maxsize=1)
def countries() -> tuple[Record, ...]:
    """The shipped gazetteer's countries, read once per process on first use, without
    building the whole gazetteer (worker.nlp.casualties derives their demonyms)."""
    return tuple(r for r in _read_places(RESOURCES / "places.tsv") if r.kind == "country")


@functools.lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The shipped gazetteer, loaded once per process (before fork, pages are shared)."""
    return Gazetteer.load()
