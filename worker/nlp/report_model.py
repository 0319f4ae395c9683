"""Report or mention: is an event trigger a report of an event that happened (issue 8)?

The rules (worker/nlp/events.py) find triggers and fill their slots exactly; this model
decides whether the sentence around a trigger reports a specific event that occurred or
is occurring, or only mentions one: a threat, plan, warning, hypothetical, denial, generic
talk, legal proceedings, an anniversary or an older event told as background, a metaphor
(tests/gold/events/GUIDELINE.md).  ACE 2005 calls this the event mention's modality
(Asserted vs Other) and its genericity.

Model: L2-regularised logistic regression over sparse binary features of the trigger,
its clause and its sentence (trigger type and word, the words before and after it, the
sentence's words, its first words, casualty figures and their negation, years and time
expressions older than the publication date, quotes, place entities, and whether another
sentence of the article's lead counts casualties: worker/nlp/events.py ``_lead_figures``).
Trained on the train part of tests/gold/events/reports, with the probe part as extra data
that the cross-validation never judges (candidate triggers from the rules, labelled by
their sentence's gold label).  L2 and two thresholds (one for triggers in a
sentence with a casualty figure, one for the others: :class:`ReportModel`) are chosen on
report F1 plus killed exact match, each pooled over five-fold cross-validation of the train
part (folds by article) and dev, scored through the event stage as ``python -m
worker.nlp.evaluate_events`` scores it (among the choices whose pooled precision is 0.87
or more; none that loses an event the tests check in the reference article,
tests/fixtures/seed_article.txt); the test part is never used.
Pure Python at run time (a dict of weights): tens of thousands of triggers per second.

    python -m worker.nlp.report_model train     # retrain and write the shipped model
    python -m worker.nlp.report_model bench     # triggers classified per second
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import math
import pathlib
import re
import sys
import time
from collections import Counter
from typing import Any, Callable

from worker.nlp.casualties import bare_clitic
from worker.nlp.timex import published_date

MODEL_PATH = pathlib.Path(__file__).parent / "resources" / "reports" / "report_model.json"
# The brief's reference article, as the tests read it (its events are all reports).
SEED_PATH = pathlib.Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "seed_article.txt"
SEED_PUBLISHED = "2019-03-02T09:00:00Z"  # as tests/test_events.py
# The events of it that tests/test_events.py checks: the model must keep each of them.
SEED_EVENT_TYPES = frozenset({"airstrike", "clash", "armed_attack", "missile_attack",
                              "evacuation", "military_movement", "release"})
GOLD_DIR = pathlib.Path(__file__).resolve().parents[2] / "tests" / "gold" / "events" / "reports"
_YEAR = re.compile(r"^(19[5-9]\d|20\d\d)$")
_WINDOW = 6


def features(words: list[str], trigger: int, event_type: str, *, published: str | None,
             casualties: list[Any], times: list[dict[str, Any]], has_place: bool,
             quote_before: bool, lead_figure: bool = False) -> list[str]:
    """Sparse binary features of one trigger in its sentence (``words`` normalised)."""
    bare = [bare_clitic(w) for w in words]
    tw = bare[trigger] if 0 <= trigger < len(bare) else ""
    raw = words[trigger] if 0 <= trigger < len(words) else ""
    out = ["bias", f"t={event_type}", f"tw={tw}", f"tt={event_type}|{tw}"]
    if raw.startswith(("ال", "وال", "بال", "لل", "فال")):
        out.append("tdef")
    if raw[:1] in "يتن" and len(raw) > 3:
        out.append("timperf")
    out.append(f"tpos={min(trigger, 12) // 3}")
    for k in range(max(trigger - _WINDOW, 0), trigger):
        out.append(f"L={bare[k]}")
    for k in range(max(trigger - 2, 0), trigger):
        out.append(f"L{trigger - k}={bare[k]}")
    for k in range(trigger + 1, min(trigger + 1 + _WINDOW, len(bare))):
        out.append(f"R={bare[k]}")
    if trigger + 1 < len(bare):
        out.append(f"R1={bare[trigger + 1]}")
    out.extend(f"S={w}" for w in set(bare))
    # Word pairs carry what single words do not: "العام الماضي", "في ذكرى", "لم يسفر".
    out.extend({f"B={a}|{b}" for a, b in zip(bare, bare[1:])})
    if _pluperfect(bare):
        out.append("pluperfect")
    if bare:
        out.append(f"F={bare[0]}")
        if len(bare) > 1:
            out.append(f"F2={bare[0]}|{bare[1]}")
    year = _published_year(published)
    for k, w in enumerate(words):
        if _YEAR.match(w):
            y = int(w)
            if year and y < year and _since(words, k):
                # "النزاع الدامي المستمر منذ 2001": a duration, not an older event (the
                # older-year weight, -2.8, dropped "ما أسفر عن مقتل 11 شخصا" in that sentence)
                out.append("year_since")
                continue
            out.append("year<pub" if year and y < year else "year=pub" if year == y else "year")
    age = _oldest_time(times, published)
    if age is not None:
        out.append("time>30d" if age > 30 else "time>7d" if age > 7 else "time<=7d")
    figures = [c for c in casualties if not c.negated]
    if any(c.count for c in figures):
        out.append("figure")
    elif figures:
        out.append("casualty_nocount")
    if any(c.negated for c in casualties):
        out.append("casualty_negated")
    if has_place:
        out.append("place")
    if quote_before:
        out.append("quote_before")
    if lead_figure:  # another sentence of the article's lead counts casualties (events.py)
        out.extend(("lead_fig", f"lead_fig|{event_type}"))
    out.append(f"len={min(len(words), 60) // 15}")
    return out


_SINCE = frozenset({"منذ", "since"})


def _since(words: list[str], k: int) -> bool:
    """The year at ``k`` follows منذ or "since" ("منذ 2011"، "منذ عام 2014"، "since 2011")."""
    before = [bare_clitic(w) for w in words[max(k - 2, 0):k]]
    return bool(before) and (before[-1] in _SINCE or (
        len(before) == 2 and before[0] == "منذ" and before[1] in {"عام", "العام", "سنه"}))


_KANA = frozenset({"كان", "كانت", "كانوا"})


def _pluperfect(bare: list[str]) -> bool:
    """"وكان ... قد قتل": the pluperfect, how Arabic news recalls an earlier event."""
    return any(w in _KANA and "قد" in bare[i + 1:i + 5] for i, w in enumerate(bare))


def names_an_earlier_year(words: list[str], published: str | None) -> bool:
    """A year before the publication year among ``words`` (the ``year<pub`` feature), not
    one after "since" (``year_since``: "fighting that has raged since 2011")."""
    year = _published_year(published)
    return bool(year) and any(_YEAR.match(w) and int(w) < year and not _since(words, k)
                              for k, w in enumerate(words))


def _published_year(published: str | None) -> int | None:
    pub = published_date(published)
    return pub.year if pub else None


def _oldest_time(times: list[dict[str, Any]], published: str | None) -> int | None:
    """Days between the oldest resolved time expression and the publication date."""
    pub = published_date(published)
    if pub is None:
        return None
    ages = []
    for t in times:
        resolved = t.get("resolved")
        if isinstance(resolved, str) and len(resolved) >= 10:
            try:
                ages.append((pub - dt.date.fromisoformat(resolved[:10])).days)
            except ValueError:
                continue
    return max(ages) if ages else None


class ReportModel:
    """The shipped weights; :meth:`probability` of a feature list being a report.

    ``figure_threshold`` applies to triggers whose sentence gives a casualty figure (the
    ``figure`` feature), ``threshold`` to the others.  Why two: under issue 8's criteria a
    figure-bearing report the model drops costs twice (a missed report and a wrong killed /
    injured figure), a figure-bearing mention it keeps once (a false report); on fresh
    draws the rules alone read killed figures 3 to 6 points better than rules + model,
    all of it reports with a figure the model put just under the one threshold."""

    def __init__(self, weights: dict[str, float], threshold: float, meta: dict[str, Any],
                 figure_threshold: float | None = None):
        self.weights = weights
        self.threshold = threshold
        self.figure_threshold = threshold if figure_threshold is None else figure_threshold
        self.meta = meta

    @classmethod
    def load(cls, path: pathlib.Path = MODEL_PATH) -> "ReportModel":
        doc = json.loads(path.read_text(encoding="utf-8"))
        return cls(doc["weights"], doc["threshold"], doc.get("meta", {}),
                   doc.get("figure_threshold"))

    def probability(self, feats: list[str]) -> float:
        w = self.weights
        z = sum(w.get(f, 0.0) for f in feats)
        return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))

    def threshold_for(self, feats: list[str]) -> float:
        return self.figure_threshold if "figure" in feats else self.threshold

    def is_report(self, feats: list[str]) -> bool:
        return self.probability(feats) >= self.threshold_for(feats)


# A model chosen for this process in place of the shipped one (use_model).
_chosen: ReportModel | None = None


def shipped() -> ReportModel | None:
    """The model the event stage uses: the shipped one, or None when its file is absent
    (rules only); one chosen by :func:`use_model` instead, where one was."""
    return _chosen if _chosen is not None else _shipped_file()


@functools.lru_cache(maxsize=1)
def _shipped_file() -> ReportModel | None:
    return ReportModel.load() if MODEL_PATH.is_file() else None


def use_model(path: pathlib.Path) -> ReportModel:
    """Use the model at ``path`` in place of the shipped one for the rest of the process:
    ``python -m worker.nlp.evaluate_events --report-model`` scores a draw with a model
    trained ``--without-batches`` of it.  A missing or broken file is an error that names
    it."""
    global _chosen
    try:
        _chosen = ReportModel.load(path)
    except (OSError, ValueError, KeyError) as exc:
        raise SystemExit(f"report model {path}: {type(exc).__name__}: {exc} (train one with "
                         "`python -m worker.nlp.report_model train --out PATH`)") from exc
    return _chosen


# --- training -------------------------------------------------------------------------


def load_gold(split: str, leads: bool = True) -> list[dict[str, Any]]:
    """The items of a part of the report gold, each with its article's ``lead`` (title and
    first two body sentences, ``leads.jsonl``; None where the file lacks the article), or
    as the file holds them (``leads=False``).  Parts joined by "+" are read one after the
    other: "test+test_casualty" is the test gold with the test part's casualty draw
    (tests/gold/events/reports/sample_test.py), over which killed and injured exact match
    are judged."""
    if "+" in split:
        return [item for part in split.split("+") for item in load_gold(part, leads)]
    path = GOLD_DIR / f"{split}.jsonl"
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    if not leads:
        return items
    leads_of = article_leads()
    for item in items:
        item.setdefault("lead", leads_of.get(item["id"].split("#")[0]))
    return items


@functools.lru_cache(maxsize=1)
def article_leads() -> dict[str, list[str]]:
    """DOCNO -> [title, first body sentence, second], written by
    tests/gold/events/reports/leads.py from the corpus the gold was drawn from."""
    path = GOLD_DIR / "leads.jsonl"
    if not path.is_file():
        return {}
    rows = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line)
    return {row["article"]: row["lead"] for row in rows}


def candidate_features(items: list[dict[str, Any]], entities_of: Callable) -> list[list[list[str]]]:
    """For each item, the feature lists of the triggers the rules find in it."""
    from worker.nlp.events import extract_events
    from worker.nlp.tokenize import sentences

    out = []
    for item, entities in zip(items, entities_of(items)):
        found: list[list[str]] = []

        def collect(feats: list[str]) -> bool:
            found.append(feats)
            return True

        text = item["text"]
        extract_events(text, sentences(text), entities, item.get("published"),
                       report_filter=collect, lead=item.get("lead"))
        out.append(found)
    return out


def gazetteer_entities(items: list[dict[str, Any]]) -> list[list[Any]]:
    from worker.nlp.evaluate_events import entity_finder

    find = entity_finder()
    return [find(item["text"]) for item in items]


def fit(examples: list[list[str]], labels: list[int], l2: float = 1.0, epochs: int = 300,
        min_count: int = 2, lr: float = 0.1) -> dict[str, float]:
    """Logistic regression by full-batch Adam on the log loss plus ``l2``/2 |w|^2 (bias
    not penalised); features seen fewer than ``min_count`` times are dropped."""
    import numpy as np

    counts = Counter(f for ex in examples for f in set(ex))
    vocab = {f: i for i, f in enumerate(sorted(f for f, c in counts.items()
                                                if c >= min_count or f == "bias"))}
    rows = [np.array(sorted({vocab[f] for f in ex if f in vocab}), dtype=np.int64)
            for ex in examples]
    lengths = np.array([len(r) for r in rows])
    flat = np.concatenate(rows)
    owner = np.repeat(np.arange(len(rows)), lengths)
    y = np.array(labels, dtype=np.float64)
    w = np.zeros(len(vocab))
    m, v = np.zeros_like(w), np.zeros_like(w)
    penal = np.ones_like(w)
    penal[vocab["bias"]] = 0.0
    n = len(rows)
    for step in range(1, epochs + 1):
        z = np.bincount(owner, weights=w[flat], minlength=n)
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        grad = np.bincount(flat, weights=(p - y)[owner], minlength=len(w)) / n
        grad += l2 * penal * w / n
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad * grad
        w -= lr * (m / (1 - 0.9 ** step)) / (np.sqrt(v / (1 - 0.999 ** step)) + 1e-8)
    return {f: round(float(w[i]), 5) for f, i in vocab.items() if abs(w[i]) > 1e-4}


def prf(gold: list[bool], pred: list[bool]) -> dict[str, float]:
    tp = sum(g and p for g, p in zip(gold, pred))
    fp = sum(p and not g for g, p in zip(gold, pred))
    fn = sum(g and not p for g, p in zip(gold, pred))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3),
            "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0}


def article_folds(items: list[dict[str, Any]], k: int) -> list[int]:
    """A fold per item, whole articles together (the id before '#'), articles dealt round
    in a fixed shuffled order so that folds do not follow the corpus's source order."""
    import random

    articles = sorted({item["id"].split("#")[0] for item in items})
    random.Random(7).shuffle(articles)
    fold_of = {a: n % k for n, a in enumerate(articles)}
    return [fold_of[item["id"].split("#")[0]] for item in items]


