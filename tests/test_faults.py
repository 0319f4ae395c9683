"""Fault injection against a real `rasad run` (issue 11): workers, the whole tree and the main
process alone killed mid-batch, Redis killed with work in flight, a webhook receiver that
never answers, a 2.5-million-character item, a 10,000-item feed of similar items, and a
work message lost between kombu's pop and its unacked record on an external Redis.

Each test starts `rasad run` as a subprocess (its own RASAD_DATA_DIR under tmp_path, its own
embedded Redis port, a rules file with one rule, ``watch``), serves its feeds from a real
HTTP server on 127.0.0.1, injects one fault, and asserts, reading Redis through the same
credentials every client uses (``effective_redis_url``):

* every article exactly once in ``rasad:articles`` (counted by entry id and by link);
* every expected alert exactly once in ``rasad:alerts`` (one per (rule, story), none twice);
* recovery within its stated bound (stream entry ids carry Redis's publication time);
* the service responsive throughout: a second feed, the *canary*, gets a new alerting
  article every few seconds, and each one's alert arrives within 60 s of the item appearing
  in the feed (issue 11: "no hostile item delays another feed's alert by more than 60 s").

Measured on the 2-core development machine (``pytest -s -m faults tests/test_faults.py``
prints each scenario's figures; the whole file took 206 s.  An earlier run, with 40 longer
articles and another CPU-bound job on the machine, recovered in 13 s, 21 s and 21 s in
scenarios 1 to 3):

====================  ======================================================================
scenario              figures
====================  ======================================================================
1 kill -9 of the      30 long articles (bundled NER model); 3 published and 2 batches
  pool's children     unacknowledged at the kill; the rest and every alert 3.8 s after it;
                      each once; canary alerts at most 3.5 s after their items.
2 kill -9 of the      10 processes killed (rasad run, Redis, the nlp worker and its 2
  whole tree          children, the poll worker and its 2 children (issue 12), webhooks
                      worker, beat) with 4 messages unacknowledged; the restart restored 4
                      messages at start-up; last article and alert 9.4 s after the restart
                      (bound 300 s); each once; canary at most 8.2 s.
3 kill -9 of the      `rasad run` exited 3.1 s after its Redis died (non-zero, every child
  embedded Redis      gone); the restart restored 2 messages; last article and alert 11.8 s
                      after the restart, 14.9 s after the kill (bound 300 s); each once;
                      canary at most 10.0 s.
4 webhook receiver    16 deliveries hung, all 8 webhook threads for 15 s, then 8 more; 12
  that never answers  articles and alerts each once, the last alert 3.0 s after the feed was
                      served; canary at most 2.9 s.
5 2.5-million-        4.5 MB feed (under the 5 MB body cap); the long item published once
  character item      with its truncation note 4.2 s after the feed was served, alerted
                      once at 5.6 s; 5 other items each once; canary at most 2.8 s.
6 10,000-item         4.1 MB feed; the poll claimed, grouped (5,482 stories) and dispatched
  similar feed        the 10,000 entries in 23 s; all published once after 42 s (235
                      articles/s, RASAD_NER_MODEL=none); canary at most 2.9 s (84 s before
                      bulk batches went at low priority, worker/tasks.py); the feed still
                      polled; `rasad subscribe` got every alert once, one stderr line.
7 kill -9 of `rasad   the parent alone killed with 2 messages unacknowledged; its 9
  run` alone          descendants (Redis, 4 workers with their pools, beat) gone 0.2 s later
                      (parent-death signal, worker/service.py); the restart restored 4
                      messages; last article and alert 9.9 s after it; each once; canary
                      at most 6.9 s.  Without the signal the old tree was still up 60 s on.
8 a batch lost        external Redis (RASAD_REDIS_URL), nothing restarted: a batch of 3
  between pop and     claimed entries taken off `nlp` (the nlp worker stopped meanwhile);
  unacked record      beat's sweep (1 s, grace 2 s) re-issued the 3 and nothing else; last
                      article and alert 3.0 s after the loss; each once; canary at most
                      2.1 s.  With the sweep off they never came (70 s).
====================  ======================================================================

Bounds asserted: recovery after a restart (scenarios 2, 3 and 7) under 5 minutes, after the
pool's children are killed (1) and after a lost batch (8) under 60 s; every canary alert
within 60 s of its item (in 2 and 3, an item that was still waiting at the restart counts
from the restart).  The last test checks the start-up restore
(worker.service.restore_unacked) on its own, against messages a real kombu consumer took
before it was killed.

Also asserted here on the running service: the embedded Redis refuses a client without the
password (scenario 1; tests/test_redis_lockdown.py has the whole lockdown), and `rasad
subscribe` prints nothing to stderr after its start-up line while it follows every alert
once (scenario 6; tests/test_subscribe.py::test_rasad_subscribe_prints_nothing_while_idle
has the idle read against a plain Redis).  The hanging-receiver scenario adds "every alert
once" to tests/test_webhooks.py::test_a_hanging_receiver_delays_neither_polling_nor_nlp_and_
retries_run_on_time, which measures retry punctuality.
"""

from __future__ import annotations

import collections
import functools
import importlib.util
import json
import os
import pathlib
import re
import signal
import socket
import subprocess
import threading
import time
from email.utils import format_datetime
from datetime import datetime, timezone

import pytest
import redis

from tests.conftest import SHARED, free_port
from tests.test_acceptance import RASAD, ROOT, rss
from worker.settings import Settings, effective_redis_url
from worker.status import queue_depths

pytestmark = [pytest.mark.integration, pytest.mark.faults]

NEWS = SHARED / "data" / "news" / "antcorpus"
RULE = "watch"
WATCH_SENTENCE = "وقال ناشطون إن قذائف فوسفورية سقطت على أطراف المنطقة مساء اليوم."
RULES_YAML = (f"rules:\n  - id: {RULE}\n    severity: high\n"
              "    terms:\n      ar: [قذائف فوسفورية]\n")
