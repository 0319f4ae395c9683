"""ANERcorp data for training: read the token<TAB>tag file, carve the dev split, write
stanza's NER JSON.

The dev split is deterministic: every 10th sentence (index % 10 == 9) goes to dev, so the
split is the same on every machine and independent of any random seed.  Tags are kept as
in ANERcorp (B-PERS ...) for training; :func:`to_rasad_tag` maps PERS to PER on output.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from worker.nlp.tokenize import model_form

log = logging.getLogger(__name__)

Sentence = list[tuple[str, str]]
DEV_EVERY = 10


def read_tsv(path: str | Path) -> list[Sentence]:
    """Sentences of (token, tag) from a CoNLL-style two-column file."""
    sentences: list[Sentence] = []
    current: Sentence = []
    with open(path, encoding="utf-8") as fin:
        for lineno, line in enumerate(fin, 1):
            line = line.rstrip("\n").rstrip("\r")
            if not line.strip():
                if current:
                    sentences.append(current)
                    current = []
                continue
            parts = line.split("\t")
            if len(parts) < 2:
                parts = line.rsplit(" ", 1)
            if len(parts) < 2 or not parts[0]:
                raise ValueError(f"{path}:{lineno}: expected token<TAB>tag, got {line!r}")
            current.append((parts[0], _fix_tag(parts[-1].strip())))
    if current:
        sentences.append(current)
    return sentences


def _fix_tag(tag: str) -> str:
    # ANERcorp has a few I- tags with no B- before them; stanza's scorer treats them as
    # starts anyway, so keep them as they are.  Normalise "0" typos to "O".
    return "O" if tag in {"0", ""} else tag


def split(sentences: list[Sentence],
          every: int = DEV_EVERY) -> tuple[list[Sentence], list[Sentence]]:
    """Deterministic train/dev split: every ``every``-th sentence is dev."""
    train = [s for i, s in enumerate(sentences) if i % every != every - 1]
    dev = [s for i, s in enumerate(sentences) if i % every == every - 1]
    return train, dev


def to_rasad_tag(tag: str) -> str:
    """ANERcorp's PERS is Rasad's PER; everything else passes through."""
    return tag[:-4] + "PER" if tag.endswith("-PERS") else tag


def write_tsv(sentences: list[Sentence], path: Path) -> None:
    with open(path, "w", encoding="utf-8") as fout:
        for sent in sentences:
            fout.writelines(f"{tok}\t{tag}\n" for tok, tag in sent)
            fout.write("\n")


def write_stanza_json(sentences: list[Sentence], path: Path) -> None:
    """stanza's NER training format: a list of sentences of {"text", "ner"} words.  Words are
    written in :func:`model_form`, the form the tagger sees at run time."""
    doc = [[{"text": model_form(tok), "ner": to_rasad_tag(tag)} for tok, tag in sent]
           for sent in sentences]
    with open(path, "w", encoding="utf-8") as fout:
        json.dump(doc, fout, ensure_ascii=False)


def prepare(tsv: Path, work: Path, every: int = DEV_EVERY) -> dict[str, Path]:
    """Split ``tsv`` and write train/dev as TSV (for people) and JSON (for stanza)."""
    sentences = read_tsv(tsv)
    train, dev = split(sentences, every)
    log.info("data: %d sentences -> %d train, %d dev (every %dth)", len(sentences), len(train),
             len(dev), every)
    work.mkdir(parents=True, exist_ok=True)
    paths = {"train_tsv": work / "train.tsv", "dev_tsv": work / "dev.tsv",
             "train_json": work / "train.json", "dev_json": work / "dev.json"}
    write_tsv(train, paths["train_tsv"])
    write_tsv(dev, paths["dev_tsv"])
    write_stanza_json(train, paths["train_json"])
    write_stanza_json(dev, paths["dev_json"])
    return paths
