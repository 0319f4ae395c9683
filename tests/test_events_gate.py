"""Quality gate for event extraction: scores on tests/gold/events must stay above the floors
pinned in tests/gates/events_baseline.json (issue 4, item 5; re-pin with
``python -m worker.nlp.evaluate_events --write-baseline``).  Entities are built as in
production (the shipped NER model merged with the gazetteer) when the baseline's ``ner`` is
``bundled``: one model load, about 7 s for both splits; ``--ner none`` is the fast
gazetteer-only mode for iterating on rules."""

from __future__ import annotations

import json
import pathlib

import pytest

from worker.nlp.evaluate_events import evaluate

BASELINE = pathlib.Path(__file__).parent / "gates" / "events_baseline.json"
PINNED = json.loads(BASELINE.read_text(encoding="utf-8"))
FLOORS = PINNED["floors"]
NER = PINNED.get("ner", "none")  # the entity mode the floors were measured with
# The incident gold scores the rules' slots; the report model is gated on the report gold
# (tests/test_events_reports_gate.py).
REPORT_FILTER = {"none": None}.get(PINNED.get("report_filter", "model"), "model")


@pytest.fixture(scope="module", params=sorted(FLOORS))
def scored(request):
    return request.param, evaluate(request.param, NER, REPORT_FILTER).summary()


def _below(scores: dict, floors: dict) -> list[str]:
    got = {"type_micro_f1": scores["type_micro"]["f1"], "incidents_f1": scores["incidents"]["f1"],
           "location_f1": scores["location"]["f1"],
           "killed_f1": scores["killed"]["f1"], "injured_f1": scores["injured"]["f1"]}
    failures = [f"{k}: {got[k]:.3f} < {v}" for k, v in floors.items()
                if k != "type_f1" and got[k] < v]
    for name, floor in floors.get("type_f1", {}).items():
        f1 = scores["type"].get(name, {"f1": 0.0})["f1"]
        if f1 < floor:
            failures.append(f"type {name}: {f1:.3f} < {floor}")
    return failures


@pytest.mark.gate
def test_event_quality_stays_above_pinned_floors(scored):
    split, scores = scored
    failures = _below(scores, FLOORS[split])
    assert not failures, f"{split}: " + "; ".join(failures)


@pytest.mark.gate
def test_gold_set_is_big_enough_and_split():
    from worker.nlp.evaluate_events import load_gold

    dev, test = load_gold("dev"), load_gold("test")
    assert len(dev) + len(test) >= 150 and len(test) >= 50
    assert not {d["id"] for d in dev} & {t["id"] for t in test}
