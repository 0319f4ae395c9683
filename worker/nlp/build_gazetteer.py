"""Build the shipped places file from the Who's On First extracts in ../shared/data/gazetteer.

Run ``python -m worker.nlp.build_gazetteer`` (defaults find ../shared next to the repo).
It reads ``wof_admin_{sy,iq}_gazetteer.csv``, cleans and deduplicates the rows, merges the
curated overrides of ``places_extra.yaml``, marks which names are safe for gazetteer-only
detection, and writes ``worker/nlp/resources/gazetteer/places.tsv`` (plus
``common_words.tsv``, the stoplist it used).  The output is deterministic: same inputs,
same bytes.

Cleaning, in order (each step names the data problem it answers):

1. ``name_ar`` holding a transliteration (e.g. ``Ḩiristā`` for Harasta): the Latin form goes
   to the English aliases and the first Arabic variant becomes the Arabic name.
2. Admin words in names (``محافظة الحسكة``, ``قضاء الحمدنية``, ``منطقة دوما``): the bare name
   is added as an alias so a mention of الحسكة links.
3. Deprecated rows (``is_current=0``) and duplicates (same normalised Arabic name, spaces
   ignored, within ``DUPLICATE_KM``, and not parent and child): one row survives per
   group, chosen by current > unknown > deprecated, then larger placetype, then a Wikidata
   id; the others' ids are kept in ``same_as`` so ``Gazetteer.get`` still resolves them.
   Deprecated rows with no current namesake nearby stay, ranked last by the linker.
4. Safety (the ``detect`` column: names usable without a NER span): curated entries,
   countries, regions, counties, and localities with a Wikidata id or marked current, and
   only through names that are not common words.  "Common" is measured, not guessed: a
   name counts as common when it occurs ``COMMON_MIN`` times or more in the culture,
   economy, sport and technology sections of the ANT news corpus (../shared/data/news),
   where Syrian and Iraqi villages are rarely the subject (e.g. الباب "the door", الحول);
   ``AMBIGUOUS`` adds political words those sections do not see (الشهداء، الثورة).
"""

from __future__ import annotations

import argparse
import collections
import csv
import math
import pathlib
import re
import sys
from typing import Any, Iterable

import yaml

from worker.text.match import ARABIC_PREFIXES
from worker.text.normalize import normalize_text

RESOURCES = pathlib.Path(__file__).parent / "resources" / "gazetteer"
SHARED = pathlib.Path(__file__).resolve().parents[2].parent / "shared" / "data"
COUNTRIES = ("sy", "iq")
DUPLICATE_KM = 10.0
COMMON_MIN = 15
BACKGROUND_SECTIONS = ("culture", "economy", "sport", "technology")
# Place names that are everyday words in political news, where the background sections
# above do not see them often enough (normalised forms).  Reviewed by hand from the list
# of detectable names the first build produced.
AMBIGUOUS = frozenset(normalize_text(w) for w in """
    همزة كالا الشهداء الثورة الحرية الوحدة الجمهورية الاستقلال التحرير النصر السلام
    الكرامة الجزيرة الرشيد المنصور الحسينية الشام الفرات الخضراء المثنى الغدير البعث
    الأمل العامرية الجديدة الصناعية المطار الزراعة الشعب الوطن العروبة الأمين الصدر
    الشرقية الغربية الشمالية الجنوبية القادسية الأنصار الفداء المحطة ميادين الطبقة حديثة
    السفيرة الغوطة تدمر
""".split()) | {normalize_text("علي الغربي")}  # "on the West" once على folds to علي
PLACETYPE_RANK = {"country": 6, "region": 5, "county": 4, "locality": 3, "campus": 3,
                  "camp": 3, "crossing": 3, "mountain": 3, "river": 4, "area": 4,
                  "neighbourhood": 2}
CURRENT_RANK = {"1": 2, "-1": 1, "0": 0}
# Words that introduce an administrative or settlement name in WOF's Arabic names.
ADMIN_WORDS = ("محافظة", "محافظه", "قضاء", "ناحية", "ناحيه", "منطقة", "منطقه", "مدينة",
               "مدينه", "قرية", "قريه", "بلدة", "بلده", "مركز")
COLUMNS = ("id", "placetype", "country", "lat", "lon", "name_en", "name_ar", "aliases_ar",
           "aliases_en", "region_id", "county_id", "current", "wikidata", "geonames", "curated",
           "same_as", "detect")
