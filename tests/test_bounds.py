"""Bounded work per article (issue 11): the NLP text cap, tokens that stay small on hostile
text, linking that gives the same answers in linear time, and the nlp task's time limits.

Timings are not asserted here; bench/bench_linearity.py measures them.
"""

from __future__ import annotations

import json
import os
import pathlib
import random
import subprocess
import sys
import time

import pytest
from celery.exceptions import TimeLimitExceeded
from prometheus_client import REGISTRY, CollectorRegistry, multiprocess

from tests.conftest import FIXTURES
from worker.errors import ConfigError
from worker.extract import Article, Extractor, cap_text
from worker.nlp import gazetteer as gazetteer_module
from worker.nlp.entities import merge_entities, resolve_overlaps
from worker.nlp.gazetteer import PlaceIndex, default_gazetteer, haversine_km
from worker.nlp.tokenize import MAX_MARK_RUN, MAX_TOKEN_CHARS, sentences, tokenize
from worker.records import Entity, Entry
from worker.settings import Settings

ROOT = pathlib.Path(__file__).resolve().parents[1]
MARKS = [chr(c) for c in range(0x064B, 0x0660)] + ["\u0640", "\u0670"]


def hostile_marks(n: int, seed: int = 11) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice(MARKS) for _ in range(n))


def long_article(seed_text: str, chars: int) -> str:
    text = seed_text
    while len(text) < chars:
        text += "\n" + seed_text
    return text[:chars]


# --- the cap ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, max_chars, expected", [
    pytest.param("قصير.", 1000, "قصير.", id="short-text-unchanged"),
    pytest.param("أ" * 990 + ". " + "ب" * 100, 1000, "أ" * 990 + ".", id="at-a-sentence-end"),
    pytest.param("أ" * 990 + "\n" + "ب" * 100, 1000, "أ" * 990 + "\n", id="at-a-line-break"),
    pytest.param("أ" * 985 + " " + "ب" * 100, 1000, "أ" * 985, id="at-a-space"),
    pytest.param("3.5" * 400, 1000, ("3.5" * 400)[:1000], id="a-decimal-point-is-no-end"),
    pytest.param("بَ" * 600, 1000, "بَ" * 500, id="giant-word-cut-before-a-letter"),
    pytest.param("ب" + "\u064e" * 1200, 1000, "ب", id="marks-stay-with-their-letter"),
])
def test_cap_text_cuts_at_a_sentence_or_word_end(text, max_chars, expected):
    capped = cap_text(text, max_chars)
    assert capped == expected
    assert text.startswith(capped) and len(capped) <= max_chars


def test_a_long_article_is_cut_to_the_cap_and_the_record_says_so(seed_text):
    text = long_article(seed_text, 2_500_000)
    extraction = Extractor("none").extract(Article(text))
    note = extraction.notes[-1]
    assert note.startswith("nlp: text truncated at ") and "of 2500000 characters" in note
    kept = int(note.split("truncated at ")[1].split(" ")[0])
    assert 95_000 <= kept <= 100_000
    assert extraction.entities and all(e.end <= kept for e in extraction.entities)
    assert all(text[e.start:e.end] == e.text for e in extraction.entities)


def test_rasad_analyze_caps_the_text_from_settings(seed_text):
    from worker.analyze import analyze_text

    text = long_article(seed_text, 2_500_000)
    result = analyze_text(text, settings=Settings(ner_model="none", nlp_max_chars=50_000))
    assert any(n.startswith("nlp: text truncated at") and "RASAD_NLP_MAX_CHARS=50000" in n
               for n in result["notes"])
    assert max(e["end"] for e in result["entities"]) <= 50_000


@pytest.mark.parametrize("env, problem", [
    pytest.param({"RASAD_NLP_MAX_CHARS": "999"}, "RASAD_NLP_MAX_CHARS", id="cap-too-small"),
    pytest.param({"RASAD_NLP_SOFT_TIME_LIMIT_SECONDS": "150"},
                 "RASAD_NLP_SOFT_TIME_LIMIT_SECONDS", id="soft-not-below-hard"),
    pytest.param({"RASAD_NLP_SOFT_TIME_LIMIT_SECONDS": "0"},
                 "RASAD_NLP_SOFT_TIME_LIMIT_SECONDS", id="soft-zero"),
    pytest.param({"RASAD_NLP_TIME_LIMIT_SECONDS": "400", "RASAD_VISIBILITY_TIMEOUT_SECONDS": "300"},
                 "RASAD_VISIBILITY_TIMEOUT_SECONDS", id="hard-not-below-visibility-timeout"),
])
def test_bad_nlp_bounds_stop_start_up_naming_the_setting(env, problem):
    with pytest.raises(ConfigError, match=problem):
        Settings.from_env(env)


