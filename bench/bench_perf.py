"""Issue 12's figures in one run: the command the README's speed figures come from.

    .venv/bin/python bench/bench_perf.py [--quick] [--only nlp,rules,pss,cold,fresh]

Prints, with the machine's load average at the start and the end:

* **nlp**: Rasad's NLP stage against a bare stanza Pipeline on the same articles, in CPU
  time (``bench/nlp_cpu.py``'s ``nlp_vs_bare_stanza``; "not available" without it);
* **rules**: articles/s (CPU time) of rule matching on real ANT corpus articles with the
  default rules, and with 10,000 real terms (the corpus's most frequent words and word
  pairs, so that they match) in one rule and in 200 rules of 50;
* **pss**: a real ``rasad run`` (embedded Redis, loopback feeds, the bundled NER model) at
  NLP concurrency 1 and 3, each child warmed by real batches: the NLP worker's PSS
  (``/proc/PID/smaps_rollup``) once the batches are done, the PSS each added child costs,
  and each child's peak RSS (during a batch; shared pages counted in full);
* **cold**: in the same runs, seconds from starting ``rasad run`` to the seed article's
  first alert on the ``rasad:alerts`` stream (its feed is served from the start);
* **fresh**: ``rasad run`` with 200 loopback feeds of 4 real articles each (so NLP batches
  queue up while feeds are still being polled): seconds from the first feed's first fetch
  (start-up readiness: the first poll) to the last feed's first fetch.

Issue 12's targets are checked at the end: each added child at most 120 MB PSS, cold start
at most 10 s, 200 rules of 50 at least half as fast as one rule of 10,000, every feed first
fetched within 5 s, the NLP stage at most 0.8x bare stanza's CPU time.  Scratch data goes to
a temporary directory that is removed; every process started is stopped.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import html
import http.server
import os
import pathlib
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# The process-tree helpers of the fault suite, which watches the same `rasad run` tree.
from tests.test_faults import descendants, process_table  # noqa: E402

NEWS = ROOT.parent / "shared" / "data" / "news" / "antcorpus"
SEED = ROOT / "tests" / "fixtures" / "seed_article.txt"
TARGETS = {"added_child_mb": 120, "cold_start_s": 10.0, "many_rules_ratio": 0.5,
           "freshness_s": 5.0, "nlp_cpu_ratio": 0.8}
_FIELD = {k: re.compile(f"<{k}>(.*?)</{k}>", re.S) for k in ("TITLE", "TEXT")}
_WORD = re.compile(r"[\u0621-\u064a]+")


# -- articles and real terms ---------------------------------------------------------------


def corpus(limit: int, sections=("middleEast",), min_chars: int = 200) -> list[tuple[str, str]]:
    """(title, text) of the first ``limit`` ANT corpus articles of ``sections``."""
    out = []
    for section in sections:
        for path in sorted(NEWS.glob(f"*/{section}/*.txt")):
            raw = path.read_text(encoding="utf-8", errors="replace")
            title, text = (_FIELD[k].search(raw) for k in ("TITLE", "TEXT"))
            if title and text and len(text.group(1)) > min_chars:
                out.append((" ".join(title.group(1).split()), text.group(1).strip()))
            if len(out) >= limit:
                return out
    return out


def real_terms(n: int, skip: int) -> list[str]:
    """The ``n`` most frequent words (3+ letters) and word pairs of ANT corpus articles
    other than the benchmark's first ``skip``: real words that really match."""
    counts = collections.Counter()
    for title, text in corpus(skip + 3000, ("middleEast", "internationalNews"))[skip:]:
        words = _WORD.findall(title + " " + text)
        counts.update(w for w in words if len(w) >= 3)
        counts.update(f"{a} {b}" for a, b in zip(words, words[1:]) if len(a) >= 3 <= len(b))
    return [term for term, _ in counts.most_common(n)]


# -- nlp -------------------------------------------------------------------------------------


def bench_nlp(quick: bool) -> dict:
    try:
        from bench.nlp_cpu import nlp_vs_bare_stanza
    except ImportError as exc:
        print(f"nlp: not available (bench/nlp_cpu.py: {exc})")
        return {}
    result = nlp_vs_bare_stanza(n_articles=40 if quick else 200)
    print("nlp: " + ", ".join(f"{k} {_fmt(v)}" for k, v in result.items()))
    return {"nlp": result}


def _fmt(value) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


# -- rules -----------------------------------------------------------------------------------


