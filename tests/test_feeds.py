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
])
def test_bad_feed_file_names_the_problem(tmp_path, body, message):
    path = tmp_path / "feeds.yaml"
    path.write_text(body)
    with pytest.raises(ConfigError) as info:
        load_feeds(path)
    assert str(path) in str(info.value) and message in str(info.value)
