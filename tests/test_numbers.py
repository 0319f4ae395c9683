"""Arabic number parsing: digits, Arabic-Indic digits, number words, approximators."""

from __future__ import annotations

import pytest

from worker.nlp.numbers import number_value, parse_number, words_of


@pytest.mark.parametrize("text, value", [
    pytest.param("18", 18, id="digits"),
    pytest.param("٢٣", 23, id="arabic-indic-digits"),
    pytest.param("۱۲", 12, id="extended-arabic-indic-digits"),
    pytest.param("1,200", 1200, id="thousands-separator"),
    pytest.param("عشرة", 10, id="ten-feminine-form"),
    pytest.param("عشر", 10, id="ten-masculine-form"),
    pytest.param("ثلاث", 3, id="three-with-feminine-noun"),
    pytest.param("ثلاثة", 3, id="three-with-masculine-noun"),
    pytest.param("سبعة", 7, id="seven"),
    pytest.param("ثماني", 8, id="eight"),
    pytest.param("اثنين", 2, id="two-oblique"),
    pytest.param("ثلاثة عشر", 13, id="teen"),
    pytest.param("إحدى عشرة", 11, id="eleven-feminine"),
    pytest.param("خمسة وعشرون", 25, id="unit-and-ten"),
    pytest.param("وعشرين", 20, id="ten-with-conjunction"),
    pytest.param("مئة وعشرون", 120, id="hundred-and-ten"),
    pytest.param("ثلاثمائة", 300, id="hundreds-one-word"),
    pytest.param("مئتين", 200, id="two-hundred-dual"),
    pytest.param("ثلاثة آلاف", 3000, id="thousands-after-unit"),
    pytest.param("عشرة آلاف", 10000, id="thousands-after-ten"),
    pytest.param("ثلاثة عشر ألفا", 13000, id="thousands-after-a-teen"),
    pytest.param("خمسة وعشرين ألفا", 25000, id="thousands-after-a-chain"),
    pytest.param("مئتي ألف", 200000, id="thousands-after-hundreds"),
    pytest.param("مئة ألف وخمسمئة", 100500, id="a-chain-goes-on-past-the-thousands"),
    pytest.param("عشرين مليون", 20000000, id="millions-after-tens"),
    pytest.param("3 آلاف", 3000, id="digits-times-thousand"),
    pytest.param("ألفين", 2000, id="two-thousand-dual"),
    pytest.param("و18", 18, id="digits-with-conjunction"),
])
def test_number_value_reads_digits_and_words(text, value):
    assert number_value(text) == value


@pytest.mark.parametrize("text, value, approx", [
    pytest.param("أكثر من 40", 40, True, id="more-than"),
    pytest.param("نحو ثلاثين", 30, True, id="about"),
    pytest.param("ما لا يقل عن 7", 7, True, id="at-least"),
    pytest.param("قرابة 50", 50, True, id="nearly"),
    pytest.param("عشرات", 10, True, id="tens-is-lower-bound"),
    pytest.param("مئات", 100, True, id="hundreds-is-lower-bound"),
    pytest.param("عشرات الآلاف", 10000, True, id="tens-of-thousands"),
    pytest.param("مئات الآلاف", 100000, True, id="hundreds-of-thousands"),
    pytest.param("عشرات آلاف", 10000, True, id="tens-of-thousands-without-the-article"),
    pytest.param("عشرات الملايين", 10**7, True, id="tens-of-millions"),
    pytest.param("أكثر من عشرة آلاف", 10000, True, id="more-than-ten-thousand"),
    pytest.param("40", 40, False, id="exact"),
])
def test_approximations_are_marked(text, value, approx):
    parsed = parse_number(words_of(text), 0)
    assert (parsed.count, parsed.approx) == (value, approx)


@pytest.mark.parametrize("text", [
    pytest.param("الاثنين", id="monday-is-not-two"),
    pytest.param("الأحد", id="sunday-is-not-one"),
    pytest.param("قصف", id="not-a-number"),
])
def test_weekdays_and_words_are_not_numbers(text):
    assert number_value(text) is None


def test_thousands_then_the_rest_in_digits():
    from worker.nlp.numbers import parse_number
    from worker.text.normalize import normalize_text

    def read(text):
        return parse_number(normalize_text(text).split(), 0).count

    assert read("13 ألف و672 إصابة") == 13672
    assert read("ثلاثة آلاف و 500 شخص") == 3500
    assert read("10 آلاف و2000") == 10000  # the rest must be under the thousand
