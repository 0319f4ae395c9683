"""Reproducible training of Rasad's Arabic NER model (``python -m worker.nlp.train``).

Stages, each logged as it runs (stanza's own log, tqdm bars, ``stage:`` lines):

1. data: ANERcorp TSV -> deterministic train/dev split (dev: the last 10% of the
   sentences, whole articles never seen in training), plus the extra corpora and entity
   substitution copies on the train side (:mod:`.augment`), written as TSV and as stanza
   NER JSON (:mod:`worker.nlp.train.data`);
2. vectors: word2vec on the unlabelled news plus the training text, tokenised like the
   tagger's input, capped and converted to a stanza Pretrain (:mod:`.vectors`);
   charlm (optional, not in the default stages): forward and backward character language
   models (stanza's charlm) on the same news text, trained in parallel under a time budget
   (:mod:`.charlm`); the tagger uses them with ``--charlm``;
3. tagger: stanza's own trainer, ``stanza.models.ner_tagger`` (BiLSTM-CRF), which keeps
   the checkpoint with the best dev F1 (:mod:`.tagger`);
4. crf: the feature-rich linear-chain CRF whose entities the run-time path adds to the
   tagger's (:mod:`worker.nlp.ner_crf`, issue 9): its lexicon (name lists, gazetteer
   spans, clusters of the pretrain's vectors) and the CRF itself, trained on the same train
   part, scored alone and combined on dev (:mod:`.crf`; ``crf_scores.json``);
5. eval: the saved model loaded through :class:`worker.nlp.ner.NerTagger` (the run-time
   path) and scored on dev, entity-level exact match per type, and recall on names seen and
   unseen in training (:mod:`.score`), with the CRF when the crf stage wrote it beside the
   model;
6. ship: model, pretrain, the CRF files, resources.json and the scores (and the charlms of
   a ``--charlm`` model) copied to ``--out``.

``--tiny`` trains a toy model on a small fixture in seconds through the same code path.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sys
import time
from pathlib import Path

from worker.nlp.train import augment, data, tagger, vectors

log = logging.getLogger("worker.nlp.train")

REPO = Path(__file__).resolve().parents[3]
SHARED = REPO.parent / "shared" / "data"
DEFAULT_OUT = REPO / "worker" / "nlp" / "resources" / "ner"
MODEL_NAME = "ar_rasad_nertagger.pt"
PRETRAIN_NAME = "ar_rasad_pretrain.pt"

# Toy settings for --tiny: small enough to train on 30 sentences in seconds.
TINY = {"dim": 16, "w2v_epochs": 3, "min_count": 1, "max_vocab": 2000, "max_steps": 40,
        "eval_interval": 10, "hidden_dim": 16, "char_hidden_dim": 16, "batch_size": 8,
        "news": None, "extra_data": "", "augment": 0, "vectors_extra_text": "",
        "charlm_hidden_dim": 16, "charlm_emb_dim": 8, "charlm_batch_size": 4,
        "charlm_bptt": 20, "charlm_epochs": 1, "charlm_eval_steps": 10, "charlm_cutoff": 0,
        "charlm_chars": 20_000, "charlm_eval_chars": 1_000, "crf_iterations": 10,
        "crf_extra_data": "", "crf_augment": 0}


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m worker.nlp.train", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", type=Path, default=SHARED / "ner" / "anercorp-train.tsv",
                   help="ANERcorp-style token<TAB>tag training file")
    p.add_argument("--news", type=Path, default=SHARED / "news" / "antcorpus",
                   help="unlabelled news for word vectors ('' for none)")
    p.add_argument("--news-files", type=int, default=None, help="use only the first N files")
    p.add_argument("--work", type=Path, default=Path("/tmp/rasad-ner-train"),
                   help="scratch directory (split, corpus, checkpoints)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where the shipped files go")
    p.add_argument("--stages", default="data,vectors,tagger,crf,eval,ship",
                   help="comma-separated subset of data,vectors,charlm,tagger,crf,eval,ship")
    p.add_argument("--tiny", action="store_true", help="toy run for tests (fixture-sized)")
    p.add_argument("--split", choices=["block", "every"], default="block",
                   help="dev split: block = the last 10%% of ANERcorp, whole articles "
                        "(default, honest); every = every 10th sentence (the old split)")
    p.add_argument("--extra-data", default="",
                   help="extra labelled training corpora from --extra-dir, comma-separated: "
                        "aqmar, aqmar-nomisc, wojood (default none: neither helped on the "
                        "dev block, MODEL_CARD.md)")
    p.add_argument("--vectors-extra-text", default="aqmar,wojood",
                   help="extra corpora whose text (not labels) the word vectors also read")
    p.add_argument("--extra-dir", type=Path, default=SHARED / "ner" / "extra")
    p.add_argument("--augment", type=int, default=0,
                   help="entity-substitution copies of each training sentence with a name "
                        "(default 0: it did not help on the dev block, MODEL_CARD.md)")
    p.add_argument("--dim", type=int, default=100, help="word vector dimensions")
    p.add_argument("--w2v-epochs", type=int, default=5)
    p.add_argument("--min-count", type=int, default=3)
    p.add_argument("--max-vocab", type=int, default=100_000, help="pretrain vocabulary cap")
    p.add_argument("--max-steps", type=int, default=20_000)
    p.add_argument("--eval-interval", type=int, default=500)
    p.add_argument("--hidden-dim", type=int, default=256)
    p.add_argument("--char-hidden-dim", type=int, default=100)
    p.add_argument("--batch-size", type=int, default=32)
    # AdamW converged faster and higher than stanza's default SGD (lr 0.1) on this data:
    # dev F1 81.1 vs 75.8 at step 1500 (MODEL_CARD.md, "Tuning").
    p.add_argument("--optim", default="adamw", help="stanza optimiser: sgd, adam, adamw, ...")
    p.add_argument("--lr", type=float, default=0.002)
    p.add_argument("--dropout", type=float, default=0.5)
    p.add_argument("--word-dropout", type=float, default=0.05)
    p.add_argument("--locked-dropout", type=float, default=0.0)
    p.add_argument("--max-steps-no-improve", type=int, default=2500,
                   help="stop (or switch to --second-optim) after this many steps without a "
                        "better dev F1")
    p.add_argument("--second-optim", default=None,
                   help="after the first stop, reload the best model and go on with this "
                        "optimiser at --second-lr (stanza's second_optim)")
    p.add_argument("--second-lr", type=float, default=0.0005)
    p.add_argument("--finetune-from", type=Path, default=None,
                   help="continue training this model (with --optim/--lr) instead of "
                        "starting from scratch")
    p.add_argument("--charlm", action="store_true",
                   help="tagger: use the character language models of the charlm stage "
                        "(under --work/charlm); they are copied beside the model")
    g = p.add_argument_group("charlm stage (stanza.models.charlm, both directions in "
                             "parallel, one torch thread each)")
    g.add_argument("--charlm-chars", type=int, default=60_000_000,
                   help="cap on the training text, characters (articles in a seeded "
                        "shuffled order)")
    g.add_argument("--charlm-eval-chars", type=int, default=200_000,
                   help="held-out eval text, characters (articles not in the training text)")
    g.add_argument("--charlm-minutes", type=float, default=38.0,
                   help="wall-clock budget: each direction stops after its first evaluation "
                        "past it, keeping the best model evaluated")
    g.add_argument("--charlm-grace", type=float, default=10.0,
                   help="minutes after the budget at which a direction still running is "
                        "killed (its best saved model is kept)")
    g.add_argument("--charlm-hidden-dim", type=int, default=256)
    g.add_argument("--charlm-emb-dim", type=int, default=100)
    g.add_argument("--charlm-batch-size", type=int, default=100)
    g.add_argument("--charlm-bptt", type=int, default=250)
    g.add_argument("--charlm-epochs", type=int, default=50,
                   help="passes over the text (the budget normally ends training first)")
    g.add_argument("--charlm-eval-steps", type=int, default=200,
                   help="evaluate (and save the best model) every this many steps")
    g.add_argument("--charlm-cutoff", type=int, default=1000,
                   help="characters rarer than this in the text map to <UNK>")
    g = p.add_argument_group("crf stage (python-crfsuite, L-BFGS; settings chosen by 5-fold "
                             "CV on the train part, MODEL_CARD.md)")
    g.add_argument("--crf-c1", type=float, default=0.1, help="L1 penalty")
    g.add_argument("--crf-c2", type=float, default=0.1, help="L2 penalty")
    g.add_argument("--crf-iterations", type=int, default=150)
    g.add_argument("--crf-extra-data", default="",
                   help="extra labelled corpora the CRF also trains on (names as "
                        "--extra-data; each its own document)")
    g.add_argument("--crf-augment", type=int, default=0,
                   help="entity-substitution copies of the train part the CRF also "
                        "trains on")
    g.add_argument("--crf-pretrain", type=Path, default=None,
                   help="the pretrain whose words and vectors the CRF reads (default: the "
                        "run's, from the vectors stage, else the shipped one)")
    p.add_argument("--threads", type=int, default=2, help="torch threads for training")
    p.add_argument("--seed", type=int, default=1234)
    p.add_argument("--extra", default="", help="extra stanza ner_tagger arguments, quoted")
    p.add_argument("--run", default="model",
                   help="name of this tagger run under --work (several can share vectors)")
    return p


def parse(argv: list[str] | None) -> argparse.Namespace:
    args = build_parser().parse_args(argv)
    if args.tiny:
        defaults = build_parser().parse_args([])
        for key, value in TINY.items():
            if getattr(args, key) == getattr(defaults, key):  # explicit flags still win
                setattr(args, key, value)
    if args.news is not None and not str(args.news):
        args.news = None
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the selected stages; returns 0, or raises on failure."""
    args = parse(argv)
    _setup_logging()
    stages = [s.strip() for s in args.stages.split(",") if s.strip()]
    args.work.mkdir(parents=True, exist_ok=True)
    paths = {"model": args.work / args.run / MODEL_NAME, "pretrain": args.work / PRETRAIN_NAME}
    paths.update({k: args.work / f"{k.split('_')[0]}.{k.split('_')[1]}" for k in
                  ("train_tsv", "dev_tsv", "train_json", "dev_json")})
    started = time.monotonic()
    for stage in stages:
        t0 = time.monotonic()
        log.info("stage: %s ...", stage)
        STAGES[stage](args, paths)
        log.info("stage: %s done in %.1f s", stage, time.monotonic() - t0)
    log.info("all stages done in %.1f min", (time.monotonic() - started) / 60)
    return 0


