"""Build alerts from rule matches: one per (rule, story), with an update when the toll rises.

The alert id comes from the atomic claim in :mod:`worker.deliver` (deterministic per rule,
story and update number), so a redelivered task builds the same alert and the idempotent
publish drops the repeat.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from worker.records import Alert, Entry, Extraction, Span
from worker.rules import RuleMatch
from worker.subscribe import make_snippet as snippet_of


def claim_figures(match: RuleMatch, extraction: Extraction) -> dict[str, Any]:
    """The figures an alert claim compares (worker.deliver.claim_alert).  Only rules about
    casualties re-alert when the toll rises; a phosphorus or place rule alerts once per story
    (its subscribers follow the casualties rule for tolls).  Shared by the live path
    (worker/tasks.py) and ``rasad backtest`` (worker/archive/backtest.py)."""
    if not match.rule.conditions.about_tolls:
        return {}
    return {"killed": extraction.killed, "injured": extraction.injured}


def build_alert(match: RuleMatch, *, entry: Entry, story_id: str, extraction: Extraction,
                alert_id: str, update_of: str | None = None,
                previous: dict[str, Any] | None = None, now: dt.datetime | None = None) -> Alert:
    """The alert for one rule match on one article; ``alert_id`` comes from the claim
    (:func:`worker.deliver.claim_alert`), ``update_of`` is set for a raised toll."""
    now = now or dt.datetime.now(dt.timezone.utc)
    figures = {"killed": extraction.killed, "injured": extraction.injured}
    text = entry.text
    spans = [Span(m.text, m.start, m.end) for m in match.matches]
    return Alert(
        id=alert_id,
        rule=match.rule.id, severity=match.rule.severity, story_id=story_id,
        entry_id=entry.id, feed_id=entry.feed_id, title=entry.title, url=entry.url,
        published=entry.published, matches=tuple(spans),
        snippet=snippet_of(text, [(s.start, s.end) for s in spans]),
        created_at=now.isoformat(timespec="seconds"), casualties=figures,
        entities=tuple(_linked(extraction)), events=tuple(e.to_dict() for e in match.events),
        update_of=update_of,
        previous=previous,
    )


def _linked(extraction: Extraction) -> list[dict[str, Any]]:
    """Distinct canonical entities of the article, for the alert body (first mention each)."""
    seen, out = set(), []
    for ent in extraction.entities:
        key = (ent.canonical or {}).get("id") or (ent.type, ent.text)
        if key not in seen:
            seen.add(key)
            out.append({"text": ent.text, "type": ent.type, "canonical": ent.canonical})
    return out[:40]
