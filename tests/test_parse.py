"""Parse stage: encodings (declared, undeclared, mislabelled), real-looking Arabic RSS and
Atom feeds, entry identity, HTML to text, malformed feeds."""

from __future__ import annotations

import hashlib
import json
import logging
import pathlib

import pytest

from tests.test_acceptance import rss
from tests.test_tasks import tasks  # noqa: F401 - the fixture: Celery eager, real Redis
from worker.errors import ParseError
from worker.parse import (
    arabic_score, canonical_url, decode_feed, entry_identity, html_to_text, parse_feed,
    utf8_counts,
)

FEEDS = pathlib.Path(__file__).parent / "fixtures" / "feeds"
EXPECTED = json.loads((FEEDS / "encodings.expected.json").read_text(encoding="utf-8"))


def ws(text: str) -> str:
    return " ".join(text.split())


def parse(name: str, content_type: str | None = "application/rss+xml", **kw):
    headers = {"Content-Type": content_type} if content_type else {}
    kw.setdefault("feed_id", "test")
    kw.setdefault("base_url", "https://example.org/feed.xml")
    return parse_feed((FEEDS / name).read_bytes(), headers, **kw)


def ct(charset: str | None) -> str:
    return "application/rss+xml" + (f"; charset={charset}" if charset else "")


# --------------------------------------------------------------------------- encodings

ENCODING_CASES = []
for label, other in [("windows-1256", "iso-8859-6"), ("iso-8859-6", "windows-1256")]:
    ENCODING_CASES += [
        pytest.param(f"{label}-undeclared.xml", ct(label), label, id=f"{label}-declared-http"),
        pytest.param(f"{label}.xml", ct(None), label, id=f"{label}-declared-prolog"),
        pytest.param(f"{label}.xml", ct(label), label, id=f"{label}-declared-both"),
        pytest.param(f"{label}-undeclared.xml", ct(None), label, id=f"{label}-undeclared"),
        pytest.param(f"{label}-undeclared.xml", None, label, id=f"{label}-no-content-type"),
        pytest.param(f"{label}-prolog-says-utf8.xml", "text/xml; charset=utf-8", label,
                     id=f"{label}-mislabelled-utf8"),
        pytest.param(f"{label}-undeclared.xml", "text/xml; charset=iso-8859-1", label,
                     id=f"{label}-mislabelled-latin1"),
        pytest.param(f"{label}-prolog-says-utf8.xml", "text/xml; charset=windows-1252", label,
                     id=f"{label}-mislabelled-cp1252-and-prolog-utf8"),
        pytest.param(f"{label}.xml", ct(other), label, id=f"{label}-mislabelled-as-{other}"),
    ]
ENCODING_CASES += [
    pytest.param("utf-8.xml", ct("utf-8"), "utf-8", id="utf-8-declared"),
    pytest.param("utf-8.xml", ct(None), "utf-8", id="utf-8-prolog-only"),
    pytest.param("utf-8-bom.xml", ct(None), "utf-8", id="utf-8-bom"),
    pytest.param("utf-8-bom.xml", ct("windows-1256"), "utf-8", id="utf-8-bom-mislabelled"),
    pytest.param("utf-8.xml", "text/xml; charset=iso-8859-1", "utf-8",
                 id="utf-8-mislabelled-latin1"),
    pytest.param("utf-8.xml", ct("windows-1256"), "utf-8", id="utf-8-mislabelled-1256"),
]


@pytest.mark.parametrize("name, content_type, expected_encoding", ENCODING_CASES)
def test_arabic_feed_decodes_correctly(name, content_type, expected_encoding):
    feed = parse(name, content_type)
    truth = EXPECTED[expected_encoding if expected_encoding != "utf-8" else "utf-8"]
    assert feed.encoding == expected_encoding
    assert feed.title == "أخبار"
    assert [ws(e.title) for e in feed.entries] == [ws(t["title"]) for t in truth]
    assert [ws(e.summary) for e in feed.entries] == [ws(t["summary"]) for t in truth]
    text = "".join(e.title + e.summary for e in feed.entries)
    assert "\ufffd" not in text
    assert not any("\u00c0" <= ch <= "\u024f" for ch in text)  # no Ã/Ø/Ù-style mojibake


