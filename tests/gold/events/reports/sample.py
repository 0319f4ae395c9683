"""Draw the report-vs-mention gold sentences from the ANT corpus (issue 8), split by article.

Run from the repo root (no dependencies beyond the project's tokeniser):

    python tests/gold/events/reports/sample.py

Writes ``tests/gold/events/reports/batches/batch_NN.jsonl`` (the unannotated items, in the
order the annotators saw them).  Everything is fixed by the seed and by a hash, and by the
sentence splitter: the committed batches were drawn with ``worker/nlp/tokenize.py`` as of
commit cffce2a, and a rerun with that file reproduces them byte for byte.  Issue 11 later
bounded tokens (runs of marks, 64-character tokens end a sentence), which shifts sentence
counts in a few articles and so the whole random draw: the committed batches are the record.

* Articles: every ``middleEast`` and ``internationalNews`` article of the five sources
  (real 2018 newswire, `../shared/data/news/antcorpus`, Apache-2.0, Chouigui et al.).
* The split is by article and comes first: ``sha1(DOCNO) % 10`` 0-5 train, 6-7 dev, 8-9
  test, so no article gives sentences to two parts.
* Three strata, drawn from the same sections: ``casualty`` (a casualty word and a number or
  number word: the figures), ``event`` (an event or security word, no casualty figure) and
  ``other`` (neither; the same pages' politics, diplomacy, economy).  At most three
  sentences from one article, sentences of 8 to 80 tokens.
"""
from __future__ import annotations

import glob
import hashlib
import json
import random
import re
import sys
from pathlib import Path
from typing import Iterator

sys.path.insert(0, str(Path(__file__).resolve().parents[4]))
from worker.nlp.tokenize import sentences  # noqa: E402

CORPUS = Path(__file__).resolve().parents[4] / ".." / "shared" / "data" / "news" / "antcorpus"
OUT = Path(__file__).resolve().parent / "batches"
SEED = 20181101
TARGET = {"casualty": 480, "event": 420, "other": 750}
PER_BATCH = 150
# A second draw, after the first was annotated, to carry at least 400 reports with a
# figure: the next casualty-stratum candidates, in batches of 100 (batch_11, batch_12).
MORE_CASUALTY, MORE_PER_BATCH = 200, 100
# A third draw, for training data only: more train-part sentences with an event or
# casualty word (the ones the report model learns from), batch_13 to batch_18.
MORE_TRAIN = {"casualty": 300, "event": 300}

CASUALTY = re.compile(
    r"قتل|مقتل|قتلى|قتيل|مصرع|جرحى|جريح|أصيب|اصيب|إصابة|اصابة|إصابات|مصاب|استشهاد|شهداء|شهيد|"
    r"ضحايا|وفاة|توفي|حصيلة|لقي|لقوا")
# A number as a word of its own (digits, or a number word with an optional clitic).
NUMBER = (r"(?:[0-9\u0660-\u0669]+|(?:[وب]?(?:ال)?)(?:واحد|واحدة|اثنان|اثنين|اثنتين|ثلاث[ةه]?|"
          r"أربع[ةه]?|خمس[ةه]?|ست[ةه]?|سبع[ةه]?|ثماني[ةه]?|ثمان|تسع[ةه]?|عشر[ةه]?|عشرات|"
          r"مئات|آلاف|ألف|مئة|مائة|مئتي|مئتا|عشرين|ثلاثين|أربعين|خمسين|ستين|سبعين|ثمانين|"
          r"تسعين|طفلين|شخصين|جنديين))")
# A casualty figure: a casualty word within three words of a number, either side.
FIGURE = re.compile(
    rf"(?<!\w){NUMBER}(?!\w)(?:\W+\w+){{0,3}}?\W+\w*(?:{CASUALTY.pattern})"
    rf"|(?:{CASUALTY.pattern})\w*(?:\W+\w+){{0,3}}?\W+{NUMBER}(?!\w)")
EVENT = re.compile(
    r"قصف|غار[ةات]|اشتباك|مواجهات|معارك|هجوم|هجمات|هاجم|تفجير|انفجار|مفخخ|ناسف|انتحاري|"
    r"اعتقال|اعتقل|القبض|توقيف|اختطاف|خطف|نزوح|نزح|إجلاء|تهجير|الإفراج|أفرج|سراح|تعزيزات|"
    r"صاروخ|صواريخ|قذائف|قذيفة|استهدف|كمين|مجزرة|طعن|دهس|إطلاق النار|إطلاق نار|مسيرة|"
    r"قتل|مقتل|قتلى|جرحى|أصيب|ضحايا|حرب|عملية عسكرية|هدنة|وقف إطلاق")


def split_of(docno: str) -> str:
    bucket = int(hashlib.sha1(docno.encode()).hexdigest(), 16) % 10
    return "train" if bucket < 6 else "dev" if bucket < 8 else "test"


def stratum(text: str) -> str:
    if FIGURE.search(text):
        return "casualty"
    return "event" if EVENT.search(text) else "other"


