"""Score an English gold file with the event stage of whichever checkout is on PYTHONPATH
(totals only): how the English figures of an older commit were measured, since older
commits have no `--gold english`.

    git worktree add /tmp/old 2926b29
    PYTHONPATH=/tmp/old python bench/score_english_gold.py tests/gold/events/english/test.jsonl
"""

from __future__ import annotations

import json
import sys

from worker.nlp.evaluate_reports import from_events
from worker.nlp.events import extract_events
from worker.nlp.tokenize import sentences


def main(path: str) -> int:
    items = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    tp = fp = fn = n = killed = injured = 0
    for item in items:
        p = from_events(extract_events(item["text"], sentences(item["text"]), [],
                                       item.get("published"), report_filter="model"))
        gold = item["label"] == "report"
        tp, fp, fn = tp + (gold and p.report), fp + (p.report and not gold), \
            fn + (gold and not p.report)
        if gold and (item["killed"] is not None or item["injured"] is not None):
            n += 1
            killed += item["killed"] == p.killed
            injured += item["injured"] == p.injured
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"{len(items)} sentences, {n} casualty sentences: report P {precision:.3f} "
          f"R {recall:.3f} F1 {f1:.3f}, killed exact {killed / n:.3f}, "
          f"injured exact {injured / n:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
