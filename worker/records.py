"""Frozen dataclasses passed between stages, with ``to_dict``/``from_dict`` for the queue.

Celery task arguments are plain JSON dicts (DESIGN.md: "never pickles"); every record here
round-trips through JSON.  Decoding failures raise :class:`worker.errors.RecordError`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, TypeVar

from worker.errors import RecordError

T = TypeVar("T")


def _from_dict(cls: type[T], data: dict[str, Any]) -> T:
    try:
        names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        return cls(**{k: v for k, v in data.items() if k in names})
    except (TypeError, AttributeError) as exc:
        raise RecordError(f"cannot decode {cls.__name__} from {data!r:.200}") from exc


@dataclass(frozen=True)
class Span:
    """A half-open character span ``[start, end)`` into the article text."""

    text: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Span":
        return _from_dict(cls, data)


@dataclass(frozen=True)
class Entry:
    """One feed entry, as parsed; ``id`` is the stable identity used for the claim."""

    id: str
    feed_id: str
    url: str | None
    title: str
    summary: str
    published: str | None  # ISO 8601 UTC, or None when the feed gives no date
    content: str = ""  # full text, when the feed has it or `fulltext` fetched it
    lang: str = "ar"

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Entry":
        return _from_dict(cls, data)

    @property
    def text(self) -> str:
        """The article as ``analyze`` reads it: title on the first line, then the body."""
        body = self.content or self.summary
        return f"{self.title}\n{body}" if body else self.title


@dataclass(frozen=True)
class Entity:
    """A named-entity mention with its canonical link (``canonical`` is None when unlinked)."""

    text: str
    type: str  # PER, LOC, ORG, MISC
    start: int
    end: int
    canonical: dict[str, Any] | None = None  # {"id","name_en","name_ar",("lat","lon")}
    source: str = "ner"  # "ner", "gazetteer" or "ner+gazetteer"

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Entity":
        return _from_dict(cls, data)


@dataclass(frozen=True)
class Event:
    """An event frame; see worker/nlp/events.py for how each slot is filled."""

    type: str
    trigger: dict[str, Any]  # Span.to_dict()
    actors: list[dict[str, Any]] = field(default_factory=list)
    target: list[dict[str, Any]] = field(default_factory=list)
    location: dict[str, Any] | None = None
    weapon: dict[str, Any] | None = None
    time: dict[str, Any] | None = None
    attribution: dict[str, Any] | None = None
    killed: dict[str, Any] | None = None  # {"count": int|None, "approx": bool, "text",...}
    injured: dict[str, Any] | None = None
    missing: dict[str, Any] | None = None
    abducted: dict[str, Any] | None = None
    sentence: int = 0
    # Added by the event stage (issue 4): people moved/arrested/released with their count
    # and sub-groups, where movement ends, and material damage ("دمرت عربتين مدرعتين").
    people: dict[str, Any] | None = None
    destination: dict[str, Any] | None = None
    damage: dict[str, Any] | None = None
    # Other mentions of the same incident in the article ({"text","start","end",
    # "sentence"}), merged into this event by worker/nlp/event_coref.py.
    mentions: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Event":
        return _from_dict(cls, data)


@dataclass(frozen=True)
class Extraction:
    """What the NLP stage found in one article."""

    entities: tuple[Entity, ...] = ()
    events: tuple[Event, ...] = ()
    killed: int | None = None
    injured: int | None = None
    notes: tuple[str, ...] = ()  # e.g. which NER model ran, or why a stage was skipped

    def to_dict(self) -> dict[str, Any]:
        return {
            "entities": [e.to_dict() for e in self.entities],
            "events": [e.to_dict() for e in self.events],
            "casualties": {"killed": self.killed, "injured": self.injured},
            "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Extraction":
        try:
            cas = data.get("casualties") or {}
            return cls(
                entities=tuple(Entity.from_dict(e) for e in data.get("entities", [])),
                events=tuple(Event.from_dict(e) for e in data.get("events", [])),
                killed=cas.get("killed"),
                injured=cas.get("injured"),
                notes=tuple(data.get("notes", [])),
            )
        except AttributeError as exc:
            raise RecordError(f"cannot decode Extraction from {data!r:.200}") from exc


@dataclass(frozen=True)
class Alert:
    """One alert for (rule, story); ``update_of`` is set when a higher toll re-alerts."""

    id: str
    rule: str
    severity: str
    story_id: str
    entry_id: str
    feed_id: str
    title: str
    url: str | None
    published: str | None
    matches: tuple[Span, ...]
    snippet: str
    created_at: str
    casualties: dict[str, Any] = field(default_factory=dict)
    entities: tuple[dict[str, Any], ...] = ()
    events: tuple[dict[str, Any], ...] = ()
    update_of: str | None = None
    previous: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["matches"] = [m.to_dict() for m in self.matches]
        data["entities"] = list(self.entities)
        data["events"] = list(self.events)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Alert":
        try:
            data = dict(data)
            data["matches"] = tuple(Span.from_dict(m) for m in data.get("matches", []))
            data["entities"] = tuple(data.get("entities", ()))
            data["events"] = tuple(data.get("events", ()))
        except AttributeError as exc:
            raise RecordError(f"cannot decode Alert from {data!r:.200}") from exc
        return _from_dict(cls, data)