@pytest.mark.parametrize("codec, label", [
    pytest.param("utf-16", "utf-16", id="utf-16-bom"),
    pytest.param("utf-16-le", "utf-16le", id="utf-16le-no-bom"),
    pytest.param("utf-16-be", "utf-16be", id="utf-16be-no-bom"),
])
def test_utf16_decodes(codec, label):
    body = (FEEDS / "utf-8.xml").read_text(encoding="utf-8").replace(
        'encoding="utf-8"', 'encoding="utf-16"').encode(codec)
    feed = parse_feed(body, {}, feed_id="t", base_url="https://example.org/")
    assert feed.encoding == label
    assert ws(feed.entries[0].title) == ws(EXPECTED["utf-8"][0]["title"])


@pytest.mark.parametrize("raw, codec, headers, expected", [
    pytest.param("قصف الباغوز".encode("cp1256"), "cp1256", {}, "windows-1256",
                 id="short-cp1256"),
    pytest.param("قصف الباغوز".encode("iso8859-6"), "iso8859-6", {}, "iso-8859-6",
                 id="short-iso-8859-6"),
    pytest.param("Déjà vu à Paris".encode("latin-1"), "latin-1",
                 {"content-type": "text/xml; charset=iso-8859-1"}, "windows-1252",
                 id="french-latin1-keeps-declared"),
    pytest.param(b"plain ascii", "ascii", {}, "utf-8", id="ascii"),
])
def test_decode_feed_short_texts(raw, codec, headers, expected):
    text, encoding = decode_feed(raw, headers)
    assert (text, encoding) == (raw.decode(codec), expected)


def test_arabic_score_prefers_real_arabic_over_mojibake():
    text = "قتل ثلاثة مدنيين في قصف على الباغوز"
    as_latin1 = text.encode("utf-8").decode("latin-1")
    cp_as_iso = text.encode("iso8859-6").decode("cp1256")
    assert arabic_score(text) > 0 > max(arabic_score(as_latin1), arabic_score(cp_as_iso))


def test_stray_byte_in_utf8_feed_leaves_the_rest_intact():
    """One stray byte must not turn a whole UTF-8 feed into mojibake, nor drop it."""
    body = (FEEDS / "utf-8.xml").read_bytes().replace("أعلنت".encode(), b"\xff", 1)
    feed = parse_feed(body, {}, feed_id="t", base_url="https://example.org/")
    assert feed.encoding == "utf-8+windows-1256"
    truth = EXPECTED["utf-8"]
    assert [ws(e.summary) for e in feed.entries[1:]] == [ws(t["summary"]) for t in truth[1:]]
    assert "\ufffd" not in feed.entries[0].summary


def test_utf8_feed_with_one_windows_1256_item_decodes_both():
    """A UTF-8 feed with one item pasted in from a windows-1256 source (seen in the wild)."""
    utf8 = (FEEDS / "utf-8.xml").read_bytes()
    legacy = "قصف على الباغوز ومقتل ثلاثة مدنيين"
    body = utf8.replace("<title>أخبار</title>".encode(),
                        b"<title>" + legacy.encode("cp1256") + b"</title>", 1)
    feed = parse_feed(body, {"content-type": "text/xml; charset=utf-8"}, feed_id="t",
                      base_url="https://example.org/")
    assert feed.title == legacy
    truth = EXPECTED["utf-8"]
    assert [ws(e.summary) for e in feed.entries] == [ws(t["summary"]) for t in truth]


