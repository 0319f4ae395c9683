"""The ``crf`` stage: build the NER CRF's lexicon, train the CRF, score it on dev.

Rebuilds ``ar_rasad_crf_lexicon.json.gz`` and ``ar_rasad_crf.crfsuite``
(:mod:`worker.nlp.ner_crf`) from the same data and split as the tagger:

1. lexicon: the name lists of ``--extra-dir`` (AKhateeb first/last names, Wikidata person
   tokens, the country list) and the gazetteer's Arabic names as model forms; k-means
   clusters (100, 400, 1,000; cosine, 15 iterations, seed 1234) of the pretrain's vectors;
2. CRF: python-crfsuite L-BFGS, c1 0.1, c2 0.1, 150 iterations (chosen by 5-fold CV on the
   train part, MODEL_CARD.md), on the ANERcorp train part, sentences in order as one
   document (the "doc" feature looks 10 sentences either side);
3. scores: the CRF alone on dev, the base tagger + the CRF's non-overlapping entities, and
   that with name propagation (:func:`worker.nlp.ner_crf.propagate`; the run-time path,
   ``RASAD_NER_PROPAGATE=on``), written to ``crf_scores.json``.
"""

from __future__ import annotations

import json
import logging
import re
import time
from pathlib import Path

from worker.nlp import ner_crf
from worker.nlp.tokenize import model_form
from worker.nlp.train import data, score

log = logging.getLogger("worker.nlp.train")

KMEANS_ITERATIONS = 15
KMEANS_SEED = 1234
_ARABIC = re.compile("[\u0600-\u06ff]")
MAX_SPAN_TOKENS = 6
FIRST_WORD_ROW = 4  # a stanza pretrain's rows before its first word: PAD, UNK, EMPTY, ROOT


def build_lexicon(extra_dir: Path, pretrain: dict, gazetteer=None) -> ner_crf.Lexicon:
    """Name lists, gazetteer spans and clusters for the pretrain ``pretrain``."""
    from worker.nlp.gazetteer import Gazetteer

    lists: dict[str, set[str]] = {}
    spans: dict[tuple[str, ...], set[str]] = {}
    _add_name_lists(extra_dir, lists, spans)
    gazetteer = gazetteer or Gazetteer.load()
    _add_gazetteer(gazetteer, lists, spans)
    words = list(pretrain["vocab"]["_id2unit"])
    common = frozenset(model_form(w) for w in getattr(gazetteer, "_common", ()))
    return ner_crf.Lexicon({k: tuple(sorted(v)) for k, v in lists.items()},
                           {k: tuple(sorted(v)) for k, v in spans.items()}, common,
                           kmeans_clusters(pretrain["emb"]), len(words), tuple(words[:50]))


def _add_name_lists(extra_dir: Path, lists: dict, spans: dict) -> None:
    def rows(name: str):
        with open(extra_dir / name, encoding="utf-8") as fin:
            for line in fin:
                yield line.rstrip("\n").split("\t")

    for tok, _typ, source in rows("names_akhateeb.tsv"):
        lists.setdefault(model_form(tok), set()).add("ak_" + source.split(":")[1])
    for row in rows("names_wikidata_person_tokens.tsv"):
        lists.setdefault(model_form(row[0]), set()).add("wdper")
    for row in rows("names_country_list.tsv"):
        toks = tuple(model_form(t) for t in row[0].split())
        if len(toks) == 1:
            lists.setdefault(toks[0], set()).add("country")
        spans.setdefault(toks, set()).add("CTRY")


def _add_gazetteer(gazetteer, lists: dict, spans: dict) -> None:
    """Each Arabic name of each record as a span tagged with its type (LOC_big for
    countries, regions and counties; TYPE_safe when curated or a detection name)."""
    for r in gazetteer.records:
        big = r.type == "LOC" and r.kind in ("country", "region", "county")
        detect = set(r.detect)
        for name in (n for n in (r.name_ar, *r.aliases_ar) if n and _ARABIC.search(n)):
            toks = tuple(model_form(t) for t in name.split())
            if not toks or len(toks) > MAX_SPAN_TOKENS:
                continue
            tags = spans.setdefault(toks, set())
            tags.add(r.type + ("_big" if big else ""))
            if name in detect or r.curated:
                tags.add(r.type + "_safe")
            if len(toks) == 1:
                lists.setdefault(toks[0], set()).add("g1_" + r.type)


def kmeans_clusters(emb, sizes=ner_crf.CLUSTER_SIZES) -> dict[int, list[int]]:
    """Spherical k-means of the pretrain's vectors (stanza's 4 special rows left out, -1),
    one seeded generator for all sizes, so the result is the same on every run."""
    import numpy as np

    X = ner_crf._as_array(emb).astype(np.float32)[FIRST_WORD_ROW:]
    X /= np.linalg.norm(X, axis=1, keepdims=True) + 1e-8
    rng = np.random.default_rng(KMEANS_SEED)
    out = {}
    for k in sizes:
        k_used = min(k, len(X))
        C = X[rng.choice(len(X), k_used, replace=False)].copy()
        for _ in range(KMEANS_ITERATIONS):
            labels = (X @ C.T).argmax(1)
            for j in range(k_used):
                members = labels == j
                if members.any():
                    c = X[members].sum(0)
                    C[j] = c / (np.linalg.norm(c) + 1e-8)
                else:
                    C[j] = X[rng.integers(len(X))]
        out[k] = [-1] * FIRST_WORD_ROW + [int(x) for x in labels]
        log.info("crf: %d clusters of %d vectors", k_used, len(X))
    return out


