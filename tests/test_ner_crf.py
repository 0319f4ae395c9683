"""The NER CRF (worker.nlp.ner_crf): its features, the combination rule, and a tiny CRF
trained from the fixture through the same ``crf`` stage as the shipped one
(``python -m worker.nlp.train --tiny``), loaded offline."""

from __future__ import annotations

import dataclasses
import gzip
import json
import pathlib

import numpy as np
import pytest

from worker import errors
from worker.nlp import ner, ner_crf
from worker.nlp.ner_crf import Features, Lexicon, add_free_entities
from worker.nlp.tokenize import model_form
from worker.nlp.train import PRETRAIN_NAME, main, score

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
TINY_TSV = FIXTURES / "ner_tiny.tsv"
WORDS = ["<PAD>", "<UNK>", "<EMPTY>", "<ROOT>", "في", "من", "الرئيس", "محمد", "بغداد",
         "العراق", "مدينة", "قال", "سامر", "زيدان", "دير", "الزور"]


def tiny_lexicon(common_rank_words: int = 0) -> Lexicon:
    """A hand-made lexicon over WORDS (clusters: row number mod k)."""
    rows = len(WORDS)
    return Lexicon(
        lists={"محمد": ("ak_male_first",), "بغداد": ("g1_LOC",), "سامر": ("wdper",)},
        spans={("بغداد",): ("LOC", "LOC_safe"), ("دير", "الزور"): ("LOC",),
               ("العراق",): ("CTRY", "LOC_big")},
        common=frozenset({"قال"}),
        clusters={k: [-1] * 4 + [i % k for i in range(rows - 4)] for k in (100, 400, 1000)},
        pretrain_size=rows, pretrain_head=tuple(WORDS))


@pytest.fixture
def features(monkeypatch):
    # Every word of WORDS is rare enough for list features (rank >= COMMON_RANK) unless a
    # test says otherwise: the tiny vocabulary has no 300 most frequent words.
    monkeypatch.setattr(ner_crf, "COMMON_RANK", 0)
    vectors = np.arange(len(WORDS) * 4, dtype=np.float16).reshape(len(WORDS), 4)
    return Features(tiny_lexicon(), WORDS, vectors)


@pytest.mark.parametrize("form, stem, bare", [
    pytest.param("والعراق", "عراق", "العراق", id="wa-al"),
    pytest.param("بغداد", "غداد", "غداد", id="b-looks-like-a-clitic"),
    pytest.param("لقوا", "قوا", "لقوا", id="l-verb-kept-by-bare-only"),
    pytest.param("في", "في", "في", id="short"),
    pytest.param("الزور", "زور", "الزور", id="article"),
])
def test_clitic_stripping(form, stem, bare):
    assert ner_crf.strip_clitics(form) == stem
    assert ner_crf.bare_clitic(form) == bare


def test_a_words_own_features(features):
    x = features.sentence(["بغداد"])[0]
    for key in ("b", "w=بغداد", "st=غداد", "p1=ب", "s3=داد", "clit=ب", "L=g1_LOC",
                "c100=4", "-1:BOS", "-2:BOS", "1:EOS", "2:EOS", "G=B-LOC", "G=B-LOC_safe",
                "G=len1"):
        assert x[key] == 1.0, key
    vector = np.array([x[f"e{k}"] for k in range(4)])
    assert np.linalg.norm(vector) == pytest.approx(ner_crf.EMB_SCALE, rel=1e-3)


def test_unknown_word_is_oov_without_vector(features):
    x = features.sentence(["زنكلوف"])[0]
    assert x["oov"] == 1.0 and x["c100=-"] == 1.0 and "e0" not in x


def test_neighbour_and_trigger_features(features):
    x = features.sentence(["قال", "الرئيس", "سامر", "زيدان"])[2]
    assert x["-1:w=الرئيس"] == 1.0 and x["-1:T=PER"] == 1.0 and x["-2:w=قال"] == 1.0
    assert x["-1:w|w=الرئيس|سامر"] == 1.0 and x["1:w|w=سامر|زيدان"] == 1.0
    assert x["1:w=زيدان"] == 1.0 and "1:T=PER" not in x  # triggers look backwards only
    assert x["L=wdper"] == 1.0


def test_longest_span_wins_and_the_clitic_is_allowed_on_its_first_token(features):
    tags = features.span_tags(["في", "دير", "الزور", "والعراق"])
    assert tags[1] == ["B-LOC", "len2"] and tags[2] == ["I-LOC", "len2"]
    assert tags[3] == ["B-CTRY", "B-LOC_big", "len1"] and tags[0] == []


