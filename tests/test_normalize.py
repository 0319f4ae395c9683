"""The Arabic normaliser: folds, and offsets back into the original text."""

import pytest

from worker.text.normalize import normalize, normalize_text


@pytest.mark.parametrize("raw, expected", [
    pytest.param("الفُسْفُور", "الفسفور", id="tashkeel"),
    pytest.param("الفســفور", "الفسفور", id="tatweel"),
    pytest.param("أإآٱ", "اااا", id="alef-forms"),
    pytest.param("مستشفى", "مستشفي", id="alef-maqsura"),
    pytest.param("مدينة", "مدينه", id="taa-marbuta"),
    pytest.param("٢٣ و۴", "23 و4", id="arabic-indic-digits"),
    pytest.param("Baghouz", "baghouz", id="latin-lowercase"),
    pytest.param("a \n\t b", "a b", id="whitespace-collapsed"),
    pytest.param("\u200fقتلى\u200e", "قتلي", id="bidi-marks-dropped"),
    pytest.param("ا\u0653", "ا", id="combining-madda-dropped"),
])
def test_folds(raw, expected):
    assert normalize_text(raw) == expected


def test_offsets_map_back_to_the_original_span():
    raw = "قصفٌ بالفُسْفُورِ الأبيضِ"
    norm = normalize(raw)
    start = norm.text.index("فسفور")
    s, e = norm.span(start, start + len("فسفور"))
    assert raw[s:e] == "فُسْفُورِ"  # trailing kasra belongs to the word


def test_every_normalised_char_has_one_source_char():
    raw = "ـأَهْلاً ٢٠١٩"
    norm = normalize(raw)
    assert len(norm.text) == len(norm.offsets)
    assert all(0 <= o < len(raw) for o in norm.offsets)
    assert list(norm.offsets) == sorted(norm.offsets)
