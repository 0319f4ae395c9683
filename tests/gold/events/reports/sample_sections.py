"""A draw from the ANT corpus's other sections for the report gold (issue 8, stop 29).

    python tests/gold/events/reports/sample_sections.py

Why: every gold part so far comes from the ``middleEast`` and ``internationalNews``
sections, where most casualty words are violence.  A news feed also carries economy,
sport, technology and culture pages, where the same words are mostly something else
("هجوم" of a team, "ضحايا" of a scam, "وفاة" of an artist, "إصابة" of a player), and
where a monitoring tool must not raise casualty alerts.  This draw measures the event
stage on those pages, on text none of its rules or its model was read off.

Sentences of 8 to 80 tokens with a casualty word (``sample.CASUALTY``), at most two an
article, from articles of the four sections whose ``split_of`` is train (so that a later
stop may train on them without touching a dev or test article), no sentence whose text the
gold already has; fixed seed; 300 items written as ``batches/batch_189.jsonl`` to
``batch_194.jsonl`` (50 each).  Their ``split`` is ``sections``: build.py writes them to
``sections.jsonl``, a measurement part apart from train (the report model does not train on
it); ``python -m worker.nlp.evaluate_events --split sections`` scores it.
"""
from __future__ import annotations

import glob
import json
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[3]))
from sample import CASUALTY, CORPUS, OUT, _write_jsonl, dedup_key, split_of  # noqa: E402

from worker.nlp.tokenize import sentences  # noqa: E402

SEED = 20261201
SECTIONS = ("economy", "sport", "technology", "culture")
ITEMS, PER_BATCH, FIRST_BATCH = 300, 50, 189
PER_ARTICLE = 2


def gold_texts() -> set[str]:
    keys = set()
    for path in sorted(OUT.glob("batch_*.jsonl")):
        keys |= {dedup_key(json.loads(line)["text"]) for line in path.open(encoding="utf-8")
                 if line.strip()}
    return keys


def main() -> int:
    rng = random.Random(SEED)
    if (OUT / f"batch_{FIRST_BATCH}.jsonl").exists():
        raise SystemExit(f"batch_{FIRST_BATCH}.jsonl exists: this draw was made; the committed "
                         "batches are its record")
    files = []
    for section in SECTIONS:
        files += sorted(glob.glob(str(CORPUS / "*" / section / "*.txt")))
    if not files:
        raise SystemExit(f"no articles under {CORPUS}: is ../shared beside the repository?")
    rng.shuffle(files)
    seen = gold_texts()
    pool: list[dict] = []
    for path in files:
        raw = open(path, encoding="utf-8").read()
        docno = re.search(r"<DOCNO>(.*?)</DOCNO>", raw).group(1)
        if split_of(docno) != "train":
            continue
        title = re.search(r"<TITLE>(.*?)</TITLE>", raw, re.S).group(1).strip()
        text = re.search(r"<TEXT>(.*?)</TEXT>", raw, re.S).group(1).strip()
        date = docno.rsplit("-", 1)[1]
        candidates = [(i, s) for i, s in enumerate(sentences(text)) if 8 <= len(s) <= 80]
        rng.shuffle(candidates)
        taken = 0
        for index, sent in candidates:
            sentence = text[sent[0].start:sent[-1].end]
            key = dedup_key(sentence)
            if taken >= PER_ARTICLE or key in seen or not CASUALTY.search(sentence):
                continue
            seen.add(key)
            taken += 1
            pool.append({"id": f"{docno}#{index}", "split": "sections",
                         "published": f"{date[:4]}-{date[4:6]}-{date[6:]}",
                         "stratum": "section:" + Path(path).parent.name,
                         "title": title, "text": sentence})
    rng.shuffle(pool)
    items = pool[:ITEMS]
    for n in range(0, len(items), PER_BATCH):
        _write_jsonl(OUT / f"batch_{FIRST_BATCH + n // PER_BATCH}.jsonl", items[n:n + PER_BATCH])
    by_section = {s: sum(1 for x in items if x["stratum"] == "section:" + s) for s in SECTIONS}
    print(f"{len(items)} of {len(pool)} candidates in batch_{FIRST_BATCH}.jsonl to "
          f"batch_{FIRST_BATCH + (len(items) - 1) // PER_BATCH}.jsonl: {by_section}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
