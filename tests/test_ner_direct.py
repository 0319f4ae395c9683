"""The direct NER engine (worker.nlp.ner_direct) against the stanza Pipeline (issue 12).

The shipped model run directly must give exactly the Pipeline's tags on real news: 30 ANT
"middleEast" articles (about 15,000 tokens) in worker-sized batches of 8 articles.  The
batched Viterbi must agree with stanza's numpy ``viterbi_decode``, ties included.
"""

from __future__ import annotations

import pathlib

import pytest
import torch
from stanza.models.common.crf import viterbi_decode

from worker import errors
from worker.nlp import ner, ner_direct
from worker.nlp.tokenize import sentences
from worker.nlp.train.vectors import article_text

NEWS = pathlib.Path(__file__).resolve().parents[2] / "shared" / "data" / "news" / "antcorpus"
N_ARTICLES = 30
BATCH_ARTICLES = 8  # Settings.nlp_batch_size


@pytest.fixture(scope="module")
def engines():
    return (ner.NerTagger.load("bundled", engine="pipeline"),
            ner.NerTagger.load("bundled", engine="direct"))


def ant_articles(n: int) -> list[list[list[str]]]:
    paths = sorted(NEWS.glob("*/middleEast/*.txt"))[:n]
    if len(paths) < n:
        pytest.skip(f"{NEWS} not present: the comparison runs on real ANT articles")
    return [[[t.text for t in s] for s in sentences(article_text(p.read_text("utf-8")))]
            for p in paths]


def test_bundled_model_loads_on_the_direct_engine_by_default(monkeypatch):
    monkeypatch.delenv("RASAD_NER_ENGINE", raising=False)
    tagger = ner.NerTagger.load("bundled")
    assert tagger.engine == "direct" and tagger.pipeline is None


def test_direct_tags_equal_pipeline_tags_on_real_articles(engines):
    pipeline, direct = engines
    articles = ant_articles(N_ARTICLES)
    batches = [[s for a in articles[i:i + BATCH_ARTICLES] for s in a]
               for i in range(0, len(articles), BATCH_ARTICLES)]
    tokens = sum(len(s) for b in batches for s in b)
    assert tokens > 10_000
    for batch in batches:
        assert direct.tag(batch) == pipeline.tag(batch)


def test_direct_tags_do_not_depend_on_batch_composition(engines):
    _, direct = engines
    articles = ant_articles(4)
    # One article per call or all in one batch (the CRF reads each article apart).
    assert direct.tag_documents(articles) == [direct.tag(a) for a in articles]


def test_empty_sentences_and_batches(engines):
    _, direct = engines
    assert direct.tag([]) == []
    assert direct.tag([[], ["العراق"], []])[0::2] == [[], []]


def test_unknown_engine_is_a_model_error():
    with pytest.raises(errors.ModelError, match="RASAD_NER_ENGINE"):
        ner.NerTagger.load("bundled", engine="fast")


@pytest.mark.parametrize("config, reason", [
    pytest.param({"charlm": True}, "character language models", id="charlm"),
    pytest.param({"bert_model": "aubmindlab/bert-base-arabertv2"}, "transformer", id="bert"),
    pytest.param({"connect_output_layers": True}, "several tag columns", id="columns"),
])
def test_models_the_direct_path_does_not_cover_are_named(config, reason):
    assert reason in ner_direct.unsupported_reason(config, [])


def test_official_models_go_through_the_pipeline():
    assert ner._load_direct("stanza", ner.ModelFiles(pathlib.Path("x.pt"))) == (None, None, None)


def _lengths_and_logits(seed: int, ties: bool):
    gen = torch.Generator().manual_seed(seed)
    lens = sorted(torch.randint(1, 30, (12,), generator=gen).tolist(), reverse=True)
    logits = torch.randn(12, lens[0], 7, generator=gen)
    trans = torch.randn(7, 7, generator=gen)
    if ties:  # few distinct values: many equal sums, so tie-breaking must match numpy's
        logits, trans = logits.round(), trans.round()
    return logits, trans, lens


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("ties", [False, True], ids=["random", "ties"])
def test_batched_viterbi_matches_stanza(seed, ties):
    logits, trans, lens = _lengths_and_logits(seed, ties)
    paths = ner_direct.viterbi_batch(logits, trans, torch.tensor(lens))
    expected = [[int(x) for x in viterbi_decode(logits[i, :n].numpy(), trans.numpy())[0]]
                for i, n in enumerate(lens)]
    assert paths == expected


@pytest.mark.parametrize("zipped", [False, True], ids=["legacy", "zip"])
def test_model_files_may_hold_only_weights_only_globals(tmp_path, zipped):
    """The fast loader keeps torch's weights_only rule: an arbitrary class in the pickle
    (here pathlib's; a hostile file would name os.system) is refused, not called."""
    bad = tmp_path / "bad.pt"
    torch.save({"config": {}, "model": {}, "x": pathlib.PurePosixPath("/")}, bad,
               _use_new_zipfile_serialization=zipped)
    with pytest.raises(errors.ModelError, match="not a readable stanza NER model.*not allowed"):
        ner.NerTagger.load(str(bad))


def test_fast_loader_reads_what_torch_weights_only_reads():
    files = ner.resolve("bundled")
    fast, slow = ner.torch_load(files.model), torch.load(files.model, weights_only=True)
    assert fast["config"] == slow["config"] and fast["vocab"] == slow["vocab"]
    assert all(torch.equal(fast["model"][k], slow["model"][k]) for k in slow["model"])


def test_loading_is_announced_before_the_model_is_read(caplog):
    with caplog.at_level("INFO", logger="worker.nlp.ner"):
        ner.NerTagger.load("bundled")
    messages = [r.getMessage() for r in caplog.records]
    assert messages[0].startswith("loading the NER model\u2026")
    assert "engine=direct" in messages[-1]


def test_a_model_the_direct_path_cannot_run_falls_back_to_the_pipeline(monkeypatch, caplog):
    monkeypatch.setattr(ner_direct, "unsupported_reason", lambda *_: "it uses a transformer")
    with caplog.at_level("INFO", logger="worker.nlp.ner"):
        tagger = ner.NerTagger.load("bundled")
    assert tagger.engine == "pipeline" and tagger.direct is None
    assert any("runs through the stanza Pipeline: it uses a transformer" in r.getMessage()
               for r in caplog.records)
    assert tagger.tag([["العراق"]]) == [["B-LOC"]]


def test_torch_forced_weights_only_load_is_honoured(monkeypatch):
    monkeypatch.setenv("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "1")
    checkpoint = ner.torch_load(ner.resolve("bundled").model)
    assert checkpoint["config"]["word_emb_dim"] > 0


def _tag_in_child(tagger, queue):
    queue.put(tagger.tag([["قصفت", "طائرات", "التحالف", "الباغوز", "."]]))


def test_forked_child_tags_with_the_parents_model(engines):
    """Celery prefork: the model is loaded before fork and children tag with it
    (DESIGN.md: torch at one thread, or forked children hang in inference)."""
    import multiprocessing

    _, direct = engines
    expected = direct.tag([["قصفت", "طائرات", "التحالف", "الباغوز", "."]])
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_tag_in_child, args=(direct, queue))
    child.start()
    try:
        assert queue.get(timeout=60) == expected
    finally:
        child.join(10)
        if child.is_alive():
            child.kill()
    assert torch.get_num_threads() == 1
