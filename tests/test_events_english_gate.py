"""Quality gate for English casualty figures (issue 8, item 4: English feeds).

Scores the event stage on tests/gold/events/english (dev and test) and checks the floors
pinned in tests/gates/events_english_baseline.json (measured minus 0.03; re-pin with
``python -m worker.nlp.evaluate_events --gold english --write-baseline`` after a change that
improves quality).  The keyword baseline is scored in the same run: the system must keep
its lead in killed exact over it.  Entities: the gazetteer's only, as production gives an
English sentence (worker.extract does not put it through the Arabic NER model).
"""

from __future__ import annotations

import json

import pytest

from worker.nlp.evaluate_english import BASELINE, evaluate

PINNED = json.loads(BASELINE.read_text(encoding="utf-8"))

pytestmark = pytest.mark.gate


@pytest.mark.parametrize("split", sorted(PINNED["floors"]))
def test_english_figures_stay_above_floors(split):
    scores = evaluate(split)
    system, floors = scores["system"], PINNED["floors"][split]
    failures = [f"{k}: {system[k]:.3f} < {v}" for k, v in floors.items()
                if k in system and system[k] < v]
    lead = system["killed_exact"] - scores["keyword"]["killed_exact"]
    if lead < floors["killed_lead_over_keyword"]:
        failures.append(f"killed lead over keyword {lead:.3f} < "
                        f"{floors['killed_lead_over_keyword']}")
    print(json.dumps(scores, indent=1))
    assert not failures, f"{split}: " + "; ".join(failures)
