"""Rasad's error hierarchy: the class decides retry and log level (STYLE.md §5).

Transient errors retry with jittered backoff; permanent ones are counted and recorded on
the feed; anything else is unexpected and logged with a traceback.  Pattern after dramatiq
``errors.py``.
"""

from __future__ import annotations


class RasadError(Exception):
    """Base class for all of Rasad's own errors."""


class ConfigError(RasadError):
    """Bad settings, feeds or rules file; stops start-up with a message naming the input."""


class RecordError(RasadError):
    """A queue payload that does not decode into the expected record."""


class FetchError(RasadError):
    """Fetching a feed or page failed."""

    transient = False

    def __init__(self, message: str, *, retry_after_seconds: float | None = None):
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class TransientFetchError(FetchError):
    """Timeout, connection reset, 5xx, 429: try again later with backoff."""

    transient = True


class PermanentFetchError(FetchError):
    """401/403/404/410, refused address, oversize body: retrying will not help."""


class ParseError(RasadError):
    """A feed body that is not a usable feed (bad XML with no entries, wrong content)."""


class ModelError(RasadError):
    """A missing or mismatched NER model: a start-up error, never silent garbage."""