def bench_rules(quick: bool) -> dict:
    from worker.rules import Rule, RuleSet
    from worker.runtime import load_ruleset
    from worker.settings import Settings

    n_articles = 60 if quick else 200
    texts = [f"{t}\n{b}" for t, b in corpus(n_articles)]
    terms = real_terms(10_000, n_articles)
    sets = {
        "default rules": load_ruleset(Settings(rules=str(ROOT / "config" / "rules.yaml"))),
        "10,000 terms in 1 rule": RuleSet([Rule(id="one", severity="low", terms=tuple(terms))]),
        "10,000 terms in 200 rules of 50": RuleSet(
            [Rule(id=f"r{i}", severity="low", terms=tuple(terms[i * 50:(i + 1) * 50]))
             for i in range(200)]),
    }
    out = {}
    print(f"rules: {len(texts)} ANT corpus articles, CPU time, best of 3")
    for name, ruleset in sets.items():
        seconds, hits, fired = _time_rules(ruleset, texts)
        out[name] = len(texts) / seconds
        n_terms = ruleset.matcher.size  # automaton keys: terms, exclusions, aliases, forms
        print(f"  {name:32s} {n_terms:6d} keys {out[name]:7.0f} articles/s  "
              f"{hits / len(texts):5.0f} hits/article  {fired / len(texts):5.1f} rules fired")
    ratio = out["10,000 terms in 200 rules of 50"] / out["10,000 terms in 1 rule"]
    print(f"  200 rules / 1 rule speed: {ratio:.2f}")
    return {"rules": out, "many_rules_ratio": ratio}


def _time_rules(ruleset, texts) -> tuple[float, int, int]:
    best, hits, fired = float("inf"), 0, 0
    for _ in range(3):
        t0 = time.process_time()
        fired = sum(len(ruleset.match(text)) for text in texts)
        best = min(best, time.process_time() - t0)
    hits = sum(len(ruleset.matcher.find(text)) for text in texts)
    return best, hits, fired


# -- a real `rasad run` on loopback feeds -------------------------------------------------


class FeedSite(http.server.ThreadingHTTPServer):
    """RSS feeds on 127.0.0.1; remembers when each path was first requested."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.bodies: dict[str, bytes] = {}
        self.first_fetch: dict[str, float] = {}
        self.lock = threading.Lock()
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"

    def set(self, path: str, items: list[tuple[str, str]], feed: str) -> None:
        self.bodies[path] = rss(feed, items)


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's name
        site: FeedSite = self.server  # type: ignore[assignment]
        with site.lock:
            site.first_fetch.setdefault(self.path, time.time())
        body = site.bodies.get(self.path, rss("empty", []))
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_):
        pass


def rss(feed: str, items: list[tuple[str, str]]) -> bytes:
    entries = "".join(
        f"<item><title>{html.escape(t)}</title><link>https://{feed}.example/{i}</link>"
        f"<guid>{feed}-{i}</guid><description>{html.escape(b)}</description></item>"
        for i, (t, b) in enumerate(items))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{feed}</title><link>https://{feed}.example/</link>{entries}"
            f"</channel></rss>").encode()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RasadRun:
    """`rasad run` in a temporary data directory, stopped on exit; ``feeds`` maps a feed id
    to its URL and polling interval in seconds."""

    def __init__(self, tmp: pathlib.Path, feeds: dict[str, tuple[str, int]], **env):
        feeds_file = tmp / "feeds.yaml"
        feeds_file.write_text("feeds:\n" + "".join(
            f"  - {{id: {fid}, name: {fid}, url: '{url}', lang: ar, interval: {interval},"
            " allow_private: true}\n" for fid, (url, interval) in feeds.items()),
            encoding="utf-8")
        hooks = tmp / "webhooks.yaml"
        hooks.write_text("webhooks: []\n", encoding="utf-8")
        self.data = tmp / "data"
        self.env = dict(os.environ, RASAD_DATA_DIR=str(self.data), RASAD_FEEDS=str(feeds_file),
                        RASAD_RULES=str(ROOT / "config" / "rules.yaml"),
                        RASAD_WEBHOOKS=str(hooks), RASAD_EMBEDDED_REDIS_PORT=str(free_port()),
                        RASAD_METRICS_ADDR=f"127.0.0.1:{free_port()}", RASAD_LOG_LEVEL="WARNING",
                        PYTHONPATH=str(ROOT))
        self.env.update({f"RASAD_{k.upper()}": str(v) for k, v in env.items()})
        for name in ("RASAD_REDIS_URL", "RASAD_REDIS_URL_FILE", "PROMETHEUS_MULTIPROC_DIR"):
            self.env.pop(name, None)
        self.log = tmp / "rasad.log"
        self.proc: subprocess.Popen | None = None
        self.started = 0.0
        self._client = None

    def __enter__(self) -> "RasadRun":
        self.started = time.time()
        with self.log.open("w") as log:
            self.proc = subprocess.Popen([sys.executable, "-m", "worker.cli", "run"],
                                         env=self.env, cwd=ROOT, stdout=log,
                                         stderr=subprocess.STDOUT)
        return self

    def __exit__(self, *_) -> None:
        pids = descendants(self.proc.pid)
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                pass
        for pid in [self.proc.pid, *pids]:  # only what this run started
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(10)

    def client(self):
        import redis

        from worker.settings import Settings, effective_redis_url

        if self._client is None:
            if not (self.data / "redis" / "port").exists():
                return None
            url = effective_redis_url(Settings(data_dir=str(self.data)))
            self._client = redis.Redis.from_url(url, decode_responses=True, socket_timeout=10)
        return self._client

    def count(self, stream: str) -> int:
        import redis

        try:
            client = self.client()
            return client.xlen(stream) if client else 0
        except redis.RedisError:
            return 0

    def first_alert_at(self) -> float | None:
        import redis

        try:
            client = self.client()
            first = client.xrange("rasad:alerts", count=1) if client else []
        except redis.RedisError:
            return None
        return int(first[0][0].split("-")[0]) / 1000 if first else None

    def wait(self, what: str, predicate, timeout: float):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"rasad run exited ({self.proc.returncode}); log: {self.log}"
                                   f"\n{self.log.read_text(errors='replace')[-3000:]}")
            value = predicate()
            if value:
                return value
            time.sleep(0.1)
        raise TimeoutError(f"{what}: not within {timeout:.0f}s")

    def nlp_worker(self) -> int:
        """The pid of the Celery worker that consumes the nlp queue."""
        table = process_table()
        for pid in descendants(self.proc.pid, table):
            argv = table[pid][1]
            if "-Q" in argv and "nlp" in argv[argv.index("-Q") + 1].split(","):
                return pid
        raise RuntimeError("no nlp worker under rasad run")


def pss_mb(pid: int) -> float:
    text = pathlib.Path(f"/proc/{pid}/smaps_rollup").read_text()
    return int(re.search(r"^Pss:\s+(\d+) kB", text, re.M).group(1)) / 1024


def private_mb(pid: int) -> float:
    """Memory only this process maps (copied-on-write pages included)."""
    text = pathlib.Path(f"/proc/{pid}/smaps_rollup").read_text()
    return sum(int(v) for v in re.findall(r"^Private_(?:Clean|Dirty):\s+(\d+) kB", text,
                                          re.M)) / 1024


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set (VmHWM): shared pages counted in full."""
    text = pathlib.Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"^VmHWM:\s+(\d+) kB", text, re.M).group(1)) / 1024