def _extra_train(args) -> list[data.Sentence]:
    """What goes into training besides ANERcorp's train part: the extra corpora and the
    entity-substitution copies of ANERcorp's train sentences."""
    names = [n.strip() for n in args.extra_data.split(",") if n.strip()]
    extra = augment.extra_corpora(names, args.extra_dir)
    if args.augment:
        train = data.split_by(data.read_tsv(args.data), args.split)[0]
        pools = augment.name_pools(train + extra, args.extra_dir, augment.common_words())
        extra += augment.substitute(train, pools, args.augment, args.seed)
    return extra


def _stage_data(args, paths) -> None:
    paths.update(data.prepare(args.data, args.work, args.split, _extra_train(args)))


def _stage_vectors(args, paths) -> None:
    # The vectors see the training text only (ANERcorp's train part and the extra corpora,
    # unlabelled): never the dev block.
    names = [n.strip() for n in args.vectors_extra_text.split(",") if n.strip()]
    train = [[tok for tok, _ in s] for s in data.split_by(data.read_tsv(args.data),
                                                            args.split)[0]
             + augment.extra_corpora(names, args.extra_dir)]
    corpus_name = "corpus-tiny.txt" if args.news is None else \
        f"corpus-{args.news_files or 'all'}.txt"
    corpus = vectors.tokenised_corpus(args.news, train, args.work / corpus_name,
                                      args.news_files)
    model = vectors.train_word2vec(corpus, args.dim, args.w2v_epochs, args.min_count,
                                   max(1, args.threads), args.seed)
    vectors.write_pretrain(model, paths["pretrain"], args.max_vocab)