def test_common_words_keep_only_curated_spans(features, monkeypatch):
    monkeypatch.setattr(ner_crf, "COMMON_RANK", 10 ** 6)  # every word counts as frequent
    features = Features(tiny_lexicon(), WORDS, np.ones((len(WORDS), 4), dtype=np.float16))
    x = features.sentence(["بغداد", "دير", "الزور"])
    assert x[0]["G=B-LOC_safe"] == 1.0  # curated: kept
    assert not any(k.startswith("G=") for k in x[1])  # not curated: dropped
    assert not any(k.startswith("L=") for k in x[0])  # no list features for frequent words


def test_document_marks_come_from_other_sentences_within_the_window(features):
    name = ["قال", "الرئيس", "زيدان"]  # marks زيدان with TPER
    filler = ["في", "العراق"]
    sents = [name] + [filler] * (ner_crf.DOC_WINDOW - 1) + [["زيدان"], ["زيدان"]]
    docs = features.document(sents)
    assert "زيدان" not in docs[0]  # its own sentence does not count
    assert docs[ner_crf.DOC_WINDOW]["زيدان"] == {"TPER"}  # 10 sentences away
    assert "زيدان" not in docs[ner_crf.DOC_WINDOW + 1]  # 11 away
    x = features.documents(sents)[ner_crf.DOC_WINDOW][0]
    assert x["D=TPER"] == 1.0


def test_document_marks_match_a_brute_force_reading_on_a_long_article(features):
    # 1,500 sentences (a 100,000-character article), a name marked in many of them: the
    # windowed lookup must give what reading every other sentence gives.
    import random

    rng = random.Random(3)
    pool = [["قال", "الرئيس", "زيدان"], ["محمد", "سامر", "في"], ["في", "العراق"],
            ["زيدان", "قال"], ["الرئيس", "سامر"]]
    sents = [rng.choice(pool) for _ in range(1500)]
    marks = [features.marks(s) for s in sents]
    expected = []
    for i, sent in enumerate(sents):
        merged: dict = {}
        for w in map(features.word, sent):
            for key in (w.form, w.stem):
                for k in range(max(i - ner_crf.DOC_WINDOW, 0),
                               min(i + ner_crf.DOC_WINDOW + 1, len(sents))):
                    if k != i and key in marks[k]:
                        merged.setdefault(key, set()).update(marks[k][key])
        expected.append(merged)
    assert features.document(sents) == expected


def test_a_listed_first_name_marks_the_next_word(features):
    assert features.marks(["محمد", "زيدان"])["زيدان"] == {"afterName"}


@pytest.mark.parametrize("base, extra, combined", [
    pytest.param(["B-PER", "I-PER", "O", "O"], ["O", "O", "B-LOC", "O"],
                 ["B-PER", "I-PER", "B-LOC", "O"], id="free-entity-added"),
    pytest.param(["B-PER", "I-PER", "O"], ["O", "B-ORG", "I-ORG"],
                 ["B-PER", "I-PER", "O"], id="overlap-dropped"),
    pytest.param(["O", "B-LOC", "O"], ["B-ORG", "I-ORG", "I-ORG"],
                 ["O", "B-LOC", "O"], id="covering-dropped"),
    pytest.param(["O", "O", "O"], ["I-MISC", "I-MISC", "O"],
                 ["B-MISC", "I-MISC", "O"], id="stray-I-starts-an-entity"),
    pytest.param(["B-LOC", "O", "O"], ["B-LOC", "O", "B-PER"],
                 ["B-LOC", "O", "B-PER"], id="same-entity-kept-once"),
    pytest.param(["O", "O"], ["B-PER", "B-PER"], ["B-PER", "B-PER"], id="adjacent"),
])
def test_crf_entities_are_added_only_where_the_tagger_has_none(base, extra, combined):
    assert add_free_entities(base, extra) == combined


@pytest.mark.parametrize("tags", [
    ["B-PER", "I-PER", "I-LOC", "O", "I-ORG", "B-ORG", "I-ORG"],
    ["I-MISC", "O", "B-LOC"],
    ["O", "O"],
])
def test_entities_agree_with_the_scorer(tags):
    assert set(ner_crf.entities(tags)) == score.entities(tags)


