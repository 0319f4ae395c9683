"""Per-feed schedule: backoff with jitter, Retry-After, parking."""

import random

from worker.schedule import FeedState, after_failure, after_success, backoff_seconds, is_due


def _fail(state, now=1000.0, transient=True, retry_after=None):
    return after_failure(state, now=now, interval=60, outcome="transient_error", error="boom",
                         transient=transient, retry_after_seconds=retry_after, park_after=4,
                         max_backoff=3600, rng=random.Random(1))


def test_backoff_grows_exponentially_with_jitter_and_a_cap():
    rng = random.Random(7)
    delays = [backoff_seconds(n, 60, 3600, rng) for n in range(1, 10)]
    assert 30 <= delays[0] <= 60 and 60 <= delays[1] <= 120
    assert all(d <= 3600 for d in delays) and delays[-1] >= 1800


def test_retry_after_wins_when_longer():
    state = _fail(FeedState(), retry_after=900)
    assert state.next_check_at - 1000 >= 900


def test_feed_is_parked_after_repeated_failures_and_not_due():
    state = FeedState()
    for _ in range(4):
        state = _fail(state)
    assert state.parked and state.last_outcome == "parked"
    assert not is_due(state, now=10**12)


def test_permanent_errors_park_sooner():
    state = FeedState()
    for _ in range(3):
        state = _fail(state, transient=False)
    assert state.parked


def test_success_resets_failures_and_keeps_validators():
    state = after_success(_fail(FeedState()), now=5000, interval=300, new_entries=2,
                          seen_entries=10, not_modified=False, etag='"v1"', last_modified=None)
    assert state.consecutive_failures == 0 and state.next_check_at == 5300
    assert state.etag == '"v1"' and state.new_entries_total == 2


def test_redis_round_trip_tolerates_bad_fields():
    state = _fail(FeedState(name="العربي الجديد"))
    data = state.to_redis() | {"consecutive_failures": "garbage"}
    back = FeedState.from_redis(data)
    assert back.name == "العربي الجديد" and back.consecutive_failures == 0
