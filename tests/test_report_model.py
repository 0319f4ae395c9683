"""The report-vs-mention model (worker/nlp/report_model.py, issue 8): shipped, small, and
deciding what the rules cannot: a trial, an anniversary or a multi-year toll mentions an
attack; a strike this week reports one.  Quality on held-out newswire is gated in
tests/test_events_reports_gate.py; these are behaviour checks on written sentences."""

from __future__ import annotations

import json

import pytest

from worker.nlp import report_model
from worker.nlp.events import extract_events
from worker.nlp.tokenize import sentences

PUBLISHED = "2018-05-01"


def events(text: str, report_filter="model"):
    return extract_events(text, sentences(text), [], PUBLISHED, report_filter=report_filter)


def test_shipped_model_is_small_and_loads():
    assert report_model.MODEL_PATH.stat().st_size < 10_000_000
    model = report_model.ReportModel.load()
    assert 0.0 < model.threshold < 1.0
    assert model.meta["train_sentences"] >= 1000
    assert "bias" in model.weights


@pytest.mark.parametrize("text", [
    pytest.param("قتل 30 مدنيا على الأقل، بينهم ثلاثة أطفال، الجمعة في غارات جوية شنها الطيران "
                 "الروسي على بلدات في محافظة إدلب، وفق المرصد السوري لحقوق الإنسان.",
                 id="airstrike-this-week"),
    pytest.param("قال مسؤول أمني إن انفجار سيارة مفخخة في سوق مزدحم بمدينة الرمادي أدى إلى مقتل "
                 "سبعة أشخاص وإصابة 15 آخرين اليوم الأحد.", id="car-bomb-today"),
    pytest.param("اعتقلت قوات الأمن التركية، الثلاثاء، 15 شخصا يشتبه في انتمائهم لتنظيم داعش في "
                 "مداهمات بمدينة إسطنبول.", id="arrests-on-tuesday"),
])
def test_reports_are_kept(text):
    assert events(text)


@pytest.mark.parametrize("text", [
    pytest.param("بدأت اليوم محاكمة خمسة متهمين بتنفيذ تفجير الكنيسة الذي وقع في القاهرة عام "
                 "2016 وأسفر عن مقتل 29 شخصا.", id="trial-about-an-old-bombing"),
    pytest.param("يحيي السوريون الذكرى السنوية الخامسة للهجوم الكيماوي على الغوطة الشرقية عام "
                 "2013 الذي أودى بحياة المئات.", id="anniversary"),
    pytest.param("وقتل أكثر من 350 ألف شخص منذ اندلاع النزاع في سوريا عام 2011.",
                 id="multi-year-toll"),
])
def test_mentions_the_rules_accept_are_dropped_by_the_model(text):
    assert events(text, report_filter=None), "the rules alone take it for an event"
    assert not events(text), "the report model calls it a mention"


def test_a_mention_takes_its_figures_with_it():
    text = "وقتل أكثر من 350 ألف شخص منذ اندلاع النزاع في سوريا عام 2011."
    assert events(text, report_filter=None)[0].killed["count"] == 350_000
    assert all(e.killed is None for e in events(text))


def test_features_see_time_and_the_pluperfect():
    words = "وكان الجيش قد قصف البلده عام 2016".split()
    feats = report_model.features(words, 3, "shelling", published=PUBLISHED, casualties=[],
                                  times=[{"resolved": "2016-01-01"}], has_place=False,
                                  quote_before=False)
    assert {"pluperfect", "year<pub", "time>30d", "t=shelling"} <= set(feats)


def test_a_year_after_since_is_a_duration_not_an_older_event():
    words = "ما اسفر عن مقتل 11 شخصا في النزاع المستمر منذ 2001".split()
    feats = report_model.features(words, 3, "casualties", published=PUBLISHED, casualties=[],
                                  times=[], has_place=False, quote_before=False)
    assert "year_since" in feats and "year<pub" not in feats
    words = "وقتل 11 شخصا منذ عام 2014 في النزاع".split()
    feats = report_model.features(words, 0, "casualties", published=PUBLISHED, casualties=[],
                                  times=[], has_place=False, quote_before=False)
    assert "year_since" in feats


def test_training_learns_a_separable_signal():
    examples = [["bias", "S=هدد"]] * 20 + [["bias", "S=امس"]] * 20
    labels = [0] * 20 + [1] * 20
    model = report_model.ReportModel(report_model.fit(examples, labels, l2=0.1, min_count=1),
                                     0.5, {})
    assert model.probability(["bias", "S=امس"]) > 0.9
    assert model.probability(["bias", "S=هدد"]) < 0.1


