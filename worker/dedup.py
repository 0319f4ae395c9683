"""Claim new entries and group the same story from several feeds, atomically in Redis.

Two questions, both answered in Redis so that every worker process and host agrees:

* **Is this entry new?**  :func:`claim_entries` does one ``SET NX EX`` per entry id and
  returns only the entries this caller won (STYLE.md §4, "claim before expensive work";
  after miniflux ``storage/entry.go`` returning ``newEntries``).
* **Is this story already known?**  :func:`assign_story` finds near-duplicates across feeds
  with MinHash over word shingles (Broder 1997, "On the resemblance and containment of
  documents") and locality-sensitive hashing in bands (Leskovec, Rajaraman & Ullman,
  *Mining of Massive Datasets*, ch. 3.4).  The lookup, the similarity check and the
  insert run in one Lua script, so two workers that see the same story at the same moment
  get the same ``story_id``; band buckets and the candidates compared are capped, so the
  script's work per entry is bounded whatever the feed (issue 11).
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from worker.errors import RecordError
from worker.records import Entry
from worker.text.normalize import normalize_text

CLAIM_PREFIX = "rasad:claim:entry:"
STORY_PREFIX = "rasad:story:"

# 128 permutations in 32 bands of 4 rows: a pair at Jaccard 0.6 becomes a candidate with
# probability 1 - (1 - 0.6**4)**32 = 0.988, a pair at 0.3 with 0.23 (MMDS §3.4.3).  A
# candidate is then checked on the full signature, so extra candidates cost time, not
# precision.  The estimate's standard error at J = 0.6 is sqrt(.24 / 128) = 0.043.
NUM_PERM = 128
BANDS = 32
ROWS = NUM_PERM // BANDS
# Story ids kept per band bucket, most recently used first.  Unbounded buckets made
# assignment quadratic on a feed of similar items (issue 11: 135 ms Lua calls); a near-
# duplicate shares about 32 * 0.6**4 = 4 buckets with its story, and a story that keeps
# getting entries stays at the front of them, so a few slots per bucket keep the recall.
BUCKET_CAP = 4
# Candidates compared on the full signature per call, those sharing the most buckets first
# (expected shared bands: 32 * J**4, so 4.1 at J = 0.6 and 0.8 at J = 0.4).  On 5,000 items
# of bench/bench_dedup.py's similar feed, 32 gave the same stories as comparing all 128
# possible candidates (16 changed 10 assignments); it bounds a call at about 32 * 128
# value comparisons.
MAX_VERIFY = 32
# Word bigrams over the title and the lead (first LEAD_WORDS body tokens) identify a story.
# News is written as an inverted pyramid and outlets append background paragraphs shared by
# many different stories.  Measured on 1,500 random antcorpus middleEast articles (1.1 M
# pairs): over whole texts (trigrams), three pairs of distinct Sky News stories scored >= 0.6 on a
# shared background section (up to 0.77).  Over title + 100-word lead with bigrams, the
# only pairs >= 0.45 were two re-publications (1.0, 0.98) and two reports of the same
# Knesset vote (0.62); the test's edited copy of the seed article scores 0.74.  Trigrams
# scored that edit 0.66, too close to the threshold.  Assigning 3,000 random antcorpus
# articles (all sections) grouped 19, every one a real re-publication or paraphrase
# (17 at 1.0, two at 0.7), at 1.7 ms per entry including the Redis round trip.
SHINGLE_WORDS = 2
LEAD_WORDS = 100
# Titles are short (ANT corpus, 31,525 titles: at most 21 words); the cap only stops a
# hostile multi-megabyte title from costing NUM_PERM hashes per word.
TITLE_WORDS = 50
# leading_tokens first reads this many characters per token wanted (100 Arabic words take
# about 600; a first read of 2,048 for every title and lead tokenised 3 times what it kept).
_PREFIX_CHARS_PER_TOKEN = 8
_MAX_TOKEN_CHARS = 64  # ... and at most this many characters per token kept
_PRIME = (1 << 61) - 1  # Mersenne prime: universal hashing a*x + b mod p (Carter & Wegman)
_HEX = 16  # hex digits per signature value (values < 2**61)
_rng = random.Random(0x5241534144)  # fixed seed: signatures must agree across processes
_PERMS = tuple((_rng.randrange(1, _PRIME), _rng.randrange(0, _PRIME)) for _ in range(NUM_PERM))
_LOW32 = (1 << 32) - 1
# The permutations as numpy columns, a split in 32-bit halves for the exact product below.
_A = np.array([a for a, _ in _PERMS], dtype=np.uint64)[:, None]
_A_HI, _A_LO = _A >> np.uint64(32), _A & np.uint64(_LOW32)
_B = np.array([b for _, b in _PERMS], dtype=np.uint64)[:, None]

# Proclitic chains stripped from the front of a token so that وقال / قال and بالباغوز /
# الباغوز shingle alike.  Stripping is only a hashing feature here: it may over-strip a
# word that merely starts with و, but it does so identically in both texts.
_PREFIXES = ("وبال", "وال", "بال", "كال", "فال", "ولل", "لل", "ال", "و", "ف")
# Tokens are runs of letters and digits ([^\W_]+), each less its first proclitic chain;
# in one regular expression (issue 12: a startswith per prefix and token was most of
# a new entry's fingerprint): alternatives are tried in _PREFIXES' order, each only when 3
# token characters follow it, and the token's rest is captured.
_TOKEN_LESS_PREFIX = re.compile(
    "(?:" + "|".join(f"{p}(?=[^\\W_]{{3}})" for p in _PREFIXES) + ")?([^\\W_]+)")


# --- claims -----------------------------------------------------------------------------


def _claim_key(entry_id: str, feed_id: str | None = None) -> str:
    # A guid is only unique within its feed ("12345" may appear in two outlets), so guid
    # identities are claimed per feed; link and content-hash identities are global (the
    # same URL or text from two feeds is the same article; stories catch the rest).
    if feed_id and entry_id.startswith("g:"):
        return f"{CLAIM_PREFIX}{feed_id}:{entry_id}"
    return CLAIM_PREFIX + entry_id


# KEYS: claim keys.  ARGV: owner ('' = none), ttl.  Returns 1 per key won (new, or already
# held by this owner), else 0.  A script, not a pipeline of SET NX, so that "claimed by me"
# is decided atomically with the claim.
_CLAIM_LUA = """
local owner, ttl, won = ARGV[1], tonumber(ARGV[2]), {}
for i, key in ipairs(KEYS) do
  if redis.call('SET', key, owner ~= '' and owner or '1', 'NX', 'EX', ttl) then
    won[i] = 1
  elseif owner ~= '' and redis.call('GET', key) == owner then
    won[i] = 1
  else
    won[i] = 0
  end