UTF8_DAMAGE = [
    pytest.param(b"\xff", id="stray-ff"),
    pytest.param("أعلنت".encode()[:-1], id="truncated-character"),
    pytest.param(b"\x80\x80", id="lone-continuation-bytes"),
    pytest.param("café".encode("latin-1"), id="latin-1-byte"),
    pytest.param(b"\xc0\xaf", id="overlong"),
    pytest.param(b"\xed\xa0\x80", id="surrogate"),
]


def _damaged(bad: bytes, ascii_prefix: int = 0) -> bytes:
    """The UTF-8 fixture with the first item's first word replaced by ``bad`` bytes, after
    an ASCII comment of ``ascii_prefix`` bytes."""
    body = (FEEDS / "utf-8.xml").read_bytes().replace("أعلنت".encode(), bad, 1)
    if ascii_prefix:
        cut = body.index(b"<channel>")
        body = body[:cut] + b"<!-- " + b"x" * ascii_prefix + b" -->" + body[cut:]
    return body


@pytest.mark.parametrize("ascii_prefix", [
    pytest.param(0, id="arabic-from-the-start"),
    # The encoding scorer samples the first 64 KiB: all ASCII here, so every candidate tied
    # and wholesale windows-1256 won, turning the whole feed into mojibake.
    pytest.param(70_000, id="first-64KiB-ascii"),
])
@pytest.mark.parametrize("bad", UTF8_DAMAGE)
def test_invalid_utf8_in_a_declared_utf8_feed_is_repaired_not_mojibake(bad, ascii_prefix, caplog):
    caplog.set_level(logging.WARNING, logger="worker.parse")
    feed = parse_feed(_damaged(bad, ascii_prefix), {"content-type": "text/xml; charset=utf-8"},
                      feed_id="damaged", base_url="https://example.org/")
    assert feed.encoding == "utf-8+windows-1256"
    truth = EXPECTED["utf-8"]
    assert feed.title == "أخبار"
    assert [ws(e.title) for e in feed.entries[1:]] == [ws(t["title"]) for t in truth[1:]]
    assert [ws(e.summary) for e in feed.entries[1:]] == [ws(t["summary"]) for t in truth[1:]]
    first = ws(feed.entries[0].summary)
    assert first.endswith(ws(truth[0]["summary"]).partition("أعلنت")[2])
    assert feed.invalid_sequences >= 1
    (record,) = [r for r in caplog.records if r.name == "worker.parse"]
    assert record.levelno == logging.WARNING and record.feed_id == "damaged"
    assert record.invalid_sequences == feed.invalid_sequences


def test_valid_feeds_have_no_invalid_sequences_and_log_nothing(caplog):
    caplog.set_level(logging.WARNING, logger="worker.parse")
    for name in ("utf-8.xml", "windows-1256.xml", "iso-8859-6-undeclared.xml"):
        assert parse(name).invalid_sequences == 0, name
    assert caplog.records == []


@pytest.mark.parametrize("bad, expected", [
    pytest.param(b"\xff", (0, 1), id="one-byte"),
    pytest.param(b"\xd8\xd8\xa7", (1, 1), id="truncated-then-valid"),
    pytest.param("ا\ufffd".encode(), (2, 0), id="a-real-replacement-character-is-valid"),
    pytest.param("قصف".encode("cp1256"), (0, 3), id="legacy-word"),
])
def test_utf8_counts(bad, expected):
    assert utf8_counts(b"<x>" + bad + b"</x>") == expected


@pytest.mark.integration
def test_a_damaged_feed_is_counted_as_invalid_input(tasks, http_server):
    """Polled for real (loopback HTTP, real Redis): the feed is parsed, its entries go on,
    and rasad_invalid_input_total{kind="feed_encoding"} counts the poll."""
    from worker import metrics

    counter = metrics.INVALID_INPUT.labels(kind="feed_encoding")
    before = counter._value.get()
    http_server.route("/good.xml", 200, {"Content-Type": "application/rss+xml"}, rss([]))
    http_server.route("/broken.xml", 200, {"Content-Type": "text/xml; charset=utf-8"},
                      _damaged(b"\xff", 70_000))
    tasks.poll_feed.apply(args=["good"]).get()
    assert counter._value.get() == before
    assert tasks.poll_feed.apply(args=["broken"]).get() == len(EXPECTED["utf-8"])
    assert counter._value.get() == before + 1