def cpu_seconds(pid: int) -> float:
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- pss and cold start ----------------------------------------------------------------------


def bench_pss_and_cold(quick: bool, concurrencies=(1, 3)) -> dict:
    seed_title, seed_body = SEED.read_text(encoding="utf-8").split("\n", 1)
    load = corpus(24 if quick else 48)
    out: dict = {"pss": {}, "cold": {}}
    for concurrency in concurrencies:
        with tempfile.TemporaryDirectory(prefix="rasad-bench-") as tmp:
            site = FeedSite()
            try:
                site.set("/seed.xml", [(seed_title, seed_body)], "seed")
                # The load feed is polled every 2 s: served after the first alert, it is
                # fetched at once.
                with RasadRun(pathlib.Path(tmp), {"seed": (site.url("/seed.xml"), 600),
                                                  "load": (site.url("/load.xml"), 2)},
                              worker_concurrency=concurrency,
                              # batches of 4, so that every child runs several
                              nlp_batch_size=4) as run:
                    alert = run.wait("the seed's first alert", run.first_alert_at, 180)
                    out["cold"][concurrency] = alert - run.started
                    out["pss"][concurrency] = _warm_pss(run, site, load, concurrency)
            finally:
                site.shutdown()
        pss = out["pss"][concurrency]
        print(f"c={concurrency}: cold start to the seed's first alert "
              f"{out['cold'][concurrency]:.1f}s; nlp worker PSS {pss['tree']:.0f} MB "
              f"(parent {pss['parent']:.0f}, children "
              f"{', '.join(f'{c:.0f}' for c in pss['children'])}, of it private "
              f"{', '.join(f'{c:.0f}' for c in pss['private'])} between batches, peak RSS "
              f"{', '.join(f'{c:.0f}' for c in pss['peak_rss'])}; "
              f"children's CPU {', '.join(f'{c:.1f}s' for c in pss['cpu'])}); "
              f"whole tree {pss['all']:.0f} MB")
    if len(concurrencies) == 2:
        lo, hi = concurrencies
        out["added_child_mb"] = (out["pss"][hi]["tree"] - out["pss"][lo]["tree"]) / (hi - lo)
        print(f"PSS per added NLP child: {out['added_child_mb']:.0f} MB")
    return out