end
return won
"""


def claim_entries(redis, entries: Sequence[Entry], *, ttl_seconds: int = 30 * 86400,
                  owner: str | None = None) -> list[Entry]:
    """Claim each entry id with ``SET NX EX``; return, in order, only the entries won here.

    A second worker, or a later poll, gets nothing for ids already claimed.  ``owner``
    (the Celery task id) makes the claim re-entrant for that owner: a task redelivered
    after dying between claim and dispatch (late ack) wins its own entries again, where
    a plain SET NX would lose them.  The TTL must outlive the longest time an entry stays
    in a feed, or it would come back as new.
    """
    unique = _first_of_each_id(entries)
    if not unique:
        return []
    script = redis.register_script(_CLAIM_LUA)
    won = script(keys=[_claim_key(e.id, e.feed_id) for e in unique], args=[owner or "", ttl_seconds])
    return [entry for entry, ok in zip(unique, won) if int(ok)]


def _first_of_each_id(entries: Sequence[Entry]) -> list[Entry]:
    # A feed that repeats a guid in one document must not make us claim it twice.
    firsts: dict[str, Entry] = {}
    for entry in entries:
        firsts.setdefault(entry.id, entry)
    return list(firsts.values())


def release_claim(redis, entry_id: str, feed_id: str | None = None) -> None:
    """Drop a claim, for a task that failed before its work was durable, so a retry wins it."""
    redis.delete(_claim_key(entry_id, feed_id))


# --- claimed entries not yet finished ---------------------------------------------------
# A claim is written for 30 days, and only the claiming poll hands the entry on: the work
# message is the only other place the entry lives.  kombu's Redis transport takes a message
# with BRPOP and only then records it in its ``unacked`` hash (QoS.append, a separate round
# trip), so a Redis that dies between the two keeps the pop and loses the message: measured
# in fault scenario 3 (tests/test_faults.py), a process_articles batch of 8 entries popped
# from ``nlp`` right before the kill, never in ``unacked``, never run, its entries claimed
# and every later poll finding them old (entries_new=0).  Each claimed entry is therefore
# also kept in this hash (field: its claim key) until raise_alerts has handled it, and
# `rasad run` re-issues, at start-up, every entry kept here that no queued message carries
# (worker/service.py, requeue_stranded); on a live service beat's sweep does, once two
# sweeps a grace apart found none carrying it (service.sweep_stranded).
IN_FLIGHT_KEY = "rasad:entries:inflight"


def claim_key(entry: Entry) -> str:
    """The claim key of ``entry``, also its field in IN_FLIGHT_KEY."""
    return _claim_key(entry.id, entry.feed_id)


def track_in_flight(redis, entries: Sequence[Entry], *, fetched_at: float,
                    owner: str | None = None) -> None:
    """Record claimed ``entries`` as in flight until :func:`finish_in_flight`: the entry,
    when it was fetched and the claiming task's id (``owner``)."""
    if not entries:
        return
    redis.hset(IN_FLIGHT_KEY, mapping={
        claim_key(e): json.dumps({"entry": e.to_dict(), "fetched_at": fetched_at,
                                  "owner": owner or ""}, ensure_ascii=False,
                                 separators=(",", ":"))
        for e in entries})