def test_lexicon_round_trip(tmp_path):
    lexicon = tiny_lexicon()
    lexicon.save(tmp_path / "lex.json.gz")
    assert Lexicon.read(tmp_path / "lex.json.gz") == lexicon


# ---------------------------------------------------------------------------------------
# A tiny CRF, trained by the training stage

@pytest.fixture(scope="module")
def tiny_crf(tmp_path_factory):
    """(out, work): the CRF files shipped alone (`--stages data,vectors,crf,ship`)."""
    work = tmp_path_factory.mktemp("crf-train")
    out = work / "out"
    rc = main(["--tiny", "--data", str(TINY_TSV), "--work", str(work), "--out", str(out),
               "--stages", "data,vectors,crf,ship", "--threads", "1"])
    assert rc == 0
    return out, work


def test_crf_stage_ships_its_files_and_scores(tiny_crf):
    out, _ = tiny_crf
    assert {ner_crf.MODEL_NAME, ner_crf.LEXICON_NAME, "crf_scores.json"} <= \
        {p.name for p in out.iterdir()}
    scores = json.loads((out / "crf_scores.json").read_text())
    assert scores["iterations"] == 10 and "crf_alone" in scores
    assert "combined" not in scores  # no tagger in this run, none to combine with
    with gzip.open(out / ner_crf.LEXICON_NAME, "rt", encoding="utf-8") as fin:
        assert json.load(fin)["format"] == ner_crf.LEXICON_FORMAT


def test_crf_stage_is_reproducible(tiny_crf, tmp_path):
    out, work = tiny_crf
    rc = main(["--tiny", "--data", str(TINY_TSV), "--work", str(work), "--out",
               str(tmp_path), "--stages", "crf,ship", "--run", "again", "--threads", "1"])
    assert rc == 0
    for name in (ner_crf.MODEL_NAME, ner_crf.LEXICON_NAME):
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes(), name


def test_tiny_crf_loads_offline_and_tags_every_token(tiny_crf, monkeypatch):
    import socket

    out, work = tiny_crf
    monkeypatch.setattr(socket.socket, "connect", lambda *a: pytest.fail("network"))
    crf = ner_crf.CrfTagger.load(out, pretrain_path=work / PRETRAIN_NAME)
    sents = [[model_form(t) for t in s.split()] for s in
             ("قال الرئيس العراقي جلال طالباني في بغداد", "", "وصل الوفد الى دمشق")]
    tags = crf.tag(sents)
    assert [len(t) for t in tags] == [7, 0, 4]
    assert all(t == "O" or t[:2] in ("B-", "I-") for s in tags for t in s)


def test_crf_built_with_another_pretrain_is_a_model_error(tiny_crf):
    out, _ = tiny_crf
    with pytest.raises(errors.ModelError, match="another pretrain"):
        ner_crf.CrfTagger.load(out, pretrain_path=ner.BUNDLED_DIR / ner.BUNDLED_PRETRAIN)


def test_missing_crf_file_is_a_model_error(tmp_path):
    with pytest.raises(errors.ModelError, match="RASAD_NER_CRF=off"):
        ner_crf.CrfTagger.load(tmp_path)


@pytest.mark.parametrize("variable, read", [
    pytest.param("RASAD_NER_CRF", lambda: ner.crf_enabled(), id="crf"),
    pytest.param("RASAD_NER_PROPAGATE", lambda: ner.propagate_enabled(), id="propagate"),
])
@pytest.mark.parametrize("value, expected", [
    pytest.param(None, True, id="default-on"),
    pytest.param("off", False, id="off"),
    pytest.param("ON", True, id="on"),
    pytest.param("yes", True, id="yes"),
    pytest.param("0", False, id="zero"),
])
def test_on_off_switches(monkeypatch, variable, read, value, expected):
    if value is None:
        monkeypatch.delenv(variable, raising=False)
    else:
        monkeypatch.setenv(variable, value)
    assert read() is expected


@pytest.mark.parametrize("variable, read", [
    pytest.param("RASAD_NER_CRF", lambda: ner.crf_enabled(), id="crf"),
    pytest.param("RASAD_NER_PROPAGATE", lambda: ner.propagate_enabled(), id="propagate"),
])
def test_a_bad_switch_is_a_model_error_that_names_it(monkeypatch, variable, read):
    monkeypatch.setenv(variable, "maybe")
    with pytest.raises(errors.ModelError, match=variable):
        read()


