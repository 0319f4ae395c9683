"""Write ``leads.jsonl``: the lead of every article the report gold draws from.

    python tests/gold/events/reports/leads.py

The gold's items are single sentences; production runs the event stage on whole articles,
whose lead (title and first two body sentences, worker/nlp/events.py ``_lead_figures``)
the report model reads as context.  This file gives the gold items the same context:
``{"article": DOCNO, "lead": [title, first sentence, second sentence]}`` per line, read by
``worker.nlp.report_model.load_gold``.  Sentences are split as the gold was drawn
(``worker.nlp.tokenize.sentences`` over the body, sample.py), from the ANT corpus in
``../shared/data/news/antcorpus``.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[3]))

from worker.nlp.tokenize import sentences  # noqa: E402

CORPUS = HERE.parents[3].parent / "shared" / "data" / "news" / "antcorpus"
OUT = HERE / "leads.jsonl"
BODY_SENTENCES = 2  # as worker/nlp/events.py _LEAD_BODY_SENTENCES


def gold_articles() -> set[str]:
    ids = set()
    for path in sorted((HERE / "batches").glob("batch_*.jsonl")):
        ids |= {json.loads(line)["id"].split("#")[0] for line in path.open(encoding="utf-8")
                if line.strip()}
    return ids


def main() -> int:
    wanted = gold_articles()
    found: dict[str, list[str]] = {}
    files = sorted(CORPUS.glob("*/*/*.txt"))
    if not files:
        raise SystemExit(f"no articles under {CORPUS}: is ../shared beside the repository?")
    for path in files:
        raw = path.read_text(encoding="utf-8")
        docno = re.search(r"<DOCNO>(.*?)</DOCNO>", raw).group(1)
        if docno not in wanted:
            continue
        title = re.search(r"<TITLE>(.*?)</TITLE>", raw, re.S).group(1).strip()
        body = re.search(r"<TEXT>(.*?)</TEXT>", raw, re.S).group(1).strip()
        lead = [body[s[0].start:s[-1].end] for s in sentences(body)[:BODY_SENTENCES] if s]
        found[docno] = [title, *lead]
    missing = wanted - set(found)
    if missing:
        raise SystemExit(f"{len(missing)} gold articles not in {CORPUS}, e.g. {min(missing)}")
    with OUT.open("w", encoding="utf-8") as out:
        for docno in sorted(found):
            out.write(json.dumps({"article": docno, "lead": found[docno]},
                                 ensure_ascii=False) + "\n")
    print(f"wrote {OUT} ({len(found)} articles)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