def fold_models(items: list[dict[str, Any]], feats: list[list[list[str]]], folds: list[int | None],
                l2: float, args: argparse.Namespace) -> dict[int, ReportModel]:
    """A model per fold, trained on the other folds (its items' out-of-fold judge); items
    whose fold is None are in every fold's training set."""
    out = {}
    for fold in sorted(set(folds) - {None}):
        train_idx = [n for n, f in enumerate(folds) if f != fold]
        examples = [x for n in train_idx for x in feats[n]]
        labels = [int(items[n]["label"] == "report") for n in train_idx for _ in feats[n]]
        out[fold] = ReportModel(fit(examples, labels, l2=l2, epochs=args.epochs,
                                    min_count=args.min_count), 0.5, {})
    return out


class StageOutcomes:
    """What the event stage outputs for each gold item under a report decision, scored as
    ``python -m worker.nlp.evaluate_events`` scores it (report F1, killed and injured exact).

    Memoised per item by the decisions on its candidate triggers (``feats``, in the order
    the rules offer them), so that a grid of thresholds runs the rules once per distinct
    decision, not once per grid point."""

    def __init__(self, items: list[dict[str, Any]], feats: list[list[list[str]]],
                 entities: list[list[Any]], weights: list[float] | None = None):
        self.items, self.feats, self.entities = items, feats, entities
        self.weights = weights
        self._memo: dict[tuple[int, tuple[bool, ...]], Any] = {}

    def score(self, models: list[ReportModel], probs: list[list[float]], threshold: float,
              figure_threshold: float) -> dict[str, Any]:
        from worker.nlp.evaluate_reports import from_events, score
        from worker.nlp.events import extract_events
        from worker.nlp.tokenize import sentences

        preds = []
        for n, (item, feats) in enumerate(zip(self.items, self.feats)):
            decisions = tuple(p >= (figure_threshold if "figure" in f else threshold)
                              for p, f in zip(probs[n], feats))
            key = (n, decisions)
            if key not in self._memo:
                model = models[n]

                def keep(f: list[str], model: ReportModel = model) -> bool:
                    return model.probability(f) >= (figure_threshold if "figure" in f
                                                     else threshold)

                text = item["text"]
                self._memo[key] = from_events(extract_events(
                    text, sentences(text), self.entities[n], item.get("published"),
                    report_filter=keep, lead=item.get("lead")))
            preds.append(self._memo[key])
        return score(self.items, preds, self.weights)


