"""Quality gate for report detection and casualty figures on real newswire (issue 8).

Scores the production event stage (rules + report model, entities from the shipped NER
model and the gazetteer) on tests/gold/events/reports and checks the floors pinned in
tests/gates/events_reports_baseline.json (measured minus 0.03; re-pin with
``python -m worker.nlp.evaluate_events --gold reports --write-baseline`` after a change that
improves quality).  The keyword baseline is scored in the same run: the system must keep
its lead over it.
"""

from __future__ import annotations

import json
import pathlib

import pytest

from worker.nlp.evaluate_reports import evaluate

BASELINE = pathlib.Path(__file__).parent / "gates" / "events_reports_baseline.json"
PINNED = json.loads(BASELINE.read_text(encoding="utf-8"))

pytestmark = pytest.mark.gate


@pytest.mark.parametrize("split", sorted(PINNED["floors"]))
def test_report_detection_and_figures_stay_above_floors(split):
    scores, _ = evaluate(split, PINNED["ner"])
    system, floors = scores["system"], PINNED["floors"][split]
    failures = [f"{k}: {system[k]:.3f} < {v}" for k, v in floors.items()
                if k != "lead_over_keyword" and system[k] < v]
    lead = system["f1"] - scores["keyword"]["f1"]
    if lead < floors["lead_over_keyword"]:
        failures.append(f"lead over keyword baseline {lead:.3f} < {floors['lead_over_keyword']}")
    print(json.dumps(scores, indent=1))
    assert not failures, f"{split}: " + "; ".join(failures)


def test_gold_is_split_by_article_and_big_enough():
    from worker.nlp.report_model import load_gold

    parts = {s: load_gold(s) for s in ("train", "dev", "test")}
    articles = {s: {i["id"].split("#")[0] for i in items} for s, items in parts.items()}
    assert not articles["train"] & articles["dev"]
    assert not articles["train"] & articles["test"]
    assert not articles["dev"] & articles["test"]
    assert sum(len(items) for items in parts.values()) >= 1500
    with_figures = sum(1 for items in parts.values() for i in items
                       if i["label"] == "report"
                       and (isinstance(i["killed"], int) or isinstance(i["injured"], int)))
    assert with_figures >= 400


def test_a_later_draw_is_scored_on_its_own_and_sits_in_the_train_part():
    from worker.nlp.report_model import batch_ids, load_gold

    fourth = batch_ids("19,20,21")
    train = {i["id"] for i in load_gold("train")}
    assert len(fourth) == 279 and fourth <= train
    assert not fourth & {i["id"] for s in ("dev", "test") for i in load_gold(s)}
