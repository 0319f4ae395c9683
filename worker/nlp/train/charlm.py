"""Stage ``charlm``: forward and backward character language models (stanza's charlm,
``stanza.models.charlm``) on the unlabelled ANT news, for the tagger's ``--charlm``.

The text is what the tagger's character model will see: stanza's NER feeds each sentence
to the charlm as its words joined by spaces after a newline (``CHARLM_START`` "\\n",
``CHARLM_END`` " ", :meth:`CharacterLanguageModel.build_char_representation`), and the
words are Rasad's model forms (:func:`worker.nlp.tokenize.model_form`, applied by
:class:`worker.nlp.ner.NerTagger` before stanza).  So the training file is the news read
as the vectors stage reads it: one sentence per line, model forms separated by spaces.

Articles are taken in a seeded shuffled order (so a ``--charlm-chars`` cap samples all five
sources and all sections, not the first folders); the first ``--charlm-eval-chars`` of
them are the held-out eval file, the next ones the training file up to the cap.

Both directions train at once as two subprocesses with one torch thread each.  stanza
evaluates every ``--charlm-eval-steps`` steps and saves the model with the best eval loss
then; each subprocess stops cleanly after the first evaluation past the
``--charlm-minutes`` budget, and is killed ``--charlm-grace`` minutes after it if it has
not (the best file saved by then is kept, and checked to load).
"""

from __future__ import annotations

import json
import logging
import os
import random
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger(__name__)

SHORTHAND = "ar_rasad"
DIRECTIONS = ("forward", "backward")


def model_path(work: Path, direction: str) -> Path:
    return work / "charlm" / f"{SHORTHAND}_{direction}_charlm.pt"


def write_text(news_root: Path | None, extra: Iterable[list[str]], out_dir: Path,
               max_chars: int, eval_chars: int, seed: int) -> tuple[Path, Path]:
    """Write ``train.txt`` and ``eval.txt`` under ``out_dir`` (one sentence of model forms
    per line); reuse them when they were written with the same settings."""
    from worker.nlp.tokenize import model_form, sentences
    from worker.nlp.train.vectors import article_text, news_files

    out_dir.mkdir(parents=True, exist_ok=True)
    train, dev, meta = out_dir / "train.txt", out_dir / "eval.txt", out_dir / "text.json"
    settings = {"news": str(news_root), "max_chars": max_chars, "eval_chars": eval_chars,
                "seed": seed}
    if train.exists() and dev.exists() and meta.exists():
        if json.loads(meta.read_text()).get("settings") == settings:
            log.info("charlm: reusing %s and %s", train, dev)
            return train, dev
    files = news_files(news_root) if news_root else []
    random.Random(seed).shuffle(files)

    def lines() -> Iterable[str]:
        for path in files:
            text = article_text(path.read_text(encoding="utf-8", errors="replace"))
            yield from (" ".join(model_form(t.text) for t in s) + "\n" for s in sentences(text))
        for sent in extra:  # the tiny run, which has no news
            yield " ".join(model_form(t) for t in sent) + "\n"

    counts = {"eval": 0, "train": 0}
    with open(dev, "w", encoding="utf-8") as fdev, open(train, "w", encoding="utf-8") as ftr:
        for line in lines():
            if len(line) < 2:
                continue
            if counts["eval"] < eval_chars:
                fdev.write(line)
                counts["eval"] += len(line)
            elif counts["train"] < max_chars:
                ftr.write(line)
                counts["train"] += len(line)
            else:
                break
    meta.write_text(json.dumps({"settings": settings, "chars": counts}, indent=2) + "\n")
    log.info("charlm: text %s (%d chars) and %s (%d chars)", train, counts["train"], dev,
             counts["eval"])
    if not counts["train"] or not counts["eval"]:
        raise RuntimeError(f"charlm: not enough text for training and eval: {counts}")
    return train, dev


def stanza_args(args, direction: str, train: Path, dev: Path) -> list[str]:
    """The stanza.models.charlm command line for one direction."""
    out = model_path(args.work, direction)
    return [
        "--mode", "train", "--shorthand", SHORTHAND, "--direction", direction,
        "--train_file", str(train), "--eval_file", str(dev),
        "--save_dir", str(out.parent), "--save_name", out.name,
        "--vocab_save_name", f"{SHORTHAND}_charlm_vocab.pt",
        "--checkpoint_save_name", f"{SHORTHAND}_{direction}_charlm_checkpoint.pt",
        "--char_emb_dim", str(args.charlm_emb_dim),
        "--char_hidden_dim", str(args.charlm_hidden_dim), "--char_num_layers", "1",
        "--batch_size", str(args.charlm_batch_size), "--bptt_size", str(args.charlm_bptt),
        "--epochs", str(args.charlm_epochs), "--eval_steps", str(args.charlm_eval_steps),
        "--report_steps", str(max(1, min(20, args.charlm_eval_steps))),
        "--cutoff", str(args.charlm_cutoff), "--seed", str(args.seed), "--cpu",
    ]