@pytest.fixture(scope="module")
def bundled_pair():
    return (ner.NerTagger.load("bundled", crf=False, propagate=False),
            ner.NerTagger.load("bundled", crf=True, propagate=False))


def test_bundled_model_adds_crf_entities_only_outside_its_own(bundled_pair):
    alone, combined = bundled_pair
    assert alone.crf is None and combined.crf is not None
    text = ("قال المتحدث باسم وزارة الخارجية الأمريكية شون ماكورماك إن الوزيرة كوندوليزا رايس "
            "ستزور بغداد والقاهرة الأسبوع المقبل . وأضاف ماكورماك أن الزيارة تهدف إلى دعم "
            "حكومة نوري المالكي .")
    sents = [s.split() for s in text.split(" . ")]
    base, both = alone.tag(sents), combined.tag(sents)
    for b, c in zip(base, both):
        kept = score.entities(b)
        assert kept <= score.entities(c)  # nothing of the tagger's is lost or changed
        for _, s, e in score.entities(c) - kept:
            assert all(t == "O" for t in b[s:e])


def test_articles_are_tagged_apart(bundled_pair):
    _, combined = bundled_pair
    a = [["قال", "الرئيس", "زيدان", "إن", "الوضع", "صعب"]]
    b = [["وصل", "زيدان", "إلى", "المدينة"]]
    assert combined.tag_documents([a, b]) == [combined.tag(a), combined.tag(b)]


@pytest.mark.parametrize("switch, has_crf", [pytest.param("on", True, id="on"),
                                              pytest.param("off", False, id="off")])
def test_model_label_names_the_crf_when_it_is_on(monkeypatch, switch, has_crf):
    monkeypatch.setenv("RASAD_NER_CRF", switch)
    label = ner.model_label("bundled")
    assert label.startswith("rasad-ar-anercorp@") and ("+crf@" in label) is has_crf


def test_the_extractor_names_the_crf_when_it_runs(bundled_pair):
    from worker.extract import Extractor

    alone, combined = bundled_pair
    extractor = Extractor("bundled")
    extractor._tagger = alone
    assert extractor.model_name == alone.name and "+crf" not in extractor.model_name
    extractor._tagger = combined
    assert extractor.model_name == f"{combined.name}+crf"
    assert Extractor("none").model_name == "none"


# -- name propagation (ner_crf.propagate) -----------------------------------------------

@pytest.mark.parametrize("forms, tags, expected", [
    pytest.param([["قال", "سامر", "زيدان"], ["التقى", "سامر", "زيدان"]],
                 [["O", "B-PER", "I-PER"], ["O", "O", "O"]],
                 [["O", "B-PER", "I-PER"], ["O", "B-PER", "I-PER"]], id="next-sentence"),
    pytest.param([["في", "بغداد", "و", "بغداد"]], [["O", "B-LOC", "O", "O"]],
                 [["O", "B-LOC", "O", "B-LOC"]], id="same-sentence"),
    pytest.param([["دير", "الزور"], ["دير", "الزور"]], [["B-LOC", "I-LOC"], ["B-ORG", "O"]],
                 [["B-LOC", "I-LOC"], ["B-ORG", "O"]], id="partly-tagged-kept"),
    pytest.param([["سامر", "زيدان"], ["سامر"], ["سامر", "زيدان"]],
                 [["B-PER", "I-PER"], ["B-PER"], ["O", "O"]],
                 [["B-PER", "I-PER"], ["B-PER"], ["B-PER", "I-PER"]], id="longest-first"),
    pytest.param([["بغداد"], ["بغداد"], ["بغداد"], ["بغداد"]],
                 [["B-LOC"], ["B-ORG"], ["B-LOC"], ["O"]],
                 [["B-LOC"], ["B-ORG"], ["B-LOC"], ["B-LOC"]], id="most-frequent-type"),
    pytest.param([["في"], ["في"]], [["B-LOC"], ["O"]], [["B-LOC"], ["O"]],
                 id="short-word-not-propagated"),
    pytest.param([[], ["بغداد"]], [[], ["B-LOC"]], [[], ["B-LOC"]], id="empty-sentence"),
    # A person's surname alone names them again (the twenty-seventh report draw: "مقتل
    # مارينوفا" after "فيكتوريا مارينوفا"), but not a compound given name's second word or a
    # patronymic after بن, nor a surname under four letters.
    pytest.param([["اعلن", "مقتل", "صالح", "الصماد"], ["وكان", "الصماد", "يراس", "المجلس"]],
                 [["O", "O", "B-PER", "I-PER"], ["O", "O", "O", "O"]],
                 [["O", "O", "B-PER", "I-PER"], ["O", "B-PER", "O", "O"]], id="surname"),
    pytest.param([["قال", "عبد", "الله", "و", "محمد", "بن", "سلمان"], ["الحمد", "الله"],
                  ["الملك", "سلمان"]],
                 [["O", "B-PER", "I-PER", "O", "B-PER", "I-PER", "I-PER"], ["O", "O"],
                  ["O", "O"]],
                 [["O", "B-PER", "I-PER", "O", "B-PER", "I-PER", "I-PER"], ["O", "O"],
                  ["O", "O"]], id="no-compound-or-patronymic"),
    pytest.param([["قال", "احمد", "علي"], ["علي", "الارض"]],
                 [["O", "B-PER", "I-PER"], ["O", "O"]],
                 [["O", "B-PER", "I-PER"], ["O", "O"]], id="short-surname-not-propagated"),
])
def test_propagate_tags_other_untagged_occurrences(forms, tags, expected):
    assert ner_crf.propagate(forms, tags) == expected


