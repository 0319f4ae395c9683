"""Second and third blind labels for the train items the report model most disagrees with.

    python tests/gold/events/reports/recheck.py            # writes recheck/batch_rNN.jsonl
    python tests/gold/events/reports/recheck.py --figures  # writes recheck/batch_fNN.jsonl

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

``--figures`` (the same stop, later) selects the other way the gold and the system
disagree: train reports with a killed figure that the rules, keeping every trigger, read
otherwise (the rules' train errors, which later stops read to find what to fix), minus the
items already rechecked.  The same two blind labels and the same rule in ``build.py``.
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
PER_FIGURE_BATCH = 48  # (190 items: four batches, one annotator per side each)
SEED = 20261201


def suspects() -> list[tuple[dict, float]]:
    """(item, out-of-fold report probability) for the train items past the two cut-offs."""
    sys.path.insert(0, str(ROOT))
    from worker.nlp import report_model as rm

    items = rm.load_gold("train")
    entities = rm.gazetteer_entities(items)
    feats = rm.candidate_features(items, lambda _: entities)
    folds = rm.article_folds(items, 5)
    meta = rm.ReportModel.load().meta  # the shipped model's recipe: L2, epochs, min_count
    args = argparse.Namespace(epochs=meta["epochs"], min_count=meta["min_count"])
    models = rm.fold_models(items, feats, folds, meta["l2"], args)
    out = []
    for item, found, fold in zip(items, feats, folds):
        if not found:
            continue  # no candidate trigger: the model never judges it
        p = max(models[fold].probability(f) for f in found)
        if (item["label"] == "report" and p < REPORT_BELOW) or \
                (item["label"] != "report" and p > OTHER_ABOVE):
            out.append((item, p))
    return out


def figure_suspects() -> list[tuple[dict, float]]:
    """(item, 0.0) for the train reports whose killed figure the rules read otherwise (every
    trigger kept, gazetteer entities as in training), not rechecked before."""
    sys.path.insert(0, str(ROOT))
    from worker.nlp import report_model as rm
    from worker.nlp.evaluate_reports import from_events
    from worker.nlp.events import extract_events
    from worker.nlp.tokenize import sentences

    done = {json.loads(line)["id"] for path in OUT.glob("batch_*.jsonl")
            for line in path.open(encoding="utf-8") if line.strip()}
    items = [item for item in rm.load_gold("train") if item["label"] == "report"
             and item["killed"] is not None and item["id"] not in done]
    out = []
    for item, entities in zip(items, rm.gazetteer_entities(items)):
        text = item["text"]
        read = from_events(extract_events(text, sentences(text), entities, item.get("published"),
                                          report_filter=lambda _: True))
        if read.killed != item["killed"]:
            out.append((item, 0.0))
    return out


def main() -> None:
    figures = "--figures" in sys.argv[1:]
    prefix = "f" if figures else "r"
    if list(OUT.glob(f"batch_{prefix}*.jsonl")):
        # The selection depends on the model and the labels of its day (r: commit 140c898,
        # f: the commit that added them); the committed batches are the record, and their
        # a/b labels match them item for item.
        raise SystemExit(f"{OUT}/batch_{prefix}*.jsonl exist: this selection was made; "
                         "delete them first to make a new one (and label it again)")
    chosen = figure_suspects() if figures else suspects()
    records = [{k: item[k] for k in ("id", "split", "published", "stratum", "title", "text")}
               for item, _ in chosen]
    random.Random(SEED).shuffle(records)  # no order by probability or by label
    OUT.mkdir(exist_ok=True)
    size = PER_FIGURE_BATCH if figures else PER_BATCH
    for n in range(0, len(records), size):
        path = OUT / f"batch_{prefix}{n // size + 1:02d}.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for record in records[n:n + size]:
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    if figures:
        print(f"{len(records)} train reports whose killed figure the rules read otherwise, to "
              f"label again, in {OUT}/batch_f*.jsonl")
        return
    reports = sum(item["label"] == "report" for item, _ in chosen)
    print(f"{len(records)} train items to label again ({reports} first labelled report with "
          f"p < {REPORT_BELOW}, {len(records) - reports} not report with p > {OTHER_ABOVE}) "
          f"in {OUT}/batch_r*.jsonl")


if __name__ == "__main__":
    main()
