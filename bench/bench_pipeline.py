"""Benchmark the whole NLP stage (what `rasad analyze` and the nlp queue run) and rule matching.

    python bench/bench_pipeline.py [--articles 200] [--batch-sizes 1,4,8,16] [--ner-model bundled]

Reads real articles from ../shared/data/news/antcorpus (middle-East news), reports
articles/s and tokens/s per batch size, the share of time per stage, peak RSS of this
process, and rule-matching throughput with the default rules and with 10,000 real terms in
one rule and in 200 (bench/bench_perf.py's rules section).
Figures are written down in worker/nlp/resources/ner/MODEL_CARD.md with this command.
"""

from __future__ import annotations

import argparse
import pathlib
import re
import resource
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
NEWS = ROOT.parent / "shared" / "data" / "news" / "antcorpus"


def load_articles(limit: int) -> list[str]:
    files = sorted((NEWS / "BBC" / "middleEast").glob("*.txt")) + \
        sorted((NEWS / "SkyNews" / "middleEast").glob("*.txt"))
    out = []
    for path in files:
        doc = path.read_text(encoding="utf-8", errors="replace")
        title = re.search(r"<TITLE>(.*?)</TITLE>", doc, re.S)
        text = re.search(r"<TEXT>(.*?)</TEXT>", doc, re.S)
        if title and text and len(text.group(1)) > 200:
            out.append(title.group(1).strip() + "\n" + text.group(1).strip())
        if len(out) >= limit:
            break
    return out


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_nlp(articles: list[str], batch_sizes: list[int], ner_model: str) -> None:
    import torch

    from worker.extract import Article, Extractor, StageTimer
    from worker.nlp.tokenize import tokenize

    torch.set_num_threads(1)
    started = time.perf_counter()
    extractor = Extractor(ner_model).load()
    print(f"load: {time.perf_counter() - started:.1f}s (model {extractor.model_name}), "
          f"peak RSS {peak_rss_mb():.0f} MB")
    tokens = sum(len(tokenize(a)) for a in articles)
    extractor.extract_batch([Article(articles[0])])  # warm-up
    print(f"{len(articles)} articles, {tokens} tokens; torch threads=1")
    print("batch  articles/s  tokens/s   tokenize  ner     link    events")
    for size in batch_sizes:
        timer, t0 = StageTimer(), time.perf_counter()
        for i in range(0, len(articles), size):
            extractor.extract_batch([Article(a) for a in articles[i:i + size]], timer)
        elapsed = time.perf_counter() - t0
        share = {k: v / elapsed for k, v in timer.seconds.items()}
        print(f"{size:5d}  {len(articles) / elapsed:10.2f}  {tokens / elapsed:8.0f}   "
              + "  ".join(f"{share.get(k, 0):6.0%}" for k in ("tokenize", "ner", "link", "events")))
    print(f"peak RSS: {peak_rss_mb():.0f} MB")


def bench_rules() -> None:
    """Rule matching with real terms, as bench/bench_perf.py measures it: 5,000 made-up
    terms never matched, so they showed no cost (issue 12: with real words 10,000 terms
    ran at 148 articles/s, not the 1,400 the default rules reach)."""
    from bench.bench_perf import bench_rules as bench_real_rules

    bench_real_rules(quick=False)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--batch-sizes", default="1,4,8,16")
    parser.add_argument("--ner-model", default="bundled")
    args = parser.parse_args()
    articles = load_articles(args.articles)
    bench_rules()
    bench_nlp(articles, [int(x) for x in args.batch_sizes.split(",")], args.ner_model)


if __name__ == "__main__":
    main()