def _stage_charlm(args, paths) -> None:
    from worker.nlp.train import charlm

    charlm.train(args, paths)


def _stage_tagger(args, paths) -> None:
    tagger.train(args, paths)


def _stage_crf(args, paths) -> None:
    from worker.nlp.train import crf

    crf.run(args, paths)


def _stage_eval(args, paths) -> None:
    from worker.nlp.train import score
    from worker.nlp.ner import NerTagger

    ner = NerTagger.load(str(paths["model"]), pretrain=str(paths["pretrain"]))
    dev = data.read_tsv(paths["dev_tsv"])
    t0 = time.monotonic()
    pred = ner.tag([[tok for tok, _ in s] for s in dev])
    seconds = time.monotonic() - t0
    gold = [[data.to_rasad_tag(tag) for _, tag in s] for s in dev]
    scores = score.score(gold, pred)
    train_sents = data.read_tsv(paths["train_tsv"])
    seen = score.seen_unseen(train_sents, dev, pred)
    # Gazetteer evidence combined with the tagger, as production merges them
    # (worker/nlp/entities.py): the same dev sentences, scored the same way.
    fused = score.fused_tags([[tok for tok, _ in s] for s in dev], pred)
    fused_scores = score.score(gold, fused)
    fused_seen = score.seen_unseen(train_sents, dev, fused)
    tokens = sum(len(s) for s in dev)
    result = {"split": args.split, "dev_sentences": len(dev), "dev_tokens": tokens,
              "scores": scores, "seen_unseen": seen,
              "with_gazetteer": {"scores": fused_scores, "seen_unseen": fused_seen},
              "tag_seconds": round(seconds, 2), "tokens_per_second": round(tokens / seconds)}
    (paths["model"].parent / "scores.json").write_text(json.dumps(result, indent=2) + "\n")
    log.info("eval: dev entity-level exact-match F1\n%s\n%s\nwith the gazetteer merged:\n%s\n%s",
             score.table(scores), score.seen_table(seen), score.table(fused_scores),
             score.seen_table(fused_seen))