def test_a_custom_filter_sees_every_candidate():
    seen = []
    events("أسفر القصف عن مقتل 5 أشخاص أمس.", report_filter=lambda f: seen.append(f) or False)
    assert seen and all("bias" in f for f in seen)


def test_a_trigger_with_a_casualty_figure_has_its_own_threshold(tmp_path):
    model = report_model.ReportModel({"bias": 0.0}, 0.65, {}, figure_threshold=0.45)
    assert model.probability(["bias"]) == 0.5
    assert not model.is_report(["bias"])  # 0.5 < 0.65
    assert model.is_report(["bias", "figure"])  # 0.5 >= 0.45
    path = tmp_path / "model.json"
    path.write_text('{"threshold": 0.6, "figure_threshold": 0.4, "weights": {"bias": 0}}')
    loaded = report_model.ReportModel.load(path)
    assert (loaded.threshold, loaded.figure_threshold) == (0.6, 0.4)
    path.write_text('{"threshold": 0.6, "weights": {"bias": 0}}')  # a model of one threshold
    assert report_model.ReportModel.load(path).figure_threshold == 0.6


def test_the_shipped_thresholds_were_chosen_by_the_selection_rule():
    model = report_model.ReportModel.load()
    assert 0.0 < model.figure_threshold <= model.threshold < 1.0
    assert "killed exact" in model.meta["selected_by"]


def test_stage_outcomes_score_the_event_stage_under_a_decision():
    items = [{"id": "a#0", "label": "report", "killed": 5, "injured": None,
              "types": ["shelling"], "published": PUBLISHED,
              "text": "أسفر القصف عن مقتل 5 أشخاص أمس في إدلب."},
             {"id": "b#0", "label": "mention", "killed": None, "injured": None, "types": [],
              "published": PUBLISHED,
              "text": "يحيي السوريون ذكرى القصف الذي أودى بحياة 40 شخصا عام 2013."}]
    feats = report_model.candidate_features(items, lambda its: [[] for _ in its])
    stage = report_model.StageOutcomes(items, feats, [[], []])
    keep_all = report_model.ReportModel({"bias": 5.0}, 0.5, {})
    models = [keep_all, keep_all]
    probs = [[keep_all.probability(f) for f in fe] for fe in feats]
    scores = stage.score(models, probs, 0.5, 0.5)
    assert (scores["precision"], scores["recall"], scores["killed_exact"]) == (0.5, 1.0, 1.0)
    # Nothing passes a threshold above every probability: no report, no figure.
    scores = stage.score(models, probs, 0.999, 0.999)
    assert (scores["recall"], scores["killed_exact"]) == (0.0, 0.0)


def test_stratum_weights_make_the_train_part_count_like_dev():
    train = [{"stratum": "casualty"}] * 6 + [{"stratum": "other"}] * 2
    dev = [{"stratum": "casualty"}] * 2 + [{"stratum": "other"}] * 2
    weights = report_model.stratum_weights(train, dev)
    assert weights[:6] == [pytest.approx(4 / 6)] * 6 and weights[6:] == [2.0, 2.0]
    assert sum(weights) == pytest.approx(len(train))
    # Items with no stratum (a test fixture, an unlabelled draw) are left unweighted.
    assert report_model.stratum_weights([{"id": 1}], dev) == [1.0]


def test_weighted_scores_count_each_item_by_its_weight():
    from worker.nlp.evaluate_reports import Prediction, score

    items = [{"label": "report", "types": ["shelling"], "killed": 5, "injured": None},
             {"label": "none", "types": [], "killed": None, "injured": None}]
    both_kept = [Prediction(True, {"shelling"}, 5, None), Prediction(True, set(), None, None)]
    assert score(items, both_kept)["precision"] == 0.5
    # The false report weighs three times the true one: precision 1 / (1 + 3).
    weighted = score(items, both_kept, [1.0, 3.0])
    assert (weighted["precision"], weighted["predicted_reports"]) == (0.25, 4.0)
    assert weighted["killed_exact"] == 1.0


def test_without_batches_names_the_items_of_gold_batches():
    from worker.nlp.report_model import GOLD_DIR, batch_ids

    first = {json.loads(line)["id"] for line in
             (GOLD_DIR / "batches" / "batch_48.jsonl").open(encoding="utf-8") if line.strip()}
    assert batch_ids("48") == first and len(first) > 50
    assert batch_ids("48-49") > first and batch_ids("48,49") == batch_ids("48-49")
    assert batch_ids("") == set()
    for bad in ("x", "48-y", "999"):
        with pytest.raises(SystemExit):
            batch_ids(bad)