ALERT_BOUND_SECONDS = 60  # issue 11: no hostile item delays another feed's alert more
RECOVERY_BOUND_SECONDS = 300  # issue 11: recovery after a restart under 5 minutes
CANARY_PERIOD_SECONDS = 4.0


# --- articles: real Arabic text from the ANT corpus ---------------------------------------

_FIELD = {name: re.compile(f"<{name}>(.*?)</{name}>", re.S) for name in ("TITLE", "TEXT")}
_PHOSPHORUS = re.compile("فسفور|فوسفور")


@functools.lru_cache(maxsize=None)
def corpus(section: str) -> list[tuple[str, str]]:
    """(title, text) of every article of one ANT corpus section, in path order, leaving out
    those that already mention phosphorus (the watch rule's subject)."""
    out = []
    for path in sorted(NEWS.glob(f"*/{section}/*.txt")):
        raw = path.read_text(encoding="utf-8")
        title, text = (_FIELD[k].search(raw) for k in ("TITLE", "TEXT"))
        if title and text and not _PHOSPHORUS.search(raw):
            out.append((" ".join(title.group(1).split()), text.group(1).strip()))
    return out


def long_articles(n: int, min_chars: int) -> list[tuple[str, str]]:
    """``n`` real articles of at least ``min_chars`` characters (short ones followed by the
    text of the next articles, as a long report with background), each ending with the watch
    sentence: every one alerts."""
    pool, out = corpus("middleEast"), []
    for i in range(n):
        title, body = pool[i]
        j = n + i
        while len(body) < min_chars:
            body += "\n" + pool[j % len(pool)][1]
            j += n
        out.append((title, body + "\n" + WATCH_SENTENCE))
    return out


def item(feed: str, i: int, title: str, body: str) -> dict:
    pub = format_datetime(datetime.now(timezone.utc), usegmt=True)
    return {"title": title, "link": f"https://{feed}.example/news/{i}", "guid": f"{feed}-{i}",
            "pubDate": pub, "description": body}


# --- the feeds' site ------------------------------------------------------------------------


class Site:
    """Feeds on the loopback HTTP server (conftest.http_server) whose items can change while
    `rasad run` polls them."""

    def __init__(self, server):
        self.server, self.lock, self.bodies = server, threading.Lock(), {}

    def set(self, path: str, items: list[dict] | None = None, body: bytes | None = None):
        body = rss(items or []) if body is None else body
        with self.lock:
            new = path not in self.bodies
            self.bodies[path] = body
        if new:
            self.server.route(path, lambda h, p=path: h._send(
                200, {"Content-Type": "application/rss+xml; charset=utf-8"}, self.bodies[p]))

    def url(self, path: str) -> str:
        return self.server.url(path)


class Canary:
    """The second feed: a new alerting article every ``period`` seconds, from a pool of real
    articles no other feed uses.  ``appeared`` maps each item's link to when it was served."""

    def __init__(self, site: Site, path: str = "/canary.xml",
                 period: float = CANARY_PERIOD_SECONDS):
        self.site, self.path, self.period = site, path, period
        self.pool = [(t, b[:600] + "\n" + WATCH_SENTENCE) for t, b in corpus("internationalNews")]
        self.items: list[dict] = []
        self.appeared: dict[str, float] = {}
        self.ready = 0.0  # when the service first alerted a canary item (start-up done)
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        site.set(path, [])

    def start(self) -> "Canary":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stop_event.set()
        self.thread.join(10)

    def _run(self) -> None:
        while not self.stop_event.is_set() and len(self.items) < len(self.pool):
            title, body = self.pool[len(self.items)]
            new = item("canary", len(self.items), title, body)
            self.items.append(new)
            self.site.set(self.path, self.items[-20:])  # a real feed keeps its latest items
            self.appeared[new["link"]] = time.time()
            self.stop_event.wait(self.period)

    def latencies(self, alerts: list[dict], since: float | None = None) -> dict[str, float]:
        """Seconds from each item's appearance (or ``since``, if later) to its alert; items
        served while the service was still starting are left out."""
        alerted = {a["url"]: a["at"] for a in alerts}
        return {url: alerted[url] - _start(t, since, alerted[url])
                for url, t in self.appeared.items() if url in alerted and t >= self.ready}

    def check(self, alerts: list[dict], *, since: float | None = None,
              bound: float = ALERT_BOUND_SECONDS) -> tuple[int, float]:
        """Every canary item served after start-up has its alert, each within ``bound`` s of
        the item (see :func:`_start` for an outage); returns (items checked, worst latency)."""
        lat = self.latencies(alerts, since)
        missing = [u for u, t in self.appeared.items() if t >= self.ready and u not in lat]
        assert not missing, f"canary items without an alert: {missing}"
        late = {u: round(s, 1) for u, s in lat.items() if s > bound}
        assert not late, f"canary alerts later than {bound:.0f}s: {late}"
        assert len(lat) >= 2, f"only {len(lat)} canary alerts: the canary did not run"
        return len(lat), max(lat.values())


def _start(appeared: float, since: float | None, alerted: float) -> float:
    """Where a canary item's wait starts: when it appeared, or, for one still waiting at
    ``since`` (the restart after an outage) and alerted after it, at ``since``."""
    return since if since is not None and appeared < since <= alerted else appeared


# --- `rasad run` and its process tree ---------------------------------------------------------


