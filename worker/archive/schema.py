"""The archive's tables (SQLAlchemy Core): articles, their entities and events, and alerts.

Times are naive UTC ``DateTime`` columns (the same on SQLite and PostgreSQL).  Every table
has a natural unique key so a redelivered task writes nothing twice (DESIGN.md
"Reliability": idempotency keys for every side effect): an article by its entry id, an
entity or event by (article, position), an alert by its deterministic alert id
(``a:<rule>:<story>:<n>``, worker/deliver.py).  Each event row keeps its searchable slots as
columns and the whole frame as JSON, so backtests rebuild the exact
:class:`worker.records.Event` the rules saw.

Changing a table here needs a new revision in ``migrations/versions`` (Alembic): the schema
is versioned and upgraded when a process opens the archive.
"""

from __future__ import annotations

from sqlalchemy import (JSON, BigInteger, Column, DateTime, Float, ForeignKey, Index, Integer,
                        MetaData, String, Table, Text, UniqueConstraint)

metadata = MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})

# BIGINT on PostgreSQL, INTEGER PRIMARY KEY (the rowid) on SQLite.
Id = BigInteger().with_variant(Integer(), "sqlite")

articles = Table(
    "articles", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("entry_id", String(512), nullable=False, unique=True),
    Column("feed_id", String(200), nullable=False),
    Column("url", Text),
    Column("title", Text, nullable=False),
    Column("lang", String(16)),
    Column("published_at", DateTime),  # the feed's date, UTC; None when it gives none
    Column("fetched_at", DateTime, nullable=False),
    Column("processed_at", DateTime, nullable=False),
    Column("story_id", String(200), nullable=False),
    Column("text_hash", String(64), nullable=False),  # sha256 of the analysed text
    Column("text_chars", Integer, nullable=False),
    Column("text", Text),  # the analysed text (title line, body); None: RASAD_ARCHIVE_FULLTEXT off
    # What --text searches: title and text (the title alone with RASAD_ARCHIVE_FULLTEXT off)
    # through worker.text.normalize and lower-cased, so "الباغوز" finds "الباغوز" and
    # "إطلاق" finds "اطلاق" (revision 0002).
    Column("search_text", Text),
    Column("killed", Integer),  # the article's best figure (Extraction.killed)
    Column("injured", Integer),
    Column("notes", JSON, nullable=False),
    Column("extracted_at", DateTime, nullable=False),  # last (re)extraction
    Index(None, "published_at"),
    Index(None, "processed_at"),
    Index(None, "feed_id", "published_at"),
    Index(None, "story_id"),
)

entities = Table(
    "entities", metadata,
    Column("article_id", Id, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("idx", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("type", String(8), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("canonical_id", String(200)),
    Column("canonical", JSON),
    Column("source", String(32), nullable=False),
    UniqueConstraint("article_id", "idx"),
    Index(None, "canonical_id"),
)

events = Table(
    "events", metadata,
    Column("article_id", Id, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("idx", Integer, nullable=False),
    Column("type", String(64), nullable=False),
    Column("trigger", Text, nullable=False),
    Column("actors", Text),  # actor texts, "; "-joined, for tables and search
    Column("target", Text),
    Column("location", Text),
    Column("location_id", String(200)),
    Column("lat", Float),
    Column("lon", Float),
    Column("weapon", Text),
    Column("time", Text),  # resolved date when the event stage read one, else its text
    Column("killed", Integer),
    Column("injured", Integer),
    Column("sentence", Integer, nullable=False),  # its number in the article (Event.sentence)
    Column("sentence_text", Text),  # the sentence around the trigger, for analysts
    Column("frame", JSON, nullable=False),  # Event.to_dict(): every slot, for backtests
    UniqueConstraint("article_id", "idx"),
    Index(None, "type"),
    Index(None, "location_id"),
    Index(None, "lat", "lon"),
)

alerts = Table(
    "alerts", metadata,
    Column("id", String(600), primary_key=True),  # the alert id, a:<rule>:<story>:<n>
    Column("rule", String(200), nullable=False),
    Column("kind", String(16), nullable=False),  # new | update
    Column("severity", String(32), nullable=False),
    Column("story_id", String(200), nullable=False),
    Column("entry_id", String(512), nullable=False),
    Column("feed_id", String(200), nullable=False),
    Column("killed", Integer),
    Column("injured", Integer),
    Column("update_of", String(600)),
    Column("created_at", DateTime, nullable=False),
    Column("alert", JSON, nullable=False),  # Alert.to_dict(), as delivered
    Index(None, "rule", "created_at"),
    Index(None, "entry_id"),
)