# --- tokens on hostile text --------------------------------------------------------------------

def test_diacritics_and_tatweel_alone_are_no_token_and_no_entity(seed_text):
    extractor = Extractor("bundled")
    marks_only = hostile_marks(90_000)
    letter_then_marks = "ب" + marks_only
    assert tokenize(marks_only) == []
    assert [len(t.text) for t in tokenize(letter_then_marks)] == [1 + MAX_MARK_RUN]
    results = extractor.extract_batch([Article(marks_only), Article(letter_then_marks),
                                       Article(seed_text + "\n" + marks_only)])
    assert results[0].entities == ()
    assert all(e.end - e.start <= 1 + MAX_MARK_RUN for e in results[1].entities)
    assert results[2].entities and \
        all(e.end - e.start <= 100 for e in results[2].entities)


def test_a_place_name_followed_by_diacritics_is_a_name_sized_entity():
    text = "قصفت الطائرات الباغوز" + hostile_marks(90_000).replace("\u0640", "") + " أمس"
    extraction = Extractor("none").extract(Article(text))
    baghouz = [e for e in extraction.entities if e.text.startswith("الباغوز")]
    assert baghouz and all(e.end - e.start <= len("الباغوز") + MAX_MARK_RUN for e in baghouz)


@pytest.mark.parametrize("giant", [
    pytest.param("بَ" * 50_000, id="diacritised"),
    pytest.param("سوريا" * 20_000, id="repeated-name"),
    pytest.param("x" * (MAX_TOKEN_CHARS + 1), id="just-over"),
])
def test_a_giant_word_is_no_token_and_ends_the_sentence(giant):
    text = f"قالت قوات {giant} سورية الديمقراطية"
    assert [t.text for t in tokenize(text)] == ["قالت", "قوات", "سورية", "الديمقراطية"]
    assert [[t.text for t in s] for s in sentences(text)] == \
        [["قالت", "قوات"], ["سورية", "الديمقراطية"]]
    assert [t.text for t in tokenize("x" * MAX_TOKEN_CHARS)] == ["x" * MAX_TOKEN_CHARS]


@pytest.mark.parametrize("text, tokens", [
    pytest.param("مقتل38  شخصا", ["مقتل", "38", "شخصا"], id="word-then-number"),
    pytest.param("وأصيب٥٤ آخرون", ["وأصيب", "٥٤", "آخرون"], id="arabic-indic-digits"),
    pytest.param("و53 شاباً", ["و53", "شاباً"], id="a-proclitic-stays-on-its-number"),
    pytest.param("الركاب الـ18", ["الركاب", "الـ18"], id="the-article-with-tatweel-too"),
    pytest.param("طائرة F16", ["طائرة", "F16"], id="latin-alphanumeric-stays-whole"),
])
def test_a_number_glued_to_a_word_is_its_own_token(text, tokens):
    """Feeds lose the space before a number ("مقتل38  شخصا", France24); the spans still
    point into the text."""
    found = tokenize(text)
    assert [t.text for t in found] == tokens
    assert all(text[t.start:t.end] == t.text for t in found)


def test_no_entity_reaches_across_a_giant_word():
    text = "قالت قوات " + "سوريا" * 20_000 + " سورية الديمقراطية"
    extraction = Extractor("bundled").extract(Article(text))
    assert all(e.end - e.start <= 100 for e in extraction.entities)


def test_a_tatweel_dash_between_words_is_still_a_token():
    assert [t.text for t in tokenize("القاهرة ـ رويترز")] == ["القاهرة", "ـ", "رويترز"]
    assert [t.text for t in tokenize("لـ\"العربي\" الـمـتـحـدث")] == \
        ["لـ", '"', "العربي", '"', "الـمـتـحـدث"]


@pytest.mark.parametrize("name", ["seed_article.txt",
                                  "antcorpus_SK-middleEast-3819-20181010.txt"])