# --------------------------------------------------------------------------- real-looking feeds

def test_rss2_feed_from_bbc_arabic():
    docs = json.loads((FEEDS / "bbc-arabic-rss2.expected.json").read_text(encoding="utf-8"))
    feed = parse("bbc-arabic-rss2.xml", "application/rss+xml; charset=utf-8", feed_id="bbc")
    assert feed.title == "BBC News عربي - الشرق الأوسط"
    assert len(feed.entries) == len(docs) == 5
    for entry, doc in zip(feed.entries, docs):
        assert entry.feed_id == "bbc" and entry.lang == "ar"
        assert entry.title == ws(doc["TITLE"])
        assert entry.url == doc["URL"]
        assert entry.summary == ws(doc["ABSTRACT"])  # <p>, &nbsp; and the pixel are gone
        assert entry.id.startswith("g:") and len(entry.id) == 18
    assert feed.entries[0].published == "2018-02-18T20:50:44Z"
    paragraphs = [ws(p) for p in docs[0]["TEXT"].split("\n") if p.strip()]
    assert feed.entries[0].content == "\n\n".join(paragraphs)  # paragraph breaks kept
    assert feed.entries[2].content == ""


def test_atom_feed_from_sky_news_arabia():
    docs = json.loads((FEEDS / "skynews-arabia-atom.expected.json").read_text(encoding="utf-8"))
    feed = parse("skynews-arabia-atom.xml", "application/atom+xml", feed_id="sky",
                 base_url="https://www.skynewsarabia.com/web/rss/middle-east.xml")
    assert feed.title == "سكاي نيوز عربية - الشرق الأوسط"
    assert [e.title for e in feed.entries] == [ws(d["TITLE"]) for d in docs]
    assert [e.url for e in feed.entries] == [d["URL"] for d in docs]  # relative links resolved
    assert [e.summary for e in feed.entries] == [ws(d["ABSTRACT"]) for d in docs]
    assert feed.entries[0].published == "2018-02-23T10:37:34Z"
    assert all(e.id.startswith("g:") for e in feed.entries)


def test_entries_round_trip_through_json():
    from worker.records import Entry

    entry = parse("bbc-arabic-rss2.xml").entries[0]
    assert Entry.from_dict(json.loads(json.dumps(entry.to_dict()))) == entry


# --------------------------------------------------------------------------- identity

def test_identity_cases_in_a_feed():
    feed = parse("identity.xml", base_url="https://news.example.org/rss")
    titles = [e.title for e in feed.entries]
    # Repeated guid: first kept.  Same canonical link: one entry.  Same normalised
    # title+summary without guid or link: one entry.
    assert titles == ["غارات على الباغوز", "نزوح من دير الزور", "خبر عاجل", "رابط نسبي"]
    assert [e.id[:2] for e in feed.entries] == ["g:", "u:", "h:", "u:"]
    assert feed.entries[2].url is None
    assert feed.entries[3].url == "https://news.example.org/a/3003"


def test_identity_is_stable_across_parses():
    first = [e.id for e in parse("identity.xml").entries]
    assert first == [e.id for e in parse("identity.xml").entries]
    assert entry_identity("story-1001", None, "", "") == \
        "g:" + hashlib.sha1(b"story-1001").hexdigest()[:16]


