"""Parse stage: feed bytes + response headers -> decoded text -> :class:`ParsedFeed` of Entries.

Decoding is ours, not feedparser's: Arabic feeds arrive in UTF-8, windows-1256 or
ISO-8859-6, declared, undeclared or mislabelled (DESIGN.md "Fetching and parsing"), and a
wrong guess gives mojibake that no later stage can repair.  We pick the encoding by which
candidate decodes to real Arabic (see :func:`decode_feed`), re-encode as UTF-8, rewrite the
XML declaration to match, and hand feedparser those bytes in a file object (never a string
or bytes it could take for a path or URL: feedparser would read local files).
"""

from __future__ import annotations

import calendar
import codecs
import hashlib
import html
import html.parser
import io
import logging
import re
import unicodedata
import urllib.parse
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Mapping

import feedparser

from worker.errors import ParseError
from worker.records import Entry
from worker.text.normalize import normalize_text

log = logging.getLogger(__name__)

__all__ = ["ParsedFeed", "decode_feed", "decode_document", "entry_identity", "utf8_counts",
           "canonical_url", "html_to_text", "parse_feed", "tidy_text"]


@dataclass(frozen=True)
class ParsedFeed:
    encoding: str
    title: str | None
    entries: tuple[Entry, ...]
    invalid_sequences: int = 0  # byte sequences not valid in the encoding, decoded as best we can


# --------------------------------------------------------------------------- decoding

# Display names (WHATWG labels) for what Python calls cp1256 / iso8859-6.
_DISPLAY = {"utf-8": "utf-8", "cp1256": "windows-1256", "iso8859-6": "iso-8859-6",
            "latin-1": "iso-8859-1", "cp1252": "windows-1252", "ascii": "us-ascii",
            "utf-16": "utf-16", "utf-16-le": "utf-16le", "utf-16-be": "utf-16be",
            "utf-32": "utf-32", "utf-32-le": "utf-32le", "utf-32-be": "utf-32be",
            "utf-8+cp1256": "utf-8+windows-1256"}
# Single-byte Arabic encodings tried when the declaration is missing or wrong.
_ARABIC_CANDIDATES = ("cp1256", "iso8859-6")
# Byte order marks, then "<?" in UTF-16 without a BOM (XML 1.0 Appendix F).
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"), (b"<\0?\0", "utf-16-le"), (b"\0<\0?", "utf-16-be"))
_CHARSET_RE = re.compile(r"""charset\s*=\s*["']?([\w.:-]+)""", re.I)
_PROLOG_RE = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([\w.:-]+)["']""", re.I)
_META_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.I)


