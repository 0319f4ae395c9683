"""Word vectors for the NER model: word2vec (gensim) on unlabelled Arabic news plus the
training text, tokenised exactly like the tagger's input, converted to a stanza Pretrain.

Tokens go through :func:`worker.nlp.tokenize.sentences` and
:func:`worker.nlp.tokenize.model_form`, so the vectors' vocabulary is the tagger's.  The
vocabulary is capped (``max_vocab`` most frequent forms) so the shipped pretrain file stays
small: 100,000 x 100 float16 is about 22 MB (see :func:`halve_pretrain`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from tqdm import tqdm

from worker.nlp.tokenize import model_form, sentences

log = logging.getLogger(__name__)

# ANT corpus files are TREC-style XML; the article is in TITLE, ABSTRACT and TEXT.
_FIELDS = re.compile(r"<(TITLE|ABSTRACT|TEXT)>(.*?)</\1>", re.S)


def news_files(root: Path) -> list[Path]:
    """All article files under ``root`` in a stable order."""
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in {".txt", ".xml", ""})


def article_text(raw: str) -> str:
    """The article text of one ANT file (or the whole file if it has no TREC fields)."""
    fields = [m.group(2) for m in _FIELDS.finditer(raw)]
    return "\n".join(fields) if fields else raw


def tokenised_corpus(news_root: Path | None, extra: Iterable[list[str]], out: Path,
                     limit_files: int | None = None) -> Path:
    """Write one sentence per line (space-separated model forms) to ``out`` and return it;
    reuses ``out`` when it already exists (tokenising 9.7M words takes minutes)."""
    if out.exists() and out.stat().st_size:
        log.info("vectors: reusing tokenised corpus %s", out)
        return out
    files = news_files(news_root)[:limit_files] if news_root else []
    tmp = out.with_suffix(".partial")
    words = 0
    with open(tmp, "w", encoding="utf-8") as fout:
        for path in tqdm(files, desc="tokenise news", unit="file", mininterval=5):
            text = article_text(path.read_text(encoding="utf-8", errors="replace"))
            for sent in sentences(text):
                fout.write(" ".join(model_form(t.text) for t in sent) + "\n")
                words += len(sent)
        for sent in extra:
            fout.write(" ".join(model_form(t) for t in sent) + "\n")
            words += len(sent)
    tmp.rename(out)
    log.info("vectors: tokenised corpus %s: %d files, %d tokens", out, len(files), words)
    return out


class _LineCorpus:
    """Restartable iterator over the tokenised corpus (gensim makes several passes)."""

    def __init__(self, path: Path):
        self.path = path

    def __iter__(self) -> Iterator[list[str]]:
        with open(self.path, encoding="utf-8") as fin:
            for line in fin:
                toks = line.split()
                if toks:
                    yield toks


def train_word2vec(corpus: Path, dim: int, epochs: int, min_count: int, workers: int,
                   seed: int):
    """Skip-gram word2vec; skip-gram beats CBOW on rare words, which names mostly are."""
    from gensim.models import Word2Vec

    log.info("vectors: word2vec dim=%d epochs=%d min_count=%d workers=%d", dim, epochs,
             min_count, workers)
    logging.getLogger("gensim").setLevel(logging.INFO)
    return Word2Vec(sentences=_LineCorpus(corpus), vector_size=dim, window=5, sg=1, negative=10,
                    min_count=min_count, epochs=epochs, workers=workers, seed=seed)


def write_pretrain(model, out_pt: Path, max_vocab: int) -> Path:
    """Convert the ``max_vocab`` most frequent vectors to a stanza Pretrain .pt file."""
    from stanza.models.common.pretrain import Pretrain

    text = out_pt.with_suffix(".vec.txt")
    words = model.wv.index_to_key[: max_vocab - 4]  # stanza adds 4 special rows
    with open(text, "w", encoding="utf-8") as fout:
        fout.write(f"{len(words)} {model.wv.vector_size}\n")
        for word in words:
            vec = " ".join(f"{x:.5f}" for x in model.wv[word])
            fout.write(f"{word} {vec}\n")
    if out_pt.exists():
        out_pt.unlink()
    pretrain = Pretrain(str(out_pt), str(text), max_vocab=max_vocab, save_to_file=True)
    pretrain.load()
    text.unlink()
    halve_pretrain(out_pt)
    log.info("vectors: pretrain %s: %d words x %d dims, %.1f MB", out_pt, len(pretrain.vocab),
             pretrain.emb.shape[1], out_pt.stat().st_size / 1e6)
    return out_pt


def halve_pretrain(path: Path) -> None:
    """Store the vectors as float16, halving the shipped file (43 -> 22 MB for 100k x 100).

    stanza copies the matrix into the model's float32 embedding (``init_emb`` uses
    ``Tensor.copy_``, which converts), so nothing else changes; the rounding moved dev F1 by
    less than 0.1 point when measured (see MODEL_CARD.md)."""
    import torch

    data = torch.load(path, map_location="cpu", weights_only=True)
    data["emb"] = torch.as_tensor(data["emb"]).to(torch.float16)
    torch.save(data, path, _use_new_zipfile_serialization=False)
