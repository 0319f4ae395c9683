"""Reading the archive: ``rasad events`` and ``rasad articles`` filters, and their output
as a table, JSON lines, CSV or GeoJSON.

Filters combine with AND.  Time filters apply to the article's published time, or its fetch
time when the feed gave none.  ``--near PLACE`` takes a gazetteer id (``wof:...``) or a
place name the gazetteer links (الباغوز, Baghouz); with ``--km N`` it keeps events whose
location lies within N km (great-circle) of it, without, events located at that place.
The radius is a bounding box in SQL, then the exact distance in Python.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Sequence

from sqlalchemy import Engine, and_, exists, func, select

from worker.archive.schema import alerts, articles, events
from worker.errors import ConfigError
from worker.text.normalize import normalize_text

FORMATS = ("table", "json", "csv", "geojson")
EVENT_FIELDS = ("entry_id", "idx", "published", "feed", "type", "trigger", "actors", "target",
                "location", "location_id", "lat", "lon", "weapon", "time", "killed",
                "injured", "sentence", "sentence_text", "title", "url")
ARTICLE_FIELDS = ("entry_id", "published", "fetched", "feed", "story_id", "title", "url",
                  "killed", "injured", "events", "text_stored")
KM_PER_DEGREE = 111.32


@dataclass(frozen=True)
class Place:
    """The centre of a --near filter: a gazetteer place with coordinates."""

    id: str
    name: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Filters:
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    feeds: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    near: Place | None = None
    km: float = 0.0
    min_killed: int | None = None
    min_injured: int | None = None
    text: str | None = None
    limit: int | None = None


def parse_when(value: str) -> dt.datetime:
    """A --since/--until value: ISO date or date-time (UTC unless it says otherwise), or a
    span back from now: 30d, 12h, 45m."""
    value = value.strip()
    units = {"d": 86400, "h": 3600, "m": 60}
    if value[-1:] in units and value[:-1].isdigit():
        seconds = int(value[:-1]) * units[value[-1]]
        return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - dt.timedelta(seconds=seconds)
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ConfigError(f"{value!r}: not a date (YYYY-MM-DD, an ISO date-time, or 30d, "
                          f"12h, 45m)") from exc
    if when.tzinfo is not None:
        when = when.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return when


def resolve_place(name_or_id: str, gazetteer=None) -> Place:
    """The gazetteer place a --near names (id, or a name linked as a location)."""
    if gazetteer is None:
        from worker.nlp.gazetteer import default_gazetteer

        gazetteer = default_gazetteer()
    canonical = gazetteer.get(name_or_id) or gazetteer.link(name_or_id, "LOC")
    point = gazetteer.point(canonical) if canonical else None
    if point is None:
        raise ConfigError(f"--near {name_or_id}: no place with coordinates by that name or id "
                          f"in the gazetteer")
    name = canonical.get("name_en") or canonical.get("name_ar") or name_or_id
    return Place(canonical["id"], name, point[0], point[1])


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    from worker.nlp.gazetteer import haversine_km as distance

    return distance((lat1, lon1), (lat2, lon2))


def article_time():
    """When an article happened for time filters: published, else fetched."""
    return func.coalesce(articles.c.published_at, articles.c.fetched_at)


def _article_conditions(f: Filters) -> list:
    cond = []
    if f.since:
        cond.append(article_time() >= f.since)
    if f.until:
        cond.append(article_time() < f.until)
    if f.feeds:
        cond.append(articles.c.feed_id.in_(f.feeds))
    if f.rules:
        cond.append(exists().where(and_(alerts.c.entry_id == articles.c.entry_id,
                                        alerts.c.rule.in_(f.rules))))
    if f.text:
        # The query is normalised as the stored search form is (writer.search_form), and
        # LIKE's own wildcards in it are taken literally.
        needle = normalize_text(f.text).lower()
        escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        cond.append(articles.c.search_text.like(f"%{escaped}%", escape="\\"))
    return cond


def _event_conditions(f: Filters) -> list:
    cond = []
    if f.types:
        cond.append(events.c.type.in_(f.types))
    if f.min_killed is not None:
        cond.append(events.c.killed >= f.min_killed)
    if f.min_injured is not None:
        cond.append(events.c.injured >= f.min_injured)
    if f.near is not None and f.km <= 0:
        cond.append(events.c.location_id == f.near.id)
    elif f.near is not None:
        dlat = f.km / KM_PER_DEGREE
        dlon = f.km / (KM_PER_DEGREE * max(math.cos(math.radians(f.near.lat)), 0.01))
        cond += [events.c.lat.between(f.near.lat - dlat, f.near.lat + dlat),
                 events.c.lon.between(f.near.lon - dlon, f.near.lon + dlon)]
    return cond


def _within(f: Filters, lat: float | None, lon: float | None) -> bool:
    if f.near is None or f.km <= 0:
        return True
    return lat is not None and lon is not None and \
        haversine_km(f.near.lat, f.near.lon, lat, lon) <= f.km


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") + "Z" if value else None


def query_events(engine: Engine, f: Filters) -> Iterator[dict[str, Any]]:
    """Archived events matching ``f``, oldest article first."""
    stmt = (select(events, articles.c.entry_id, articles.c.feed_id, articles.c.title,
                   articles.c.url, article_time().label("when"))
            .join(articles, events.c.article_id == articles.c.id)
            .where(*_article_conditions(f), *_event_conditions(f))
            .order_by(article_time(), articles.c.id, events.c.idx))
    shown = 0
    with engine.connect() as conn:
        for row in conn.execute(stmt):
            if not _within(f, row.lat, row.lon):
                continue
            yield _event_dict(row)
            shown += 1
            if f.limit and shown >= f.limit:
                return


def _event_dict(row) -> dict[str, Any]:
    return {"entry_id": row.entry_id, "idx": row.idx, "published": _iso(row.when),
            "feed": row.feed_id, "type": row.type, "trigger": row.trigger,
            "actors": row.actors, "target": row.target, "location": row.location,
            "location_id": row.location_id, "lat": row.lat, "lon": row.lon,
            "weapon": row.weapon, "time": row.time, "killed": row.killed,
            "injured": row.injured, "sentence": row.sentence,
            "sentence_text": row.sentence_text, "title": row.title, "url": row.url}


def query_articles(engine: Engine, f: Filters) -> Iterator[dict[str, Any]]:
    """Archived articles matching ``f`` (event filters: articles with such an event)."""
    n_events = (select(func.count()).select_from(events)
                .where(events.c.article_id == articles.c.id).scalar_subquery())
    cond = _article_conditions(f)
    if f.min_killed is not None:
        cond.append(articles.c.killed >= f.min_killed)
    if f.min_injured is not None:
        cond.append(articles.c.injured >= f.min_injured)
    event_cond = _event_conditions(Filters(types=f.types, near=f.near, km=f.km))
    stmt = select(articles.c.id, articles.c.entry_id, articles.c.feed_id,
                  articles.c.story_id, articles.c.title, articles.c.url, articles.c.killed,
                  articles.c.injured, articles.c.fetched_at, (articles.c.text.is_not(None))
                  .label("text_stored"), article_time().label("when"), n_events.label("events"))
    if event_cond:
        stmt = stmt.where(exists().where(events.c.article_id == articles.c.id, *event_cond))
    stmt = stmt.where(*cond).order_by(article_time(), articles.c.id)
    with engine.connect() as conn:
        rows = conn.execute(stmt.limit(f.limit) if f.limit and not f.km else stmt)
        shown = 0
        for row in rows:
            if f.near is not None and f.km > 0 and not _article_near(conn, row.id, f):
                continue
            yield _article_dict(row)
            shown += 1
            if f.limit and shown >= f.limit:
                return


def _article_near(conn, article_id: int, f: Filters) -> bool:
    points = conn.execute(select(events.c.lat, events.c.lon)
                          .where(events.c.article_id == article_id, *_event_conditions(f)))
    return any(_within(f, lat, lon) for lat, lon in points)


def _article_dict(row) -> dict[str, Any]:
    return {"entry_id": row.entry_id, "published": _iso(row.when),
            "fetched": _iso(row.fetched_at), "feed": row.feed_id, "story_id": row.story_id,
            "title": row.title, "url": row.url, "killed": row.killed,
            "injured": row.injured, "events": row.events, "text_stored": bool(row.text_stored)}


# --- output ------------------------------------------------------------------------------

def write_json_lines(rows: Iterable[dict], out: io.TextIOBase) -> int:
    n = 0
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        n += 1
    return n


def write_csv(rows: Iterable[dict], out: io.TextIOBase, fields: Sequence[str]) -> int:
    writer = csv.DictWriter(out, fieldnames=list(fields), extrasaction="ignore")
    writer.writeheader()
    n = 0
    for row in rows:
        writer.writerow(row)
        n += 1
    return n


def geojson(rows: Iterable[dict]) -> dict[str, Any]:
    """Events with coordinates as a GeoJSON FeatureCollection of Points (RFC 7946: [lon,
    lat], WGS 84), for QGIS and web maps; events without coordinates are left out."""
    features = []
    for row in rows:
        if row.get("lat") is None or row.get("lon") is None:
            continue
        props = {k: row[k] for k in EVENT_FIELDS if k not in ("lat", "lon")}
        props["link"] = row["url"]
        features.append({"type": "Feature",
                         "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
                         "properties": props})
    return {"type": "FeatureCollection", "features": features}


EVENT_COLUMNS = (("PUBLISHED", "published", 16), ("FEED", "feed", 12), ("TYPE", "type", 13),
                 ("KILLED", "killed", 6), ("INJURED", "injured", 7),
                 ("LOCATION", "location", 16), ("TRIGGER", "trigger", 14),
                 ("TITLE", "title", 48))
ARTICLE_COLUMNS = (("PUBLISHED", "published", 16), ("FEED", "feed", 12),
                   ("KILLED", "killed", 6), ("INJURED", "injured", 7), ("EVENTS", "events", 6),
                   ("TITLE", "title", 60), ("LINK", "url", 40))


def write_table(rows: Iterable[dict], out: io.TextIOBase, columns) -> int:
    """A terminal table; Arabic cells padded by display width and bidi-isolated
    (worker/status.py)."""
    from worker.status import pad

    out.write("  ".join(pad(title, width) for title, _, width in columns).rstrip() + "\n")
    n = 0
    for row in rows:
        cells = []
        for _, key, width in columns:
            value = row.get(key)
            value = "" if value is None else str(value)
            cells.append(pad(value.replace("T", " ")[:16] if key == "published" else
                             value.replace("\n", " "), width))
        out.write("  ".join(cells).rstrip() + "\n")
        n += 1
    return n


def write_rows(rows: Iterable[dict], out: io.TextIOBase, fmt: str, *, kind: str) -> int:
    """Print ``rows`` (kind "events" or "articles") in ``fmt``; returns how many."""
    fields = EVENT_FIELDS if kind == "events" else ARTICLE_FIELDS
    if fmt == "json":
        return write_json_lines(rows, out)
    if fmt == "csv":
        return write_csv(rows, out, fields)
    if fmt == "geojson":
        if kind != "events":
            raise ConfigError("--format geojson is for `rasad events` (events have places)")
        collection = geojson(rows)
        out.write(json.dumps(collection, ensure_ascii=False) + "\n")
        return len(collection["features"])
    return write_table(rows, out, EVENT_COLUMNS if kind == "events" else ARTICLE_COLUMNS)