def shuffled_articles(rng: random.Random) -> Iterator[tuple[str, str, str, str]]:
    """(DOCNO, title, body, published as YYYY-MM-DD) of every article of the two sections, in
    an order shuffled by ``rng`` (the draws below and in sample_more.py / sample_dev.py)."""
    files = []
    for section in ("middleEast", "internationalNews"):
        files += sorted(glob.glob(str(CORPUS / "*" / section / "*.txt")))
    rng.shuffle(files)
    for path in files:
        raw = open(path, encoding="utf-8").read()
        docno = re.search(r"<DOCNO>(.*?)</DOCNO>", raw).group(1)
        title = re.search(r"<TITLE>(.*?)</TITLE>", raw, re.S).group(1).strip()
        text = re.search(r"<TEXT>(.*?)</TEXT>", raw, re.S).group(1).strip()
        date = docno.rsplit("-", 1)[1]
        yield docno, title, text, f"{date[:4]}-{date[4:6]}-{date[6:]}"


def unused_article_sentences(rng: random.Random, used: set[str], part: str
                             ) -> Iterator[tuple[str, str, str, list[tuple[int, str]]]]:
    """(DOCNO, title, published, [(sentence index, sentence text), ...]) of each article of
    ``part`` (``split_of``) not in ``used``, in ``rng``'s order, its sentences of 8 to 80
    tokens in an order ``rng`` shuffles: the later draws (sample_more.py, sample_dev.py)
    take from these, making the same ``rng`` calls in the same order as when each took
    them inline, so a draw reruns as it was made."""
    for docno, title, text, published in shuffled_articles(rng):
        if docno in used or split_of(docno) != part:
            continue
        candidates = [(i, s) for i, s in enumerate(sentences(text)) if 8 <= len(s) <= 80]
        rng.shuffle(candidates)
        yield docno, title, published, [(i, text[s[0].start:s[-1].end]) for i, s in candidates]


def main() -> None:
    rng = random.Random(SEED)
    pools: dict[str, list[dict]] = {k: [] for k in TARGET}
    seen: set[str] = set()
    for docno, title, text, published in shuffled_articles(rng):
        taken = 0
        candidates = list(enumerate(sentences(text)))
        rng.shuffle(candidates)
        for index, sent in candidates:
            if taken >= 3 or not 8 <= len(sent) <= 80:
                continue
            sentence = text[sent[0].start:sent[-1].end]
            key = dedup_key(sentence)
            kind = stratum(sentence)
            if key in seen or len(pools[kind]) >= TARGET[kind] * 3:
                continue
            seen.add(key)
            taken += 1
            pools[kind].append({"id": f"{docno}#{index}", "split": split_of(docno),
                                "published": published,
                                "stratum": kind, "title": title, "text": sentence})
    items = take_quota(pools, TARGET, rng)
    OUT.mkdir(parents=True, exist_ok=True)
    first = _write_batches(items, 0, PER_BATCH)
    splits = {s: sum(1 for i in items if i["split"] == s) for s in ("train", "dev", "test")}
    print(f"{len(items)} items in {OUT} ({splits})")
    more = pools["casualty"][TARGET["casualty"]:TARGET["casualty"] + MORE_CASUALTY]
    first = _write_batches(more, first, MORE_PER_BATCH)
    print(f"{len(more)} more casualty items in {OUT}")
    extra = []
    for kind, want in MORE_TRAIN.items():
        used = TARGET[kind] + (MORE_CASUALTY if kind == "casualty" else 0)
        extra += [x for x in pools[kind][used:] if x["split"] == "train"][:want]
    rng.shuffle(extra)
    _write_batches(extra, first, MORE_PER_BATCH)
    print(f"{len(extra)} more train-part items in {OUT}")
    # The double-annotation sample: every 8th item of the first draw, in batch order.
    _write_jsonl(OUT / "second_pass.jsonl", items[2::8])


def dedup_key(text: str) -> str:
    """A sentence's text for spotting the same sentence twice (cross-posted stories)."""
    return re.sub(r"\W", "", text)[:60]


def take_quota(pools: dict[str, list[dict]], quota: dict[str, int],
               rng: random.Random) -> list[dict]:
    """``quota[kind]`` items of each stratum's pool, drawn by ``rng``, in a shuffled order."""
    items = []
    for kind, want in quota.items():
        rng.shuffle(pools[kind])
        items += pools[kind][:want]
        print(f"{kind}: {min(want, len(pools[kind]))} of {len(pools[kind])} candidates")
    rng.shuffle(items)
    return items


def _write_batches(items: list[dict], first: int, size: int) -> int:
    """Write ``items`` as batch_NN.jsonl files of ``size`` from number ``first``; return the
    next free number."""
    for n in range(0, len(items), size):
        _write_jsonl(OUT / f"batch_{first + n // size:02d}.jsonl", items[n:n + size])
    return first + -(-len(items) // size)


def _write_jsonl(path: Path, items: list[dict]) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for item in items:
            fh.write(json.dumps(item, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
