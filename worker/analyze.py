"""The one-shot tools behind ``rasad analyze`` and ``rasad feed``: same stages as the service,
no Redis, output in the JSON contract of DESIGN.md ("Contracts other tools rely on")."""

from __future__ import annotations

import pathlib
from typing import Any

from worker.errors import FetchError, ParseError
from worker.extract import Article, get_extractor
from worker.fetch import fetch, make_client
from worker.parse import parse_feed
from worker.records import Event, Extraction
from worker.runtime import fetch_limits, load_ruleset
from worker.settings import Settings


def analyze_text(text: str, *, settings: Settings, published: str | None = None) -> dict[str, Any]:
    """One article (title on the first line) in; entities, events, casualties, alerts out."""
    extraction = get_extractor(settings.ner_model, settings.ner_threads,
                               settings.nlp_max_chars).extract(Article(text, published))
    rules = load_ruleset(settings)
    return analysis_dict(extraction, rules.match(text, extraction))


def analysis_dict(extraction: Extraction, matches) -> dict[str, Any]:
    return {
        "entities": [
            {"text": e.text, "type": e.type, "start": e.start, "end": e.end,
             "canonical": e.canonical, "source": e.source} for e in extraction.entities],
        "events": [_event(e) for e in extraction.events],
        "casualties": {"killed": extraction.killed, "injured": extraction.injured},
        "alerts": [{"rule": m.rule.id, "severity": m.rule.severity,
                    "matches": [s.to_dict() for s in m.matches]} for m in matches],
        "notes": list(extraction.notes),
    }


def _event(event: Event) -> dict[str, Any]:
    """The DESIGN.md event shape: killed/injured as counts, details kept alongside."""
    data = event.to_dict()
    for slot in ("killed", "injured", "missing", "abducted"):
        detail = data.get(slot)
        data[slot] = detail.get("count") if isinstance(detail, dict) else detail
        data[f"{slot}_detail"] = detail
    return data


def parse_feed_input(source: str, *, settings: Settings, allow_private: bool = False
                     ) -> dict[str, Any]:
    """Parse one feed file or URL; errors are reported in the result, never raised."""
    try:
        body, headers, base = _read_source(source, settings, allow_private)
        parsed = parse_feed(body, headers, feed_id="cli", base_url=base)
    except (FetchError, ParseError, OSError) as exc:
        return {"source": source, "encoding": None, "entries": [], "error": str(exc)}
    return {
        "source": source, "encoding": parsed.encoding, "error": None,
        "entries": [{"id": e.id, "url": e.url, "title": e.title, "summary": e.summary,
                     "published": e.published} for e in parsed.entries],
    }


def _read_source(source: str, settings: Settings, allow_private: bool):
    if source.startswith(("http://", "https://")):
        limits = fetch_limits(settings)
        with make_client(limits) as client:
            result = fetch(source, client=client, allow_private=allow_private, limits=limits)
        return result.body, result.headers, result.final_url
    path = pathlib.Path(source)
    return path.read_bytes(), {}, path.resolve().as_uri()