def test_the_shipped_model_records_what_it_was_trained_on():
    from worker.nlp.report_model import GOLD_DIR, MODEL_PATH

    meta = json.loads(MODEL_PATH.read_text(encoding="utf-8"))["meta"]
    # The recipe (its model card) is `train` on the whole train part, no batch left out,
    # with the probe part as training data only (stop 27).
    assert meta["trained_on"] == ("tests/gold/events/reports/train.jsonl + "
                                  "tests/gold/events/reports/probe.jsonl")
    assert meta["train_sentences"] == sum(
        1 for part in ("train", "probe")
        for line in (GOLD_DIR / f"{part}.jsonl").open(encoding="utf-8") if line.strip())


def test_extra_parts_train_every_fold_and_are_never_judged():
    """An item whose fold is None (the probe part, stop 27) is in every fold's training set,
    and no model is made for it: the cross-validation judges the train part alone."""
    import argparse

    from worker.nlp.report_model import fold_models

    items = [{"label": "report"}, {"label": "mention"}, {"label": "report"}]
    feats = [[["bias", "a"]], [["bias", "b"]], [["bias", "c"]]]
    args = argparse.Namespace(epochs=50, min_count=1)
    models = fold_models(items, feats, [0, 1, None], 1.0, args)
    assert sorted(models) == [0, 1]
    # fold 0's model learnt from items 1 and 2 ("b" a mention, "c" a report), not from "a"
    assert "a" not in models[0].weights and models[0].weights["c"] > 0 > models[0].weights["b"]
    assert "b" not in models[1].weights and models[1].weights["c"] > 0


def test_training_refuses_dev_or_test_as_extra_data():
    from worker.nlp.report_model import main

    for part in ("dev", "test", "train"):
        with pytest.raises(SystemExit, match="only probe"):
            main(["train", "--extra-parts", part, "--out", "/dev/null"])


# The article's lead as context (stop 26): victims told without a number are a report when
# the article's lead counts casualties, and mostly a mention when it does not.
_LEAD_WITH_TOLL = ["مقتل 12 شخصا في انفجار سيارة مفخخة بمدينة الباب",
                   "قتل 12 شخصا وأصيب 30 آخرون في انفجار سيارة مفخخة بمدينة الباب السورية، الأحد.",
                   "وقالت مصادر محلية إن الانفجار وقع قرب سوق شعبي."]
_LEAD_WITHOUT = ["الحكومة تناقش الموازنة", "ناقش مجلس الوزراء الموازنة العامة للعام المقبل.",
                 "وقال الوزير إن العجز سينخفض."]
_VICTIMS = "وكان معظم الضحايا من المدنيين، بحسب المصادر الطبية."


def _features(text: str, lead: list[str] | None = None, published: str = PUBLISHED
              ) -> list[list[str]]:
    seen: list[list[str]] = []
    extract_events(text, sentences(text), [], published,
                   report_filter=lambda f: seen.append(f) or True, lead=lead)
    return seen


def test_victims_with_no_number_stand_for_the_model_to_judge_not_for_the_rules():
    assert not events(_VICTIMS, report_filter=None)  # the rules alone: no event
    (feats,) = _features(_VICTIMS)
    assert "t=casualties" in feats and "casualty_nocount" in feats


def test_the_lead_feature_fires_only_when_another_lead_sentence_counts_casualties():
    assert "lead_fig" in _features(_VICTIMS, _LEAD_WITH_TOLL)[0]
    assert "lead_fig" not in _features(_VICTIMS, _LEAD_WITHOUT)[0]
    # a lead sentence is not its own context: the one that counts gets nothing from itself
    own = _LEAD_WITH_TOLL[1]
    assert all("lead_fig" not in f for f in _features(own, [_LEAD_WITHOUT[0], own]))
    # a whole article reads its own lead (title line, then the first two body sentences)
    def article(lead: list[str]) -> str:
        return "\n".join([lead[0], " ".join(lead[1:]) + " " + _VICTIMS])
    assert "lead_fig" in _features(article(_LEAD_WITH_TOLL))[-1]
    assert all("lead_fig" not in f for f in _features(article(_LEAD_WITHOUT)))


