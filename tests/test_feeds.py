"""The feed list: validation errors name file, feed and field."""

import pathlib

import pytest

from worker.errors import ConfigError
from worker.feeds import load_feeds

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_default_feed_list_is_valid_and_arabic_first():
    feeds = load_feeds(ROOT / "config" / "feeds.yaml")
    ids = {f.id for f in feeds}
    assert {"alaraby", "aljazeera", "bbc-arabic", "skynews-arabia", "france24-ar", "dw-arabic",
            "enab-baladi"} <= ids
    assert all(f.url.startswith("https://") and f.interval >= 60 for f in feeds)
    assert not any(f.allow_private for f in feeds)


@pytest.mark.parametrize("body, message", [
    pytest.param("feeds: [{id: a, url: 'file:///etc/passwd', name: x}]", "http:// or https://",
                 id="file-url"),
    pytest.param("feeds: [{id: a, url: 'http://x', name: x, interval: 0}]", "interval",
                 id="zero-interval"),
    pytest.param("feeds: [{id: 'A B', url: 'http://x', name: x}]", "id must match",
                 id="bad-id"),
    pytest.param("feeds: [{id: a, url: 'http://x'}]", "'name' is required", id="no-name"),
    pytest.param("feeds: [{id: a, url: 'http://x', name: x, fulltext: 'yes'}]", "fulltext",
                 id="non-bool"),
    pytest.param("feeds: [{id: a, url: 'http://x', name: x, colour: red}]", "unknown field",
                 id="unknown-field"),
    pytest.param("feeds: [{id: a, url: 'http://x', name: x}, {id: a, url: 'http://y', name: y}]",
                 "duplicate id", id="duplicate"),
    pytest.param("feeds: nope", "'feeds:' list", id="not-a-list"),
    pytest.param("feeds: [{id: a, url: 'http://', name: x}]", "has no host", id="no-host"),
    pytest.param("feeds: [{id: a, url: 'https:///rss.xml', name: x}]", "has no host",
                 id="empty-host"),
    pytest.param("feeds: [{id: a, url: 'http:example.com/rss', name: x}]", "has no host",
                 id="no-slashes"),
    pytest.param("feeds: [{id: a, url: 'https://example.com/rss feed.xml', name: x}]",
                 "contains a space", id="space-in-path"),
    pytest.param("feeds: [{id: a, url: 'https://exa mple.com/rss', name: x}]",
                 "contains a space", id="space-in-host"),
    pytest.param("feeds: [{id: a, url: ' https://example.com/rss', name: x}]",
                 "contains a space", id="leading-space"),
    pytest.param("feeds: [{id: a, url: \"https://example.com/rss\\t\", name: x}]",
                 "contains the character '\\t'", id="tab"),
    pytest.param("feeds: [{id: a, url: \"https://example.com/\\u200frss\", name: x}]",
                 "contains the character '\\u200f'", id="rtl-mark"),
    pytest.param("feeds: [{id: a, url: 'https://example.com/a<b>', name: x}]",
                 "contains the character '<'", id="angle-bracket"),
    pytest.param("feeds: [{id: a, url: 'https://example.com/a%zz', name: x}]",
                 "'%' not followed by two hex digits", id="bad-percent"),
    pytest.param("feeds: [{id: a, url: 'https://example.com:99999/rss', name: x}]",
                 "not a valid URL", id="port-out-of-range"),
    pytest.param("feeds: [{id: a, url: 'https://example.com:abc/rss', name: x}]",
                 "not a valid URL", id="port-not-a-number"),
    pytest.param("feeds: [{id: a, url: 'https://ex!ample.com/rss', name: x}]",
                 "is not a host name", id="bad-host"),
    pytest.param("feeds: [{id: a, url: 'ftp://example.com/rss', name: x}]",
                 "http:// or https://", id="ftp"),
])
def test_bad_feed_file_names_the_problem(tmp_path, body, message):
    path = tmp_path / "feeds.yaml"
    path.write_text(body)
    with pytest.raises(ConfigError) as info:
        load_feeds(path)
    assert str(path) in str(info.value) and message in str(info.value)


@pytest.mark.parametrize("url", [
    pytest.param("https://www.aljazeera.net/aljazeerarss/a7c186be/rss.xml?x=1&y=%20", id="query"),
    pytest.param("http://127.0.0.1:8080/feed.xml", id="ip-and-port"),
    pytest.param("http://[::1]:8080/feed.xml", id="ipv6"),
    pytest.param("https://عنب-بلدي.com/أخبار/rss", id="arabic-iri"),
    pytest.param("https://example.com/feed_(ar).xml#top", id="parentheses-fragment"),
])
def test_valid_feed_urls_are_accepted(tmp_path, url):
    path = tmp_path / "feeds.yaml"
    path.write_text(f"feeds: [{{id: a, url: '{url}', name: x}}]", encoding="utf-8")
    assert load_feeds(path)[0].url == url


def test_a_feeds_file_with_no_feeds_is_refused(tmp_path):
    path = tmp_path / "feeds.yaml"
    path.write_text("feeds: []\n")
    with pytest.raises(ConfigError, match="no feeds, so nothing would ever be polled"):
        load_feeds(path)
