"""Writes to the archive: the one write path (every row the pipeline stores goes through
here), idempotent, one transaction per batch.

* :func:`write_articles`: processed articles (the ``rasad:articles`` record shape: entry,
  story id, fetch time, extraction) with their entities and events.  An article whose entry
  id is already stored is skipped whole (``ON CONFLICT DO NOTHING``), so a redelivered
  batch writes nothing twice; a batch commits or rolls back as one, so a process killed
  mid-write leaves nothing half-written.
* :func:`write_alert`: one delivered alert, keyed by its deterministic id.
* :func:`replace_extraction`: ``rasad reprocess`` swaps an article's entities and events.
* :func:`purge`: retention (RASAD_ARCHIVE_RETENTION_DAYS).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from sqlalchemy import Connection, Engine, delete, func, insert, select, update

from worker.archive.schema import alerts, articles, entities, events
from worker.records import Alert, Entry, Extraction
from worker.text.normalize import normalize_text


@dataclass(frozen=True)
class Written:
    """Rows written by one call, per table (what rasad_archive_rows_written_total counts)."""

    articles: int = 0
    entities: int = 0
    events: int = 0
    alerts: int = 0

    def items(self) -> Iterable[tuple[str, int]]:
        return (("articles", self.articles), ("entities", self.entities),
                ("events", self.events), ("alerts", self.alerts))


def utc(value: str | float | dt.datetime | None) -> dt.datetime | None:
    """A naive UTC datetime from ISO 8601 text, a Unix time or a datetime; None if unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)):
        return dt.datetime.fromtimestamp(value, dt.timezone.utc).replace(tzinfo=None)
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def _insert_ignore(conn: Connection, table, key: list[str]):
    """INSERT ... ON CONFLICT (key) DO NOTHING for this connection's dialect."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    return dialect_insert(table).on_conflict_do_nothing(index_elements=key)


def article_row(record: Mapping[str, Any], *, fulltext: bool,
                now: dt.datetime | None = None) -> dict[str, Any]:
    entry = Entry.from_dict(record["entry"])
    extraction = record["extraction"]
    casualties = extraction.get("casualties") or {}
    now, text = now or now_utc(), entry.text
    return {
        "entry_id": entry.id, "feed_id": entry.feed_id, "url": entry.url,
        "title": entry.title, "lang": entry.lang, "published_at": utc(entry.published),
        "fetched_at": utc(record.get("fetched_at")) or now, "processed_at": now,
        "story_id": record["story_id"],
        "text_hash": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "text_chars": len(text), "text": text if fulltext else None,
        "search_text": search_form(text if fulltext else entry.title),
        "killed": casualties.get("killed"), "injured": casualties.get("injured"),
        "notes": list(extraction.get("notes", [])), "extracted_at": now,
    }


def search_form(text: str) -> str:
    """The searchable form of an article's text (``Entry.text``: the title line, then the
    body; the title alone when the text is not kept), normalised as every Arabic match in
    Rasad is (worker.text.normalize: tashkeel, tatweel, alef/ya/taa marbuta folds,
    Arabic-Indic digits) and lower-cased for Latin script (one str.translate pass)."""
    return normalize_text(text).lower()


def _texts(mentions: list[dict[str, Any]] | None) -> str | None:
    names = [m.get("text", "") for m in mentions or [] if m]
    return "; ".join(n for n in names if n) or None


def _count(slot: Mapping[str, Any] | None) -> int | None:
    return slot.get("count") if slot else None


# Where a sentence ends (as worker/extract.py cuts text): . ! ? ؟ ۔ or a line break.
_SENTENCE_END = re.compile(r"[.!?\u061f\u06d4\n]")
SENTENCE_MAX_CHARS = 600  # either side of the trigger


def sentence_around(text: str, offset: int) -> str | None:
    """The sentence of ``text`` holding ``offset``: from the last sentence end before it to
    the next one after it, at most SENTENCE_MAX_CHARS characters each way."""
    if not text or not 0 <= offset < len(text):
        return None
    lo = max(0, offset - SENTENCE_MAX_CHARS)
    start = lo
    for start_match in _SENTENCE_END.finditer(text, lo, offset):
        start = start_match.end()
    end_match = _SENTENCE_END.search(text, offset, offset + SENTENCE_MAX_CHARS)
    end = end_match.end() if end_match else min(len(text), offset + SENTENCE_MAX_CHARS)
    return text[start:end].strip() or None


def event_row(article_id: int, idx: int, event: Mapping[str, Any],
              text: str = "") -> dict[str, Any]:
    """One events row from an event frame (``Event.to_dict()``, as the record carries it)."""
    location = event.get("location") or {}
    canonical = location.get("canonical") or {}
    when = event.get("time") or {}
    trigger = event.get("trigger") or {}
    return {
        "article_id": article_id, "idx": idx, "type": event["type"],
        "trigger": trigger.get("text", ""),
        "actors": _texts(event.get("actors")), "target": _texts(event.get("target")),
        "location": location.get("text"), "location_id": canonical.get("id"),
        "lat": canonical.get("lat"), "lon": canonical.get("lon"),
        "weapon": (event.get("weapon") or {}).get("text"),
        "time": when.get("resolved") or when.get("text"),
        "killed": _count(event.get("killed")), "injured": _count(event.get("injured")),
        "sentence": event.get("sentence", 0),
        "sentence_text": sentence_around(text, trigger.get("start", -1)),
        "frame": dict(event),
    }


def entity_row(article_id: int, idx: int, entity: Mapping[str, Any]) -> dict[str, Any]:
    canonical = entity.get("canonical")
    return {"article_id": article_id, "idx": idx, "text": entity["text"],
            "type": entity["type"], "start": entity["start"], "end": entity["end"],
            "canonical_id": (canonical or {}).get("id"), "canonical": canonical,
            "source": entity.get("source", "ner")}


# Built once: SQLAlchemy caches the compiled form by the statement's key, which it would
# otherwise recompute for a new statement object on every call.
_INSERT_ENTITIES, _INSERT_EVENTS = insert(entities), insert(events)


def _children(conn: Connection, article_id: int, extraction: Mapping[str, Any],
              text: str) -> tuple[int, int]:
    """Insert an article's entities and events (see :func:`_insert_children`)."""
    return _insert_children(conn, [(article_id, extraction, text)])