def _stage_ship(args, paths) -> None:
    from worker.nlp import ner_crf

    args.out.mkdir(parents=True, exist_ok=True)
    run = paths["model"].parent
    crf_only = not paths["model"].exists() and (run / ner_crf.MODEL_NAME).exists()
    if crf_only:  # `--stages crf,ship`: a new CRF for the model already shipped
        log.info("ship: no tagger in %s: shipping the CRF files only", run)
    else:
        shutil.copy2(paths["model"], args.out / MODEL_NAME)
        shutil.copy2(paths["pretrain"], args.out / PRETRAIN_NAME)
        (args.out / "resources.json").write_text('{"ar": {"lang_name": "Arabic"}}\n')
    names = ["*_charlm.pt", "scores.json", ner_crf.MODEL_NAME, ner_crf.LEXICON_NAME,
             "crf_scores.json"]
    for found in sorted(p for name in names for p in run.glob(name)):
        shutil.copy2(found, args.out / found.name)
    size = sum(p.stat().st_size for p in args.out.iterdir() if p.is_file())
    log.info("ship: %s (%.1f MB in all)", args.out, size / 1e6)


STAGES = {"data": _stage_data, "vectors": _stage_vectors, "charlm": _stage_charlm,
          "tagger": _stage_tagger, "crf": _stage_crf,
          "eval": _stage_eval, "ship": _stage_ship}


def _setup_logging() -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                            format="%(asctime)s %(name)s %(levelname)s %(message)s")
    log.setLevel(logging.INFO)