def finish_in_flight(redis, entries: Sequence[Entry]) -> None:
    """The entries are handled (alerts raised, or dead-lettered): no longer in flight."""
    if entries:
        redis.hdel(IN_FLIGHT_KEY, *{claim_key(e) for e in entries})


def in_flight(redis) -> dict[str, dict]:
    """Every entry in flight, by claim key: ``{"entry": Entry, "fetched_at", "owner"}``.
    A field that does not decode is dropped (and reported as ``None``)."""
    out: dict[str, dict] = {}
    for key, value in redis.hscan_iter(IN_FLIGHT_KEY, count=1000):
        key = _text(key)
        try:
            data = json.loads(value)
            out[key] = {"entry": Entry.from_dict(data["entry"]),
                        "fetched_at": float(data.get("fetched_at") or 0.0),
                        "owner": data.get("owner") or ""}
        except (ValueError, KeyError, TypeError, RecordError):
            out[key] = None
    return out


# --- near-duplicate stories -------------------------------------------------------------


@dataclass(frozen=True)
class StoryMatch:
    """The story an entry belongs to; ``similarity`` is the estimated Jaccard (1.0 if new)."""

    story_id: str
    is_new: bool
    similarity: float


def tokens(text: str) -> list[str]:
    """Normalised, punctuation-free, proclitic-light tokens of ``text``: each token less the
    first of _PREFIXES it starts with that leaves at least 3 characters."""
    return _TOKEN_LESS_PREFIX.findall(normalize_text(text))


def shingles(words: Sequence[str], size: int = SHINGLE_WORDS) -> set[str]:
    """Word ``size``-grams of ``words`` (fewer words than ``size``: one shingle)."""
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + size]) for i in range(len(words) - size + 1)}


def _hash64(shingle: str) -> int:
    return int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "big")


def minhash(shingle_set: set[str]) -> tuple[int, ...]:
    """MinHash signature: for each of NUM_PERM hash functions, the minimum over the shingles.

    Position i is ``min((a_i * x + b_i) mod (2**61 - 1))`` over the shingles' 64-bit hashes
    x, computed exactly in numpy's 64-bit integers (:func:`_universal_hash`), all
    permutations and shingles at once: the same values as Python's big integers
    (tests/test_dedup.py), 0.35 ms instead of 2.0 ms for the seed article's 88 shingles
    (issue 12: the pure Python loop was most of a new entry's fingerprint)."""
    hashes = np.fromiter((_hash64(s) for s in shingle_set), dtype=np.uint64,
                         count=len(shingle_set))
    if not len(hashes):  # as min() of nothing: a signature needs at least one shingle
        raise ValueError("minhash of an empty shingle set")
    return tuple(int(v) for v in _universal_hash(hashes[None, :]).min(axis=1))