def test_real_news_tokenises_as_before(name):
    """The bounds change nothing on real text: same tokens as the unbounded pattern."""
    import re

    unbounded = re.compile(
        r"[0-9\u0660-\u0669\u06f0-\u06f9]+(?:[.,\u066b\u066c][0-9\u0660-\u0669\u06f0-\u06f9]+)*%?"
        r"|[^\W_]+(?:[\u0640\u064b-\u065f\u0670][^\W_]*)*"
        r"|[^\w\s\u200e\u200f\u200c\u200d]")
    text = (FIXTURES / name).read_text(encoding="utf-8")
    assert [(t.text, t.start) for t in tokenize(text)] == \
        [(m.group(), m.start()) for m in unbounded.finditer(text)]


def test_one_long_word_of_a_repeated_place_name_is_no_entity():
    # 100,000 characters, one word: no hit has valid word boundaries.  Before the matcher
    # looked at most an affix's length around a hit this took minutes (quadratic).
    assert default_gazetteer().find("سوريا" * 20_000) == []


# --- linking: same answers, linear time --------------------------------------------------------

def _row(e: Entity) -> list:
    return [e.text, e.type, e.start, e.end, (e.canonical or {}).get("id"), e.source]


def test_linking_on_the_seed_article_is_unchanged(seed_text):
    """tests/fixtures/seed_linking.json holds the output of the code before the rewrite."""
    before = json.loads((FIXTURES / "seed_linking.json").read_text(encoding="utf-8"))
    gaz = default_gazetteer()
    assert [_row(e) for e in gaz.find(seed_text)] == before["gazetteer"]
    spans = [tuple(s) for s in before["ner_spans"]]
    assert [_row(e) for e in merge_entities(seed_text, spans, gaz)] == before["entities"]


def _scan_within(point, places, radius_km, beyond_km=None) -> bool:
    """The scan PlaceIndex replaces."""
    return any(haversine_km(point, p) <= radius_km
               and (beyond_km is None or haversine_km(point, p) > beyond_km) for p in places)


def _random_point(rng: random.Random) -> tuple[float, float]:
    kind = rng.random()
    if kind < 0.6:  # Syria and Iraq, where namesakes crowd
        return rng.uniform(32.0, 37.5), rng.uniform(35.5, 48.0)
    if kind < 0.7:  # across the antimeridian
        return rng.uniform(-20, 20), rng.choice((-1, 1)) * rng.uniform(178.0, 180.0)
    if kind < 0.8:  # near a pole
        return rng.choice((-1, 1)) * rng.uniform(86.0, 90.0), rng.uniform(-180, 180)
    return rng.uniform(-90, 90), rng.uniform(-180, 180)


def test_place_index_answers_as_the_scan_it_replaces():
    rng = random.Random(7)
    for _ in range(40):
        places = [_random_point(rng) for _ in range(rng.randint(0, 60))]
        places += rng.sample(places, min(len(places), 5))  # the same place named again
        index = PlaceIndex([*places, None, {"lat": None, "lon": None}])
        for _ in range(50):
            point = _random_point(rng) if rng.random() < 0.7 or not places else \
                rng.choice(places)
            for radius_km, beyond_km in ((50, 0.5), (150, 0.5), (150, None), (300, None),
                                         (400, 0.5), (3000, None)):
                assert index.any_within(point, radius_km, beyond_km) == \
                    _scan_within(point, places, radius_km, beyond_km), (point, radius_km)


def _reference_resolve(entities: list[Entity]) -> list[Entity]:
    """resolve_overlaps and _absorb_inner_hits as they were before issue 11 (quadratic)."""
    from worker.nlp.entities import _confirmed, _priority

    out = [e for e in entities if e.source == "gazetteer"]
    for span in (e for e in entities if e.source != "gazetteer"):
        inner = [g for g in out if g.source == "gazetteer" and span.start <= g.start
                 and g.end <= span.end and (g.start, g.end) != (span.start, span.end)]
        if span.canonical is not None or not inner:
            out.append(span)
        elif len(inner) == 1:
            same = inner[0].type == span.type
            out.remove(inner[0])
            out.append(Entity(span.text, span.type, span.start, span.end,
                              inner[0].canonical if same else None,
                              "ner+gazetteer" if same else "ner"))
    kept: list[Entity] = []
    for entity in sorted(out, key=_priority, reverse=True):
        clash = next((k for k in kept if entity.start < k.end and k.start < entity.end), None)
        if clash is None:
            kept.append(entity)
        elif clash.source == "gazetteer" and entity.source.startswith("ner") and \
                (clash.start, clash.end) == (entity.start, entity.end):
            kept[kept.index(clash)] = _confirmed(clash, entity)
    return sorted(kept, key=lambda e: (e.start, e.end))


