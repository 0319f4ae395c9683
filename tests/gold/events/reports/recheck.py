"""Second and third blind labels for the train items the report model most disagrees with.

    python tests/gold/events/reports/recheck.py        # writes recheck/batch_rNN.jsonl

Label noise in the train part teaches the report model a blurred boundary (issue 8): some
first-pass labels contradict the guideline ("أدى انفجار القنبلة ... إلى مقتل 7 من رجال
الشرطة" labelled a mention; a rumour labelled a report).  Which items to look at again is
chosen as in confident learning (Northcutt, Jiang and Chuang 2021, "Confident learning:
estimating uncertainty in dataset labels", JAIR 70): by the out-of-fold probability of the
model trained without the item's article, five folds by article (``report_model``'s own
folds, L2 and features; the shipped model's L2).  A report the model gives under 0.20, or a
mention or none it gives over 0.85, is re-labelled.  Nothing is decided here: two annotators
label each selected item again, blind to the first label and to the model
(``recheck/a``, ``recheck/b``, the same record format as ``annotated/``), and
``build.py`` replaces the first label only where both agree with each other (on the label,
and on killed and injured for a report) and not with it: two blind votes against one.
Only the train part is selected; dev and test keep their labels.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[3]
OUT = HERE / "recheck"
REPORT_BELOW, OTHER_ABOVE = 0.20, 0.85
PER_BATCH = 32
SEED = 20261201


def suspects() -> list[tuple[dict, float]]:
    """(item, out-of-fold report probability) for the train items past the two cut-offs."""
    sys.path.insert(0, str(ROOT))
    from worker.nlp import report_model as rm

    items = rm.load_gold("train")
    entities = rm.gazetteer_entities(items)
    feats = rm.candidate_features(items, lambda _: entities)
    folds = rm.article_folds(items, 5)
    l2 = rm.ReportModel.load().meta.get("l2", 1.0)
    args = argparse.Namespace(epochs=300, min_count=2)
    models = rm.fold_models(items, feats, folds, l2, args)
    out = []
    for item, found, fold in zip(items, feats, folds):
        if not found:
            continue  # no candidate trigger: the model never judges it
        p = max(models[fold].probability(f) for f in found)
        if (item["label"] == "report" and p < REPORT_BELOW) or \
                (item["label"] != "report" and p > OTHER_ABOVE):
            out.append((item, p))
    return out


def main() -> None:
    chosen = suspects()
    records = [{k: item[k] for k in ("id", "split", "published", "stratum", "title", "text")}
               for item, _ in chosen]
    random.Random(SEED).shuffle(records)  # no order by probability or by label
    OUT.mkdir(exist_ok=True)
    for n in range(0, len(records), PER_BATCH):
        path = OUT / f"batch_r{n // PER_BATCH + 1:02d}.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for record in records[n:n + PER_BATCH]:
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    reports = sum(item["label"] == "report" for item, _ in chosen)
    print(f"{len(records)} train items to label again ({reports} first labelled report with "
          f"p < {REPORT_BELOW}, {len(records) - reports} not report with p > {OTHER_ABOVE}) "
          f"in {OUT}/batch_r*.jsonl")


if __name__ == "__main__":
    main()