def stratum_weights(items: list[dict[str, Any]], design: list[dict[str, Any]]) -> list[float]:
    """One weight per item so that ``items`` count with the strata shares of ``design``
    (summing to ``len(items)``).  The train part has grown by draws of casualty sentences
    (tests/gold/events/reports/README.md, draws 4 to 12) until they were most of it, while
    dev and test keep the first draw's mix (casualty / event / other); unweighted, its
    cross-validation judged the thresholds on a mix with few of the sentences that make
    false reports, and the precision it promised did not hold on fresh text (issue 8)."""
    have = Counter(item.get("stratum") for item in items)
    want = Counter(item.get("stratum") for item in design)
    if not want or None in have:
        return [1.0] * len(items)
    share = {k: (want[k] / sum(want.values())) / (have[k] / len(items)) for k in have}
    return [share[item.get("stratum")] for item in items]


def _pooled(a: dict[str, Any], b: dict[str, Any], key: str, weight: str) -> float:
    return (a[key] * a[weight] + b[key] * b[weight]) / max(a[weight] + b[weight], 1)


# How close to the best pooled gain a choice is a tie (see train).
TIE_MARGIN = 0.001


def choose(choices: list[tuple], margin: float = TIE_MARGIN) -> tuple:
    """The chosen (gain, pooled F1, l2, threshold, figure threshold, weights, cv, dev):
    the best gain, where choices within ``margin`` of it tie and the tie goes to pooled
    killed exact, then pooled F1."""
    top_gain = max(c[0] for c in choices)
    return max((c for c in choices if c[0] >= top_gain - margin),
               key=lambda c: (round(_pooled(c[6], c[7], "killed_exact", "casualty_sentences"), 4),
                              c[1], c[0]))


