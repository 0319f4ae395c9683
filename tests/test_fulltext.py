"""Full text: main-text extraction from Arabic article pages in any of the feed encodings,
fetched under the same limits as feeds (real HTTP server on 127.0.0.1)."""

from __future__ import annotations

import json
import pathlib

import pytest

from worker.errors import PermanentFetchError
from worker.fetch import FetchLimits, make_client
from worker.fulltext import extract_main_text, fetch_article_text

FEEDS = pathlib.Path(__file__).parent / "fixtures" / "feeds"
EXPECTED = json.loads((FEEDS / "article.expected.json").read_text(encoding="utf-8"))
URL = "https://www.skynewsarabia.com/web/article/1024411"
BOILERPLATE = ["الأكثر قراءة", "خبر جانبي", "جميع الحقوق محفوظة", "الرئيسية", "لا تستخرج هذا",
               "font-family"]


def assert_article(text: str) -> None:
    paragraphs = text.split("\n\n")
    for expected in EXPECTED["paragraphs"]:
        assert expected in paragraphs
    assert not [b for b in BOILERPLATE if b in text]
    assert "\ufffd" not in text and not any("\u00c0" <= ch <= "\u024f" for ch in text)


@pytest.mark.parametrize("name, content_type", [
    pytest.param("article-windows-1256.html", "text/html", id="windows-1256-meta"),
    pytest.param("article-windows-1256.html", "text/html; charset=iso-8859-1",
                 id="windows-1256-mislabelled-latin1"),
    pytest.param("article-windows-1256-undeclared.html", "text/html", id="windows-1256-undeclared"),
    pytest.param("article-utf-8.html", "text/html; charset=utf-8", id="utf-8"),
    pytest.param("article-utf-8.html", "text/html; charset=windows-1256",
                 id="utf-8-mislabelled-1256"),
])
def test_extract_main_text_decodes_and_drops_boilerplate(name, content_type):
    text = extract_main_text((FEEDS / name).read_bytes(), {"Content-Type": content_type}, URL)
    assert_article(text)


def test_page_without_article_gives_empty_text():
    html = b"<html><head><title>x</title></head><body><script>x()</script></body></html>"
    assert extract_main_text(html, {}, URL) == ""


def test_xhtml_with_xml_declaration_is_extracted():
    page = (FEEDS / "article-utf-8.html").read_text(encoding="utf-8").replace(
        "<!DOCTYPE html>", '<?xml version="1.0" encoding="utf-8"?>')
    assert_article(extract_main_text(page.encode("utf-8"), {}, URL))


@pytest.fixture
def client():
    with make_client() as c:
        yield c


@pytest.mark.integration
def test_fetch_article_text_over_http(http_server, client):
    http_server.route("/article", 200, {"Content-Type": "text/html"},
                      (FEEDS / "article-windows-1256.html").read_bytes())
    text = fetch_article_text(http_server.url("/article"), client=client, allow_private=True)
    assert_article(text)
    sent = {k.lower(): v for k, v in http_server.requests[-1][1].items()}
    assert sent["accept"].startswith("text/html")


@pytest.mark.integration
def test_fetch_article_text_refuses_loopback_unless_allowed(http_server, client):
    http_server.route("/article", 200, {"Content-Type": "text/html"}, b"<p>x</p>")
    with pytest.raises(PermanentFetchError, match="refused private"):
        fetch_article_text(http_server.url("/article"), client=client, allow_private=False)
    assert http_server.requests == []


@pytest.mark.integration
def test_fetch_article_text_applies_the_size_cap(http_server, client):
    http_server.route("/big", 200, {"Content-Type": "text/html"}, b"<p>" + b"x" * 200_000)
    with pytest.raises(PermanentFetchError, match="/big: body of .* over the 100000-byte cap"):
        fetch_article_text(http_server.url("/big"), client=client, allow_private=True,
                           limits=FetchLimits(max_body_bytes=100_000))


@pytest.mark.integration
def test_non_html_page_is_refused(http_server, client):
    http_server.route("/doc.pdf", 200, {"Content-Type": "application/pdf"}, b"%PDF-1.4")
    with pytest.raises(PermanentFetchError, match=r"/doc.pdf: not an HTML page"):
        fetch_article_text(http_server.url("/doc.pdf"), client=client, allow_private=True)


@pytest.mark.integration
def test_plain_text_page_is_returned_as_text(http_server, client):
    body = "سطر أول\n\n\nسطر   ثان".encode("cp1256")
    http_server.route("/a.txt", 200, {"Content-Type": "text/plain"}, body)
    text = fetch_article_text(http_server.url("/a.txt"), client=client, allow_private=True)
    assert text == "سطر أول\n\nسطر ثان"
