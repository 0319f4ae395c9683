"""CPU cost of Rasad's NLP stage against a bare ``stanza.Pipeline`` on the same tokens (issue 12).

    .venv/bin/python bench/nlp_cpu.py --articles 200 [--json out.json]

Articles: the first N (sorted paths) of the ANT corpus "middleEast" sections
(../shared/data/news/antcorpus), as bench/bench_ner.py reads them.  Both sides run in this
process, torch at one thread (the production setting for prefork workers), in batches of
``batch_articles`` articles (the worker's RASAD_NLP_BATCH_SIZE, 8):

* (a) Rasad's whole NLP stage, ``Extractor.extract_batch``: tokenise, NER, entities and
  gazetteer linking, events and casualties;
* (b) a bare ``stanza.Pipeline(lang="ar", processors="tokenize,ner",
  tokenize_pretokenized=True, ...)`` with the bundled model, offline, on exactly the
  sentences and token forms (``model_form``) that Rasad's tagger sees, one call per batch.

Costs are process CPU seconds (``time.process_time``), after one warm-up batch on each side.
:func:`nlp_vs_bare_stanza` is importable (bench/bench_perf.py uses it).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

NEWS = REPO.parent / "shared" / "data" / "news" / "antcorpus"
DEFAULT_BATCH_ARTICLES = 8  # Settings.nlp_batch_size


def load_texts(n: int, root: Path = NEWS) -> list[str]:
    """The first ``n`` ANT "middleEast" articles (title on the first line), sorted by path."""
    from worker.nlp.train.vectors import article_text

    paths = sorted(root.glob("*/middleEast/*.txt"))[:n]
    if len(paths) < n:
        paths = sorted(root.rglob("*.txt"))[:n]
    return [article_text(p.read_text("utf-8")) for p in paths]


def _batches(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def _cpu(fn, batches) -> float:
    """Process CPU seconds for ``fn`` over every batch (after a warm-up on the first)."""
    fn(batches[0])
    started = time.process_time()
    for batch in batches:
        fn(batch)
    return time.process_time() - started


def bare_pipeline(files=None):
    """The bare stanza Pipeline over the bundled model, offline (as worker.nlp.ner builds it)."""
    import stanza

    from worker.nlp import ner

    files = files or ner.resolve("bundled")
    return stanza.Pipeline(lang="ar", dir=str(files.resources_dir), processors="tokenize,ner",
                           tokenize_pretokenized=True, ner_model_path=str(files.model),
                           ner_pretrain_path=str(files.pretrain), download_method=None,
                           use_gpu=False, logging_level="WARN")


def model_sentences(texts: list[str], max_chars: int) -> list[list[list[str]]]:
    """Per article, the sentences of token forms Rasad's tagger feeds the model."""
    from worker.extract import cap_text
    from worker.nlp.tokenize import model_form, sentences

    return [[[model_form(t.text) for t in s] for s in sentences(cap_text(text, max_chars))]
            for text in texts]


def nlp_vs_bare_stanza(n_articles: int = 200, batch_articles: int = DEFAULT_BATCH_ARTICLES,
                       ner_model: str = "bundled") -> dict:
    """CPU seconds of Rasad's NLP stage and of the bare Pipeline on the same tokens, and
    their ratio (``ratio`` = Rasad / bare; issue 12 asks for at most 0.8)."""
    import torch

    from worker.extract import Article, Extractor

    torch.set_num_threads(1)
    texts = load_texts(n_articles)
    extractor = Extractor(ner_model, threads=1).load()
    per_article = model_sentences(texts, extractor.max_chars)
    tokens = sum(len(s) for a in per_article for s in a)
    rasad_s = _cpu(lambda b: extractor.extract_batch([Article(t) for t in b]),
                   _batches(texts, batch_articles))
    pipeline = bare_pipeline()
    bare_s = _cpu(lambda b: pipeline([s for a in b for s in a if s]),
                  _batches(per_article, batch_articles))
    engine = getattr(extractor.tagger, "engine", "pipeline")
    return {"articles": len(texts), "tokens": tokens, "batch_articles": batch_articles,
            "torch_threads": torch.get_num_threads(), "ner_engine": engine,
            "rasad_cpu_seconds": round(rasad_s, 3), "bare_stanza_cpu_seconds": round(bare_s, 3),
            "ratio": round(rasad_s / bare_s, 3),
            "rasad_tokens_per_cpu_second": round(tokens / rasad_s),
            "bare_tokens_per_cpu_second": round(tokens / bare_s)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--articles", type=int, default=200)
    p.add_argument("--batch-articles", type=int, default=DEFAULT_BATCH_ARTICLES)
    p.add_argument("--model", default="bundled", help="RASAD_NER_MODEL-style model spec")
    p.add_argument("--json", type=Path, help="also write the result here")
    args = p.parse_args(argv)
    result = nlp_vs_bare_stanza(args.articles, args.batch_articles, args.model)
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