def test_resolve_overlaps_keeps_what_the_quadratic_version_kept():
    rng = random.Random(3)
    for _ in range(400):
        entities = []
        for _ in range(rng.randint(0, 30)):
            start = rng.randint(0, 60)
            end = start + rng.randint(1, 12)
            canonical = {"id": f"x{rng.randint(0, 3)}"} if rng.random() < 0.5 else None
            source = rng.choice(("gazetteer", "ner", "ner+gazetteer"))
            entities.append(Entity(f"{start}-{end}", rng.choice(("LOC", "ORG", "PER")),
                                   start, end, canonical, source))
        entities += rng.sample(entities, min(3, len(entities)))  # exact duplicates
        assert resolve_overlaps(entities) == _reference_resolve(entities)


def test_proximity_bonus_is_the_one_of_the_nearest_other_place():
    rng = random.Random(5)
    gaz = default_gazetteer()
    records = [r for r in gaz.records if r.point is not None][:2000]
    for _ in range(300):
        record = rng.choice(records)
        places = [_random_point(rng) for _ in range(rng.randint(0, 8))]
        places += [rng.choice(records).point, record.point]
        distances = [d for d in (haversine_km(record.point, p) for p in places) if d > 0.5]
        nearest = min(distances, default=None)
        expected = 0.0 if nearest is None else 4.0 if nearest <= 50 else 2.0 \
            if nearest <= 150 else 0.5 if nearest <= 400 else 0.0
        assert gazetteer_module._proximity_bonus(record, PlaceIndex(places)) == expected


# --- the nlp task: cap metrics, time limits ----------------------------------------------------

def _item(entry_id: str, title: str, body: str) -> dict:
    entry = Entry(id=entry_id, feed_id="bounds", url=None, title=title, summary="",
                  published="2019-03-02T10:00:00Z", content=body)
    return {"entry": entry.to_dict(), "story_id": f"story-{entry_id}", "fetched_at": time.time()}


def _articles(redis_client) -> dict[str, dict]:
    records = [json.loads(f["article"]) for _, f in redis_client.xrange("rasad:articles")]
    return {r["entry"]["id"]: r for r in records}


@pytest.fixture
def eager_tasks(monkeypatch, redis_url, redis_client):
    monkeypatch.setenv("RASAD_REDIS_URL", redis_url)
    monkeypatch.setenv("RASAD_NER_MODEL", "none")
    from worker import runtime, tasks
    from worker.celery_app import app

    runtime.reset_runtime()
    monkeypatch.setitem(app.conf, "task_always_eager", True)
    monkeypatch.setitem(app.conf, "task_eager_propagates", True)
    yield tasks
    runtime.reset_runtime()


def _sample(name: str, labels: dict) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_the_nlp_task_notes_and_counts_truncated_text(eager_tasks, redis_client, seed_text):
    body = long_article(seed_text, 2_500_000)
    labels = {"feed": "bounds"}
    before = (_sample("rasad_nlp_truncated_total", labels),
              _sample("rasad_nlp_truncated_characters_total", labels))
    eager_tasks.process_articles.apply(args=[[_item("long", "عنوان", body)]]).get()
    record = _articles(redis_client)["long"]
    note = next(n for n in record["extraction"]["notes"] if n.startswith("nlp: text truncated"))
    kept = int(note.split("truncated at ")[1].split(" ")[0])
    total = len("عنوان\n" + body)
    assert f"of {total} characters" in note
    assert _sample("rasad_nlp_truncated_total", labels) == before[0] + 1
    assert _sample("rasad_nlp_truncated_characters_total", labels) == before[1] + total - kept


def test_a_hard_time_limit_keeps_the_article_noted_and_dead_lettered(eager_tasks, redis_client,
                                                                    seed_text):
    """What Celery's main process does when it kills a child at the hard limit: it calls the
    task's on_failure with the batch and a TimeLimitExceeded (celery/worker/request.py)."""
    before = _sample("rasad_nlp_time_limit_exceeded_total", {"limit": "hard"})
    item = _item("slow", "الباغوز", seed_text)
    eager_tasks.process_articles.on_failure(TimeLimitExceeded(150.0), "task-1", ([item],), {},
                                            None)
    record = _articles(redis_client)["slow"]
    assert record["extraction"]["entities"] == []
    assert record["extraction"]["notes"][0].startswith(
        "nlp: hard time limit of 150 s exceeded (RASAD_NLP_TIME_LIMIT_SECONDS)")
    failed = redis_client.xrange("rasad:articles:failed")
    assert [json.loads(f["item"])["entry"]["id"] for _, f in failed] == ["slow"]
    assert "hard time limit" in failed[0][1]["error"]
    assert _sample("rasad_nlp_time_limit_exceeded_total", {"limit": "hard"}) == before + 1
    # Its alerts on terms still come: the seed article names Baghouz and phosphorus.
    rules = {f["rule"] for _, f in redis_client.xrange("rasad:alerts")}
    assert {"baghouz", "phosphorus"} <= rules


