"""Full text: fetch an article page under the feed limits and extract its main text.

Used for feeds with ``fulltext: true`` (DESIGN.md "The flow": optional full text).  The page
is fetched by :func:`worker.fetch.fetch` (same address checks, caps and per-host cap), decoded
by the same Arabic-aware logic as feeds (:func:`worker.parse.decode_document`, which also
reads ``<meta charset>``), and handed to trafilatura as text, so trafilatura's own guess
cannot undo a correct decode.
"""

from __future__ import annotations

import re
from typing import Mapping

import httpx
import trafilatura

from worker.errors import PermanentFetchError
from worker.fetch import HTML_ACCEPT, FetchLimits, HostLimiter, fetch
from worker.parse import decode_document, tidy_text

__all__ = ["extract_main_text", "fetch_article_text"]

_HTML_TYPES = ("text/html", "application/xhtml+xml", "")
# lxml refuses str input that carries an XML encoding declaration (XHTML pages).
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)


def extract_main_text(html: bytes, headers: Mapping[str, str], url: str) -> str:
    """Main text of an HTML page as plain text, paragraphs separated by blank lines;
    "" when the page has no recognisable article body (the caller keeps the summary)."""
    text, _ = decode_document(html, headers, "html")
    text = _XML_DECL_RE.sub("", text, count=1)
    extracted = trafilatura.extract(
        text, url=url, include_comments=False, include_tables=False, include_images=False,
        include_links=False, favor_precision=True,
    )
    return "\n\n".join(tidy_text(extracted or "").split("\n"))


def _media_type(headers: Mapping[str, str]) -> str:
    return headers.get("content-type", "").split(";", 1)[0].strip().lower()


def fetch_article_text(
    url: str,
    *,
    client: httpx.Client,
    allow_private: bool,
    limits: FetchLimits = FetchLimits(),
    host_limiter: HostLimiter | None = None,
) -> str:
    """Fetch ``url`` and return its main text.  Raises the fetch errors of
    :func:`worker.fetch.fetch`, and PermanentFetchError for a page that is not HTML
    (a PDF or an image link in a feed)."""
    result = fetch(url, client=client, allow_private=allow_private, limits=limits,
                   host_limiter=host_limiter, accept=HTML_ACCEPT)
    media_type = _media_type(result.headers)
    if media_type == "text/plain":
        return tidy_text(decode_document(result.body, result.headers, "html")[0])
    if media_type not in _HTML_TYPES:
        raise PermanentFetchError(f"{url}: not an HTML page (Content-Type {media_type})")
    return extract_main_text(result.body, result.headers, result.final_url)
