"""NER training data: read token<TAB>tag files, carve the dev split, add the extra corpora,
write stanza's NER JSON.

The dev split holds out whole documents: the last ``DEV_FRACTION`` of ANERcorp's sentences,
one contiguous block (issue 9).  ANERcorp is a sequence of articles, so a contiguous block
shares no article with training; the older split (every 10th sentence, ``--split every``)
put sentences of the same articles, and their names, on both sides and overstated F1 by
about 12 points on unseen articles.  Both splits are deterministic (no seed).  Tags are kept
as in the source (B-PERS ...) for training; :func:`to_rasad_tag` maps PERS to PER.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from worker.nlp.tokenize import model_form

log = logging.getLogger(__name__)

Sentence = list[tuple[str, str]]
DEV_EVERY = 10
DEV_FRACTION = 0.1


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


def split_block(sentences: list[Sentence],
                fraction: float = DEV_FRACTION) -> tuple[list[Sentence], list[Sentence]]:
    """Whole-document split: the last ``fraction`` of the sentences, one contiguous block,
    is dev; everything before it is train."""
    cut = len(sentences) - max(1, round(len(sentences) * fraction))
    return sentences[:cut], sentences[cut:]


def split_by(sentences: list[Sentence], mode: str) -> tuple[list[Sentence], list[Sentence]]:
    """``block`` (the default: :func:`split_block`) or ``every`` (:func:`split`)."""
    if mode == "block":
        return split_block(sentences)
    if mode == "every":
        return split(sentences)
    raise ValueError(f"unknown split {mode!r}: expected block or every")


def drop_types(sentences: list[Sentence], types: set[str]) -> list[Sentence]:
    """The same sentences with entities of ``types`` turned into O (AQMAR's MISC is broader
    than ANERcorp's: chemical elements, software, crusades)."""
    return [[(tok, "O" if tag[2:] in types else tag) for tok, tag in sent]
            for sent in sentences]


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


def prepare(tsv: Path, work: Path, mode: str = "block",
            extra: list[Sentence] | None = None) -> dict[str, Path]:
    """Split ``tsv``, add ``extra`` training sentences (other corpora, augmentation) to the
    train part only, and write train/dev as TSV (for people) and JSON (for stanza)."""
    sentences = read_tsv(tsv)
    train, dev = split_by(sentences, mode)
    log.info("data: %d sentences -> %d train, %d dev (split %s), + %d extra train sentences",
             len(sentences), len(train), len(dev), mode, len(extra or []))
    train = train + list(extra or [])
    work.mkdir(parents=True, exist_ok=True)
    paths = {"train_tsv": work / "train.tsv", "dev_tsv": work / "dev.tsv",
             "train_json": work / "train.json", "dev_json": work / "dev.json"}
    write_tsv(train, paths["train_tsv"])
    write_tsv(dev, paths["dev_tsv"])
    write_stanza_json(train, paths["train_json"])
    write_stanza_json(dev, paths["dev_json"])
    return paths
