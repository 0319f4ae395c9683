"""``rasad reprocess``: extract archived articles again (after a model or lexicon upgrade)
and replace their stored entities, events and figures.

Needs the article's text: articles archived with RASAD_ARCHIVE_FULLTEXT off are listed as
skipped, with the reason.  Alerts are not raised or sent again; ``rasad backtest`` shows
what the new extractions would have raised.  Articles go through the extractor in batches
(one NER pass per batch, as the NLP task does), and each batch is written in one
transaction, so an interrupted run leaves every article either old or new, never half.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable

from sqlalchemy import Engine, func, select

from worker.archive.backtest import archived
from worker.archive.schema import events
from worker.archive.writer import replace_extraction
from worker.extract import Article

NO_TEXT = ("text not archived (it was stored with RASAD_ARCHIVE_FULLTEXT=false): the "
           "extraction cannot be redone")


@dataclass
class Outcome:
    reprocessed: int = 0
    events_before: int = 0
    events_after: int = 0
    skipped: list[dict[str, Any]] = field(default_factory=list)
    batch_size: int = 8

    def summary(self) -> dict[str, Any]:
        return {"reprocessed": self.reprocessed, "events_before": self.events_before,
                "events_after": self.events_after, "skipped": len(self.skipped)}


def reprocess(engine: Engine, extractor, *, since: dt.datetime | None = None,
              batch_size: int = 8, progress: Callable[[Outcome], None] | None = None) -> Outcome:
    """Re-extract every archived article from ``since`` with ``extractor``
    (:class:`worker.extract.Extractor`) and store the new entities and events."""
    outcome, batch = Outcome(batch_size=batch_size), []
    for art in archived(engine, since):
        if not art.has_text:
            outcome.skipped.append({"entry_id": art.entry.id, "url": art.entry.url,
                                    "reason": NO_TEXT})
            continue
        batch.append(art)
        if len(batch) >= batch_size:
            _redo(engine, extractor, batch, outcome)
            batch = []
            if progress:
                progress(outcome)
    if batch:
        _redo(engine, extractor, batch, outcome)
    return outcome


def _redo(engine: Engine, extractor, batch, outcome: Outcome) -> None:
    results = extractor.extract_batch([Article(a.entry.text, a.entry.published) for a in batch])
    with engine.begin() as conn:
        for art, extraction in zip(batch, results):
            outcome.events_before += conn.execute(
                select(func.count()).select_from(events)
                .where(events.c.article_id == art.row_id)).scalar() or 0
            written = replace_extraction(conn, art.row_id, extraction, art.entry.text)
            outcome.events_after += written.events
            outcome.reprocessed += 1
