"""Stage 3: stanza's own NER trainer, ``stanza.models.ner_tagger`` (stanza 1.15 argument
names, checked against the installed source).  It evaluates on dev every
``--eval-interval`` steps and keeps the checkpoint with the best dev F1, so stopping the
run early still leaves the best model so far."""

from __future__ import annotations

import logging
import shlex
import shutil

log = logging.getLogger(__name__)


def stanza_args(args, paths) -> list[str]:
    """The ner_tagger command line for our settings."""
    model = paths["model"]
    return [
        "--mode", "train", "--shorthand", "ar_rasad",
        "--train_file", str(paths["train_json"]), "--eval_file", str(paths["dev_json"]),
        "--wordvec_pretrain_file", str(paths["pretrain"]),
        "--save_dir", str(model.parent), "--save_name", model.name,
        "--hidden_dim", str(args.hidden_dim), "--char_hidden_dim", str(args.char_hidden_dim),
        "--batch_size", str(args.batch_size), "--max_steps", str(args.max_steps),
        "--eval_interval", str(args.eval_interval),
        "--optim", args.optim, "--lr", str(args.lr), "--dropout", str(args.dropout),
        "--word_dropout", str(args.word_dropout), "--locked_dropout", str(args.locked_dropout),
        "--max_steps_no_improve", str(args.max_steps_no_improve),
        *(["--second_optim", args.second_optim, "--second_lr", str(args.second_lr)]
          if args.second_optim else []),
        "--log_step", str(max(1, min(50, args.eval_interval // 2))),
        "--pretrain_max_vocab", str(args.max_vocab), "--seed", str(args.seed), "--cpu",
        *(charlm_args(args) if getattr(args, "charlm", False) else []),
        *shlex.split(args.extra),
    ]


def charlm_args(args) -> list[str]:
    """``--charlm``: the forward and backward models of the charlm stage (:mod:`.charlm`);
    stanza then replaces the tagger's own character BiLSTM with their states."""
    from worker.nlp.train import charlm

    return ["--charlm", "--charlm_shorthand", charlm.SHORTHAND,
            "--charlm_forward_file", str(charlm.model_path(args.work, "forward")),
            "--charlm_backward_file", str(charlm.model_path(args.work, "backward"))]


def copy_charlms(args, model) -> None:
    """Put the charlm files beside the model, where :class:`worker.nlp.ner.NerTagger` (and
    the ship stage) look for them: stanza does not store them in the model file."""
    from worker.nlp.train import charlm

    if model.parent.resolve() == charlm.model_path(args.work, "forward").parent.resolve():
        raise RuntimeError(f"--run {args.run!r}: the charlm stage's own folder; give the "
                           f"tagger run another name")
    for direction in charlm.DIRECTIONS:
        src = charlm.model_path(args.work, direction)
        if not src.is_file():
            raise RuntimeError(f"--charlm: {src} is missing; run the charlm stage first "
                               f"(--stages charlm) with the same --work")
        shutil.copy2(src, model.parent / src.name)


def train(args, paths) -> None:
    import torch
    from stanza.models import ner_tagger

    torch.set_num_threads(max(1, args.threads))
    paths["model"].parent.mkdir(parents=True, exist_ok=True)
    argv = stanza_args(args, paths)
    if getattr(args, "charlm", False):
        copy_charlms(args, paths["model"])
    if args.finetune_from:
        _start_from(args, paths["model"])
        argv.append("--finetune")
    log.info("tagger: python -m stanza.models.ner_tagger %s", shlex.join(argv))
    ner_tagger.main(argv)
    if not paths["model"].exists():
        raise RuntimeError(f"stanza's trainer finished without saving {paths['model']}")


def _start_from(args, model) -> None:
    """Copy ``--finetune-from`` to the run's model path with our optimiser settings.

    stanza's ``--finetune`` rebuilds the model and optimiser from the checkpoint's own
    config, so a continuation at a lower learning rate, or with other dropout rates, has to
    be written into that config (without it ``--word-dropout`` was silently ignored)."""
    import torch

    checkpoint = torch.load(args.finetune_from, map_location="cpu", weights_only=True)
    checkpoint["config"].update(optim=args.optim, lr=args.lr, dropout=args.dropout,
                                word_dropout=args.word_dropout,
                                locked_dropout=args.locked_dropout)
    torch.save(checkpoint, model, _use_new_zipfile_serialization=False)
    log.info("tagger: continuing from %s with %s lr=%g, dropout %g, word dropout %g",
             args.finetune_from, args.optim, args.lr, args.dropout, args.word_dropout)
