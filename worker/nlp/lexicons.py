"""Loading of the event-extraction lexicons (worker/nlp/resources/lexicons/*.yaml).

The YAML files are data reviewed by linguists; see worker/nlp/resources/README.md
("Lexicons") for where each list comes from.  Loaded once per process.
"""

from __future__ import annotations

import functools
import pathlib
from typing import Any

import yaml

from worker.text.normalize import normalize_text

LEXICON_DIR = pathlib.Path(__file__).parent / "resources" / "lexicons"


@functools.lru_cache(maxsize=None)
def load(name: str) -> dict[str, Any]:
    """The parsed YAML lexicon ``name`` (without extension)."""
    with open(LEXICON_DIR / f"{name}.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def normalized_set(terms: list[str]) -> frozenset[str]:
    """Terms as normalised strings, for closed-class lookups of single words."""
    return frozenset(normalize_text(str(t)) for t in terms)