def train(args: argparse.Namespace) -> int:
    started = time.monotonic()
    extra_parts = [part.strip() for part in args.extra_parts.split(",") if part.strip()]
    if not set(extra_parts) <= {"probe"}:
        raise SystemExit(f"--extra-parts {args.extra_parts!r}: only probe may join training "
                         "(dev chooses the thresholds; test is never read)")
    left_out = batch_ids(args.without_batches)
    train_items = [item for item in load_gold("train") if item["id"] not in left_out]
    # Extra parts are training data only: in every fold's training set, never judged by the
    # cross-validation, so that the pooled figures the choice reads (and its precision bar)
    # are those of the same train part and dev as before they joined.
    extra_items = [item for part in extra_parts for item in load_gold(part)
                   if item["id"] not in left_out]
    dev_items = load_gold("dev")
    print(f"train: {len(train_items)} sentences"
          + (f" + {len(extra_items)} of {', '.join(extra_parts)} (training only)"
             if extra_items else "")
          + f", dev: {len(dev_items)} (test not read)"
          + (f"; left out: {len(left_out)} items of batches {args.without_batches}"
             if left_out else ""), file=sys.stderr)
    every_item = train_items + extra_items
    every_ents, dev_ents = gazetteer_entities(every_item), gazetteer_entities(dev_items)
    every_feats = candidate_features(every_item, lambda _: every_ents)
    dev_feats = candidate_features(dev_items, lambda _: dev_ents)
    train_ents, train_feats = every_ents[:len(train_items)], every_feats[:len(train_items)]
    examples = [f for feats in every_feats for f in feats]
    labels = [int(item["label"] == "report") for item, feats in zip(every_item, every_feats)
              for _ in feats]
    print(f"train: {len(examples)} candidate triggers ({sum(labels)} in report sentences)",
          file=sys.stderr)
    folds = article_folds(train_items, args.folds)
    # The reference article bounds the choice: thresholds under which it loses one of the
    # events its tests check (tests/test_events.py) are not taken, however well they score.
    seed_text = SEED_PATH.read_text(encoding="utf-8")
    seed_entities = gazetteer_entities([{"text": seed_text}])[0]

    def keeps_the_seed(model: ReportModel, threshold: float, figure_threshold: float) -> bool:
        from worker.nlp.events import extract_events
        from worker.nlp.tokenize import sentences

        found = extract_events(seed_text, sentences(seed_text), seed_entities, SEED_PUBLISHED,
                               report_filter=lambda f: model.probability(f) >= (
                                   figure_threshold if "figure" in f else threshold))
        return SEED_EVENT_TYPES <= {e.type for e in found}
    cv_stage = StageOutcomes(train_items, train_feats, train_ents,
                             stratum_weights(train_items, dev_items))
    dev_stage = StageOutcomes(dev_items, dev_feats, dev_ents)
    grid = [x / 20 for x in range(4, 17)]
    choices = []
    for l2 in args.l2:
        weights = fit(examples, labels, l2=l2, epochs=args.epochs, min_count=args.min_count)
        full = ReportModel(weights, 0.5, {})
        # Out-of-fold judges on the train part (folds by article): with dev's 116 reports
        # alone the choice swung by the noise of a few sentences; CV adds the train part's
        # reports to judge it on (issue 8).
        by_fold = fold_models(every_item, every_feats, folds + [None] * len(extra_items),
                              l2, args)
        cv_models = [by_fold[f] for f in folds]
        cv_probs = [[m.probability(x) for x in feats] for m, feats in zip(cv_models, train_feats)]
        dev_models = [full] * len(dev_items)
        dev_probs = [[full.probability(x) for x in feats] for feats in dev_feats]
        for threshold in grid:
            for figure_threshold in (t for t in [x / 20 for x in range(1, 17)]
                                     if t <= threshold):
                if not keeps_the_seed(full, threshold, figure_threshold):
                    continue
                cv = cv_stage.score(cv_models, cv_probs, threshold, figure_threshold)
                dev = dev_stage.score(dev_models, dev_probs, threshold, figure_threshold)
                # Issue 8's two criteria that the thresholds trade, weighed alike: report F1
                # and killed exact, pooled over CV of the train part and dev.
                gain = (_pooled(cv, dev, "f1", "sentences")
                        + _pooled(cv, dev, "killed_exact", "casualty_sentences"))
                f1 = _pooled(cv, dev, "f1", "sentences")
                if _pooled(cv, dev, "precision", "predicted_reports") < args.min_precision:
                    continue
                choices.append((round(gain, 4), round(f1, 4), l2, threshold,
                                figure_threshold, weights, cv, dev))
        top = max(c[0] for c in choices)
        print(f"l2={l2}: best pooled F1 + killed exact so far {top}; "
              f"{time.monotonic() - started:.0f} s", file=sys.stderr)
    # The best gain, among the choices whose pooled precision is --min-precision or more:
    # the lowest figure thresholds keep old tolls told as background (a casualties alert
    # about an old event), and test precision has run 0.01-0.04 under the pooled figure.
    # Choices within TIE_MARGIN of the best gain are a tie (a retrain on a few more read
    # sentences moves the gain by more than that): the tie goes to pooled killed exact,
    # issue 8's criterion still unmet, then to pooled F1.  Stop 30: 1.7498 (thresholds
    # 0.40 / 0.35) against 1.7496 (0.45 / 0.30); killed exact dev 0.922 against 0.928.
    top_gain = max(c[0] for c in choices)
    best = choose(choices)
    print(f"{len(choices)} choices with pooled precision >= {args.min_precision}; the best "
          f"gain {top_gain}, the chosen {best[0]} (pooled F1 {best[1]}; ties within "
          f"{TIE_MARGIN} go to pooled killed exact): L2 {best[2]}, thresholds {best[3]} / "
          f"{best[4]} (figure)", file=sys.stderr)
    (_, _, l2, threshold, figure_threshold, weights, cv_scores, dev_scores) = best
    kept = ("precision", "recall", "f1", "killed_exact", "injured_exact")
    meta = {"trained_on": " + ".join(f"tests/gold/events/reports/{part}.jsonl"
                                     for part in ["train", *extra_parts])
                          + (f" without batches {args.without_batches}" if left_out else ""),
            "train_sentences": len(every_item), "train_triggers": len(examples),
            "l2": l2, "epochs": args.epochs, "min_count": args.min_count,
            "selected_by": f"report F1 + killed exact, each pooled over {args.folds}-fold CV "
                           "of the train part (folds by article; sentences weighted to dev's "
                           "strata mix) and dev, through the event "
                           f"stage, where pooled precision >= {args.min_precision}; none "
                           "that loses a checked seed event; choices within "
                           f"{TIE_MARGIN} of the best gain tie, and the tie goes to pooled "
                           "killed exact",
            "dev_scores": {k: dev_scores[k] for k in kept},
            "cv_scores": {k: cv_scores[k] for k in kept},
            "features": len(weights),
            "entities": "gazetteer (training); production entities at run time"}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"threshold": threshold, "figure_threshold": figure_threshold,
                                    "meta": meta, "weights": weights},
                                   ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    _shipped_file.cache_clear()
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB, {len(weights)} weights, "
          f"l2={l2}, threshold={threshold}, figure threshold={figure_threshold}); "
          f"dev {meta['dev_scores']}; cv {meta['cv_scores']}; "
          f"{time.monotonic() - started:.1f} s", file=sys.stderr)
    return 0


