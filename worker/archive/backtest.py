"""``rasad backtest``: the alerts a rules file would have raised over the archive, and how
they differ from the alerts raised live, without sending anything.

Archived articles are replayed in the order they were archived (the NLP task archives a
batch before it hands its articles to the alerts queue), each with its stored extraction
(entities and the full event frames) and its stored text.  Rules match as they do live
(:meth:`worker.rules.RuleSet.match`), the claim figures come from
:func:`worker.alert.claim_figures` and each claim is decided by
:func:`worker.deliver.decide_claim`, the pure form of the live Lua claim: one alert per
(rule, story), an update when a casualty rule's toll rises.  Alert ids are the live ones
(``a:<rule>:<story>:<n>``), so "same" means the very alert was raised live.

Limits: articles archived without their text (RASAD_ARCHIVE_FULLTEXT off) cannot be
matched and are counted as skipped; two articles of one story analysed at once by
different workers may have reached the live claim in the other order, which can shift an
update between them.  With ``--since``, claims start afresh at that date, so a story that
alerted before it may alert "again" here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Iterator

from sqlalchemy import Engine, select

from worker.alert import claim_figures
from worker.archive.query import article_time
from worker.archive.schema import alerts, articles, entities, events
from worker.deliver import decide_claim
from worker.records import Entity, Entry, Event, Extraction

BATCH = 200


@dataclass(frozen=True)
class Archived:
    """One archived article as the pipeline saw it."""

    row_id: int
    entry: Entry
    story_id: str
    extraction: Extraction
    has_text: bool


@dataclass
class Report:
    alerts: list[dict[str, Any]] = field(default_factory=list)  # would raise (status same|new)
    dropped: list[dict[str, Any]] = field(default_factory=list)  # raised live, not here
    articles: int = 0
    skipped_without_text: int = 0

    @property
    def same(self) -> int:
        return sum(1 for a in self.alerts if a["status"] == "same")

    def summary(self) -> dict[str, Any]:
        return {"articles": self.articles, "skipped_without_text": self.skipped_without_text,
                "would_raise": len(self.alerts), "same_as_live": self.same,
                "new": len(self.alerts) - self.same, "live_not_raised": len(self.dropped)}


def entry_of(row) -> Entry:
    """The Entry whose ``text`` is the stored text (title line, then the body)."""
    text = row.text or row.title
    body = text[len(row.title) + 1:] if text.startswith(row.title + "\n") else \
        ("" if text == row.title else text)
    published = row.published_at.isoformat() + "Z" if row.published_at else None
    return Entry(id=row.entry_id, feed_id=row.feed_id, url=row.url, title=row.title,
                 summary="", published=published, content=body, lang=row.lang or "ar")


def archived(engine: Engine, since: dt.datetime | None = None) -> Iterator[Archived]:
    """Archived articles (with their extractions) in archive order, from ``since``."""
    last = 0
    while True:
        stmt = select(articles).where(articles.c.id > last)
        if since is not None:
            stmt = stmt.where(article_time() >= since)
        with engine.connect() as conn:
            rows = conn.execute(stmt.order_by(articles.c.id).limit(BATCH)).all()
            if not rows:
                return
            extractions = _extractions(conn, rows)
        for row in rows:
            yield Archived(row.id, entry_of(row), row.story_id, extractions[row.id],
                           row.text is not None)
        last = rows[-1].id


def _extractions(conn, rows) -> dict[int, Extraction]:
    ids = [row.id for row in rows]
    ents: dict[int, list[Entity]] = {i: [] for i in ids}
    evs: dict[int, list[Event]] = {i: [] for i in ids}
    for e in conn.execute(select(entities).where(entities.c.article_id.in_(ids))
                          .order_by(entities.c.article_id, entities.c.idx)):
        ents[e.article_id].append(Entity(e.text, e.type, e.start, e.end, e.canonical, e.source))
    for e in conn.execute(select(events.c.article_id, events.c.frame)
                          .where(events.c.article_id.in_(ids))
                          .order_by(events.c.article_id, events.c.idx)):
        evs[e.article_id].append(Event.from_dict(e.frame))
    return {row.id: Extraction(tuple(ents[row.id]), tuple(evs[row.id]), row.killed,
                               row.injured, tuple(row.notes or ())) for row in rows}


def live_alerts(engine: Engine, since: dt.datetime | None = None) -> dict[str, dict]:
    """Alerts raised live for the archived articles in range, by alert id."""
    stmt = select(alerts).join(articles, articles.c.entry_id == alerts.c.entry_id)
    if since is not None:
        stmt = stmt.where(article_time() >= since)
    with engine.connect() as conn:
        return {row.id: _live_dict(row) for row in conn.execute(stmt)}


def _live_dict(row) -> dict[str, Any]:
    alert = row.alert or {}
    return {"rule": row.rule, "severity": row.severity, "kind": row.kind, "alert_id": row.id,
            "update_of": row.update_of, "story_id": row.story_id, "entry_id": row.entry_id,
            "feed": row.feed_id, "title": alert.get("title"), "url": alert.get("url"),
            "published": alert.get("published"), "killed": row.killed,
            "injured": row.injured, "status": "dropped"}


def backtest(engine: Engine, ruleset, *, since: dt.datetime | None = None) -> Report:
    """Replay ``ruleset`` over the archive; see the module docstring."""
    report, states = Report(), {}
    live = live_alerts(engine, since)
    for art in archived(engine, since):
        report.articles += 1
        if not art.has_text:
            report.skipped_without_text += 1
            continue
        for match in ruleset.match(art.entry.text, art.extraction):
            key = (match.rule.id, art.story_id)
            claim, states[key] = decide_claim(states.get(key), match.rule.id, art.story_id,
                                              claim_figures(match, art.extraction),
                                              entry_id=art.entry.id)
            if claim:
                report.alerts.append(_alert_dict(match, claim, art, claim.alert_id in live))
    raised = {a["alert_id"] for a in report.alerts}
    report.dropped = [a for i, a in sorted(live.items()) if i not in raised]
    return report


def _alert_dict(match, claim, art: Archived, was_live: bool) -> dict[str, Any]:
    entry, extraction = art.entry, art.extraction
    return {"rule": match.rule.id, "severity": match.rule.severity, "kind": claim.kind,
            "alert_id": claim.alert_id, "update_of": claim.update_of,
            "story_id": art.story_id, "entry_id": entry.id, "feed": entry.feed_id,
            "title": entry.title, "url": entry.url, "published": entry.published,
            "killed": extraction.killed, "injured": extraction.injured,
            "matches": [m.text for m in match.matches][:10],
            "status": "same" if was_live else "new"}
