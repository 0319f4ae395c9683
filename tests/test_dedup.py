"""Tests for worker.dedup: atomic entry claims and near-duplicate story assignment, on a
real Redis server (fixture ``redis_client``)."""

from __future__ import annotations

import random
import re
import threading

import pytest
import redis as redis_lib

from tests.conftest import FIXTURES
from worker.dedup import (
    BANDS,
    BUCKET_CAP,
    LEAD_WORDS,
    STORY_PREFIX,
    assign_story,
    claim_entries,
    leading_tokens,
    minhash,
    release_claim,
    shingles,
    similarity,
    story_tokens,
    tokens,
)
from worker.records import Entry

pytestmark = pytest.mark.integration


def entry(id_: str, title: str = "t", summary: str = "s", feed: str = "f1", url=None) -> Entry:
    return Entry(id=id_, feed_id=feed, url=url, title=title, summary=summary, published=None)


def seed_entry(seed_text: str) -> Entry:
    title, body = seed_text.split("\n", 1)
    return Entry(id="https://www.alaraby.co.uk/seed", feed_id="alaraby", url="https://www.alaraby.co.uk/seed",
                 title=title, summary=body.strip(), published="2019-03-02T10:00:00Z")


def edited_copy(seed_text: str) -> Entry:
    """The same story as another feed would carry it: other title punctuation and wording
    of the quotes, an added opening sentence, its own guid and link."""
    title, body = seed_text.split("\n", 1)
    title = "عاجل | " + title.replace('"', "«", 1).replace('"', "»", 1) + "!"
    body = "أفاد مراسلنا في دير الزور بتطورات ميدانية جديدة صباح اليوم. " + body.strip()
    body = body.replace("مساء أمس وفجر اليوم السبت", "مساء الجمعة وفجر السبت", 1)
    return Entry(id="guid-other-feed-991", feed_id="syria-tv", url="https://example.net/a/991",
                 title=title, summary=body, published="2019-03-02T11:30:00Z")


def antcorpus_entry(path) -> Entry:
    doc = path.read_text(encoding="utf-8")
    field = lambda tag: re.search(f"<{tag}>(.*?)</{tag}>", doc, re.S).group(1).strip()  # noqa: E731
    return Entry(id=field("URL"), feed_id="skynews", url=field("URL"), title=field("TITLE"),
                 summary=field("ABSTRACT"), content=field("TEXT"), published=None)


# --- claims -----------------------------------------------------------------------------


def test_claim_returns_new_entries_in_order(redis_client):
    entries = [entry("b"), entry("a"), entry("c")]
    assert claim_entries(redis_client, entries) == entries


def test_second_claim_returns_nothing(redis_client):
    entries = [entry("a"), entry("b")]
    claim_entries(redis_client, entries)
    assert claim_entries(redis_client, entries) == []


def test_claim_returns_only_unclaimed_entries(redis_client):
    claim_entries(redis_client, [entry("a")])
    assert [e.id for e in claim_entries(redis_client, [entry("a"), entry("b")])] == ["b"]


def test_repeated_id_within_one_batch_is_claimed_once(redis_client):
    batch = [entry("a", title="one"), entry("b"), entry("a", title="two")]
    won = claim_entries(redis_client, batch)
    assert [(e.id, e.title) for e in won] == [("a", "one"), ("b", "t")]


def test_redelivered_task_wins_its_own_claims_again(redis_client):
    claim_entries(redis_client, [entry("a")], owner="task-1")
    again = claim_entries(redis_client, [entry("a"), entry("b")], owner="task-1")
    assert [e.id for e in again] == ["a", "b"]


def test_other_owner_gets_nothing(redis_client):
    claim_entries(redis_client, [entry("a")], owner="task-1")
    assert claim_entries(redis_client, [entry("a")], owner="task-2") == []
    assert claim_entries(redis_client, [entry("a")]) == []


def test_claim_sets_a_ttl(redis_client):
    claim_entries(redis_client, [entry("a")], ttl_seconds=60)
    assert 0 < redis_client.ttl("rasad:claim:entry:a") <= 60


def test_released_claim_can_be_claimed_again(redis_client):
    claim_entries(redis_client, [entry("a")])
    release_claim(redis_client, "a")
    assert [e.id for e in claim_entries(redis_client, [entry("a")])] == ["a"]


def test_concurrent_claims_have_exactly_one_winner(redis_url, redis_client):
    entries = [entry(f"e{i}") for i in range(50)]
    results: list[list[Entry]] = []
    barrier = threading.Barrier(8)

    def worker():
        client = redis_lib.Redis.from_url(redis_url, decode_responses=True)
        barrier.wait()
        results.append(claim_entries(client, entries))
        client.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    won = sorted(e.id for batch in results for e in batch)
    assert won == sorted(e.id for e in entries)


