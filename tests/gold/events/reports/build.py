"""Merge the annotations into the gold files and measure the double-annotation agreement.

    python tests/gold/events/reports/build.py

Reads ``batches/*.jsonl`` (the items) and ``annotated/*.jsonl`` (first pass), writes
``train.jsonl``, ``dev.jsonl`` and ``test.jsonl`` (split by article, fixed in ``sample.py``
before any annotation), and compares ``second_pass/second_pass.jsonl`` (an independent
second annotator on every 8th item) with the first pass: Cohen's kappa on report / not
report and on the three labels, and exact agreement on killed and injured where both
annotators say ``report``.  Where ``recheck/a`` and ``recheck/b`` hold two more blind labels
of train items (``recheck.py``), a first label that both contradict alike is replaced
(:func:`apply_recheck`); ``retest/a`` and ``retest/b`` do the same for every test item
(``retest.py``).  The test part's casualty draw (``sample_test.py``, part ``test_casualty``)
is labelled twice whole (``annotated/`` and ``test_casualty/b``) and a third time where the
two differ (``test_casualty/c``): :func:`adjudicate_test_casualty`.  Prints a summary and
writes ``agreement.json``.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIELDS = ("label", "types", "killed", "injured", "location", "mention_class")
# "probe": dev-part articles drawn by another design than dev's (sample_dev.py --eighth,
# casualty words), a measurement set kept out of dev, whose mix chooses the report model's
# thresholds and carries the gate's floors as a sample of the test part's design.
# "sections": train-split articles of the corpus's other sections (economy, sport,
# technology, culture; sample_sections.py), a measurement part the report model does not
# train on.
# "test_casualty": more casualty sentences of test-split articles (sample_test.py), scored
# with the test gold's casualty sentences for killed and injured exact match.
PARTS = ("train", "dev", "test", "probe", "sections", "test_casualty")
TEST_CASUALTY = HERE / "test_casualty"


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]


def kappa(a: list[str], b: list[str]) -> float:
    """Cohen's kappa of two label lists."""
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b)) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[k] * cb[k] for k in set(a) | set(b)) / (n * n)
    return round((observed - expected) / (1 - expected), 3) if expected < 1 else 1.0


def merged() -> tuple[dict[str, dict], dict]:
    """Every item with its label (first pass, then the recheck's replacements), and the
    recheck's figures."""
    items = {}
    for batch in sorted((HERE / "batches").glob("batch_*.jsonl")):
        labels = read(HERE / "annotated" / batch.name)
        source = read(batch)
        if [x["id"] for x in labels] != [x["id"] for x in source]:
            raise SystemExit(f"{batch.name}: annotation ids do not match the batch")
        for item, label in zip(source, labels):
            items[item["id"]] = {**item, **{k: label[k] for k in FIELDS}}
    recheck = apply_recheck(items, recheck_pairs("recheck"), part="train")
    retest = apply_recheck(items, recheck_pairs("retest"), part="test")
    extra = adjudicate_test_casualty(items)
    return items, {**recheck, **({"retest": retest} if retest else {}),
                   **({"test_casualty": extra} if extra else {})}


def main() -> None:
    items, recheck = merged()
    for split in PARTS:
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
    retest = recheck.pop("retest", None)
    extra = recheck.pop("test_casualty", None)
    if recheck:
        result["recheck"] = recheck
    if retest:
        result["retest"] = retest
    if extra:
        result["test_casualty"] = extra
    (HERE / "agreement.json").write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    print({k: v for k, v in result.items() if k not in ("disagreements", "recheck", "retest")})
    for name, figures in (("recheck", recheck), ("retest", retest), ("test_casualty", extra)):
        if figures:
            print(f"{name}:", {k: v for k, v in figures.items()
                               if k not in ("replaced", "decided")})


def _same_reading(a: dict, b: dict) -> bool:
    """Two labels agree: the same label, and for a report the same killed and injured."""
    return a["label"] == b["label"] and (
        a["label"] != "report" or (a["killed"], a["injured"]) == (b["killed"], b["injured"]))


def adjudicate_test_casualty(items: dict[str, dict]) -> dict:
    """Settle the ``test_casualty`` items (sample_test.py) by their three blind labels: the
    first (``annotated/``, already in ``items``), the second (``test_casualty/b``, every
    item) and, where those two differ in label or in a report's figures, the third
    (``test_casualty/c/labels.jsonl``, over ``test_casualty/c/items.jsonl``, which this
    writes when it is missing).  The reading two of the three share wins; where all three
    differ, the third's.  Returns the agreement figures ({} before any item is labelled)."""
    ids = sorted(k for k, x in items.items() if x["split"] == "test_casualty")
    if not ids:
        return {}
    second = {x["id"]: x for path in sorted((TEST_CASUALTY / "b").glob("batch_*.jsonl"))
              for x in read(path)}
    if sorted(second) != ids:
        raise SystemExit(f"test_casualty/b: {len(set(ids) - set(second))} items unlabelled "
                         "(the second pass labels every item of batches 195-197)")
    disputed = [k for k in ids if not _same_reading(items[k], second[k])]
    items_path = TEST_CASUALTY / "c" / "items.jsonl"
    labels_path = TEST_CASUALTY / "c" / "labels.jsonl"
    if disputed and not labels_path.exists():
        items_path.parent.mkdir(parents=True, exist_ok=True)
        with items_path.open("w", encoding="utf-8") as fh:
            for k in disputed:
                fh.write(json.dumps({f: items[k][f] for f in ("id", "split", "published",
                                                               "stratum", "title", "text")},
                                    ensure_ascii=False) + "\n")
        raise SystemExit(f"test_casualty: {len(disputed)} items where the two labels differ, "
                         f"written to {items_path}: a third blind annotator labels them into "
                         f"{labels_path}, then run this again")
    third = {x["id"]: x for x in read(labels_path)} if disputed else {}
    if sorted(third) != disputed:
        raise SystemExit(f"{labels_path}: its ids are not the {len(disputed)} disputed items "
                         f"of {items_path}")
    first_labels = {k: dict(items[k]) for k in ids}
    decided = []
    for k in disputed:
        a, b, c = first_labels[k], second[k], third[k]
        winner = a if _same_reading(c, a) else b if _same_reading(c, b) else c
        decided.append({"id": k, "a": [a["label"], a["killed"], a["injured"]],
                        "b": [b["label"], b["killed"], b["injured"]],
                        "c": [c["label"], c["killed"], c["injured"]],
                        "by": "a" if winner is a else "b" if winner is b else "c"})
        items[k].update({f: winner[f] for f in FIELDS})
    both = [(first_labels[k], second[k]) for k in ids
            if first_labels[k]["label"] == second[k]["label"] == "report"]
    return {
        "items": len(ids),
        "kappa_a_vs_b_report_vs_not": kappa(
            [first_labels[k]["label"] == "report" for k in ids],
            [second[k]["label"] == "report" for k in ids]),
        "a_b_agree": len(ids) - len(disputed),
        "a_b_both_report": len(both),
        "a_b_killed_exact": round(sum(a["killed"] == b["killed"] for a, b in both)
                                  / max(len(both), 1), 3),
        "a_b_injured_exact": round(sum(a["injured"] == b["injured"] for a, b in both)
                                   / max(len(both), 1), 3),
        "disputed": len(disputed),
        "decided_by": {side: sum(d["by"] == side for d in decided) for side in "abc"},
        "decided": decided,
    }