def _warm_pss(run: RasadRun, site: FeedSite, load, concurrency: int) -> dict:
    """Serve the load feed, wait until every article is processed (each child has run real
    batches), then read the PSS of the nlp worker and of everything under `rasad run`."""
    before = run.count("rasad:articles")
    site.set("/load.xml", load, "load")
    run.wait("the load articles", lambda: run.count("rasad:articles") >= before + len(load),
             600)
    time.sleep(1.0)
    worker, table = run.nlp_worker(), process_table()
    children = [p for p, (parent, _) in table.items() if parent == worker]
    every = [run.proc.pid, *descendants(run.proc.pid, table)]
    return {"parent": pss_mb(worker), "children": [pss_mb(p) for p in children],
            "private": [private_mb(p) for p in children],
            "peak_rss": [peak_rss_mb(p) for p in children],
            "cpu": [cpu_seconds(p) for p in children],
            "tree": pss_mb(worker) + sum(pss_mb(p) for p in children),
            "all": sum(pss_mb(p) for p in every)}


# -- freshness -------------------------------------------------------------------------------


def bench_freshness(quick: bool, n_feeds: int = 200, per_feed: int = 4) -> dict:
    articles = corpus(n_feeds * per_feed, ("middleEast", "internationalNews"))
    with tempfile.TemporaryDirectory(prefix="rasad-bench-") as tmp:
        site = FeedSite()
        try:
            feeds = {}
            for i in range(n_feeds):
                site.set(f"/f{i}.xml", articles[i * per_feed:(i + 1) * per_feed], f"f{i}")
                feeds[f"f{i}"] = (site.url(f"/f{i}.xml"), 600)
            with RasadRun(pathlib.Path(tmp), feeds) as run:
                run.wait("every feed's first fetch", lambda: len(site.first_fetch) >= n_feeds,
                         300)
                nlp_backlog = _nlp_backlog(run)
        finally:
            site.shutdown()
    times = sorted(site.first_fetch.values())
    spread = times[-1] - times[0]
    print(f"fresh: {n_feeds} feeds x {per_feed} articles: first fetch "
          f"{times[0] - run.started:.1f}s after start; last feed's first fetch {spread:.1f}s "
          f"after the first (median {times[len(times) // 2] - times[0]:.1f}s); nlp batches "
          f"waiting or running then: {nlp_backlog}")
    return {"freshness_s": spread}


def _nlp_backlog(run: RasadRun) -> int:
    from worker.status import queue_depths

    client = run.client()
    return queue_depths(client, ["nlp"])["nlp"] + client.hlen("unacked")


# -- main ------------------------------------------------------------------------------------


SECTIONS = {"nlp": bench_nlp, "rules": bench_rules, "pss": bench_pss_and_cold,
            "fresh": bench_freshness}


def verdicts(results: dict) -> list[str]:
    checks = [
        ("PSS per added NLP child", results.get("added_child_mb"), "<=", "added_child_mb", "MB"),
        ("cold start to first alert (c=1)", results.get("cold", {}).get(1), "<=",
         "cold_start_s", "s"),
        ("200 rules of 50 / 1 rule of 10,000", results.get("many_rules_ratio"), ">=",
         "many_rules_ratio", "x"),
        ("every feed first fetched within", results.get("freshness_s"), "<=", "freshness_s",
         "s"),
        ("NLP CPU / bare stanza", _nlp_ratio(results.get("nlp")), "<=", "nlp_cpu_ratio", "x"),
    ]
    lines = []
    for name, value, op, key, unit in checks:
        if value is None:
            lines.append(f"  {name}: not measured")
            continue
        ok = value <= TARGETS[key] if op == "<=" else value >= TARGETS[key]
        lines.append(f"  {name}: {value:.2f}{unit} (target {op} {TARGETS[key]}{unit}) "
                     f"{'ok' if ok else 'MISSED'}")
    return lines


def _nlp_ratio(nlp: dict | None) -> float | None:
    if not nlp:
        return None
    for key, value in nlp.items():
        if "ratio" in key and isinstance(value, (int, float)):
            return float(value)
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer articles, same sections")
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help=f"comma-separated sections of {','.join(SECTIONS)} "
                             f"(pss includes the cold start)")
    args = parser.parse_args()
    start_load, started = os.getloadavg(), time.time()
    print(f"bench_perf: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
          f"{os.cpu_count()} CPUs, load average at start "
          f"{' '.join(f'{v:.2f}' for v in start_load)}{' (quick)' if args.quick else ''}")
    results: dict = {}
    for name in args.only.split(","):
        try:
            results.update(SECTIONS[name](args.quick))
        except Exception as exc:  # noqa: BLE001 - report and go on with the other sections
            print(f"{name}: FAILED: {type(exc).__name__}: {exc}")
    print("targets (issue 12):")
    print("\n".join(verdicts(results)))
    print(f"load average at end {' '.join(f'{v:.2f}' for v in os.getloadavg())}; "
          f"{time.time() - started:.0f}s in all")


if __name__ == "__main__":
    main()