def bench(args: argparse.Namespace) -> int:
    """Sentences per second through feature extraction and the model (the classifier
    itself, on the dev sentences' candidate triggers, repeated)."""
    from worker.nlp.casualties import Sentence, find_casualties
    from worker.nlp.timex import find_times
    from worker.nlp.tokenize import sentences

    model = ReportModel.load(args.out)
    items = load_gold("dev")
    prepared = []
    for item in items:
        text = item["text"]
        for toks in sentences(text):
            sent = Sentence.of(text, toks)
            prepared.append((sent, find_casualties(sent),
                             find_times(text, toks[0].start, toks[-1].end, item["published"]),
                             item["published"]))
    started = time.process_time()
    n = 0
    for _ in range(args.repeat):
        for sent, cas, times, pub in prepared:
            model.probability(features(sent.words, len(sent.words) // 2, "armed_attack",
                                       published=pub, casualties=cas, times=times,
                                       has_place=False, quote_before=False))
            n += 1
    seconds = time.process_time() - started
    print(f"{n} sentences classified in {seconds:.2f} s CPU: {n / seconds:,.0f} sentences/s")
    return 0


def batch_ids(spec: str) -> set[str]:
    """The item ids of the gold batches in ``spec`` ("48-51", "19,20,21"; "" for none),
    read from tests/gold/events/reports/batches; a batch that is not there is an error.
    Used to leave a draw out of training (``--without-batches``) and to score a draw on its
    own (``python -m worker.nlp.evaluate_events --batches``)."""
    numbers: list[int] = []
    for part in filter(None, (p.strip() for p in spec.split(","))):
        low, _, high = part.partition("-")
        if not low.isdigit() or (high and not high.isdigit()):
            raise SystemExit(f"batches {spec!r}: give batch numbers such as 48-51 or 48,50")
        numbers += range(int(low), int(high or low) + 1)
    ids = set()
    for n in numbers:
        path = GOLD_DIR / "batches" / f"batch_{n:02d}.jsonl"
        if not path.exists():
            raise SystemExit(f"batch {n}: {path} does not exist")
        ids |= {json.loads(line)["id"] for line in path.open(encoding="utf-8") if line.strip()}
    return ids


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m worker.nlp.report_model",
                                     description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="train on the gold train part, pick l2 and the "
                                     "thresholds on CV of the train part and dev, write "
                                     "the model")
    t.add_argument("--out", type=pathlib.Path, default=MODEL_PATH)
    t.add_argument("--l2", type=float, nargs="+", default=[0.3, 1.0, 3.0])
    t.add_argument("--epochs", type=int, default=300)
    t.add_argument("--min-count", type=int, default=2)
    t.add_argument("--folds", type=int, default=5,
                   help="cross-validation folds of the train part (by article) that join dev "
                        "in choosing l2 and the thresholds")
    t.add_argument("--extra-parts", default="probe",
                   help="gold parts that join the training data only, never judged by the "
                        "cross-validation (default probe: its draws are dev-part articles "
                        "that dev does not hold, tuning data once read; MODEL_CARD.md); "
                        "'' for the train part alone")
    t.add_argument("--without-batches", default="",
                   help="leave the train-part items of these gold batches out (e.g. 48-51): "
                        "the shipped model's recipe while a draw waits (its model card)")
    t.add_argument("--min-precision", type=float, default=0.87,
                   help="the least pooled report precision a choice may have (default 0.87: "
                        "issue 8's floor 0.80, the gate's 0.03 margin, and the 0.04 by which "
                        "fresh draws have read under the pooled figure; MODEL_CARD.md)")
    b = sub.add_parser("bench", help="classifier speed, sentences per second")
    b.add_argument("--out", type=pathlib.Path, default=MODEL_PATH)
    b.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    return train(args) if args.command == "train" else bench(args)


if __name__ == "__main__":
    sys.exit(main())