def train(documents: list[list[data.Sentence]], features: ner_crf.Features, path: Path, *,
          c1: float, c2: float, iterations: int) -> float:
    """Train the CRF on ``documents`` (each a list of sentences in order, read as one
    document by the "doc" feature); seconds taken."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for sentences in documents:
        xs = features.documents([[model_form(t) for t, _ in s] for s in sentences])
        for x, sent in zip(xs, sentences):
            trainer.append(x, [data.to_rasad_tag(tag) for _, tag in sent])
    trainer.set_params({"c1": c1, "c2": c2, "max_iterations": iterations,
                        "feature.possible_transitions": True})
    started = time.monotonic()
    trainer.train(str(path))
    return time.monotonic() - started


def training_documents(train_sents: list[data.Sentence], extra_dir: Path, extra: str,
                       copies: int, seed: int) -> list[list[data.Sentence]]:
    """The ANERcorp train part, then each extra corpus of ``extra`` (comma-separated
    names of :data:`augment.EXTRA_FILES`) and ``copies`` entity-substitution copies of the
    train part, each its own document."""
    from worker.nlp.train import augment

    docs = [train_sents]
    for name in (n.strip() for n in extra.split(",") if n.strip()):
        docs.append(augment.extra_corpora([name], extra_dir))
    if copies:
        pools = augment.name_pools(train_sents, extra_dir, augment.common_words())
        docs.append(augment.substitute(train_sents, pools, copies, seed))
    return docs


def evaluate(crf: ner_crf.CrfTagger, train_sents, dev, base_tags: list[list[str]] | None
             ) -> dict:
    """Scores of the CRF alone and of ``base_tags`` + its non-overlapping entities."""
    gold = [[data.to_rasad_tag(tag) for _, tag in s] for s in dev]
    forms = [[model_form(t) for t, _ in s] for s in dev]
    started = time.monotonic()
    alone = crf.tag(forms)
    seconds = time.monotonic() - started
    result = {"crf_alone": _scored(gold, alone, train_sents, dev),
              "crf_tag_seconds": round(seconds, 2)}
    if base_tags is not None:
        combined = ner_crf.combine(base_tags, alone)
        result["base"] = _scored(gold, base_tags, train_sents, dev)
        result["combined"] = _scored(gold, combined, train_sents, dev)
        result["combined_propagated"] = _scored(gold, ner_crf.propagate(forms, combined),
                                                train_sents, dev)
    return result


def _scored(gold, pred, train_sents, dev) -> dict:
    return {"scores": score.score(gold, pred),
            "seen_unseen": score.seen_unseen(train_sents, dev, pred)}


def run(args, paths: dict) -> None:
    """The stage: lexicon, CRF, scores, into the run's folder beside the tagger."""
    from worker.nlp.ner import torch_load

    folder = paths["model"].parent
    folder.mkdir(parents=True, exist_ok=True)
    pretrain_path = crf_pretrain(args, paths)
    log.info("crf: pretrain %s", pretrain_path)
    pretrain = torch_load(pretrain_path)
    lexicon = build_lexicon(args.extra_dir, pretrain)
    lexicon.save(folder / ner_crf.LEXICON_NAME)
    features = ner_crf.Features(lexicon, list(pretrain["vocab"]["_id2unit"]),
                                ner_crf._as_array(pretrain["emb"]))
    train_sents, dev = data.split_by(data.read_tsv(args.data), args.split)
    docs = training_documents(train_sents, args.extra_dir, args.crf_extra_data,
                              args.crf_augment, args.seed)
    seconds = train(docs, features, folder / ner_crf.MODEL_NAME, c1=args.crf_c1,
                    c2=args.crf_c2, iterations=args.crf_iterations)
    log.info("crf: trained on %d sentences in %.1f s", sum(map(len, docs)), seconds)
    crf = ner_crf.CrfTagger.load(folder, pretrain)
    result = {"c1": args.crf_c1, "c2": args.crf_c2, "iterations": args.crf_iterations,
              "extra_data": args.crf_extra_data, "augment": args.crf_augment,
              "train_seconds": round(seconds, 1), "pretrain": str(pretrain_path),
              **evaluate(crf, train_sents, dev, _base_tags(args, paths, dev, pretrain_path))}
    (folder / "crf_scores.json").write_text(json.dumps(result, indent=2) + "\n")
    for name in ("crf_alone", "base", "combined", "combined_propagated"):
        if name in result:
            log.info("crf: %s\n%s\n%s", name, score.table(result[name]["scores"]),
                     score.seen_table(result[name]["seen_unseen"]))


def crf_pretrain(args, paths: dict) -> Path:
    """``--crf-pretrain``, else the run's pretrain (vectors stage), else the shipped one."""
    if args.crf_pretrain:
        return Path(args.crf_pretrain)
    if paths["pretrain"].is_file():
        return paths["pretrain"]
    from worker.nlp.ner import BUNDLED_DIR, BUNDLED_PRETRAIN

    return BUNDLED_DIR / BUNDLED_PRETRAIN


def _base_tags(args, paths, dev, pretrain_path: Path) -> list[list[str]] | None:
    """The tagger's own tags on dev (no CRF): the run's model when it was trained with
    this pretrain, else the shipped one when this is the shipped pretrain."""
    from worker.nlp.ner import BUNDLED_DIR, BUNDLED_MODEL, BUNDLED_PRETRAIN, NerTagger

    if paths["model"].is_file():
        model = paths["model"]
    elif pretrain_path.resolve() == (BUNDLED_DIR / BUNDLED_PRETRAIN).resolve():
        model = BUNDLED_DIR / BUNDLED_MODEL
    else:
        log.info("crf: no tagger to combine with (no %s)", paths["model"])
        return None
    log.info("crf: combined with the tagger %s", model)
    tagger = NerTagger.load(str(model), pretrain=str(pretrain_path), crf=False,
                            propagate=False)
    return tagger.tag([[t for t, _ in s] for s in dev])