@pytest.mark.parametrize("guid, link, title, summary, prefix", [
    pytest.param("abc", "https://x.org/1", "t", "s", "g:", id="guid-wins"),
    pytest.param("  ", "https://x.org/1", "t", "s", "u:", id="blank-guid-uses-link"),
    pytest.param(None, "https://x.org/1", "t", "s", "u:", id="link"),
    pytest.param(None, None, "t", "s", "h:", id="hash"),
    pytest.param(None, "", "t", "s", "h:", id="empty-link-hash"),
])
def test_entry_identity_prefers_guid_then_link_then_hash(guid, link, title, summary, prefix):
    assert entry_identity(guid, link, title, summary).startswith(prefix)


@pytest.mark.parametrize("a, b", [
    pytest.param(("g1", None, "a", "b"), ("g1", "https://other/", "c", "d"), id="same-guid"),
    pytest.param((None, "HTTPS://Example.ORG/a?b=2&a=1#top", "", ""),
                 (None, "https://example.org/a?a=1&b=2", "", ""), id="link-case-order-fragment"),
    pytest.param((None, "https://example.org:443/a?utm_source=x&utm_medium=rss&fbclid=1", "", ""),
                 (None, "https://example.org/a", "", ""), id="link-tracking-and-port"),
    pytest.param((None, None, "خَبَرٌ عـــاجل", "قتل  ثلاثة"),
                 (None, None, "خبر عاجل", "قتل ثلاثة"), id="hash-diacritics-tatweel-spaces"),
    pytest.param((None, None, "إصابة", "٣ جرحى"), (None, None, "اصابة", "3 جرحى"),
                 id="hash-alef-and-digits"),
])
def test_entry_identity_equal(a, b):
    assert entry_identity(*a) == entry_identity(*b)


@pytest.mark.parametrize("a, b", [
    pytest.param((None, "https://example.org/A", "", ""), (None, "https://example.org/a", "", ""),
                 id="path-case-matters"),
    pytest.param((None, "https://example.org/a?id=1", "", ""),
                 (None, "https://example.org/a?id=2", "", ""), id="real-query-matters"),
    pytest.param((None, None, "خبر", "أ"), (None, None, "خبر", "ب"), id="different-summary"),
])
def test_entry_identity_differs(a, b):
    assert entry_identity(*a) != entry_identity(*b)


@pytest.mark.parametrize("url, expected", [
    pytest.param("HTTP://WWW.Example.COM:80/Path?b=2&a=1#frag",
                 "http://www.example.com/Path?a=1&b=2", id="case-port-order-fragment"),
    pytest.param("https://example.com", "https://example.com/", id="empty-path"),
    pytest.param("https://example.com:8443/x", "https://example.com:8443/x", id="odd-port-kept"),
    pytest.param("https://example.com/x?utm_campaign=a&UTM_Source=b&gclid=c&id=7",
                 "https://example.com/x?id=7", id="tracking-dropped"),
    pytest.param("https://example.com/x?q=", "https://example.com/x?q=", id="blank-value-kept"),
])
def test_canonical_url(url, expected):
    assert canonical_url(url) == expected


# --------------------------------------------------------------------------- HTML to text

@pytest.mark.parametrize("markup, expected", [
    pytest.param("<p>أول</p><p>ثان</p>", "أول\n\nثان", id="paragraphs"),
    pytest.param("سطر<br>سطر<br/>آخر", "سطر\nسطر\nآخر", id="line-breaks"),
    pytest.param("a &amp; b &lt;c&gt; &#1575;&#x0644;", "a & b <c> ال", id="entities"),
    pytest.param("&amp;quot;اقتباس&amp;quot;", '"اقتباس"', id="double-escaped"),
    pytest.param("نص<script>alert(1)</script><style>p{}</style> باق", "نص باق",
                 id="script-style-dropped"),
    pytest.param("  كثير   من\t\tالفراغ  ", "كثير من الفراغ", id="whitespace"),
    pytest.param('<a href="x">رابط</a> <img src="p.gif"/>', "رابط", id="inline-tags"),
    pytest.param("", "", id="empty"),
])
def test_html_to_text(markup, expected):
    assert html_to_text(markup) == expected


