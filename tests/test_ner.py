"""NER loader, tagging and training pipeline, on a tiny model trained from the fixture
through the same code path as the shipped one (``python -m worker.nlp.train --tiny``)."""

from __future__ import annotations

import pathlib
import shutil
import socket
import time

import pytest
import torch

from worker import errors
from worker.nlp import ner
from worker.nlp.tokenize import model_form, sentences
from worker.nlp.train import MODEL_NAME, PRETRAIN_NAME, data, main, score

FIXTURES = pathlib.Path(__file__).parent / "fixtures"

TINY_TSV = FIXTURES / "ner_tiny.tsv"


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    """Directory with a tiny model, its pretrain and scores, trained on the fixture."""
    work = tmp_path_factory.mktemp("ner-train")
    out = work / "out"
    rc = main(["--tiny", "--data", str(TINY_TSV), "--work", str(work), "--out", str(out),
               "--threads", "1"])
    assert rc == 0
    return out


@pytest.fixture(scope="module")
def tiny_tagger(tiny_model):
    return ner.NerTagger.load(str(tiny_model))


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a non-loopback connection fails the test."""
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if host not in ("127.0.0.1", "::1", "localhost") and not str(host).startswith("/"):
            raise AssertionError(f"network access to {address!r} during NER load")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


def test_training_writes_model_pretrain_resources_and_scores(tiny_model):
    names = {p.name for p in tiny_model.iterdir()}
    assert {MODEL_NAME, PRETRAIN_NAME, "resources.json", "scores.json"} <= names


def test_tiny_model_loads_offline_and_tags_every_token(tiny_model, no_network):
    tagger = ner.NerTagger.load(str(tiny_model))
    sents = [["قال", "الرئيس", "جورج", "بوش", "في", "واشنطن", "."], [], ["العراق"]]
    tags = tagger.tag(sents)
    assert [len(t) for t in tags] == [7, 0, 1]
    allowed = {"O"} | {f"{p}-{t}" for p in "BI" for t in ner.TYPES}
    assert {t for sent in tags for t in sent} <= allowed
    assert tagger.name and len(tagger.version) == 12


def test_tag_batches_many_sentences_in_one_call(tiny_tagger):
    sents = [[tok for tok, _ in s] for s in data.read_tsv(TINY_TSV)]
    tags = tiny_tagger.tag(sents)
    assert [len(t) for t in tags] == [len(s) for s in sents]


def test_missing_pretrain_is_a_model_error(tiny_model, tmp_path):
    shutil.copy(tiny_model / MODEL_NAME, tmp_path / MODEL_NAME)
    with pytest.raises(errors.ModelError, match="pretrain file .* missing"):
        ner.NerTagger.load(str(tmp_path))


def test_pretrain_of_other_dimension_is_a_model_error(tiny_model, tmp_path):
    shutil.copy(tiny_model / MODEL_NAME, tmp_path / MODEL_NAME)
    pretrain = torch.load(tiny_model / PRETRAIN_NAME, weights_only=True)
    pretrain["emb"] = pretrain["emb"][:, :8].clone()
    torch.save(pretrain, tmp_path / PRETRAIN_NAME)
    with pytest.raises(errors.ModelError, match="does not belong"):
        ner.NerTagger.load(str(tmp_path))


def test_pretrain_with_other_vocabulary_is_a_model_error(tiny_model, tmp_path):
    shutil.copy(tiny_model / MODEL_NAME, tmp_path / MODEL_NAME)
    pretrain = torch.load(tiny_model / PRETRAIN_NAME, weights_only=True)
    units = pretrain["vocab"]["_id2unit"]
    units[4], units[5] = units[5], units[4]
    torch.save(pretrain, tmp_path / PRETRAIN_NAME)
    with pytest.raises(errors.ModelError, match="different vocabulary"):
        ner.NerTagger.load(str(tmp_path))


@pytest.mark.parametrize("spec", [
    pytest.param("/nonexistent/model.pt", id="missing-file"),
    pytest.param("/nonexistent-dir/", id="missing-dir"),
])
def test_missing_model_is_a_model_error(spec):
    with pytest.raises(errors.ModelError, match="does not exist|missing|exactly one"):
        ner.NerTagger.load(spec)


def test_corrupt_model_file_is_a_model_error(tiny_model, tmp_path):
    (tmp_path / MODEL_NAME).write_bytes(b"not a model")
    shutil.copy(tiny_model / PRETRAIN_NAME, tmp_path / PRETRAIN_NAME)
    with pytest.raises(errors.ModelError, match="not a readable stanza NER model"):
        ner.NerTagger.load(str(tmp_path / MODEL_NAME))


def test_official_models_absent_says_how_to_get_them(tmp_path, monkeypatch):
    monkeypatch.setenv("STANZA_RESOURCES_DIR", str(tmp_path))
    with pytest.raises(errors.ModelError, match="rasad models download"):
        ner.NerTagger.load("stanza")


def test_download_official_fails_fast_and_clearly_offline(tmp_path, monkeypatch):
    import httpx

    def offline(*args, **kwargs):
        raise httpx.ConnectError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(httpx, "head", offline)
    started = time.monotonic()
    with pytest.raises(errors.ModelError, match="cannot reach .* RASAD_NER_MODEL=bundled"):
        ner.download_official(tmp_path, timeout_seconds=1)
    assert time.monotonic() - started < 5
    assert not any(tmp_path.iterdir())


def test_get_tagger_loads_once_per_spec(monkeypatch):
    calls = []
    monkeypatch.setattr(ner, "_CACHE", {})
    monkeypatch.setattr(ner.NerTagger, "load", classmethod(
        lambda cls, spec, threads=None: calls.append((spec, threads)) or object()))
    monkeypatch.setenv("RASAD_NER_MODEL", "some/path.pt")
    first = ner.get_tagger(threads=1)
    assert ner.get_tagger() is first
    assert calls == [("some/path.pt", 1)]


def test_spans_point_into_the_original_text():
    text = "قال الناشط أبو محمد الجزراوي إن \"داعش\" قصف الباغوز في ريف دير الزور."
    sent = sentences(text)[0]
    words = [t.text for t in sent]
    tags = ["O"] * len(words)
    for first, last, typ in (("أبو", "الجزراوي", "PER"), ("داعش", "داعش", "ORG"),
                             ("الباغوز", "الباغوز", "LOC"), ("دير", "الزور", "LOC")):
        i, j = words.index(first), words.index(last)
        tags[i:j + 1] = [f"B-{typ}"] + [f"I-{typ}"] * (j - i)
    found = [(typ, text[s:e]) for typ, s, e in ner.NerTagger.spans(sent, tags)]
    assert found == [("PER", "أبو محمد الجزراوي"), ("ORG", "داعش"), ("LOC", "الباغوز"),
                     ("LOC", "دير الزور")]


def test_model_spans_map_to_original_text_with_diacritics(tiny_tagger):
    text = "وصل الرئيسُ الأمريكي جورج بوش إلى بغداد، وقال إن العراق سيبقى."
    sents = sentences(text)
    for sent, tags in zip(sents, tiny_tagger.tag_tokens(sents)):
        for _typ, start, end in ner.spans(sent, tags):
            inside = [t for t in sent if start <= t.start and t.end <= end]
            assert text[start:end].startswith(inside[0].text)
            assert text[start:end].endswith(inside[-1].text)


@pytest.mark.parametrize("stanza_tags, bio", [
    pytest.param(["S-PERS", "O", "B-LOC", "E-LOC"], ["B-PER", "O", "B-LOC", "I-LOC"], id="bioes"),
    pytest.param(["B-ORG", "I-ORG", "E-ORG"], ["B-ORG", "I-ORG", "I-ORG"], id="long"),
    pytest.param(["S-GPE", "S-EVENT", None], ["B-LOC", "B-MISC", "O"], id="other-types"),
])
def test_to_bio_maps_stanza_tags_to_rasad_types(stanza_tags, bio):
    assert ner.to_bio(stanza_tags) == bio


@pytest.mark.parametrize("token, form", [
    pytest.param("الأردن", "الاردن", id="hamza-alef"),
    pytest.param("مصطفى", "مصطفي", id="alef-maqsura"),
    pytest.param("الدولةُ", "الدوله", id="taa-marbuta-tashkeel"),
    pytest.param("،", ",", id="arabic-comma"),
])
def test_model_form_folds_spelling_variants(token, form):
    assert model_form(token) == form


@pytest.mark.parametrize("gold, pred, f1", [
    pytest.param([["B-PER", "I-PER", "O"]], [["B-PER", "I-PER", "O"]], 100.0, id="exact"),
    pytest.param([["B-PER", "I-PER", "O"]], [["B-PER", "O", "O"]], 0.0, id="boundary"),
    pytest.param([["B-PER", "O"]], [["B-LOC", "O"]], 0.0, id="type"),
    pytest.param([["O", "I-LOC"]], [["O", "B-LOC"]], 100.0, id="stray-I-starts-entity"),
])
def test_score_is_entity_level_exact_match(gold, pred, f1):
    assert score.score(gold, pred)["overall"]["f1"] == f1


def test_old_split_is_every_tenth_sentence():
    sents = [[(str(i), "O")] for i in range(25)]
    train, dev = data.split(sents)
    assert [s[0][0] for s in dev] == ["9", "19"]
    assert len(train) == 23


def test_dev_split_is_the_last_block_of_whole_articles():
    sents = [[(str(i), "O")] for i in range(40)]
    train, dev = data.split_by(sents, "block")
    assert [s[0][0] for s in dev] == ["36", "37", "38", "39"]
    assert [s[0][0] for s in train] == [str(i) for i in range(36)]


def test_extra_training_goes_to_train_only(tmp_path):
    sents = [[("دمشق", "B-LOC"), ("مدينة", "O")] for _ in range(20)]
    tsv = tmp_path / "a.tsv"
    data.write_tsv(sents, tsv)
    paths = data.prepare(tsv, tmp_path / "w", "block", extra=[[("عمان", "B-LOC")]])
    assert len(data.read_tsv(paths["train_tsv"])) == 19
    assert len(data.read_tsv(paths["dev_tsv"])) == 2


def test_entity_substitution_swaps_names_of_the_same_type():
    from worker.nlp.train import augment

    sent = [("قال", "O"), ("محمد", "B-PERS"), ("علي", "I-PERS"), ("في", "O"),
            ("حلب", "B-LOC")]
    pools = {"PER": [("أحمد",)], "LOC": [("دير", "الزور")], "ORG": [("الأمم", "المتحدة")]}
    (new,) = augment.substitute([sent], pools, copies=1)
    assert new == [("قال", "O"), ("أحمد", "B-PER"), ("في", "O"), ("دير", "B-LOC"),
                   ("الزور", "I-LOC")]


def test_seen_and_unseen_names_are_scored_apart():
    train = [[("حلب", "B-LOC")]]
    dev = [[("حلب", "B-LOC"), ("و", "O"), ("حمص", "B-LOC")]]
    pred = [["B-LOC", "O", "O"]]
    result = score.seen_unseen(train, dev, pred)
    assert result["seen"]["recall"] == 100.0
    assert result["unseen"]["recall"] == 0.0


def test_a_continuation_takes_the_new_optimiser_and_dropout_settings(tmp_path):
    """stanza's --finetune rebuilds the model from the checkpoint's config: a continuation's
    learning rate and dropout rates must be written there, or they are silently ignored."""
    import argparse

    import torch

    from worker.nlp.train.tagger import _start_from

    source, target = tmp_path / "base.pt", tmp_path / "cont.pt"
    torch.save({"config": {"optim": "adamw", "lr": 0.002, "dropout": 0.5,
                           "word_dropout": 0.05, "locked_dropout": 0.0}}, source)
    args = argparse.Namespace(finetune_from=str(source), optim="adamw", lr=0.0005,
                              dropout=0.4, word_dropout=0.3, locked_dropout=0.1)
    _start_from(args, target)
    config = torch.load(target, weights_only=True)["config"]
    assert config == {"optim": "adamw", "lr": 0.0005, "dropout": 0.4, "word_dropout": 0.3,
                      "locked_dropout": 0.1}


def test_charlm_stage_trains_both_directions_and_the_tagger_uses_them(tmp_path):
    """The charlm stage (tiny text and model, seconds) writes a forward and a backward
    character language model that the tagger stage takes with --charlm; the trained tagger
    loads beside them (through the stanza Pipeline) and tags."""
    from stanza.models.common.char_model import CharacterLanguageModel

    from worker.nlp.train import charlm

    work, out = tmp_path / "work", tmp_path / "out"
    common = ["--tiny", "--data", str(TINY_TSV), "--work", str(work), "--out", str(out),
              "--threads", "1"]
    assert main([*common, "--stages", "data,vectors,charlm"]) == 0
    forward, backward = (charlm.model_path(work, d) for d in charlm.DIRECTIONS)
    assert CharacterLanguageModel.load(str(forward)).is_forward_lm
    assert not CharacterLanguageModel.load(str(backward)).is_forward_lm
    # the text is what the tagger feeds the charlm: model forms, one sentence per line
    line = (work / "charlm" / "train.txt").read_text(encoding="utf-8").splitlines()[0]
    assert line.split() == [model_form(t) for t in line.split()]

    assert main([*common, "--stages", "tagger,eval,ship", "--charlm", "--max-steps", "20"]) == 0
    names = {p.name for p in out.iterdir()}
    assert {MODEL_NAME, PRETRAIN_NAME, forward.name, backward.name} <= names
    assert torch.load(out / MODEL_NAME, weights_only=True)["config"]["charlm"]
    tagger = ner.NerTagger.load(str(out))
    assert tagger.engine == "pipeline"  # the direct engine has no charlm
    sents = [[t.text for t in s] for s in sentences("قال محمد إن الجيش دخل دمشق.")]
    assert [len(t) for t in tagger.tag(sents)] == [len(s) for s in sents]
    # without its charlms beside it the model is refused, not run without them
    (out / forward.name).unlink()
    with pytest.raises(errors.ModelError, match="charlm"):
        ner.NerTagger.load(str(out))


def test_tagger_charlm_needs_the_charlm_stage(tmp_path):
    with pytest.raises(RuntimeError, match="charlm stage"):
        main(["--tiny", "--data", str(TINY_TSV), "--work", str(tmp_path), "--stages",
              "data,tagger", "--charlm", "--threads", "1"])
    # a tagger run named like the charlm folder would overwrite and confuse its files
    with pytest.raises(RuntimeError, match="another name"):
        main(["--tiny", "--data", str(TINY_TSV), "--work", str(tmp_path), "--stages",
              "tagger", "--charlm", "--run", "charlm", "--threads", "1"])