# --- tokens and signatures --------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("بالفُسفورِ الأبيض!", ["فسفور", "ابيض"], id="diacritics-clitics-punctuation"),
        pytest.param("وقال المرصد", ["قال", "مرصد"], id="conjunction-wa"),
        pytest.param("قصف «الباغوز»، ٢٠١٩", ["قصف", "باغوز", "2019"], id="quotes-digits"),
    ],
)
def test_tokens_are_normalised_and_clitic_light(text, expected):
    assert tokens(text) == expected


def test_leading_tokens_are_the_first_tokens_of_the_whole_text(seed_text):
    other = antcorpus_entry(FIXTURES / "antcorpus_SK-middleEast-3819-20181010.txt")
    for text in (seed_text, other.content, other.title):
        for limit in (1, 7, LEAD_WORDS, 10_000):
            assert leading_tokens(text, limit) == tokens(text)[:limit]


def test_a_huge_body_is_read_only_up_to_its_lead(seed_text):
    lead = seed_entry(seed_text)
    padded = Entry(**{**lead.to_dict(), "summary": lead.summary + " " + "كلمة أخرى " * 1_000_000})
    assert story_tokens(padded) == story_tokens(lead)


def test_one_multi_megabyte_word_is_not_a_token():
    # Kept whole, it would be hashed NUM_PERM times; nothing in news is a word that long.
    assert leading_tokens("ب" * 2_500_000, LEAD_WORDS) == []


def test_identical_texts_have_identical_signatures():
    sig = minhash(shingles(tokens("قصف طيران التحالف الدولي المنطقة المحاصرة في الباغوز")))
    assert similarity(sig, sig) == 1.0


def _minhash_with_python_integers(shingle_set):
    """The signature as first written (and as stored in Redis): big-integer arithmetic."""
    from worker.dedup import _PERMS, _PRIME, _hash64

    hashes = [_hash64(s) for s in shingle_set]
    return tuple(min((a * x + b) % _PRIME for x in hashes) for a, b in _PERMS)


def _tokens_one_prefix_at_a_time(text):
    """tokens() as first written: a startswith per prefix and token."""
    from worker.dedup import _PREFIXES
    from worker.text.normalize import normalize_text

    out = []
    for token in re.findall(r"[^\W_]+", normalize_text(text)):
        for prefix in _PREFIXES:
            if token.startswith(prefix) and len(token) - len(prefix) >= 3:
                token = token[len(prefix):]
                break
        out.append(token)
    return out


def test_tokens_are_those_of_the_prefix_by_prefix_loop(seed_text):
    rng = random.Random(5)
    alphabet = "والبكفدة_ 1aé.ىٌ"
    texts = [seed_text, *seed_text.split()] + [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(3000)]
    for text in texts:
        assert tokens(text) == _tokens_one_prefix_at_a_time(text), text


def test_vectorised_universal_hash_is_exact_on_extreme_and_random_values():
    import numpy as np

    from worker.dedup import _PERMS, _PRIME, _universal_hash

    rng = random.Random(12)
    xs = [0, 1, 2**64 - 1, 2**63, _PRIME - 1, _PRIME, _PRIME + 1, 2**61, 2**32 - 1, 2**32,
          2**29, 2**29 - 1] + [rng.getrandbits(64) for _ in range(2000)]
    got = _universal_hash(np.array(xs, dtype=np.uint64)[None, :])
    want = [[(a * x + b) % _PRIME for x in xs] for a, b in _PERMS]
    assert got.tolist() == want


@pytest.mark.parametrize("seed", [pytest.param(s, id=f"seed-{s}") for s in range(3)])
def test_signatures_are_those_of_the_python_integer_formula(seed, seed_text):
    rng = random.Random(seed)
    words = tokens(seed_text)
    for size in (1, 2, 5, 50, 150):
        start = rng.randrange(len(words))
        shingle_set = shingles(words[start:start + size])
        assert minhash(shingle_set) == _minhash_with_python_integers(shingle_set)


# --- stories ----------------------------------------------------------------------------


def test_first_entry_founds_a_new_story(redis_client, seed_text):
    match = assign_story(redis_client, seed_entry(seed_text))
    assert match.is_new and match.story_id.startswith("s:") and match.similarity == 1.0


def test_same_story_from_another_feed_gets_the_same_story(redis_client, seed_text):
    first = assign_story(redis_client, seed_entry(seed_text))
    second = assign_story(redis_client, edited_copy(seed_text))
    assert (second.story_id, second.is_new) == (first.story_id, False)
    assert second.similarity >= 0.6


def test_different_story_on_the_same_topic_is_a_new_story(redis_client, seed_text):
    first = assign_story(redis_client, seed_entry(seed_text))
    other = assign_story(redis_client, antcorpus_entry(FIXTURES / "antcorpus_SK-middleEast-3819-20181010.txt"))
    assert other.is_new and other.story_id != first.story_id


