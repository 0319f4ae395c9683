"""The Arabic normaliser: folds, and offsets back into the original text."""

import pathlib
import random

import pytest

from worker.text import normalize as normalize_module
from worker.text.normalize import _DROP, _FOLD, _fold_one, fold_char, normalize, normalize_text

NEWS = pathlib.Path(__file__).resolve().parents[2] / "shared" / "data" / "news" / "antcorpus"


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


# --- the fast normaliser equals the per-character definition (issue 12) ------------------

def reference_normalize(text: str) -> tuple[str, list[int]]:
    """The per-character loop the normaliser was defined by (before issue 12)."""
    out: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        folded = _fold_one(ch)
        if not folded or (folded == " " and out and out[-1] == " "):
            continue
        out.append(folded)
        offsets.append(i)
    return "".join(out), offsets


def assert_same_as_reference(text: str) -> None:
    expected, offsets = reference_normalize(text)
    norm = normalize(text)
    assert norm.text == expected
    assert list(norm.offsets) == offsets
    assert normalize_text(text) == expected


def test_every_code_point_folds_as_defined():
    """Each character alone, and the classes the fast path relies on: a kept character
    never folds into a dropped one, and only whitespace folds to a space."""
    dropped = {chr(c) for c in range(0x110000) if _fold_one(chr(c)) == ""}
    assert dropped == _DROP | {chr(c) for c in range(0x0300, 0x0370)}
    for code in range(0x110000):
        ch = chr(code)
        folded = _fold_one(ch)
        assert fold_char(ch) == folded
        assert folded not in dropped
        assert folded != " " or ch.isspace()
    everything = "".join(chr(c) for c in range(0x110000))
    assert_same_as_reference(everything)


@pytest.mark.parametrize("raw", [
    pytest.param("", id="empty"),
    pytest.param("   ", id="only-spaces"),
    pytest.param("\u064e\u064e", id="only-marks"),
    pytest.param(" \u064e \u0640\t\n ب", id="spaces-across-marks"),
    pytest.param("ب \u064e", id="trailing-mark-after-space"),
    pytest.param("\u0640 ا  ب\u200f\u200f ", id="mixed"),
    pytest.param("ΣΑΣ İstanbul ß", id="special-lowercase"),
])
def test_edge_cases_match_the_definition(raw):
    assert_same_as_reference(raw)


def test_random_strings_match_the_definition():
    rng = random.Random(12)
    alphabet = (list(_DROP) + list(_FOLD) + [" ", "\n", "\t", "\u00a0", "\u3000", "ا", "ب",
                "a", "B", "İ", "Σ", "\u0301", "\u0653", ".", "١"])
    for _ in range(3000):
        assert_same_as_reference("".join(rng.choice(alphabet) for _ in range(rng.randrange(40))))


def test_real_news_matches_the_definition():
    files = sorted(NEWS.glob("*/middleEast/*.txt"))[:300]
    if not files:
        pytest.skip(f"{NEWS} not present")
    for path in files:
        assert_same_as_reference(path.read_text("utf-8"))


def test_results_are_shared_between_calls_on_one_text():
    text = "قصفٌ  بالفُسْفُورِ " * 3
    assert normalize(text) is normalize(text[:])


def test_span_extends_over_at_most_sixteen_trailing_marks():
    raw = "فسفور" + "\u064e" * 40 + " x"
    norm = normalize(raw)
    assert norm.span(0, 5) == (0, 5 + 16)


def test_long_texts_are_not_kept():
    """A hostile 2.5-million-character item must not stay in memory after its match."""
    text = "قصفٌ  بالفُسْفُورِ " * 20_000
    assert len(text) > normalize_module.MEMO_MAX_CHARS
    first = normalize(text)
    assert normalize(text) is not first
    assert first.offsets.itemsize == 4
