"""Merge the annotations into the gold files and measure the double-annotation agreement.

    python tests/gold/events/reports/build.py

Reads ``batches/*.jsonl`` (the items) and ``annotated/*.jsonl`` (first pass), writes
``train.jsonl``, ``dev.jsonl`` and ``test.jsonl`` (split by article, fixed in ``sample.py``
before any annotation), and compares ``second_pass/second_pass.jsonl`` (an independent
second annotator on every 8th item) with the first pass: Cohen's kappa on report / not
report and on the three labels, and exact agreement on killed and injured where both
annotators say ``report``.  Prints a summary and writes ``agreement.json``.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIELDS = ("label", "types", "killed", "injured", "location", "mention_class")


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]


def kappa(a: list[str], b: list[str]) -> float:
    """Cohen's kappa of two label lists."""
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b)) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[k] * cb[k] for k in set(a) | set(b)) / (n * n)
    return round((observed - expected) / (1 - expected), 3) if expected < 1 else 1.0


def main() -> None:
    items = {}
    for batch in sorted((HERE / "batches").glob("batch_*.jsonl")):
        labels = read(HERE / "annotated" / batch.name)
        source = read(batch)
        if [x["id"] for x in labels] != [x["id"] for x in source]:
            raise SystemExit(f"{batch.name}: annotation ids do not match the batch")
        for item, label in zip(source, labels):
            items[item["id"]] = {**item, **{k: label[k] for k in FIELDS}}
    for split in ("train", "dev", "test"):
        part = [x for x in items.values() if x["split"] == split]
        with open(HERE / f"{split}.jsonl", "w", encoding="utf-8") as fh:
            for x in sorted(part, key=lambda x: x["id"]):
                fh.write(json.dumps(x, ensure_ascii=False) + "\n")
        labels = Counter(x["label"] for x in part)
        figures = sum(1 for x in part if x["label"] == "report"
                      and (isinstance(x["killed"], int) or isinstance(x["injured"], int)))
        print(f"{split}: {len(part)} items, {dict(labels)}, {figures} reports with a figure, "
              f"{len({x['id'].split('#')[0] for x in part})} articles")
    second = read(HERE / "second_pass" / "second_pass.jsonl")
    first = [items[x["id"]] for x in second]
    binary = kappa([x["label"] == "report" for x in first], [x["label"] == "report" for x in second])
    three = kappa([x["label"] for x in first], [x["label"] for x in second])
    both = [(f, s) for f, s in zip(first, second) if f["label"] == s["label"] == "report"]
    result = {
        "items": len(second),
        "label_agreement": round(sum(f["label"] == s["label"] for f, s in zip(first, second))
                                 / len(second), 3),
        "kappa_report_vs_not": binary, "kappa_three_labels": three,
        "both_report": len(both),
        "killed_exact": round(sum(f["killed"] == s["killed"] for f, s in both) / len(both), 3),
        "injured_exact": round(sum(f["injured"] == s["injured"] for f, s in both) / len(both), 3),
        "type_set_exact": round(sum(set(f["types"]) == set(s["types"]) for f, s in both)
                                / len(both), 3),
        "disagreements": [{"id": f["id"], "first": f["label"], "second": s["label"]}
                          for f, s in zip(first, second) if f["label"] != s["label"]],
    }
    (HERE / "agreement.json").write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    print({k: v for k, v in result.items() if k != "disagreements"})


if __name__ == "__main__":
    main()
