"""The evaluation's bootstrap intervals (worker.nlp.evaluate_reports.bootstrap_intervals):
resampled by article, seeded, and bracketing the point estimate."""

from __future__ import annotations

import json

from worker.nlp import evaluate_reports
from worker.nlp.evaluate_reports import Prediction, bootstrap_intervals, score


def _casualty_items(articles: dict[str, list[bool]]) -> tuple[list, dict]:
    """Gold casualty sentences (killed 3) and predictions right or wrong as given, per
    article; the keyword baseline detects every report and reads no figure."""
    items, system, keyword = [], [], []
    for article, rights in articles.items():
        for n, right in enumerate(rights):
            items.append({"id": f"{article}#{n}", "label": "report",
                          "types": ["armed_attack"], "killed": 3, "injured": None,
                          "mention_class": None, "text": "قتل ثلاثة"})
            system.append(Prediction(True, {"armed_attack"}, 3 if right else 1, None))
            keyword.append(Prediction(True, {"armed_attack"}, None, None))
    return items, {"system": system, "keyword": keyword}


def test_sentences_of_one_article_are_resampled_together():
    # two articles, one all right and one all wrong: drawn as whole articles, a resample is
    # right for 0, 1/2 or all of its sentences, so the interval spans [0, 1]; drawn as
    # twenty loose sentences it would be near [0.3, 0.7]
    items, preds = _casualty_items({"A-1": [True] * 10, "B-2": [False] * 10})
    spread = bootstrap_intervals(items, preds, resamples=400)
    assert spread["articles"] == 2
    assert spread["killed_exact"] == [0.0, 1.0]


def test_the_interval_brackets_the_estimate_and_narrows_with_more_articles():
    pattern = [True, True, True, False]  # 0.75 right
    small = _casualty_items({f"S-{n}": [pattern[n % 4]] for n in range(40)})
    large = _casualty_items({f"L-{n}": [pattern[n % 4]] for n in range(400)})
    for items, preds in (small, large):
        point = score(items, preds["system"])["killed_exact"]
        low, high = bootstrap_intervals(items, preds, resamples=500)["killed_exact"]
        assert low < point < high
    width = [bootstrap_intervals(i, p, resamples=500)["killed_exact"] for i, p in (small, large)]
    assert width[1][1] - width[1][0] < (width[0][1] - width[0][0]) / 2


def test_the_same_seed_gives_the_same_interval_and_the_lead_is_measured():
    items, preds = _casualty_items({f"A-{n}": [n % 3 != 0] for n in range(60)})
    first = bootstrap_intervals(items, preds, resamples=300, seed=7)
    assert first == bootstrap_intervals(items, preds, resamples=300, seed=7)
    # every sentence is a report both systems detect: the F1 lead is exactly 0
    assert first["lead_over_keyword"] == [0.0, 0.0]
    assert first["f1"] == [1.0, 1.0]


def test_the_command_prints_the_intervals_under_the_table(monkeypatch, capsys):
    items, preds = _casualty_items({f"A-{n}": [n % 4 != 0] for n in range(40)})
    preds = {name: preds["keyword"] for name in evaluate_reports.SYSTEMS} | {
        "system": preds["system"]}
    monkeypatch.setattr(evaluate_reports, "_scored", lambda split, ner, only: (items, preds))
    evaluate_reports.main("test", "none", as_json=False, show_errors=False)
    table = capsys.readouterr().out
    assert "system, 95% intervals (bootstrap over 40 articles" in table
    assert "killed = [" in table
    evaluate_reports.main("test", "none", as_json=True, show_errors=False, intervals=False)
    assert "intervals" not in json.loads(capsys.readouterr().out)