def _insert_children(conn: Connection, items) -> tuple[int, int]:
    """Insert the entities and events of ``(article_id, extraction dict, text)`` items, one
    executemany per table.  The rows come from the record's own dicts
    (``Extraction.to_dict()``), not rebuilt dataclasses (measured: rebuilding them took
    about half the write time)."""
    ents, evs = [], []
    for article_id, extraction, text in items:
        ents += [entity_row(article_id, i, e)
                 for i, e in enumerate(extraction.get("entities", []))]
        evs += [event_row(article_id, i, e, text)
                for i, e in enumerate(extraction.get("events", []))]
    if ents:
        conn.execute(_INSERT_ENTITIES, ents)
    if evs:
        conn.execute(_INSERT_EVENTS, evs)
    return len(ents), len(evs)


def write_articles(engine: Engine, records: Iterable[Mapping[str, Any]], *,
                   fulltext: bool = True) -> Written:
    """Store processed articles with their entities and events, once per entry id: three
    statements per batch whatever its size (SQLAlchemy's "insertmanyvalues" sends the
    articles as one INSERT ... RETURNING), which matters over a network to PostgreSQL."""
    records = list(records)
    if not records:
        return Written()
    rows = [article_row(record, fulltext=fulltext) for record in records]
    with engine.begin() as conn:
        stmt = _insert_ignore(conn, articles, ["entry_id"]).returning(articles.c.id,
                                                                      articles.c.entry_id)
        # Already archived entries (a redelivered task) return no row and get no children.
        new = {row.entry_id: row.id for row in conn.execute(stmt, rows)}
        items = [(new[record["entry"]["id"]], record["extraction"],
                  Entry.from_dict(record["entry"]).text)
                 for record in records if record["entry"]["id"] in new]
        ents, evs = _insert_children(conn, items)
    return Written(articles=len(new), entities=ents, events=evs)


def alert_row(alert: Alert | Mapping[str, Any], kind: str) -> dict[str, Any]:
    """One alerts row from an Alert or its dict (``Alert.to_dict()``, as delivered)."""
    data = alert.to_dict() if isinstance(alert, Alert) else dict(alert)
    casualties = data.get("casualties") or {}
    return {"id": data["id"], "rule": data["rule"], "kind": kind,
            "severity": data["severity"], "story_id": data["story_id"],
            "entry_id": data["entry_id"], "feed_id": data["feed_id"],
            "killed": casualties.get("killed"), "injured": casualties.get("injured"),
            "update_of": data.get("update_of"),
            "created_at": utc(data.get("created_at")) or now_utc(), "alert": data}


def write_alert(engine: Engine, alert: Alert | Mapping[str, Any], kind: str) -> Written:
    """Store one delivered alert (``kind`` new or update), once per alert id."""
    with engine.begin() as conn:
        stmt = _insert_ignore(conn, alerts, ["id"]).values(alert_row(alert, kind))
        written = conn.execute(stmt.returning(alerts.c.id)).scalar()
    return Written(alerts=1 if written else 0)


def replace_extraction(conn: Connection, article_id: int, extraction: Extraction,
                       text: str) -> Written:
    """Swap an article's entities, events and figures for a new extraction (reprocess)."""
    conn.execute(delete(entities).where(entities.c.article_id == article_id))
    conn.execute(delete(events).where(events.c.article_id == article_id))
    conn.execute(update(articles).where(articles.c.id == article_id).values(
        killed=extraction.killed, injured=extraction.injured, notes=list(extraction.notes),
        extracted_at=now_utc()))
    ents, evs = _children(conn, article_id, extraction.to_dict(), text)
    return Written(entities=ents, events=evs)


def purge(engine: Engine, days: int, *, now: dt.datetime | None = None) -> int:
    """Delete articles processed more than ``days`` days ago (their entities and events with
    them) and alerts created before then; returns the articles deleted.  ``days`` 0: none."""
    if days <= 0:
        return 0
    cutoff = (now or now_utc()) - dt.timedelta(days=days)
    with engine.begin() as conn:
        old = select(articles.c.id).where(articles.c.processed_at < cutoff)
        # Children first: SQLite enforces ON DELETE CASCADE only with foreign_keys=ON on
        # every connection, which a tool opening the file by hand may not set.
        conn.execute(delete(entities).where(entities.c.article_id.in_(old)))
        conn.execute(delete(events).where(events.c.article_id.in_(old)))
        gone = conn.execute(delete(articles).where(articles.c.processed_at < cutoff)).rowcount
        conn.execute(delete(alerts).where(alerts.c.created_at < cutoff))
    return gone or 0


def counts(conn: Connection) -> dict[str, int]:
    return {table.name: conn.execute(select(func.count()).select_from(table)).scalar() or 0
            for table in (articles, entities, events, alerts)}
