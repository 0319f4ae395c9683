"""Per-process resources the tasks share: settings, Redis client, feeds, rules, HTTP client.

Built once per process on first use (after fork, so no socket is shared between Celery
children) and validated as a whole: a bad feeds or rules file is a start-up error.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

import httpx
import redis

from worker.feeds import FeedConfig, load_feeds
from worker.fetch import FetchLimits, RedisHostLimiter, make_client
from worker.rules import LocationCondition, RuleSet, load_rules
from worker.settings import Settings, effective_redis_url
from worker.webhooks import Webhook, load_webhooks

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    redis: redis.Redis
    feeds: dict[str, FeedConfig]
    rules: RuleSet
    webhooks: list[Webhook]
    limits: FetchLimits
    http: httpx.Client
    host_limiter: RedisHostLimiter


def fetch_limits(settings: Settings) -> FetchLimits:
    return FetchLimits(
        connect_timeout_seconds=settings.http_connect_timeout_seconds,
        read_timeout_seconds=settings.http_timeout_seconds,
        max_body_bytes=settings.http_max_body_bytes,
        max_decompressed_bytes=settings.http_max_decompressed_bytes,
        max_redirects=settings.http_max_redirects,
        per_host_concurrency=settings.http_per_host_concurrency,
    )


def load_ruleset(settings: Settings) -> RuleSet:
    """Rules with their canonical entities resolved through the gazetteer."""
    from worker.nlp.gazetteer import default_gazetteer

    gaz = default_gazetteer()
    rules = load_rules(settings.rules, entity_exists=lambda i: gaz.get(i) is not None,
                       place_exists=lambda near: _place(gaz, near) is not None,
                       similar_places=functools.partial(_similar_places, gaz))
    return RuleSet(rules, aliases=gaz.aliases, near=functools.partial(_near, gaz))


def _near(gaz, location: dict | None, cond: LocationCondition) -> bool:
    if not location or not location.get("canonical"):
        return False
    center = _place(gaz, cond.near)
    return center is not None and gaz.within_km(location["canonical"], center, cond.radius_km)


def _place(gaz, near: str) -> dict | None:
    """The place a rule's ``location.near`` names: a gazetteer id, else the name linked as
    a location; None unless it has coordinates to measure from.  Loading checks rules with
    this, so a near that matching could never resolve stops start-up."""
    center = gaz.get(near) or gaz.link(near, "LOC")
    return center if center is not None and gaz.point(center) is not None else None


def _similar_places(gaz, near: str, n: int = 3) -> list[str]:
    """Up to ``n`` place names close to ``near`` (difflib on the normalised names, about
    0.1 s over the 60k place names: only on the error path)."""
    import difflib

    from worker.nlp.gazetteer import norm_key

    names: dict[str, str] = {}
    for record in gaz.records:
        if record.type == "LOC" and record.point is not None:
            for name in record.names:
                names.setdefault(norm_key(name), name)
    return [names[k] for k in difflib.get_close_matches(norm_key(near), list(names), n=n,
                                                        cutoff=0.75)]


def check_config(settings: Settings) -> tuple[list[FeedConfig], RuleSet, list[Webhook]]:
    """Load and validate feeds, rules and webhooks; raises ConfigError naming the input."""
    feeds = load_feeds(settings.feeds)
    rules = load_ruleset(settings)
    webhooks = load_webhooks(settings.webhooks, known_rules=rules.ids)
    return feeds, rules, webhooks


@functools.lru_cache(maxsize=1)
def get_runtime() -> Runtime:
    settings = Settings.from_env()
    feeds, rules, webhooks = check_config(settings)
    client = redis.Redis.from_url(effective_redis_url(settings), decode_responses=True,
                                  health_check_interval=30)
    limits = fetch_limits(settings)
    return Runtime(
        settings=settings, redis=client, feeds={f.id: f for f in feeds}, rules=rules,
        webhooks=webhooks, limits=limits, http=make_client(limits),
        host_limiter=RedisHostLimiter(client, limits.per_host_concurrency),
    )


def reset_runtime() -> None:
    """Forget per-process resources (after fork, or in tests)."""
    get_runtime.cache_clear()