def test_the_lead_decides_victims_told_without_a_number():
    model = report_model.shipped()
    (with_toll,) = _features(_VICTIMS, _LEAD_WITH_TOLL)
    (without,) = _features(_VICTIMS, _LEAD_WITHOUT)
    assert model.probability(with_toll) > model.probability(without)
    kept = extract_events(_VICTIMS, sentences(_VICTIMS), [], PUBLISHED, lead=_LEAD_WITH_TOLL)
    assert [(e.type, e.killed["count"]) for e in kept] == [("casualties", None)]
    assert not extract_events(_VICTIMS, sentences(_VICTIMS), [], PUBLISHED, lead=_LEAD_WITHOUT)


# English sentences (English feeds): the model learnt Arabic newswire and has no judgement on
# them (its probability is its bias); the English rules decide, and an earlier year marks an
# older event as the model's year feature does for Arabic.
@pytest.mark.parametrize("text, killed, injured", [
    pytest.param("At least 9 people were killed and 20 injured in an air strike on Idlib on "
                 "Monday.", 9, 20, id="figures"),
    pytest.param("Three soldiers were wounded when a roadside bomb exploded near Mosul on "
                 "Sunday.", None, 3, id="wounded"),
    # a year after "since" dates the conflict, not the event (year_since)
    pytest.param("At least 12 people were killed on Monday in fighting that has raged since "
                 "2011.", 12, None, id="since-a-year"),
])
def test_english_reports_stand_on_the_english_rules(text, killed, injured):
    (event,) = events(text)
    assert (event.killed or {}).get("count") == killed
    assert (event.injured or {}).get("count") == injured


@pytest.mark.parametrize("text", [
    pytest.param("The militants threatened to kill 100 people if their demands were not met.",
                 id="threat"),
    pytest.param("The army denied that anyone was killed in the raid.", id="denial"),
    pytest.param("In 2008, 50 people were killed in a similar attack.", id="older-year"),
])
def test_english_mentions_raise_no_event(text):
    assert not events(text)


def test_a_near_tie_in_gain_goes_to_killed_exact():
    """Choices within TIE_MARGIN of the best pooled gain tie; the tie goes to pooled killed
    exact (issue 8's unmet criterion), then pooled F1.  Stop 30's retrain: 1.7498 (0.40 /
    0.35) against 1.7496 (0.45 / 0.30)."""
    def scores(killed: float, f1: float) -> dict:
        return {"killed_exact": killed, "casualty_sentences": 100, "f1": f1}

    better_f1 = (1.7498, 0.857, 3.0, 0.40, 0.35, {}, scores(0.887, 0.856), scores(0.922, 0.86))
    better_killed = (1.7496, 0.856, 3.0, 0.45, 0.30, {}, scores(0.887, 0.854), scores(0.928, 0.862))
    far_better_killed = (1.7480, 0.850, 1.0, 0.45, 0.25, {}, scores(0.95, 0.84), scores(0.95, 0.84))
    assert report_model.choose([better_f1, better_killed, far_better_killed]) is better_killed
    assert report_model.choose([better_f1, better_killed], margin=0.0) is better_f1


# --report-model: a draw scored with a model that never saw it (trained --without-batches).
def test_a_chosen_model_replaces_the_shipped_one_for_the_process(tmp_path, monkeypatch):
    path = tmp_path / "model.json"
    path.write_text(json.dumps({"threshold": 0.99, "figure_threshold": 0.99, "meta": {},
                                "weights": {"bias": -5.0}}), encoding="utf-8")
    monkeypatch.setattr(report_model, "_chosen", None)
    shipped = report_model.shipped()
    chosen = report_model.use_model(path)
    assert report_model.shipped() is chosen and chosen is not shipped
    # the event stage asks shipped(): a model that calls nothing a report keeps nothing
    text = "قتل 5 أشخاص في غارة جوية على مدينة إدلب."
    assert not extract_events(text, sentences(text), [], PUBLISHED)


def test_a_missing_report_model_names_its_file(tmp_path, monkeypatch):
    monkeypatch.setattr(report_model, "_chosen", None)
    missing = tmp_path / "absent.json"
    with pytest.raises(SystemExit, match="absent.json"):
        report_model.use_model(missing)
    assert report_model.shipped() is not None


def test_report_model_cannot_repin_the_gate(capsys):
    from worker.nlp import evaluate_events

    # (refused by the argument check, before any model is loaded: the message says why)
    with pytest.raises(SystemExit):
        evaluate_events.main(["--report-model", "x.json", "--write-baseline"])
    assert "cannot re-pin the gate" in capsys.readouterr().err
