"""Is every NLP stage linear in text length?  Seconds per stage on one long article.

    python bench/bench_linearity.py [--ner-model bundled|none] [--sizes 25000,50000,...]

Builds one article of N characters from real Arabic news (../shared/data/news/antcorpus,
articles joined end to end), runs the NLP stage on it uncapped, and prints the seconds of
each stage (tokenize, ner, link, events) and their growth against the previous size: about
2.0x for twice the text is linear, about 4x quadratic (issue 11 found link at 0.5, 1.8, 7.3,
29.3 s for 25k to 200k).  Then the bounded cases: a 2.5-million-character article through
the default cap (RASAD_NLP_MAX_CHARS, 100,000), and hostile text (90,000 characters of
diacritics and tatweel; one 100,000-character "word" of a repeated place name).
``--ner-model none`` times the gazetteer without the NER model; each figure is the best of
``--repeat`` runs (default 2), as other work on the machine only ever adds time.
"""

from __future__ import annotations

import argparse
import pathlib
import random
import resource
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

STAGES = ("tokenize", "ner", "link", "events")


def long_text(chars: int) -> str:
    from bench_pipeline import load_articles

    articles, parts = load_articles(2000), []
    for article in articles:
        parts.append(article)
        if sum(len(p) + 1 for p in parts) >= chars:
            break
    text = "\n".join(parts)
    while len(text) < chars:  # more than the corpus holds: repeat it
        text += "\n" + text
    return text[:chars]


def run(extractor, text: str, max_chars: int, repeat: int = 1):
    """Best total and best seconds per stage over ``repeat`` runs, and the extraction."""
    from worker.extract import Article, StageTimer

    extractor.max_chars = max_chars
    best_total, best = float("inf"), {}
    for _ in range(repeat):
        timer, started = StageTimer(), time.perf_counter()
        extraction = extractor.extract_batch([Article(text)], timer)[0]
        best_total = min(best_total, time.perf_counter() - started)
        best = {k: min(v, best.get(k, v)) for k, v in timer.seconds.items()}
    return best_total, best, extraction


def row(label: str, total: float, seconds: dict, previous: dict | None) -> str:
    cells = []
    for stage in STAGES:
        value = seconds.get(stage, 0.0)
        growth = f"x{value / previous[stage]:.1f}" if previous and previous.get(stage) else ""
        cells.append(f"{value:7.2f} {growth:>5}")
    return f"{label:>12}  {total:7.2f}  " + "  ".join(cells)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ner-model", default="bundled")
    parser.add_argument("--sizes", default="25000,50000,100000,200000")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    import torch

    from worker.extract import DEFAULT_MAX_CHARS, Extractor

    torch.set_num_threads(1)
    sizes = [int(s) for s in args.sizes.split(",")]
    extractor = Extractor(args.ner_model).load()
    text = long_text(max(max(sizes), 2_500_000))
    run(extractor, text[:5000], DEFAULT_MAX_CHARS)  # warm-up
    print(f"model {extractor.model_name}; torch threads 1; best of {args.repeat}; seconds "
          "(growth vs previous size)")
    print(f"{'characters':>12}  {'total':>7}  " + "  ".join(f"{s:>13}" for s in STAGES))
    previous = None
    for size in sizes:
        total, seconds, _ = run(extractor, text[:size], size, args.repeat)
        print(row(f"{size:,}", total, seconds, previous), flush=True)
        previous = seconds
    total, seconds, extraction = run(extractor, text[:2_500_000], DEFAULT_MAX_CHARS,
                                     args.repeat)
    print(row("2,500,000 cap", total, seconds, None))
    print(f"{'':>12}  note: {extraction.notes[-1]}")
    hostile(extractor, args.repeat)
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


def hostile(extractor, repeat: int) -> None:
    from worker.extract import DEFAULT_MAX_CHARS

    rng = random.Random(11)
    marks = [chr(c) for c in range(0x064B, 0x0660)] + ["\u0640", "\u0670"]
    cases = {
        "marks 90k": "".join(rng.choice(marks) for _ in range(90_000)),
        "letter+marks": "ب" + "".join(rng.choice(marks) for _ in range(90_000)),
        "one word 100k": "سوريا" * 20_000,
        "punct 100k": "،" * 100_000,
    }
    for label, text in cases.items():
        total, seconds, extraction = run(extractor, text, DEFAULT_MAX_CHARS, repeat)
        longest = max((e.end - e.start for e in extraction.entities), default=0)
        print(row(label, total, seconds, None) + f"   entities {len(extraction.entities)}, "
              f"longest {longest} chars")


if __name__ == "__main__":
    raise SystemExit(main())