def _codec(label: str | None) -> str | None:
    """Python codec name for a charset label, None when unknown.  ISO-8859-1 and US-ASCII
    labels mean windows-1252 on the web (WHATWG Encoding §4.2), which also makes C1 bytes
    decode instead of failing."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None
    return {"latin-1": "cp1252", "iso8859-1": "cp1252", "ascii": "cp1252"}.get(name, name)


def _display(codec: str) -> str:
    return _DISPLAY.get(codec, codec)


def _declared(body: bytes, headers: Mapping[str, str], kind: str) -> list[str]:
    """Codecs declared by the HTTP Content-Type and by the document (XML prolog or meta)."""
    labels = []
    content_type = {k.lower(): v for k, v in headers.items()}.get("content-type", "")
    if match := _CHARSET_RE.search(content_type):
        labels.append(match.group(1))
    head = body[:1024]
    if match := _PROLOG_RE.match(head):
        labels.append(match.group(1).decode("ascii"))
    if kind == "html" and (match := _META_RE.search(body[:4096])):
        labels.append(match.group(1).decode("ascii"))
    return list(dict.fromkeys(c for c in map(_codec, labels) if c))


def _strict(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


# Arabic letters (not harakat: a diacritic alone proves nothing), Persian/Urdu additions,
# Arabic Supplement and presentation forms.
_ARABIC_RE = re.compile("[\u0620-\u064a\u0671-\u06d3\u0750-\u077f\ufb50-\ufdff\ufe70-\ufefc]")
# Non-ASCII characters that are neither letters, digits nor whitespace.
_ODD_RE = re.compile(r"[^\x00-\x7f\w\s]")


_WORD_RE = re.compile(r"[^\W\d_]+")
# Non-ASCII punctuation real Arabic news uses; other non-letter symbols (§ „ ƒ ‡ ¤ ...)
# are what a wrong single-byte decode of UTF-8 or of another code page leaves behind.
_FINE_SYMBOLS = set("«»،؛؟٪٫٬–—‘’“”…•·\u00a0\u200c\u200d\u200e\u200f°×÷")


def arabic_score(text: str) -> int:
    """How much ``text`` reads as real Arabic rather than mojibake.  Letters in all-Arabic
    words count for; words mixing Arabic with Latin letters (ISO-8859-6 read as
    windows-1256 gives ``الàو``), Latin letters with diacritics (UTF-8 or Arabic read as
    Latin-1 gives ``Ø§Ù``), stray symbols and C1 controls count against."""
    score = 0
    for word in _WORD_RE.findall(text):
        if word.isascii():
            continue
        arabic = len(_ARABIC_RE.findall(word))
        if arabic == len(word):
            score += arabic
        elif arabic:
            score -= 3 * len(word)
        else:
            score -= sum(1 for ch in word if ord(ch) > 0x7F)
    for ch in _ODD_RE.findall(text):
        if ch not in _FINE_SYMBOLS:
            category = unicodedata.category(ch)
            if category == "Cc" or ch == "\ufffd":
                score -= 10
            elif category[0] in "PS":
                score -= 3
    return score


def _cp1256_fragment(error: UnicodeDecodeError) -> tuple[str, int]:
    # windows-1256 defines all 256 bytes, so this never fails.
    return error.object[error.start:error.end].decode("cp1256"), error.end


codecs.register_error("rasad.cp1256", _cp1256_fragment)
_MIXED = "utf-8+cp1256"
_SCORE_SAMPLE_BYTES = 64 * 1024


def _decode(body: bytes, codec: str, partial: bool = False) -> str:
    """Decode with a candidate known to work (``partial``: a sample that may end mid-char)."""
    if codec == _MIXED:  # UTF-8 where valid, windows-1256 for the bytes that are not
        return body.decode("utf-8", errors="rasad.cp1256")
    return body.decode(codec, errors="ignore" if partial else "strict")


def utf8_counts(body: bytes) -> tuple[int, int]:
    """(non-ASCII characters that are valid UTF-8, invalid UTF-8 sequences) in ``body``;
    an invalid sequence is one maximal run the decoder replaces with U+FFFD."""
    text = body.decode("utf-8", errors="replace")
    invalid = text.count("\ufffd") - body.count("\ufffd".encode())
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    return non_ascii - invalid, invalid


def _mostly_utf8(body: bytes) -> bool:
    """More valid UTF-8 characters than invalid sequences: UTF-8 with some damage, not a
    legacy code page.  Measured on the fixtures: a windows-1256 feed has 27 valid to 6,604
    invalid, an ISO-8859-6 one 8 to 6,615 (legacy Arabic is almost never valid UTF-8), a
    UTF-8 feed with stray bytes thousands to a few.  Scoring alone cannot see this when the
    scored sample holds no Arabic (a feed whose first 64 KiB are ASCII): every candidate
    then ties and wholesale windows-1256 won, turning the whole feed into mojibake."""
    valid, invalid = utf8_counts(body)
    return valid > invalid


def _best_candidate(body: bytes, declared: list[str]) -> tuple[str, str]:
    """Among the declared codecs, the Arabic code pages and UTF-8 patched with windows-1256
    (a UTF-8 feed with one pasted legacy item or one stray byte), the one whose decode reads
    most like Arabic; earlier candidates win ties, so a declaration is kept when nothing
    reads better (a French feed in Latin-1 stays Latin-1).  Each codec must decode the whole
    body strictly; the score is taken on a sample (mislabelling is uniform, and the mixed
    decode calls Python once per bad byte)."""
    best = None
    sample = body[:_SCORE_SAMPLE_BYTES]
    for rank, codec in enumerate(dict.fromkeys([*declared, *_ARABIC_CANDIDATES, _MIXED])):
        if codec != _MIXED and _strict(body, codec) is None:
            continue
        key = (arabic_score(_decode(sample, codec, partial=True)), -rank)
        if best is None or key > best[0]:
            best = (key, codec)
    assert best is not None  # windows-1256 and the mixed decode never fail
    return _decode(body, best[1]), best[1]


def decode_document(body: bytes, headers: Mapping[str, str], kind: str = "xml") -> tuple[str, str]:
    """Decode a feed (``kind="xml"``) or a page (``"html"``): (text, encoding name).

    Order: a BOM is decisive; a declared UTF-16/32 is trusted; bytes that are valid UTF-8
    and not plain ASCII are UTF-8 whatever the label says (legacy Arabic text is almost never
    valid UTF-8, while "charset=iso-8859-1" on UTF-8 is a common server default); bytes that
    are mostly valid UTF-8 are UTF-8 with the invalid bytes decoded one by one as
    windows-1256 (a pasted legacy item reads right, a stray byte stays one character; see
    :func:`_mostly_utf8`); otherwise the candidate that reads most like Arabic (see
    :func:`_best_candidate`).  Never fails and never yields U+FFFD: windows-1256 defines all
    256 bytes.  (charset-normalizer, restricted to the same three encodings, agrees on every
    fixture but cannot see a declaration or a mixed UTF-8 feed, so it is not consulted.)"""
    for bom, codec in _BOMS:
        if body.startswith(bom) and (text := _strict(body, codec)) is not None:
            return text, _display(codec.replace("-sig", ""))
    declared = _declared(body, headers, kind)
    wide = [c for c in declared if c.startswith(("utf-16", "utf-32"))]
    for codec in wide:
        if (text := _strict(body, codec)) is not None:
            return text, _display(codec)
    if body.isascii():
        narrow = [c for c in declared if c not in wide]
        return body.decode("ascii"), _display(narrow[0] if narrow else "utf-8")
    if (text := _strict(body, "utf-8")) is not None:
        return text, "utf-8"
    if _mostly_utf8(body):
        return _decode(body, _MIXED), _display(_MIXED)
    text, codec = _best_candidate(body, [c for c in declared if c not in wide])
    return text, _display(codec)


def decode_feed(body: bytes, headers: Mapping[str, str]) -> tuple[str, str]:
    """(text, encoding name) of a feed body; see :func:`decode_document`."""
    return decode_document(body, headers, "xml")


_PROLOG_ENCODING_RE = re.compile(r"""^(\s*<\?xml[^>]*?encoding\s*=\s*)(["'])[\w.:-]+\2""", re.I)


def _as_utf8_xml(text: str) -> bytes:
    """UTF-8 bytes whose XML declaration, if any, says UTF-8 (else the parser would
    re-decode with the old label)."""
    return _PROLOG_ENCODING_RE.sub(r"\1\2utf-8\2", text, count=1).encode("utf-8")


# --------------------------------------------------------------------------- HTML to text

_BLOCK_TAGS = frozenset("""address article aside blockquote br dd div dl dt figcaption figure
footer h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tr ul""".split())
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template"})


class _TextCollector(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n" if tag == "p" else "\n")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)  # <br/> is one break, not an open and a close

    def handle_endtag(self, tag):
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n" if tag == "p" else "\n")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment: tags dropped, entities unescaped, paragraphs kept as
    blank-line-separated blocks, whitespace inside a line collapsed."""
    if not markup:
        return ""
    collector = _TextCollector()
    collector.feed(markup)
    collector.close()
    text = "".join(collector.parts)
    # A second unescape for feeds that double-escape (&amp;quot;) inside CDATA.
    if "&" in text:
        text = html.unescape(text)
    return tidy_text(text)


def tidy_text(text: str) -> str:
    """Whitespace inside each line collapsed; runs of blank lines become one blank line
    (the paragraph break); single line breaks inside a paragraph are kept."""
    lines = [" ".join(line.split()) for line in text.replace("\r", "\n").split("\n")]
    blocks, current = [], []
    for line in lines + [""]:
        if line:
            current.append(line)
        elif current:
            blocks.append("\n".join(current))
            current = []
    return "\n\n".join(blocks)


def _plain(detail: Mapping[str, Any] | None, value: str) -> str:
    """Text of a feedparser text construct: HTML stripped unless it is declared plain."""
    if detail and detail.get("type") == "text/plain":
        return tidy_text(html.unescape(value))
    return html_to_text(value)


# --------------------------------------------------------------------------- identity

# Query parameters that only track the reader, never select the article (utm_*: Google
# Analytics campaign tags; fbclid/gclid/msclkid/yclid/igshid: click ids; mc_*: Mailchimp).
_TRACKING = frozenset({"fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid",
                       "igshid", "mc_cid", "mc_eid", "_ga", "_gl", "ocid", "cmpid",
                       "at_medium", "at_campaign", "ito", "ns_mchannel", "ns_source",
                       "ns_campaign", "ns_linkname", "ns_fee", "spm", "share", "xtor"})


def _is_tracking(name: str) -> bool:
    name = name.lower()
    return name.startswith(("utm_", "hmb_")) or name in _TRACKING


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, default port and fragment dropped, tracking parameters
    removed, remaining query sorted; the path is kept as is (paths are case-sensitive)."""
    parts = urllib.parse.urlsplit(url.strip())
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower().rstrip(".")
    port = parts.port if parts.port and (scheme, parts.port) not in (("http", 80), ("https", 443)) else None
    netloc = f"[{host}]" if ":" in host else host
    netloc += f":{port}" if port else ""
    query = sorted((k, v) for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
                   if not _is_tracking(k))
    return urllib.parse.urlunsplit(
        (scheme, netloc, parts.path or "/", urllib.parse.urlencode(query), ""))


def _short(prefix: str, text: str, algorithm: str) -> str:
    return f"{prefix}:{hashlib.new(algorithm, text.encode('utf-8')).hexdigest()[:16]}"


def entry_identity(guid: str | None, link: str | None, title: str, summary: str) -> str:
    """Stable entry id: ``g:`` + hash of the guid, else ``u:`` + hash of the canonical link,
    else ``h:`` + sha256 of the normalised title and summary (so diacritics, tatweel and
    spacing changes do not make a new entry)."""
    if guid and guid.strip():
        return _short("g", guid.strip(), "sha1")
    if link and link.strip():
        return _short("u", canonical_url(link), "sha1")
    content = " ".join(normalize_text(title or "").split()) + "\n" + \
        " ".join(normalize_text(summary or "").split())
    return _short("h", content, "sha256")


# --------------------------------------------------------------------------- entries

def _iso_utc(entry: Mapping[str, Any]) -> str | None:
    """feedparser's parsed date (a UTC struct_time) as ISO 8601 with Z."""
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    try:
        moment = datetime.fromtimestamp(calendar.timegm(parsed), tz=timezone.utc)
    except (OverflowError, ValueError, OSError):
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _entry_base(base_url: str, feed: Mapping[str, Any]) -> str:
    """Where relative entry links resolve: the feed's own address when it was fetched over
    http(s); for a local file (``rasad feed FILE``), the site link the feed declares."""
    if urllib.parse.urlsplit(base_url).scheme in ("http", "https"):
        return base_url
    self_links = [l.get("href", "") for l in feed.get("links") or () if l.get("rel") == "self"]
    site = str(feed.get("link") or next(iter(self_links), ""))
    return site if urllib.parse.urlsplit(site).scheme in ("http", "https") else base_url


def _link(entry: Mapping[str, Any], base_url: str) -> str | None:
    link = (entry.get("link") or "").strip()
    if not link:
        return None
    absolute = urllib.parse.urljoin(base_url, link)
    # javascript:, data: and the like are not article links.
    return absolute if urllib.parse.urlsplit(absolute).scheme in ("http", "https") else None


def _content(entry: Mapping[str, Any], summary: str) -> str:
    """Full content (content:encoded, Atom content) as text, unless it just repeats the
    summary."""
    for item in entry.get("content") or ():
        text = _plain(item, item.get("value", ""))
        if text and text != summary:
            return text
    return ""


def _entry(raw: Mapping[str, Any], feed_id: str, base_url: str, lang: str) -> Entry:
    title = _plain(raw.get("title_detail"), raw.get("title", ""))
    title = " ".join(title.split())
    summary = _plain(raw.get("summary_detail"), raw.get("summary", ""))
    link = _link(raw, base_url)
    guid = (raw.get("id") or "").strip() or None
    return Entry(
        id=entry_identity(guid, link, title, summary), feed_id=feed_id, url=link,
        title=title, summary=summary, published=_iso_utc(raw),
        content=_content(raw, summary), lang=lang,
    )


def parse_feed(body: bytes, headers: Mapping[str, str], *, feed_id: str, base_url: str,
               lang: str = "ar") -> ParsedFeed:
    """Entries of one feed, in feed order, one per identity (repeated guids keep the first).

    Raises ParseError naming the feed when the body is not a feed, or is XML so broken that
    no entry can be recovered; a feed that is malformed but still yields entries (feedparser
    "bozo" with its lenient parser) is accepted.  Bytes that are not valid UTF-8 in a feed
    read as UTF-8 are logged with the feed id and counted in ``invalid_sequences``."""
    text, encoding = decode_feed(body, headers)
    invalid = _invalid_sequences(body, encoding, feed_id)
    result = feedparser.parse(
        io.BytesIO(_as_utf8_xml(text)),
        response_headers=_feedparser_headers(base_url),
    )
    entries = _unique_entries(result.get("entries") or [], feed_id,
                              _entry_base(base_url, result.get("feed") or {}), lang)
    if not entries:
        _check_empty_feed(result, feed_id, base_url)
    feed_title = " ".join(html_to_text(result.feed.get("title", "")).split()) or None
    return ParsedFeed(encoding=encoding, title=feed_title, entries=tuple(entries),
                      invalid_sequences=invalid)


def _invalid_sequences(body: bytes, encoding: str, feed_id: str) -> int:
    if encoding != _display(_MIXED):
        return 0
    valid, invalid = utf8_counts(body)
    log.warning("feed is not valid UTF-8: invalid bytes decoded as windows-1256, the rest as "
                "UTF-8; ask the publisher to fix the feed", extra={
                    "feed_id": feed_id, "invalid_sequences": invalid,
                    "valid_utf8_characters": valid})
    return invalid


def _feedparser_headers(base_url: str) -> dict[str, str]:
    """The body is UTF-8 now; an http(s) address is the base for relative links (a file://
    base would turn them into file: links, which are dropped: _entry_base resolves them)."""
    headers = {"content-type": "application/xml; charset=utf-8"}
    if urllib.parse.urlsplit(base_url).scheme in ("http", "https"):
        headers["content-location"] = base_url
    return headers


def _unique_entries(raws, feed_id: str, base_url: str, lang: str) -> list[Entry]:
    """Entries with something in them, first occurrence of each identity only."""
    entries, seen = [], set()
    for raw in raws:
        entry = _entry(raw, feed_id, base_url, lang)
        if entry.id not in seen and (entry.title or entry.summary or entry.url):
            seen.add(entry.id)
            entries.append(entry)
    return entries


def _check_empty_feed(result: Any, feed_id: str, base_url: str) -> None:
    if result.get("bozo"):
        cause = result.get("bozo_exception")
        raise ParseError(f"feed {feed_id} ({base_url}): malformed feed with no entries: "
                         f"{type(cause).__name__}: {cause}")
    if not result.get("version"):
        raise ParseError(f"feed {feed_id} ({base_url}): not an RSS or Atom feed")