def recheck_pairs(folder: str) -> list[tuple[dict, dict]]:
    """(side a, side b) label pairs of the items of ``folder`` (recheck, retest), in batch
    order."""
    pairs: list[tuple[dict, dict]] = []
    names = sorted({p.name for side in "ab"
                    for p in (HERE / folder / side).glob("batch_*.jsonl")})
    for name in names:
        a_path, b_path = HERE / folder / "a" / name, HERE / folder / "b" / name
        if not (a_path.exists() and b_path.exists()):
            raise SystemExit(f"{folder}/{name}: labelled on one side only (a and b both "
                             "label every batch)")
        a, b, ids = read(a_path), read(b_path), [x["id"] for x in read(HERE / folder / name)]
        if [x["id"] for x in a] != ids or [x["id"] for x in b] != ids:
            raise SystemExit(f"{folder}/{name}: label ids do not match the batch")
        pairs += zip(a, b)
    return pairs


def apply_recheck(items: dict[str, dict], pairs: list[tuple[dict, dict]], part: str) -> dict:
    """Replace a first label where two later blind labels (``recheck/a``, ``recheck/b``, of
    the train items ``recheck.py`` chose; ``retest/a``, ``retest/b``, of every test item)
    agree with each other and not with it: two votes against one.  Returns the agreement
    figures and the replaced ids ({} with no recheck)."""
    if not pairs:
        return {}
    ids = [a["id"] for a, _ in pairs]
    if part == "test" and sorted(ids) != sorted(k for k, x in items.items()
                                                if x["split"] == "test"):
        # The test part is relabelled whole or not at all: a selection of test items by
        # what a system reads would bias the test figure toward that system.
        raise SystemExit("retest: the relabelled items are not exactly the test part")
    # Where the two new labels both say report: how often they agree on the figures (the
    # noise of one careful reading of a casualty sentence).
    both = [(a, b) for a, b in pairs if a["label"] == b["label"] == "report"]
    # and the first label against each new one, on killed where both call it a report
    first_killed = {side: [(items[x["id"]]["killed"], x["killed"]) for pair in pairs
                           for x in [pair[n]] if x["label"] == items[x["id"]]["label"] == "report"]
                    for n, side in enumerate("ab")}
    # report or not, as first labelled (before any replacement below)
    first_labels = [items[a["id"]]["label"] == "report" for a, _ in pairs]
    replaced = []
    for a, b in pairs:
        first = items[a["id"]]
        if first["split"] != part:
            raise SystemExit(f"recheck: {a['id']} is not a {part} item")
        if _same_reading(a, b) and not _same_reading(a, first):
            replaced.append({"id": a["id"], "first": [first["label"], first["killed"],
                                                      first["injured"]],
                             "now": [a["label"], a["killed"], a["injured"]]})
            first.update({k: a[k] for k in FIELDS})
    return {
        "items": len(pairs),
        "kappa_a_vs_b_report_vs_not": kappa([a["label"] == "report" for a, _ in pairs],
                                            [b["label"] == "report" for _, b in pairs]),
        "first_vs_a_report_agreement": round(sum(
            f == (a["label"] == "report") for f, (a, _) in zip(first_labels, pairs))
            / len(pairs), 3),
        "first_vs_b_report_agreement": round(sum(
            f == (b["label"] == "report") for f, (_, b) in zip(first_labels, pairs))
            / len(pairs), 3),
        "a_b_agree": sum(_same_reading(a, b) for a, b in pairs),
        "a_b_both_report": len(both),
        **{f"first_vs_{side}_killed_exact": round(sum(f == x for f, x in got) / len(got), 3)
           if got else None for side, got in first_killed.items()},
        "a_b_killed_exact": round(sum(a["killed"] == b["killed"] for a, b in both)
                                  / max(len(both), 1), 3),
        "a_b_injured_exact": round(sum(a["injured"] == b["injured"] for a, b in both)
                                   / max(len(both), 1), 3),
        "replaced": replaced,
        "replaced_count": len(replaced),
    }


if __name__ == "__main__":
    main()