def build_vocab(train: Path, out_dir: Path, cutoff: int) -> Path:
    """The character vocabulary, built once so the two directions share it (each stanza
    process would otherwise write the same file at the same time)."""
    import torch
    from stanza.models.common.char_model import build_charlm_vocab

    vocab = out_dir / f"{SHORTHAND}_charlm_vocab.pt"
    char = build_charlm_vocab(str(train), cutoff=cutoff)
    torch.save(char.state_dict(), vocab)
    log.info("charlm: vocabulary of %d characters (cutoff %d) in %s", len(char), cutoff, vocab)
    return vocab


def train(args, paths) -> dict[str, Path]:
    """Write the text, train both directions in parallel, return the model files."""
    from worker.nlp.train import data

    out_dir = args.work / "charlm"
    extra = [] if args.news else [[tok for tok, _ in s] for s in
                                  data.split_by(data.read_tsv(args.data), args.split)[0]]
    train_txt, dev_txt = write_text(args.news, extra, out_dir, args.charlm_chars,
                                    args.charlm_eval_chars, args.seed)
    for direction in DIRECTIONS:  # a fresh run: stanza would resume from a checkpoint
        for stale in (model_path(args.work, direction),
                      out_dir / f"{SHORTHAND}_{direction}_charlm_checkpoint.pt"):
            stale.unlink(missing_ok=True)
    build_vocab(train_txt, out_dir, args.charlm_cutoff)
    deadline = time.time() + args.charlm_minutes * 60
    repo = str(Path(__file__).resolve().parents[3])
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
               PYTHONPATH=os.pathsep.join(filter(None, [repo, os.environ.get("PYTHONPATH")])))
    procs = {}
    for direction in DIRECTIONS:
        argv = stanza_args(args, direction, train_txt, dev_txt)
        logfile = out_dir / f"{direction}.log"
        log.info("charlm: %s: python -m stanza.models.charlm %s (log %s)", direction,
                 shlex.join(argv), logfile)
        with open(logfile, "w") as flog:
            procs[direction] = subprocess.Popen(
                [sys.executable, "-m", __name__, str(deadline), *argv],
                stdout=flog, stderr=subprocess.STDOUT, env=env, cwd=repo)
    hard = deadline + args.charlm_grace * 60
    while any(p.poll() is None for p in procs.values()):
        if time.time() > hard:
            for direction, p in procs.items():
                if p.poll() is None:
                    log.warning("charlm: %s still running %.0f min after the budget; "
                                "stopping it, the best model saved so far is kept",
                                direction, args.charlm_grace)
                    p.send_signal(signal.SIGTERM)
            for p in procs.values():
                try:
                    p.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
            break
        time.sleep(2)
    result = {}
    for direction, p in procs.items():
        model = model_path(args.work, direction)
        if p.returncode not in (0, -signal.SIGTERM, -signal.SIGKILL) or not model.exists():
            tail = (out_dir / f"{direction}.log").read_text(errors="replace")[-3000:]
            raise RuntimeError(f"charlm {direction} failed (exit {p.returncode}), no usable "
                               f"{model}:\n{tail}")
        result[direction] = check(model)
    return result


def check(model: Path) -> Path:
    """Load the saved charlm as the tagger will; log its step and size."""
    import torch
    from stanza.models.common.char_model import CharacterLanguageModel

    CharacterLanguageModel.load(str(model))
    state = torch.load(model, map_location="cpu", weights_only=True)
    log.info("charlm: %s: saved at step %s (epoch %s), %.1f MB", model,
             state.get("global_step"), state.get("epoch"), model.stat().st_size / 1e6)
    return model


def _run_one(deadline: float, argv: list[str]) -> None:
    """One direction, in its own process with one torch thread: stanza's charlm training,
    which returns after the first evaluation (and save) past ``deadline``."""
    import torch
    from stanza.models import charlm

    torch.set_num_threads(1)
    evaluate_and_save = charlm.evaluate_and_save

    def evaluate_save_and_check_budget(*a, **kw):
        result = evaluate_and_save(*a, **kw)
        if time.time() > deadline:
            logging.getLogger("stanza").info("charlm: time budget reached; stopping")
            raise _Budget
        return result

    charlm.evaluate_and_save = evaluate_save_and_check_budget
    try:
        charlm.main(argv)
    except _Budget:
        pass


class _Budget(Exception):
    pass


if __name__ == "__main__":
    _run_one(float(sys.argv[1]), sys.argv[2:])