def test_propagate_reads_only_the_window():
    forms = [["بغداد"]] + [["قال"]] * 10 + [["بغداد"]]  # 11 sentences apart
    tags = [["B-LOC"]] + [["O"]] * 11
    assert ner_crf.propagate(forms, tags, window=11)[-1] == ["B-LOC"]
    assert ner_crf.propagate(forms, tags, window=10)[-1] == ["O"]


def test_the_tagger_propagates_names_within_each_article(bundled_pair):
    _, combined = bundled_pair
    spreading = dataclasses.replace(combined, propagate=True)
    article = [["قال", "الرئيس", "نوري", "المالكي", "إن", "الوضع", "صعب"],
               ["وكان", "نوري", "المالكي", "قد", "وصل"]]
    other = [["وكان", "نوري", "المالكي", "قد", "وصل"]]
    forms = [[model_form(t) for t in s] for s in article]
    plain = combined.tag_documents([article, other])
    assert spreading.tag_documents([article, other]) == [
        ner_crf.propagate(forms, plain[0]), ner_crf.propagate([forms[1]], plain[1])]


def test_crf_training_documents_keep_the_extra_corpora_and_copies_apart(tmp_path,
                                                                        monkeypatch):
    from worker.nlp.train import augment, crf, data

    data.write_tsv([[("جامعة", "B-ORG"), ("القاهرة", "I-ORG"), ("و", "O"), ("الحديد", "B-MISC")]],
                   tmp_path / "aqmar.tsv")
    monkeypatch.setattr(augment, "name_pools", lambda *a: {"PER": [("سامر",)]})
    monkeypatch.setattr(augment, "common_words", set)
    train = [[("قال", "O"), ("محمد", "B-PERS")], [("في", "O"), ("بغداد", "B-LOC")]]
    docs = crf.training_documents(train, tmp_path, "aqmar-nomisc", 1, seed=1)
    assert docs == [train,
                    [[("جامعة", "B-ORG"), ("القاهرة", "I-ORG"), ("و", "O"), ("الحديد", "O")]],
                    [[("قال", "O"), ("سامر", "B-PER")]]]
    assert crf.training_documents(train, tmp_path, "", 0, seed=1) == [train]


def test_propagate_on_a_long_article_tags_exactly_the_windows():
    """3,000 sentences (a wire live blog's length), a name tagged in every 50th: each
    sentence within 10 of a tagged one gets it, no other.  Linear: 1,000 / 2,000 / 4,000 /
    8,000 sentences of 16 words took 0.007 / 0.014 / 0.029 / 0.058 s."""
    n = 3000
    forms = [["قال", "محمد", "الرزامي", "في", "صنعاء"] + [f"كلمة{i % 7}"] * 10
             for i in range(n)]
    tags = [(["O", "B-PER", "I-PER", "O", "B-LOC"] if i % 50 == 0 else ["O"] * 5)
            + ["O"] * 10 for i in range(n)]
    out = ner_crf.propagate(forms, tags)
    near = {i for k in range(0, n, 50) for i in range(max(k - 10, 0), min(k + 11, n))}
    assert {i for i, t in enumerate(out) if t[1:3] == ["B-PER", "I-PER"]} == near
    assert all(t[4] == ("B-LOC" if i in near else "O") for i, t in enumerate(out))