HEADER = (
    "# Rasad places gazetteer, built by worker/nlp/build_gazetteer.py; do not edit by hand.\n"
    "# Data from Who's On First (https://whosonfirst.org/docs/licenses/), CC0, including\n"
    "# GeoNames data (CC BY 4.0, https://www.geonames.org); curated additions in\n"
    "# places_extra.yaml (CC0, Rasad).  Lists are '|'-separated.\n"
)


def is_arabic(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


def split_list(cell: str) -> list[str]:
    return [part.strip() for part in cell.split("|") if part.strip()]


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on a 6371 km sphere."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, a)))


def strip_admin_word(name: str) -> str | None:
    """``محافظة الحسكة`` -> ``الحسكة``; None when the name has no admin word in front."""
    head, _, rest = name.partition(" ")
    return rest if rest and head in ADMIN_WORDS else None


def unique(items: Iterable[str], *exclude: str) -> list[str]:
    seen = {normalize_text(x) for x in exclude if x}
    out = []
    for item in items:
        key = normalize_text(item)
        if item and key not in seen:
            seen.add(key)
            out.append(item)
    return out


def clean_row(row: dict[str, str]) -> dict[str, Any]:
    """One CSV row as a place record with its Arabic/English names sorted out (steps 1-2)."""
    names = [row["name_ar"], *split_list(row["name_ar_variants"])]
    arabic = [n for n in names if n and is_arabic(n)]
    latin = [n for n in names if n and not is_arabic(n)]
    name_en = row["name"] if row["name"] and not is_arabic(row["name"]) else (latin or [""])[0]
    name_ar = arabic[0] if arabic else ""
    if is_arabic(row["name"]):
        arabic.append(row["name"])
    arabic += [s for s in (strip_admin_word(n) for n in arabic) if s]
    lat, lon = row["lbl_lat"] or row["lat"], row["lbl_lon"] or row["lon"]
    return {
        "id": f"wof:{row['wof_id']}", "placetype": row["placetype"], "country": row["country"],
        "lat": round(float(lat), 5), "lon": round(float(lon), 5),
        "name_en": name_en, "name_ar": name_ar,
        "aliases_ar": unique(arabic, name_ar), "aliases_en": unique(latin, name_en),
        "region_id": f"wof:{row['region_id']}" if row["region_id"] else "",
        "county_id": f"wof:{row['county_id']}" if row["county_id"] else "",
        "current": row["is_current"], "wikidata": row["wikidata_id"],
        "geonames": row["geonames_id"], "safe": False, "curated": False, "same_as": [],
    }


def read_wof(directory: pathlib.Path) -> list[dict[str, Any]]:
    places = []
    for country in COUNTRIES:
        path = directory / f"wof_admin_{country}_gazetteer.csv"
        with path.open(encoding="utf-8", newline="") as handle:
            places += [clean_row(row) for row in csv.DictReader(handle)]
    return places


def rank(place: dict[str, Any]) -> tuple:
    """Which row of a duplicate group survives: current, bigger, linked to Wikidata."""
    return (CURRENT_RANK.get(place["current"], 1), PLACETYPE_RANK.get(place["placetype"], 3),
            bool(place["wikidata"]), bool(place["name_ar"]), -int(place["id"][4:]))


def deduplicate(places: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Step 3: merge rows with the same normalised Arabic name (or English name when a row
    has no Arabic) lying within DUPLICATE_KM of each other into the best-ranked row."""
    groups: dict[str, list[dict[str, Any]]] = collections.defaultdict(list)
    for place in places:
        # Spaces dropped: WOF spells البو كمال and البوكمال for one town.
        key = normalize_text(place["name_ar"]).replace(" ", "") or \
            "en:" + normalize_text(place["name_en"])
        groups[key].append(place)
    dropped: set[str] = set()
    for group in groups.values():
        group.sort(key=rank, reverse=True)
        for i, best in enumerate(group):
            if best["id"] in dropped:
                continue
            for other in group[i + 1:]:
                if other["id"] not in dropped and _close(best, other):
                    _absorb(best, other)
                    dropped.add(other["id"])
    return [p for p in places if p["id"] not in dropped]


def _close(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Near each other and not parent and child: الحسكة the city lies in الحسكة the region
    (its region_id), a distinct feature, not a duplicate."""
    related = a["id"] in (b["region_id"], b["county_id"]) or \
        b["id"] in (a["region_id"], a["county_id"])
    return not related and haversine_km(a["lat"], a["lon"], b["lat"], b["lon"]) <= DUPLICATE_KM


def _absorb(best: dict[str, Any], other: dict[str, Any]) -> None:
    best["same_as"] += [other["id"], *other["same_as"]]
    best["aliases_ar"] = unique(best["aliases_ar"] + [other["name_ar"]] + other["aliases_ar"],
                                best["name_ar"])
    best["aliases_en"] = unique(best["aliases_en"] + [other["name_en"]] + other["aliases_en"],
                                best["name_en"])
    best["wikidata"] = best["wikidata"] or other["wikidata"]
    best["geonames"] = best["geonames"] or other["geonames"]


def apply_extras(places: list[dict[str, Any]], extras: dict[str, Any]) -> list[dict[str, Any]]:
    """Merge places_extra.yaml: overrides of WOF rows (by id) and new curated places."""
    by_id = {p["id"]: p for p in places}
    by_id.update({alias: p for p in places for alias in p["same_as"]})
    for entry in extras.get("places", []):
        target = by_id.get(entry["id"])
        if target is None:
            target = _new_place(entry)
            places.append(target)
            by_id[target["id"]] = target
        _override(target, entry)
    return places


def _new_place(entry: dict[str, Any]) -> dict[str, Any]:
    return {"id": entry["id"], "placetype": entry.get("placetype", "locality"),
            "country": entry.get("country", ""), "lat": entry["lat"], "lon": entry["lon"],
            "name_en": "", "name_ar": "", "aliases_ar": [], "aliases_en": [],
            "region_id": "", "county_id": "", "current": "1", "wikidata": "",
            "geonames": "", "safe": True, "curated": True, "same_as": []}


def _override(target: dict[str, Any], entry: dict[str, Any]) -> None:
    for key in ("placetype", "country", "lat", "lon", "region_id", "county_id", "wikidata"):
        if key in entry:
            target[key] = entry[key]
    for key in ("name_en", "name_ar"):
        if entry.get(key) and entry[key] != target[key]:
            old, target[key] = target[key], entry[key]
            lang = key[-2:]
            target[f"aliases_{lang}"] = [old] + target[f"aliases_{lang}"] if old else \
                target[f"aliases_{lang}"]
    target["aliases_ar"] = unique(target["aliases_ar"] + entry.get("aliases_ar", []),
                                  target["name_ar"])
    target["aliases_en"] = unique(target["aliases_en"] + entry.get("aliases_en", []),
                                  target["name_en"])
    target["curated"] = True
    target["safe"] = entry.get("safe", True)
    target["curated_names"] = [entry.get(k) for k in ("name_ar", "name_en") if entry.get(k)] \
        + entry.get("aliases_ar", []) + entry.get("aliases_en", [])


# --- step 4: which names are safe without a NER span -------------------------------------

_WORD = re.compile(r"[\u0621-\u064a]+")


def background_counts(news: pathlib.Path) -> collections.Counter:
    """Token and token-bigram counts (normalised) over the background sections."""
    counts: collections.Counter = collections.Counter()
    files = sorted(f for s in BACKGROUND_SECTIONS for f in news.glob(f"*/{s}/*.txt"))
    for i, path in enumerate(files):
        words = _WORD.findall(normalize_text(_doc_text(path)))
        counts.update(words)
        counts.update(" ".join(pair) for pair in zip(words, words[1:]))
        if i % 2000 == 0:
            print(f"  counted {i}/{len(files)} background articles", file=sys.stderr)
    return counts


def _doc_text(path: pathlib.Path) -> str:
    raw = path.read_text(encoding="utf-8", errors="replace")
    return re.sub(r"<URL>.*?</URL>|<[^>]+>", " ", raw)


def name_frequency(name: str, counts: collections.Counter) -> int:
    """Occurrences of a (normalised) name with any proclitic chain, article optional."""
    words = name.split(" ")
    if len(words) > 2:
        return 0
    bare = name[2:] if name.startswith("ال") and len(words[0]) > 4 else name
    return sum(counts.get(prefix + form, 0) for form in {name, bare}
               for prefix in ARABIC_PREFIXES)


def common_words(places: list[dict[str, Any]], counts: collections.Counter) -> dict[str, int]:
    """Arabic place names (normalised) that occur COMMON_MIN times or more in background news."""
    names = {normalize_text(n) for p in places for n in [p["name_ar"], *p["aliases_ar"]] if n}
    freq = {n: name_frequency(n, counts) for n in names}
    return {n: c for n, c in sorted(freq.items()) if c >= COMMON_MIN}


def detect_names(place: dict[str, Any], common: dict[str, int]) -> list[str]:
    """The names of ``place`` that may be detected without a NER span (step 4)."""
    if place["curated"]:
        if not place["safe"]:
            return []
        trusted = {place["name_ar"], place["name_en"], *place.get("curated_names", ())}
        return [n for n in _names(place) if n in trusted and normalize_text(n) not in AMBIGUOUS
                or _safe_name(n, common, major=False)]
    if place["current"] == "0" or not _notable(place):
        return []
    # Region and country names are famous places: their frequency in the background news
    # is the place itself (دمشق، بغداد، حلب), so only the hand list applies to them.
    major = place["placetype"] in ("country", "region")
    return [n for n in [place["name_ar"], *place["aliases_ar"]]
            if _safe_name(n, {} if major else common, major)]


def _names(place: dict[str, Any]) -> list[str]:
    return [place["name_ar"], *place["aliases_ar"], place["name_en"], *place["aliases_en"]]


def _notable(place: dict[str, Any]) -> bool:
    if place["placetype"] in ("country", "region", "county"):
        return True
    # Neighbourhoods are left to NER: Baghdad's are words like المثنى، الغدير، الحسينية.
    return place["placetype"] in ("locality", "campus") and \
        (bool(place["wikidata"]) or place["current"] == "1")


def _safe_name(name: str, common: dict[str, int], major: bool) -> bool:
    key = normalize_text(name)
    if not key or not is_arabic(key) or key in common or key in AMBIGUOUS:
        return False
    bare = key[2:] if key.startswith("ال") else key
    # Three-letter single words (نوى، نبل، هاي، كوت) are too often something else.
    return major or " " in bare or len(bare) >= 4


def read_common(path: pathlib.Path) -> dict[str, int]:
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]
    return {word: int(count) for word, count in rows}


def write_common(path: pathlib.Path, common: dict[str, int]) -> None:
    lines = ["# Place names that are common words: >= %d occurrences in the ANT corpus "
             "sections %s.\n# Built by worker/nlp/build_gazetteer.py; word<TAB>count.\n"
             % (COMMON_MIN, ", ".join(BACKGROUND_SECTIONS))]
    lines += [f"{word}\t{count}\n" for word, count in common.items()]
    path.write_text("".join(lines), encoding="utf-8")


# --- output ------------------------------------------------------------------------------

def serialise(place: dict[str, Any]) -> str:
    cells = []
    for column in COLUMNS:
        value = place[column]
        if isinstance(value, list):
            value = "|".join(value)
        elif isinstance(value, bool):
            value = "1" if value else "0"
        cells.append(str(value).replace("\t", " ").replace("\n", " "))
    return "\t".join(cells) + "\n"


def write_places(path: pathlib.Path, places: list[dict[str, Any]]) -> None:
    rows = sorted(places, key=lambda p: p["id"])
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(HEADER)
        handle.write("\t".join(COLUMNS) + "\n")
        handle.writelines(serialise(p) for p in rows)


def build(wof_dir: pathlib.Path, news_dir: pathlib.Path | None, out: pathlib.Path) -> dict:
    places = deduplicate(read_wof(wof_dir))
    extras = yaml.safe_load((out / "places_extra.yaml").read_text(encoding="utf-8")) or {}
    places = apply_extras(places, extras)
    common_path = out / "common_words.tsv"
    if news_dir is not None and news_dir.exists():
        common = common_words(places, background_counts(news_dir))
        write_common(common_path, common)
    else:
        print(f"no news corpus; reusing {common_path}", file=sys.stderr)
        common = read_common(common_path)
    for place in places:
        place["detect"] = detect_names(place, common)
    write_places(out / "places.tsv", places)
    return {"places": len(places), "detectable": sum(bool(p["detect"]) for p in places),
            "common_words": len(common)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--wof", type=pathlib.Path, default=SHARED / "gazetteer")
    parser.add_argument("--news", type=pathlib.Path, default=SHARED / "news" / "antcorpus",
                        help="ANT corpus root for the common-word stoplist")
    parser.add_argument("--no-news", action="store_true",
                        help="reuse the shipped common_words.tsv instead of recounting")
    parser.add_argument("--out", type=pathlib.Path, default=RESOURCES)
    args = parser.parse_args(argv)
    stats = build(args.wof, None if args.no_news else args.news, args.out)
    print(" ".join(f"{k}={v}" for k, v in stats.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