def test_assigning_the_same_entry_again_returns_its_story(redis_client, seed_text):
    first = assign_story(redis_client, seed_entry(seed_text))
    again = assign_story(redis_client, seed_entry(seed_text))
    assert (again.story_id, again.is_new) == (first.story_id, False)


def test_story_id_is_stable_across_databases(redis_client, seed_text):
    first = assign_story(redis_client, seed_entry(seed_text))
    redis_client.flushdb()
    assert assign_story(redis_client, seed_entry(seed_text)).story_id == first.story_id


def test_entry_without_words_is_its_own_story(redis_client):
    a = assign_story(redis_client, entry("x1", title="…", summary="!!"))
    b = assign_story(redis_client, entry("x2", title="…", summary="!!"))
    assert a.is_new and b.is_new and a.story_id != b.story_id


def test_story_keys_expire(redis_client, seed_text):
    assign_story(redis_client, seed_entry(seed_text), ttl_seconds=120)
    keys = redis_client.keys("rasad:story:*")
    assert keys and all(0 < redis_client.ttl(k) <= 120 for k in keys)


def test_concurrent_workers_agree_on_one_story(redis_url, redis_client, seed_text):
    copies = [seed_entry(seed_text), edited_copy(seed_text)] * 4
    copies = [Entry(**{**c.to_dict(), "id": f"{c.id}#{i}"}) for i, c in enumerate(copies)]
    results = []
    barrier = threading.Barrier(len(copies))

    def worker(e):
        client = redis_lib.Redis.from_url(redis_url, decode_responses=True)
        barrier.wait()
        results.append(assign_story(client, e))
        client.close()

    threads = [threading.Thread(target=worker, args=(c,)) for c in copies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({r.story_id for r in results}) == 1
    assert sum(r.is_new for r in results) == 1


BOILERPLATE = "تابعوا آخر الأخبار العاجلة على مدار الساعة عبر موقعنا وتطبيقنا"


def fixture_titles() -> list[str]:
    """Real Arabic headlines from the feed fixtures (channel titles dropped)."""
    titles = []
    for name in ("bbc-arabic-rss2.xml", "skynews-arabia-atom.xml", "utf-8.xml"):
        text = (FIXTURES / "feeds" / name).read_text(encoding="utf-8")
        titles += re.findall(r"<title[^>]*>(.*?)</title>", text, re.S)[1:]
    return titles


def similar_items(titles: list[str], count: int) -> list[Entry]:
    """Short items, each a headline with one to three words changed, under one boilerplate
    summary: many distinct stories that share LSH band buckets (issue 11's hostile feed)."""
    rng = random.Random(11)
    vocabulary = [w for t in titles for w in t.split()]
    items = []
    for i in range(count):
        words = rng.choice(titles).split()
        for _ in range(rng.randint(1, 3)):
            words[rng.randrange(len(words))] = rng.choice(vocabulary + [str(rng.randint(2, 500))])
        items.append(entry(f"flood-{i}", title=" ".join(words), summary=BOILERPLATE, feed="flood"))
    return items


def test_a_flood_of_similar_items_keeps_stories_right_and_buckets_bounded(redis_client, seed_text):
    seed = assign_story(redis_client, seed_entry(seed_text))
    flood = similar_items(fixture_titles(), 2000)
    stories, founders = {}, []
    for i, item in enumerate(flood):
        match = assign_story(redis_client, item)
        stories[item.id] = match.story_id
        founders += [item] if match.is_new else []
        if i % 100 == 99:  # a re-publication of a story founded 50+ items ago, a retouched copy
            earlier = next(f for f in reversed(founders) if int(f.id.split("-")[1]) <= i - 50)
            again = Entry(**{**earlier.to_dict(), "id": f"{earlier.id}-again", "feed_id": "other"})
            retouched = Entry(**{**earlier.to_dict(), "id": f"{earlier.id}-retouched",
                                 "title": "عاجل | " + earlier.title + "!"})
            assert assign_story(redis_client, again).story_id == stories[earlier.id]
            assert assign_story(redis_client, retouched).story_id == stories[earlier.id]
    copy = assign_story(redis_client, edited_copy(seed_text))
    other = assign_story(redis_client,
                         antcorpus_entry(FIXTURES / "antcorpus_SK-middleEast-3819-20181010.txt"))

    assert (copy.story_id, copy.is_new) == (seed.story_id, False)
    assert other.is_new and other.story_id not in set(stories.values()) | {seed.story_id}
    assert 100 < len(set(stories.values())) < len(flood)  # distinct items apart, repeats joined
    buckets = list(redis_client.scan_iter(match=f"{STORY_PREFIX}bucket:*", count=1000))
    assert buckets and max(redis_client.llen(k) for k in buckets) <= BUCKET_CAP
    entries = len(flood) + 2 * 20 + 3
    assert len(redis_client.keys(f"{STORY_PREFIX}*")) <= entries * (BANDS + 2)