def _mod_prime(v: np.ndarray) -> np.ndarray:
    """``v mod (2**61 - 1)`` for uint64 ``v``: 2**61 = 1 (mod p), so fold the high bits
    onto the low ones (twice reaches below 2**61 + 8), then one conditional subtraction."""
    p = np.uint64(_PRIME)
    v = (v & p) + (v >> np.uint64(61))
    v = (v & p) + (v >> np.uint64(61))
    return np.where(v >= p, v - p, v)


def _universal_hash(x: np.ndarray) -> np.ndarray:
    """``(a * x + b) mod p`` for every permutation (rows) and hash (columns), exact.

    a and x are below 2**64 (a < p) and split in 32-bit halves:
    a*x = ah*xh*2**64 + (ah*xl + al*xh)*2**32 + al*xl, no partial product overflows 64
    bits (ah < 2**29), and 2**64 = 8, 2**61 = 1 (mod p) reduce the shifts."""
    x = x.astype(np.uint64)
    shift32, low32 = np.uint64(32), np.uint64(_LOW32)
    x_hi, x_lo = x >> shift32, x & low32
    high = _mod_prime(_A_HI * x_hi) * np.uint64(8)  # ah*xh < 2**61: * 8 still fits
    middle = _mod_prime(_A_HI * x_lo) + _mod_prime(_A_LO * x_hi)  # each < 2**61 + 8
    # middle * 2**32 mod p: with middle = m_hi * 2**29 + m_lo, it is m_hi + m_lo * 2**32.
    middle = (middle >> np.uint64(29)) + ((middle & np.uint64((1 << 29) - 1)) << shift32)
    low = _mod_prime(_A_LO * x_lo)
    return _mod_prime(_mod_prime(high) + _mod_prime(middle) + low + _B)


def similarity(sig_a: Sequence[int], sig_b: Sequence[int]) -> float:
    """Estimated Jaccard similarity: the share of equal signature positions."""
    return sum(1 for x, y in zip(sig_a, sig_b) if x == y) / len(sig_a)


def story_tokens(entry: Entry) -> list[str]:
    """What identifies a story: title tokens plus the lead of the body (summary, else text)."""
    return (leading_tokens(entry.title, TITLE_WORDS)
            + leading_tokens(entry.summary or entry.content, LEAD_WORDS))


def leading_tokens(text: str, limit: int) -> list[str]:
    """The first ``limit`` tokens of ``text``, reading at most ``limit * 64`` characters.

    A feed item may carry megabytes of text, and normalising all of it to keep 100 words
    cost seconds per entry (issue 11).  The prefix read doubles from ``limit * 8`` characters
    until it holds ``limit`` whole tokens; the normaliser maps each character on its own, so every
    token of a prefix but its last (which may be cut, and is never kept) is a token of the
    whole text, and the result is exactly ``tokens(text)[:limit]`` for any text whose
    tokens average under 64 characters (Arabic news: about 6).
    """
    budget = min(len(text), limit * _MAX_TOKEN_CHARS)
    size = min(limit * _PREFIX_CHARS_PER_TOKEN, budget)
    while True:
        found = tokens(text[:size])
        if size >= len(text) or len(found) > limit:
            return found[:limit]
        if size >= budget:
            return found[:-1]
        size = min(size * 2, budget)


def _band_keys(sig: Sequence[int]) -> list[str]:
    keys = []
    for band in range(BANDS):
        rows = ",".join(str(v) for v in sig[band * ROWS:(band + 1) * ROWS])
        digest = hashlib.blake2b(rows.encode(), digest_size=10).hexdigest()
        keys.append(f"{STORY_PREFIX}bucket:{band}:{digest}")
    return keys


def _new_story_id(entry: Entry) -> str:
    # Stable: derived from the founding entry, so a retried assign names the story the same.
    return "s:" + hashlib.sha1(entry.id.encode()).hexdigest()[:16]