def test_a_batch_over_its_time_limit_is_tried_again_article_by_article(eager_tasks,
                                                                      redis_client, seed_text):
    items = [_item("a", "الباغوز", seed_text), _item("b", "خبر", "نص قصير عن دمشق.")]
    eager_tasks.process_articles.on_failure(TimeLimitExceeded(150.0), "task-2", (items,), {},
                                            None)
    records = _articles(redis_client)
    assert set(records) == {"a", "b"}
    assert records["a"]["extraction"]["entities"]  # analysed, alone, this time
    assert redis_client.xlen("rasad:articles:failed") == 0


@pytest.mark.integration
def test_a_real_worker_soft_time_limit_splits_the_batch_and_keeps_the_slow_article(
        tmp_path, redis_url, redis_client, seed_text):
    """A real Celery worker with a 1 s soft limit: the batch of a 2-million-character article
    (several seconds of NLP, uncapped here) and a short one is split; the short one is
    analysed, the long one kept with a note, dead-lettered and counted."""
    from worker.celery_app import make_app

    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    env = dict(os.environ, RASAD_REDIS_URL=redis_url, RASAD_NER_MODEL="none",
               RASAD_DATA_DIR=str(tmp_path), RASAD_WORKER_QUEUES="nlp",
               RASAD_NLP_MAX_CHARS="3000000", RASAD_NLP_SOFT_TIME_LIMIT_SECONDS="1",
               RASAD_NLP_TIME_LIMIT_SECONDS="60", PROMETHEUS_MULTIPROC_DIR=str(metrics_dir))
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "worker.celery_app", "worker", "-Q", "nlp",
         "-c", "1", "-P", "prefork", "-n", f"bounds-{os.getpid()}@%h", "--without-gossip",
         "--without-mingle", "--without-heartbeat", "--loglevel", "WARNING"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        sender = make_app(Settings(redis_url=redis_url))
        sender.send_task("rasad.process_articles", args=[[
            _item("long", "عنوان", long_article(seed_text, 2_000_000)),
            _item("short", "الباغوز", seed_text)]])
        deadline = time.time() + 180
        while time.time() < deadline and len(_articles(redis_client)) < 2:
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
            time.sleep(0.5)
        records = _articles(redis_client)
        assert set(records) == {"long", "short"}, (tmp_path / "worker.log").read_text()[-3000:]
    finally:
        worker.terminate()
        try:
            worker.wait(60)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(10)
        log.close()
    assert records["short"]["extraction"]["entities"]
    assert records["long"]["extraction"]["entities"] == []
    assert records["long"]["extraction"]["notes"][0].startswith(
        "nlp: soft time limit of 1 s exceeded (RASAD_NLP_SOFT_TIME_LIMIT_SECONDS)")
    failed = redis_client.xrange("rasad:articles:failed")
    assert [json.loads(f["item"])["entry"]["id"] for _, f in failed] == ["long"]
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, str(metrics_dir))
    # Once for the batch of two, once for the long article alone.
    assert registry.get_sample_value("rasad_nlp_time_limit_exceeded_total",
                                     {"limit": "soft"}) == 2
    assert registry.get_sample_value("rasad_articles_processed_total",
                                     {"feed": "bounds", "outcome": "error"}) == 1


def test_the_new_nlp_series_exist_from_start_up():
    from worker import metrics

    metrics.init_series(["t-bounds"], [], event_types=[])
    assert REGISTRY.get_sample_value("rasad_nlp_truncated_total", {"feed": "t-bounds"}) == 0
    assert REGISTRY.get_sample_value("rasad_nlp_truncated_characters_total",
                                     {"feed": "t-bounds"}) == 0
    for limit in ("soft", "hard"):
        assert REGISTRY.get_sample_value("rasad_nlp_time_limit_exceeded_total",
                                         {"limit": limit}) is not None
