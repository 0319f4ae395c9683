"""Two more blind labels for every item of the test part: how noisy is the test gold?

    python tests/gold/events/reports/retest.py     # writes retest/batch_tNN.jsonl

Why: killed exact on the test part has stayed at 0.862 for four stops, and each test
sentence is one annotator's reading.  The first draw's double annotation (every 8th item,
``second_pass/``) agreed on killed on all 68 items both called reports, too few to say how
often one careful reading of a casualty sentence disagrees with another.  This relabels the
whole test part the same way the train recheck did (``recheck.py``), with one difference
that matters for an honest test figure: the selection is **every** test item, not the items
a model or the rules disagree with, so no label is looked at again because of what the
system says.  Two annotators label each item blind to the first label and to any system
output (``retest/a``, ``retest/b``, the ``annotated/`` record format); ``build.py`` replaces
a first label only where both agree with each other (label, and killed and injured for a
report) and not with it: two blind votes against one, the rule of the train recheck.

Decided before any relabel was read, and kept whichever way the figures move: the gold
with the replacements becomes ``test.jsonl``; the README gives the test figures on the
first labels beside those on the adjudicated ones, and ``agreement.json`` the annotators'
agreement (report or not, killed and injured) over all 408 items.  Dev and train keep
their labels (the train recheck aside).
"""
from __future__ import annotations

import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "retest"
PER_BATCH = 102  # 408 test items: four batches, one annotator per side each
SEED = 20261206


def main() -> None:
    if list(OUT.glob("batch_t*.jsonl")):
        raise SystemExit(f"{OUT}/batch_t*.jsonl exist: the committed batches are the record, "
                         "and their a/b labels match them item for item")
    items = [json.loads(line) for line in (HERE / "test.jsonl").open(encoding="utf-8")
             if line.strip()]
    records = [{k: item[k] for k in ("id", "split", "published", "stratum", "title", "text")}
               for item in items]
    random.Random(SEED).shuffle(records)  # no order by label or stratum
    OUT.mkdir(exist_ok=True)
    for n in range(0, len(records), PER_BATCH):
        path = OUT / f"batch_t{n // PER_BATCH + 1:02d}.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for record in records[n:n + PER_BATCH]:
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"{len(records)} test items to label twice more in {OUT}/batch_t*.jsonl")


if __name__ == "__main__":
    main()