# --------------------------------------------------------------------------- malformed

def test_malformed_feed_with_recoverable_entries_is_parsed():
    feed = parse("malformed-recoverable.xml")
    assert [e.title for e in feed.entries] == ["أول خبر & تفاصيل", "ثاني خبر"]


@pytest.mark.parametrize("name, message", [
    pytest.param("malformed-fatal.xml", "malformed feed with no entries", id="truncated"),
    pytest.param("not-a-feed.html", "not an RSS or Atom feed", id="html-error-page"),
])
def test_unusable_feed_raises_parse_error_naming_the_feed(name, message):
    with pytest.raises(ParseError, match=f"feed aljazeera .*{message}"):
        parse(name, "text/html", feed_id="aljazeera")


@pytest.mark.parametrize("body", [
    pytest.param(b"", id="empty"), pytest.param(b"garbage", id="garbage"),
    pytest.param(b'{"items": []}', id="json"),
])
def test_non_feed_bodies_raise(body):
    with pytest.raises(ParseError, match="feed f "):
        parse_feed(body, {}, feed_id="f", base_url="https://example.org/")


def test_valid_feed_without_items_is_empty_not_an_error():
    body = b'<rss version="2.0"><channel><title>x</title></channel></rss>'
    feed = parse_feed(body, {}, feed_id="f", base_url="https://example.org/")
    assert feed.entries == () and feed.title == "x"


def test_body_that_looks_like_a_path_is_not_read_from_disk(tmp_path):
    secret = tmp_path / "secret.xml"
    secret.write_text('<rss version="2.0"><channel><item><title>SECRET</title></item>'
                      "</channel></rss>", encoding="utf-8")
    with pytest.raises(ParseError):
        parse_feed(str(secret).encode(), {}, feed_id="f", base_url="https://example.org/")


def test_external_entities_are_not_expanded(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET", encoding="utf-8")
    body = (f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">]>'
            '<rss version="2.0"><channel><item><title>a &x; b</title>'
            "<link>https://example.org/1</link></item></channel></rss>").encode()
    feed = parse_feed(body, {}, feed_id="f", base_url="https://example.org/")
    assert all("SECRET" not in e.title for e in feed.entries)


def test_entries_without_date_have_no_published_and_atom_updated_is_used():
    body = ('<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
            '<entry><id>1</id><title>a</title><updated>2019-03-02T12:00:00+02:00</updated></entry>'
            "<entry><id>2</id><title>b</title></entry></feed>").encode()
    feed = parse_feed(body, {}, feed_id="f", base_url="https://example.org/")
    assert [e.published for e in feed.entries] == ["2019-03-02T10:00:00Z", None]


def test_javascript_links_are_dropped():
    body = ('<rss version="2.0"><channel><item><title>a</title><link>javascript:alert(1)</link>'
            "</item></channel></rss>").encode()
    (entry,) = parse_feed(body, {}, feed_id="f", base_url="https://example.org/").entries
    assert entry.url is None and entry.id.startswith("h:")


@pytest.mark.integration
def test_every_encoding_case_over_http(http_server):
    """Fetch + parse end to end: the server's Content-Type reaches the decoder."""
    from worker.fetch import fetch, make_client

    with make_client() as client:
        for case in ENCODING_CASES:
            name, content_type, expected = case.values
            path = f"/{case.id}"
            http_server.route(path, 200, {"Content-Type": content_type} if content_type else {},
                              (FEEDS / name).read_bytes())
            result = fetch(http_server.url(path), client=client, allow_private=True)
            feed = parse_feed(result.body, result.headers, feed_id=case.id,
                              base_url=result.final_url)
            assert (case.id, feed.encoding) == (case.id, expected)
            assert [ws(e.summary) for e in feed.entries] == \
                [ws(t["summary"]) for t in EXPECTED[expected]], case.id
