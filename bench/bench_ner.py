"""Benchmark of the NER stage alone: tokens/s and articles/s on real news, batch sizes
compared, peak RSS of the process.

    .venv/bin/python bench/bench_ner.py --articles 200 --json /tmp/bench_ner.json

Articles are the first N (sorted paths) of the ANT corpus "middle East" sections
(../shared/data/news/antcorpus), split and tokenised with worker.nlp.tokenize exactly as the
worker does.  Two batch knobs are compared:

* articles per ``NerTagger.tag_documents`` call (1 = one call per article, as a naive task
  would do; N = all sentences of N articles in one pass, as the worker batches);
* the engine's batch knob, with all articles in one call: stanza's ``ner_batch_size``
  (sentences per forward pass) for ``--engine pipeline``; ``batch_tokens`` (padded tokens
  per forward pass of length-sorted sentences) for ``--engine direct``, the default
  (worker/nlp/ner_direct.py, issue 12).

Torch runs one thread (the production setting for prefork workers, see worker/nlp/ner.py).
Timings are wall-clock medians of ``--repeat`` runs; this is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from worker.nlp import ner  # noqa: E402
from worker.nlp.tokenize import sentences  # noqa: E402
from worker.nlp.train.vectors import article_text  # noqa: E402

NEWS = REPO.parent / "shared" / "data" / "news" / "antcorpus"


def load_articles(root: Path, n: int) -> list[list[list[str]]]:
    """N articles as sentences of token strings."""
    paths = sorted(p for p in root.glob("*/middleEast/*.txt"))[:n]
    if len(paths) < n:
        paths = sorted(root.rglob("*.txt"))[:n]
    return [[[t.text for t in s] for s in sentences(article_text(p.read_text("utf-8")))]
            for p in paths]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def run(tagger, articles, per_call: int, repeat: int) -> dict:
    """``per_call`` articles per tag() call; 0 means one call per sentence."""
    tokens = sum(len(s) for a in articles for s in a)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        if per_call == 0:
            for sent in (s for a in articles for s in a):
                tagger.tag([sent])
        for i in range(0, len(articles), per_call or len(articles) + 1):
            if per_call:
                tagger.tag_documents(articles[i:i + per_call])
        times.append(time.perf_counter() - t0)
    sec = statistics.median(times)
    knob = tagger.direct.batch_tokens if tagger.direct is not None else tagger.batch_size
    return {"articles_per_call": per_call, "engine": tagger.engine, "batch": knob,
            "seconds": round(sec, 3), "tokens_per_second": round(tokens / sec),
            "articles_per_second": round(len(articles) / sec, 2)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--spec", default="bundled", help="RASAD_NER_MODEL-style model spec")
    p.add_argument("--articles", type=int, default=200)
    p.add_argument("--per-call", default="0,1,8,32,200",
                   help="articles per tag() call (0: one call per sentence)")
    p.add_argument("--engine", default="direct", choices=ner.ENGINES)
    p.add_argument("--batch-sizes", default="",
                   help="ner_batch_size (pipeline; e.g. 32,64,128,256) or batch_tokens "
                        "(direct; e.g. 1024,2048,4096,8192); default: the engine's default only")
    p.add_argument("--crf", choices=["on", "off"], default=None,
                   help="add the CRF's entities (worker/nlp/ner_crf.py); default "
                        "RASAD_NER_CRF, on")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--json", type=Path, help="also write the results here")
    args = p.parse_args(argv)

    rss0 = peak_rss_mb()
    articles = load_articles(NEWS, args.articles)
    tokens = sum(len(s) for a in articles for s in a)
    print(f"{len(articles)} articles, {sum(len(a) for a in articles)} sentences, {tokens} tokens")
    t0 = time.perf_counter()
    crf = None if args.crf is None else args.crf == "on"
    tagger = ner.NerTagger.load(args.spec, threads=args.threads, engine=args.engine, crf=crf)
    load_s = time.perf_counter() - t0
    rss_loaded = peak_rss_mb()
    tagger.tag(articles[0])  # warm-up
    rows = [run(tagger, articles, int(n), args.repeat) for n in args.per_call.split(",") if n]
    for bs in (int(b) for b in args.batch_sizes.split(",") if b):
        if tagger.direct is not None:
            tagger.direct.batch_tokens = bs
        else:
            tagger.batch_size = bs
            tagger.pipeline.processors["ner"].configs[0]["batch_size"] = bs
        rows.append(run(tagger, articles, len(articles), args.repeat))
    result = {"model": f"{tagger.name}@{tagger.version}", "crf": tagger.crf is not None,
              "threads": args.threads,
              "torch_threads": __import__("torch").get_num_threads(), "cpus": os.cpu_count(),
              "articles": len(articles), "tokens": tokens, "load_seconds": round(load_s, 2),
              "rss_mb_before_load": round(rss0), "peak_rss_mb_after_load": round(rss_loaded),
              "peak_rss_mb": round(peak_rss_mb()), "runs": rows}
    crf = "on" if result["crf"] else "off"
    print(f"model {result['model']}  crf {crf}  load {load_s:.1f} s  "
          f"peak RSS {result['peak_rss_mb']} MB (after load {result['peak_rss_mb_after_load']} MB)")
    print("| articles/call (0 = per sentence) | engine | batch | s | tokens/s | articles/s |")
    print("|---:|---|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['articles_per_call']} | {r['engine']} | {r['batch']} | {r['seconds']} | "
              f"{r['tokens_per_second']} | {r['articles_per_second']} |")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