# KEYS: the entry's story key, then the BANDS bucket keys.
# ARGV: signature (hex), new story id, threshold, ttl, hex digits per value, bucket cap,
# candidates to verify.  Returns {story_id, is_new (0/1), equal positions (or -1 for a
# known entry)}.
# One script so lookup, verification and insert are a single atomic step.  Redis runs a
# script to completion before serving another client, so its run time is every client's
# wait: with unbounded bucket sets scanned and compared one by one, issue 11 measured calls
# of up to 135 ms and quadratic time on a feed of similar items.  Now each bucket is a list
# of at most ``cap`` story ids, most recently used first (LREM + LPUSH + LTRIM), and at most
# ``verify`` candidates, those in the most buckets first, are compared on the signature:
# at most BANDS * cap ids read and verify * NUM_PERM values compared, whatever the feed
# (bench/bench_dedup.py).  Buckets were sets under "rasad:story:band:"; the new prefix
# "bucket:" keeps a Redis of the old layout from a WRONGTYPE error (the sets expire).  The
# signature keys are derived in the script, which is fine on a single Redis, not on
# Redis Cluster.
_ASSIGN_LUA = """
local known = redis.call('GET', KEYS[1])
if known then return {known, 0, -1} end
local sig, new_id = ARGV[1], ARGV[2]
local threshold, ttl = tonumber(ARGV[3]), tonumber(ARGV[4])
local width, cap, verify = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local n = string.len(sig) / width
local prefix = 'rasad:story:sig:'
local mine = {}
for j = 1, n do mine[j] = string.sub(sig, (j - 1) * width + 1, j * width) end
local hits, order = {}, {}
for i = 2, #KEYS do
  for _, sid in ipairs(redis.call('LRANGE', KEYS[i], 0, cap - 1)) do
    if hits[sid] then
      hits[sid] = hits[sid] + 1
    else
      hits[sid] = 1
      order[#order + 1] = sid
    end
  end
end
local first = {}
for i, sid in ipairs(order) do first[sid] = i end
table.sort(order, function(a, b)
  if hits[a] ~= hits[b] then return hits[a] > hits[b] end
  return first[a] < first[b]
end)
local best, best_equal = nil, -1
for k = 1, math.min(#order, verify) do
  local sid = order[k]
  local other = redis.call('GET', prefix .. sid)
  if other and string.len(other) == string.len(sig) then
    local equal = 0
    for j = 1, n do
      if string.sub(other, (j - 1) * width + 1, j * width) == mine[j] then equal = equal + 1 end
    end
    if equal > best_equal then best, best_equal = sid, equal end
  end
end
local story, is_new = new_id, 1
if best and best_equal >= threshold * n then
  story, is_new = best, 0
else
  best_equal = n
  redis.call('SET', prefix .. story, sig, 'EX', ttl)
end
for i = 2, #KEYS do
  redis.call('LREM', KEYS[i], 0, story)
  redis.call('LPUSH', KEYS[i], story)
  redis.call('LTRIM', KEYS[i], 0, cap - 1)
  redis.call('EXPIRE', KEYS[i], ttl)
end
redis.call('SET', KEYS[1], story, 'EX', ttl)
return {story, is_new, best_equal}
"""


def assign_story(redis, entry: Entry, *, threshold: float = 0.6,
                 ttl_seconds: int = 7 * 86400) -> StoryMatch:
    """Return the story ``entry`` belongs to, creating one when no near-duplicate is known.

    The same story rewritten slightly by another feed (other punctuation, an added
    sentence, a different link or guid) maps to the same ``story_id``; a different story
    does not.  Assigning the same entry again returns its story (``is_new`` False).
    """
    new_id = _new_story_id(entry)
    entry_key = f"{STORY_PREFIX}entry:{entry.id}"
    shingle_set = shingles(story_tokens(entry))
    if not shingle_set:  # nothing to compare: the entry is its own story
        return _assign_alone(redis, entry_key, new_id, ttl_seconds)
    sig = minhash(shingle_set)
    packed = "".join(f"{v:0{_HEX}x}" for v in sig)
    script = redis.register_script(_ASSIGN_LUA)
    story, is_new, equal = script(
        keys=[entry_key, *_band_keys(sig)],
        args=[packed, new_id, threshold, ttl_seconds, _HEX, BUCKET_CAP, MAX_VERIFY]
    )
    similarity_ = 1.0 if int(equal) < 0 else int(equal) / NUM_PERM
    return StoryMatch(_text(story), bool(int(is_new)), similarity_)


def _assign_alone(redis, entry_key: str, new_id: str, ttl_seconds: int) -> StoryMatch:
    is_new = bool(redis.set(entry_key, new_id, nx=True, ex=ttl_seconds))
    story = new_id if is_new else _text(redis.get(entry_key) or new_id)
    return StoryMatch(story, is_new, 1.0)


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