def process_table() -> dict[int, tuple[int, list[str]]]:
    """pid -> (parent pid, argv), from /proc."""
    table = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            stat = pathlib.Path(f"/proc/{name}/stat").read_text()
            argv = pathlib.Path(f"/proc/{name}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        table[int(name)] = (ppid, [a.decode(errors="replace") for a in argv if a])
    return table


def descendants(pid: int, table=None) -> list[int]:
    table = table or process_table()
    children = collections.defaultdict(list)
    for child, (parent, _) in table.items():
        children[parent].append(child)
    out, todo = [], [pid]
    while todo:
        for child in children[todo.pop()]:
            out.append(child)
            todo.append(child)
    return out


class Rasad:
    """One `rasad run` data directory; the service can be started, killed and restarted."""

    def __init__(self, tmp_path: pathlib.Path, feeds: dict[str, str], *, ner_model="none",
                 webhooks_yaml: str | None = None, **env):
        self.tmp, self.runs = tmp_path, 0
        self.proc: subprocess.Popen | None = None
        feeds_file, rules_file = tmp_path / "feeds.yaml", tmp_path / "rules.yaml"
        feeds_file.write_text("feeds:\n" + "".join(
            f"  - {{id: {fid}, name: {fid}, url: '{url}', lang: ar, interval: 2,"
            " allow_private: true}\n" for fid, url in feeds.items()), encoding="utf-8")
        rules_file.write_text(RULES_YAML, encoding="utf-8")
        hooks = tmp_path / "webhooks.yaml"
        hooks.write_text(webhooks_yaml or "webhooks: []\n", encoding="utf-8")
        self.data = tmp_path / "data"
        self.env = dict(os.environ, RASAD_DATA_DIR=str(self.data), RASAD_FEEDS=str(feeds_file),
                        RASAD_RULES=str(rules_file), RASAD_WEBHOOKS=str(hooks),
                        RASAD_NER_MODEL=ner_model, RASAD_EMBEDDED_REDIS_PORT=str(free_port()),
                        RASAD_POLL_TICK_SECONDS="1", RASAD_WORKER_CONCURRENCY="2",
                        RASAD_METRICS_ADDR=f"127.0.0.1:{free_port()}", PYTHONPATH=str(ROOT),
                        **{f"RASAD_{k.upper()}": str(v) for k, v in env.items()})
        for name in ("RASAD_REDIS_URL", "RASAD_REDIS_URL_FILE", "PROMETHEUS_MULTIPROC_DIR"):
            self.env.pop(name, None)
        self._client: redis.Redis | None = None

    @property
    def port(self) -> int:
        return int(self.env["RASAD_EMBEDDED_REDIS_PORT"])

    @property
    def log(self) -> pathlib.Path:
        return self.tmp / f"rasad-{self.runs}.log"

    def start(self) -> float:
        """Start `rasad run`; return when its Redis answers, with the time it was started."""
        self.runs += 1
        started = time.time()
        with self.log.open("w") as log:
            self.proc = subprocess.Popen(RASAD + ["run"], env=self.env, cwd=ROOT, stdout=log,
                                         stderr=subprocess.STDOUT)
        wait_for(lambda: self.ping(), 60, "the embedded Redis", self)
        return started

    def client(self) -> redis.Redis:
        if self._client is None:
            url = effective_redis_url(Settings(data_dir=str(self.data)))
            self._client = redis.Redis.from_url(url, decode_responses=True, socket_timeout=10)
        return self._client

    def ping(self) -> bool:
        try:
            return bool((self.data / "redis" / "port").exists() and self.client().ping())
        except (redis.ConnectionError, redis.TimeoutError, redis.AuthenticationError):
            return False

    def children(self) -> dict[str, int]:
        """The pids of `rasad run`'s direct children by role: redis, worker (the nlp
        worker), poll (the poll and alerts worker), webhooks, beat."""
        table, roles = process_table(), {}
        for pid in descendants(self.proc.pid, table):
            parent, argv = table[pid]
            if parent != self.proc.pid or not argv:
                continue
            line = " ".join(argv)
            role = ("redis" if "redis-server" in argv[0] else
                    "worker" if "-Q nlp " in line else
                    "poll" if "-Q poll,alerts " in line else
                    "webhooks" if "-Q webhooks" in line else
                    "beat" if " beat " in line else None)
            if role:
                roles[role] = pid
        return roles

    def pool_children(self) -> list[int]:
        worker = self.children()["worker"]
        table = process_table()
        return [pid for pid, (parent, _) in table.items() if parent == worker]

    def kill_tree(self) -> list[int]:
        """kill -9 `rasad run`, every process under it and its Redis, as a power cut would."""
        pids = [self.proc.pid] + descendants(self.proc.pid)
        for pid in pids:
            _kill(pid)
        self.proc.wait(30)
        wait_for(lambda: not any(_alive(p) for p in pids), 30, "the killed tree to go")
        self._reset_client()
        return pids

    def stop(self) -> int | None:
        """Ctrl-C, as an operator stops it; a tree that does not stop in 90 s is killed."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(90)
        except subprocess.TimeoutExpired:
            self.kill_tree()
            return None

    def _reset_client(self) -> None:
        if self._client is not None:
            self._client.close()
        self._client = None

    def tail(self, chars: int = 4000) -> str:
        return "".join(f"\n--- {p.name}\n" + p.read_text(errors="replace")[-chars:]
                       for p in sorted(self.tmp.glob("rasad-*.log")))


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _alive(pid: int) -> bool:
    try:
        state = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_for(predicate, timeout: float, what: str, rasad: Rasad | None = None,
             interval: float = 0.1) -> float:
    """Poll ``predicate`` until true; return the time it became true.  Redis errors count as
    false (the server may be restarting)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if predicate():
                return time.time()
        except (redis.ConnectionError, redis.TimeoutError):
            pass
        if rasad and rasad.proc and rasad.proc.poll() is not None and rasad.proc.returncode:
            break
        time.sleep(interval)
    pytest.fail(f"{what}: not within {timeout:.0f}s" + (f"\n{rasad.tail()}" if rasad else ""))


# --- what Redis holds ---------------------------------------------------------------------------


def _at(stream_id: str) -> float:
    """When Redis appended a stream entry (its id is milliseconds since the epoch)."""
    return int(stream_id.split("-", 1)[0]) / 1000


def articles(client: redis.Redis) -> list[dict]:
    out = []
    for sid, fields in client.xrange("rasad:articles"):
        record = json.loads(fields["article"])
        out.append({"id": fields["id"], "url": record["entry"]["url"], "at": _at(sid),
                    "story": record["story_id"], "feed": record["entry"]["feed_id"],
                    "notes": record["extraction"]["notes"]})
    return out


def alerts(client: redis.Redis) -> list[dict]:
    out = []
    for sid, fields in client.xrange("rasad:alerts"):
        alert = json.loads(fields["alert"])
        out.append({"id": alert["id"], "rule": alert["rule"], "story": alert["story_id"],
                    "url": alert["url"], "at": _at(sid)})
    return out


def published(client, urls) -> int:
    """How many of ``urls`` are in rasad:articles (a cheap count for wait loops)."""
    wanted = set(urls)
    return sum(1 for a in articles(client) if a["url"] in wanted)


def all_alerted(client, urls) -> bool:
    """Every article of ``urls`` is in rasad:articles and its story has an alert."""
    arts = {a["url"]: a["story"] for a in articles(client) if a["url"] in set(urls)}
    stories = {a["story"] for a in alerts(client)}
    return len(arts) == len(set(urls)) and all(s in stories for s in arts.values())


def assert_each_once(client, alerting: list[str], silent: list[str] = ()) -> tuple[list, list]:
    """Every article of ``alerting`` and ``silent`` once in rasad:articles, nothing else from
    their feeds; one ``watch`` alert per story of ``alerting``, none twice, none for
    ``silent``; returns (articles, alerts)."""
    arts, alrts = articles(client), alerts(client)
    ids = collections.Counter(a["id"] for a in arts)
    assert [i for i, n in ids.items() if n > 1] == [], "an article published twice"
    by_url = collections.Counter(a["url"] for a in arts)
    expected = list(alerting) + list(silent)
    missing = [u for u in expected if by_url[u] == 0]
    twice = [u for u in expected if by_url[u] > 1]
    assert not missing, f"{len(missing)} articles lost, e.g. {missing[:3]}"
    assert not twice, f"articles published twice: {twice[:3]}"
    feeds = {a["feed"] for a in arts if a["url"] in set(expected)}
    extra = [a["url"] for a in arts if a["feed"] in feeds and a["url"] not in set(expected)]
    assert not extra, f"articles nobody served: {extra[:3]}"
    alert_ids = collections.Counter(a["id"] for a in alrts)
    assert [i for i, n in alert_ids.items() if n > 1] == [], "an alert published twice"
    pairs = collections.Counter((a["rule"], a["story"]) for a in alrts)
    assert [p for p, n in pairs.items() if n > 1] == [], "a (rule, story) alerted twice"
    story = {a["url"]: a["story"] for a in arts}
    want = {story[u] for u in alerting}
    got = {a["story"] for a in alrts if a["story"] in want or a["url"] in set(expected)}
    assert got == want, f"stories without an alert: {len(want - got)}, alerts for " \
                        f"stories that should not alert: {len(got - want)}"
    return arts, alrts


def report(name: str, text: str) -> None:
    """A scenario's figures, shown by ``pytest -s`` (the table at the top has them)."""
    print(f"\n[{name}] {text}")


# --- fixtures ---------------------------------------------------------------------------


@pytest.fixture
def site(http_server):
    return Site(http_server)


@pytest.fixture
def cleanup():
    """Stops what a test started, whatever happened: canaries, services, subscribers."""
    stack: list = []
    yield stack
    for thing in reversed(stack):
        try:
            thing()
        except Exception:  # noqa: BLE001 - clean-up must go on
            pass


def raw_command(port: int, line: bytes) -> bytes:
    """One inline command on a bare socket: what any local process could send."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(line + b"\r\n")
        return sock.recv(4096)


def last_at(arts: list[dict], alrts: list[dict], urls) -> float:
    """When the last of ``urls``' articles or alerts was published."""
    wanted = set(urls)
    return max(x["at"] for x in arts + alrts if x["url"] in wanted)


def start_with_canary(rasad: Rasad, site: Site, cleanup) -> Canary:
    """Start the service and the canary; return once the canary's first alert is in."""
    cleanup.append(rasad.stop)
    rasad.start()
    canary = Canary(site).start()
    cleanup.append(canary.stop)
    client = rasad.client()
    canary.ready = wait_for(lambda: any(a["url"] in canary.appeared for a in alerts(client)),
                            120, "the canary's first alert", rasad)
    return canary


def finish(rasad: Rasad, canary: Canary, alerting: list[str], silent: list[str] = (), *,
           since: float | None = None, timeout: float = ALERT_BOUND_SECONDS + 10):
    """Wait for everything to be alerted, then stop the canary; check each article and alert
    once and the canary's latencies.  Returns (articles, alerts, canary figures)."""
    client = rasad.client()
    wait_for(lambda: all_alerted(client, alerting), timeout, "every alert", rasad)
    # The canary ran until the last of the work under test was alerted, and at least long
    # enough to serve 3 items.
    wait_for(lambda: sum(t >= canary.ready for t in canary.appeared.values()) >= 3,
             4 * CANARY_PERIOD_SECONDS, "3 canary items")
    canary.stop()
    everything = list(alerting) + list(canary.appeared)
    wait_for(lambda: all_alerted(client, everything), ALERT_BOUND_SECONDS + 10,
             "the canary's last alerts", rasad)
    time.sleep(2)  # a duplicate would be in by now
    arts, alrts = assert_each_once(client, everything, silent)
    return arts, alrts, canary.check(alrts, since=since)


def stop_cleanly(rasad: Rasad) -> None:
    assert rasad.stop() == 0, rasad.tail()


def in_flight_kill_point(rasad: Rasad, urls: list[str], kill) -> dict:
    """Wait until some, not all, of ``urls`` are published, then ``kill()``; return what was
    in flight at that moment (published articles, unacknowledged messages, queued)."""
    client = rasad.client()
    wait_for(lambda: published(client, urls) >= 1, 180, "the first article", rasad,
             interval=0.02)
    state = {"published": published(client, urls), "unacked": client.hlen("unacked"),
             "queued": sum(queue_depths(client).values())}
    state["roles"] = rasad.children()
    state["killed"] = kill()
    state["at"] = time.time()
    assert 0 < state["published"] < len(urls), f"no work in flight at the kill: {state}"
    assert state["unacked"] + state["queued"] > 0, f"no work in flight at the kill: {state}"
    return state


# --- 1. kill -9 of the worker pool's children mid-batch -----------------------------------


LONG_ARTICLES, LONG_CHARS = 30, 5000  # with the bundled NER model: seconds of work per batch


def long_feed() -> tuple[list[dict], list[str]]:
    items = [item("feed-a", i, t, b) for i, (t, b) in
             enumerate(long_articles(LONG_ARTICLES, LONG_CHARS))]
    return items, [x["link"] for x in items]


@pytest.mark.timeout(240)
def test_kill_9_of_the_pool_children_mid_batch_loses_and_repeats_nothing(tmp_path, site,
                                                                         cleanup):
    items, urls = long_feed()
    site.set("/a.xml", [])
    rasad = Rasad(tmp_path, {"feed-a": site.url("/a.xml"), "canary": site.url("/canary.xml")},
                  ner_model="bundled")
    canary = start_with_canary(rasad, site, cleanup)
    # Without the password the embedded Redis answers nothing but NOAUTH.
    assert raw_command(rasad.port, b"PING").startswith(b"-NOAUTH")
    assert raw_command(rasad.port, b"XADD rasad:alerts * forged 1").startswith(b"-NOAUTH")

    site.set("/a.xml", items)
    pool = rasad.pool_children()

    def kill_pool():
        for pid in pool:
            _kill(pid)
        return pool
    state = in_flight_kill_point(rasad, urls, kill_pool)
    assert len(pool) == 2
    arts, alrts, (checked, worst) = finish(rasad, canary, urls)
    stop_cleanly(rasad)
    recovered = last_at(arts, alrts, urls) - state["at"]
    report("1 kill -9 of the pool children",
           f"{state['published']}/{len(urls)} articles published and {state['unacked']} "
           f"messages unacknowledged at the kill; the rest, and every alert, "
           f"{recovered:.1f}s after it; {len(urls)} articles and {len(urls)} alerts, each "
           f"once; canary: {checked} alerts, slowest {worst:.1f}s after its item")
    assert recovered < ALERT_BOUND_SECONDS


# --- 2. kill -9 of the whole tree, then a restart ----------------------------------------


def running_with_a_long_feed(tmp_path, site, cleanup) -> tuple[Rasad, Canary, list[str]]:
    """`rasad run` with the bundled NER model and its canary up, then the long feed served:
    work starts to flow (the setup of the kill scenarios 2, 3 and 7)."""
    items, urls = long_feed()
    site.set("/a.xml", [])
    rasad = Rasad(tmp_path, {"feed-a": site.url("/a.xml"), "canary": site.url("/canary.xml")},
                  ner_model="bundled")
    canary = start_with_canary(rasad, site, cleanup)
    site.set("/a.xml", items)
    return rasad, canary, urls


def restored_messages(rasad: Rasad) -> int:
    """What the start-up restore reported in the current run's log."""
    pattern = re.compile(r"unacknowledged messages put back on their queues.*?messages=(\d+)")
    wait_for(lambda: pattern.search(rasad.log.read_text(errors="replace")), 30,
             "the start-up restore's log line", rasad)
    return int(pattern.search(rasad.log.read_text(errors="replace")).group(1))


def restart_and_finish(rasad: Rasad, canary: Canary, urls) -> tuple[int, float, int, float]:
    """Start `rasad run` again, wait until every article and alert is in, stop it; returns
    (messages restored at start-up, seconds from the restart to the last article or alert,
    canary alerts checked, the slowest canary alert)."""
    restarted = rasad.start()
    restored = restored_messages(rasad)
    arts, alrts, (checked, worst) = finish(rasad, canary, urls, since=restarted,
                                           timeout=RECOVERY_BOUND_SECONDS)
    stop_cleanly(rasad)
    return restored, last_at(arts, alrts, urls) - restarted, checked, worst


@pytest.mark.timeout(RECOVERY_BOUND_SECONDS + 120)
def test_kill_9_of_the_whole_tree_then_a_restart_recovers_everything_once(tmp_path, site,
                                                                          cleanup):
    rasad, canary, urls = running_with_a_long_feed(tmp_path, site, cleanup)
    state = in_flight_kill_point(rasad, urls, rasad.kill_tree)
    assert {"redis", "worker", "poll", "webhooks", "beat"} <= set(state["roles"])

    restored, recovered, checked, worst = restart_and_finish(rasad, canary, urls)
    report("2 kill -9 of the whole tree",
           f"{state['published']}/{len(urls)} articles published and {state['unacked']} "
           f"messages unacknowledged at the kill of {len(state['killed'])} processes; "
           f"restart: {restored} messages restored at start-up, the last article or alert "
           f"{recovered:.1f}s after the restart; each once; canary: {checked} alerts, "
           f"slowest {worst:.1f}s (items served while down counted from the restart)")
    assert restored >= 1
    assert recovered < RECOVERY_BOUND_SECONDS


# --- 7. kill -9 of `rasad run` alone (its children left to themselves) ----------------------


@pytest.mark.timeout(RECOVERY_BOUND_SECONDS + 120)
def test_kill_9_of_rasad_run_alone_takes_its_children_and_a_restart_recovers_everything(
        tmp_path, site, cleanup):
    # A supervisor that kills only the main process (systemd KillMode=process, a `kill -9`
    # by hand) used to leave Redis, the workers and beat running: the restart found the
    # embedded port taken and a second set of workers (issue 11 leftover).  The children now
    # die with their parent (prctl PR_SET_PDEATHSIG, worker/service.py).
    rasad, canary, urls = running_with_a_long_feed(tmp_path, site, cleanup)
    tree = [rasad.proc.pid] + descendants(rasad.proc.pid)

    def kill_parent():
        _kill(rasad.proc.pid)
        rasad.proc.wait(30)
        return [rasad.proc.pid]
    state = in_flight_kill_point(rasad, urls, kill_parent)
    assert {"redis", "worker", "poll", "webhooks", "beat"} <= set(state["roles"])
    gone = wait_for(lambda: not [p for p in tree if _alive(p)], 60,
                    "every process of the old tree to exit after its parent")
    rasad._reset_client()

    restored, recovered, checked, worst = restart_and_finish(rasad, canary, urls)
    report("7 kill -9 of rasad run alone",
           f"{state['published']}/{len(urls)} articles published and {state['unacked']} "
           f"messages unacknowledged at the kill of the parent; its {len(tree) - 1} "
           f"descendants gone {gone - state['at']:.1f}s later; restart: {restored} messages "
           f"restored, the last article or alert {recovered:.1f}s after the restart; each "
           f"once; canary: {checked} alerts, slowest {worst:.1f}s")
    assert restored >= 1
    assert recovered < RECOVERY_BOUND_SECONDS


# --- 3. kill -9 of the embedded Redis with work in flight ----------------------------------


@pytest.mark.timeout(RECOVERY_BOUND_SECONDS + 120)
def test_kill_9_of_the_embedded_redis_stops_the_service_and_a_restart_recovers_everything(
        tmp_path, site, cleanup):
    rasad, canary, urls = running_with_a_long_feed(tmp_path, site, cleanup)
    tree = [rasad.proc.pid] + descendants(rasad.proc.pid)

    def kill_redis():
        pid = rasad.children()["redis"]
        _kill(pid)
        return [pid]
    state = in_flight_kill_point(rasad, urls, kill_redis)
    # `rasad run` sees its Redis gone and exits non-zero, taking every child with it, so that
    # its supervisor (here the test) restarts it.
    code = rasad.proc.wait(120)
    exited = time.time()
    assert code != 0
    assert not [p for p in tree if _alive(p)], "processes of the old tree left running"
    log = rasad.log.read_text(errors="replace")
    assert "child exited; stopping" in log and "child=redis" in log, rasad.tail()

    restart_at = time.time()
    restored, recovered, checked, worst = restart_and_finish(rasad, canary, urls)
    report("3 kill -9 of the embedded Redis",
           f"{state['published']}/{len(urls)} articles published and {state['unacked']} "
           f"messages unacknowledged at the kill; `rasad run` exited "
           f"{exited - state['at']:.1f}s later (code {code}); restart: {restored} messages "
           f"restored, the last article or alert {recovered:.1f}s after the restart "
           f"({restart_at + recovered - state['at']:.1f}s after the kill); each once; "
           f"canary: {checked} alerts, slowest {worst:.1f}s")
    assert restored >= 1
    assert recovered < RECOVERY_BOUND_SECONDS


# --- 4. a webhook receiver that accepts and never answers ------------------------------------


@pytest.mark.timeout(180)
def test_a_webhook_receiver_that_never_answers_delays_no_alert(tmp_path, site, http_server,
                                                                cleanup):
    from tests.test_webhooks import SECRET

    release, hung = threading.Event(), []

    def never_answers(h):
        h.rfile.read(int(h.headers["Content-Length"]))
        hung.append((h.headers["webhook-id"], time.time()))
        release.wait(300)  # holds the connection open, reads nothing more, never answers
    http_server.route("/hook", never_answers)
    cleanup.append(release.set)
    hooks = (f"webhooks:\n  - {{id: hangs, url: '{http_server.url('/hook')}', "
             f"secret: '{SECRET}', allow_private: true}}\n")
    items = [item("feed-a", i, t, b[:800] + "\n" + WATCH_SENTENCE)
             for i, (t, b) in enumerate(corpus("middleEast")[:12])]
    urls = [x["link"] for x in items]
    site.set("/a.xml", [])
    rasad = Rasad(tmp_path, {"feed-a": site.url("/a.xml"), "canary": site.url("/canary.xml")},
                  webhooks_yaml=hooks)
    canary = start_with_canary(rasad, site, cleanup)
    site.set("/a.xml", items)
    served = time.time()
    # Every thread of the webhooks pool (RASAD_WEBHOOK_CONCURRENCY, 8) held by the receiver
    # for its whole timeout (RASAD_WEBHOOK_TIMEOUT_SECONDS, 15 s), then a second round of
    # hanging attempts: the canary goes on being alerted all that time.
    wait_for(lambda: len(hung) >= 8, 60, "8 hanging deliveries", rasad)
    wait_for(lambda: len(hung) >= 16, 60, "the next 8 hanging deliveries", rasad)
    held = hung[15][1] - hung[7][1]  # the first 8 threads' wait, then the next round began
    arts, alrts, (checked, worst) = finish(rasad, canary, urls)
    release.set()
    stop_cleanly(rasad)
    alert_ids = {a["id"] for a in alrts}
    assert {hook_id for hook_id, _ in hung} <= alert_ids  # nothing but real alerts was sent
    last_alert = max(a["at"] for a in alrts if a["url"] in set(urls))
    report("4 hanging webhook receiver",
           f"{len(hung)} deliveries hung, 8 at once (every webhook thread) for {held:.0f}s "
           f"before the next 8; feed-a's {len(urls)} articles and alerts each once, the last "
           f"alert {last_alert - served:.1f}s after its feed was served; canary: {checked} "
           f"alerts, slowest {worst:.1f}s after its item (bound {ALERT_BOUND_SECONDS}s)")


# --- 5. a 2.5-million-character item -------------------------------------------------------


GIANT_CHARS = 2_500_000


def giant_text(chars: int) -> str:
    """Real Arabic paragraphs repeated to ``chars`` characters; the watch sentence near the
    start, inside the part that NLP reads (RASAD_NLP_MAX_CHARS)."""
    paragraphs = "\n".join(text for _, text in corpus("middleEast")[100:160])
    text = paragraphs[:2000] + "\n" + WATCH_SENTENCE + "\n"
    while len(text) < chars:
        text += paragraphs
    return text[:chars]


@pytest.mark.timeout(180)
def test_a_2_5_million_character_item_is_processed_once_and_stalls_no_other_feed(
        tmp_path, site, cleanup):
    title, body = "تقرير مطول: " + corpus("middleEast")[99][0], giant_text(GIANT_CHARS)
    giant = item("feed-a", 0, title, body)
    others = [item("feed-a", i + 1, t, b[:800] + "\n" + WATCH_SENTENCE)
              for i, (t, b) in enumerate(corpus("middleEast")[:5])]
    feed = rss([giant] + others)
    assert len(feed) < Settings().http_max_body_bytes  # under the 5 MB body cap, as in issue 11
    urls = [x["link"] for x in [giant] + others]
    site.set("/a.xml", [])
    rasad = Rasad(tmp_path, {"feed-a": site.url("/a.xml"), "canary": site.url("/canary.xml")})
    canary = start_with_canary(rasad, site, cleanup)
    site.set("/a.xml", body=feed)
    served = time.time()
    arts, alrts, (checked, worst) = finish(rasad, canary, urls)
    stop_cleanly(rasad)
    record = next(a for a in arts if a["url"] == giant["link"])
    assert any(n.startswith("nlp: text truncated at ") and f"of {len(title) + 1 + GIANT_CHARS} "
               "characters" in n for n in record["notes"]), record["notes"]
    giant_alert = next(a for a in alrts if a["story"] == record["story"])
    report("5 2.5-million-character item",
           f"a {len(feed) / 1e6:.1f} MB feed with one {GIANT_CHARS:,}-character item and 5 "
           f"others: the long one published once, truncated with its note, "
           f"{record['at'] - served:.1f}s after the feed was served, alerted once "
           f"{giant_alert['at'] - served:.1f}s after; canary: {checked} alerts, slowest "
           f"{worst:.1f}s after its item (bound {ALERT_BOUND_SECONDS}s)")


# --- 6. a 10,000-item feed of similar items -------------------------------------------------


SIMILAR_ITEMS = 10_000


def similar_items(n: int) -> list[dict]:
    """bench/bench_dedup.py's feed: real titles each varied a little, one shared summary."""
    spec = importlib.util.spec_from_file_location("bench_dedup",
                                                  ROOT / "bench" / "bench_dedup.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    titles = [t for t, _ in corpus("middleEast")[:2000]]
    return [item("similar", i, e.title, e.summary)
            for i, e in enumerate(bench.similar_feed(titles, n))]


def count_keys(client, pattern: str) -> int:
    return sum(1 for _ in client.scan_iter(match=pattern, count=5000))


@pytest.mark.timeout(300)
def test_a_10000_item_similar_feed_is_claimed_once_and_stalls_no_other_feed(
        tmp_path, site, cleanup):
    items = similar_items(SIMILAR_ITEMS)
    feed = rss(items)
    assert len(feed) < Settings().http_max_body_bytes
    urls = [x["link"] for x in items]
    site.set("/similar.xml", [])
    rasad = Rasad(tmp_path, {"similar": site.url("/similar.xml"),
                             "canary": site.url("/canary.xml")},
                  articles_stream_maxlen=50_000)
    canary = start_with_canary(rasad, site, cleanup)
    stderr = (tmp_path / "subscribe.stderr").open("w+")
    subscriber = subprocess.Popen(RASAD + ["subscribe", "--json", "--from-start"],
                                  env=rasad.env, cwd=ROOT, stdout=subprocess.PIPE,
                                  stderr=stderr, text=True)
    cleanup.append(lambda: (subscriber.terminate(), subscriber.wait(10)))
    received: list[dict] = []
    threading.Thread(target=lambda: [received.append(json.loads(line))
                                     for line in subscriber.stdout], daemon=True).start()
    client = rasad.client()
    site.set("/similar.xml", body=feed)
    served = time.time()
    # Cheap reads while the service works: the feed's state hash (written once the poll has
    # claimed and dispatched its entries), the stream's length; the full checks come after.
    claimed_at = wait_for(
        lambda: int(client.hget("rasad:feed:similar", "new_entries_total") or 0) >= SIMILAR_ITEMS,
        120, "the 10,000 entries claimed", rasad, interval=0.5)
    done_at = wait_for(lambda: client.xlen("rasad:articles") >= SIMILAR_ITEMS
                       and published(client, urls) >= SIMILAR_ITEMS, 180,
                       "10,000 articles", rasad, interval=0.5)
    polls = sum(path == "/similar.xml" for path, _ in site.server.requests)
    arts, alrts, (checked, worst) = finish(rasad, canary, [], silent=urls)
    assert count_keys(client, "rasad:claim:entry:similar:*") == SIMILAR_ITEMS
    # ... and the hostile feed itself is still polled (not parked, nothing new in it).
    wait_for(lambda: sum(path == "/similar.xml" for path, _ in site.server.requests) > polls,
             10, "another poll of the 10,000-item feed", rasad)
    # The subscriber followed every alert once and said nothing on stderr after its
    # start-up line, busy or idle.
    wait_for(lambda: len(received) >= len(alrts), 10, "the subscriber's alerts")
    assert sorted(a["id"] for a in received) == sorted(a["id"] for a in alrts)
    stderr.seek(0)
    lines = stderr.read().splitlines()
    assert len(lines) == 1 and lines[0].startswith("following rasad:alerts"), lines
    stop_cleanly(rasad)
    stories = len({a["story"] for a in arts if a["url"] in set(urls)})
    report("6 10,000-item similar feed",
           f"a {len(feed) / 1e6:.1f} MB feed: its poll claimed and dispatched the 10,000 "
           f"entries {claimed_at - served:.0f}s after it was served, all published once after "
           f"{done_at - served:.0f}s ({SIMILAR_ITEMS / (done_at - served):.0f} articles/s, "
           f"{stories} stories, no alert); canary: {checked} alerts, slowest {worst:.1f}s "
           f"after its item (bound {ALERT_BOUND_SECONDS}s); subscriber: {len(received)} "
           f"alerts, each once, one line on stderr")


# --- 8. a work message lost in kombu's pop-then-record gap, on an external Redis -------------


class ExternalRasad(Rasad):
    """`rasad run` on a Redis of its own (RASAD_REDIS_URL, as deploy/ runs it): a Redis
    restart does not restart the tree, so only beat's sweep brings back what Redis lost."""

    def __init__(self, tmp_path, feeds, redis_url: str, **env):
        super().__init__(tmp_path, feeds, **env)
        self.env["RASAD_REDIS_URL"] = self.redis_url = redis_url

    def client(self) -> redis.Redis:
        if self._client is None:
            self._client = redis.Redis.from_url(self.redis_url, decode_responses=True,
                                                socket_timeout=10)
        return self._client

    def ping(self) -> bool:
        return bool(self.client().ping())


def _carries(raw: str, feed: str) -> bool:
    import base64

    message = json.loads(raw)
    if message["headers"]["task"] != "rasad.process_articles":
        return False
    items = json.loads(base64.b64decode(message["body"]))[0][0]
    return any(i["entry"]["feed_id"] == feed for i in items)


def _reissued(rasad: Rasad) -> int:
    """Entries the sweep re-issued, from the current run's log."""
    pattern = re.compile(r"claimed entries without a work message re-issued.*?entries=(\d+)"
                         r".*?during=sweep")
    return sum(int(n) for n in pattern.findall(rasad.log.read_text(errors="replace")))


@pytest.mark.timeout(240)
def test_a_batch_lost_between_pop_and_unacked_on_an_external_redis_comes_back_by_the_sweep(
        tmp_path, site, cleanup, redis_url, redis_client):
    """The nlp worker is stopped (SIGSTOP, after its 1 s BRPOP ran out) so that the lost
    feed's batch waits in ``nlp``; the test takes that message out, as a BRPOP whose Redis
    died before kombu's unacked record would, and lets the worker go on.  Nothing is
    restarted: beat's sweep (every 1 s here, grace 2 s) finds the 3 claimed entries without a
    message on two sweeps, re-issues them, and each article and alert comes once, while the
    canary's items, in flight all along, are never re-issued."""
    lost = [item("lost", i, t, b[:600] + "\n" + WATCH_SENTENCE)
            for i, (t, b) in enumerate(corpus("middleEast")[:3])]
    urls = [x["link"] for x in lost]
    site.set("/lost.xml", [])
    rasad = ExternalRasad(tmp_path, {"lost": site.url("/lost.xml"),
                                     "canary": site.url("/canary.xml")}, redis_url,
                          stranded_sweep_seconds=1, stranded_grace_seconds=2)
    canary = start_with_canary(rasad, site, cleanup)
    client, tree = rasad.client(), rasad.proc.pid
    nlp = rasad.children()["worker"]
    os.kill(nlp, signal.SIGSTOP)
    cleanup.append(lambda: os.kill(nlp, signal.SIGCONT))
    time.sleep(2)  # its pending BRPOP (1 s) has timed out: nothing takes from nlp now
    site.set("/lost.xml", lost)
    wait_for(lambda: any(_carries(m, "lost") for m in client.lrange("nlp", 0, -1)), 30,
             "the lost feed's batch on the nlp queue", rasad)
    [message] = [m for m in client.lrange("nlp", 0, -1) if _carries(m, "lost")]
    assert client.lrem("nlp", 1, message) == 1  # popped, and Redis died before unacked
    claimed = [k for k in client.hkeys("rasad:entries:inflight") if ":lost:" in k]
    assert len(claimed) == 3
    lost_at = time.time()
    os.kill(nlp, signal.SIGCONT)

    arts, alrts, (checked, worst) = finish(rasad, canary, urls)
    recovered = last_at(arts, alrts, urls) - lost_at
    assert rasad.proc.pid == tree and rasad.proc.poll() is None and rasad.runs == 1
    assert _reissued(rasad) == 3, rasad.tail()  # the lost ones, and nothing in flight
    stop_cleanly(rasad)
    report("8 a batch lost in the pop-then-record gap, external Redis",
           f"3 claimed entries without a message; re-issued by the sweep (1 s, grace 2 s), "
           f"last article and alert {recovered:.1f}s after the loss; each once; canary: "
           f"{checked} alerts, slowest {worst:.1f}s after its item")
    assert recovered < ALERT_BOUND_SECONDS


# --- the start-up restore on its own -----------------------------------------------------------


_CONSUMER = """
import sys, time
from kombu import Connection
from worker.celery_app import transport_options
from worker.settings import Settings
with Connection(sys.argv[1], transport_options=transport_options(Settings())) as conn:
    queue = conn.SimpleQueue("nlp")
    for _ in range(2):
        queue.get(timeout=10)  # taken, never acknowledged
    print("taken", flush=True)
    time.sleep(60)
"""


@pytest.mark.timeout(60)
def test_restore_unacked_puts_what_a_killed_consumer_held_back_on_its_queue(redis_url):
    """kombu's own bookkeeping, made by a real consumer killed with SIGKILL (a clean close
    would restore its messages itself): both taken messages go back, the untaken one stays,
    and nothing is left unacknowledged."""
    from kombu import Connection

    from worker.celery_app import transport_options
    from worker.service import restore_unacked

    client = redis.Redis.from_url(redis_url, decode_responses=True)
    client.flushdb()
    settings = Settings(redis_url=redis_url)
    with Connection(redis_url, transport_options=transport_options(settings)) as conn:
        queue = conn.SimpleQueue("nlp")
        for n in range(3):
            queue.put({"n": n})
    consumer = subprocess.Popen([RASAD[0], "-c", _CONSUMER, redis_url], cwd=ROOT,
                                stdout=subprocess.PIPE, text=True,
                                env=dict(os.environ, PYTHONPATH=str(ROOT)))
    try:
        assert consumer.stdout.readline().strip() == "taken"
    finally:
        consumer.kill()
        consumer.wait(10)
    assert client.zcard("unacked_index") == 2 and client.llen("nlp") == 1

    assert restore_unacked(redis_url, settings) == 2
    assert client.zcard("unacked_index") == 0 and client.hlen("unacked") == 0
    with Connection(redis_url, transport_options=transport_options(settings)) as conn:
        queue = conn.SimpleQueue("nlp")
        got = []
        for _ in range(3):
            message = queue.get(timeout=5)
            got.append(message.payload["n"])
            message.ack()
    assert sorted(got) == [0, 1, 2]
    assert restore_unacked(redis_url, settings) == 0
