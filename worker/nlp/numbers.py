"""Arabic number parsing for casualty and people counts: digits, Arabic-Indic digits and
number words (masculine and feminine forms, teens, tens, hundreds, thousands), with
approximators (نحو، أكثر من، عشرات) marked as approximate.

Input is a list of *normalised* words (worker.text.normalize: ة->ه, ى->ي, أإآ->ا,
Arabic-Indic digits -> ASCII), so every table below is written in normalised spelling.
Grammar of cardinals: Ryding, "A Reference Grammar of Modern Standard Arabic" (2005),
ch. 15 (cardinal numbers: gender polarity 3-10, compound 11-19, tens in -uuna/-iina,
units before tens joined by wa-, مئة/مائة spellings).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from worker.nlp.tokenize import tokenize
from worker.text.normalize import normalize_text

# Both genders (gender polarity: ثلاثة رجال / ثلاث نساء) and both cases (nominative
# -aani / oblique -ayni for 2).  أحد/إحدى only count as 1 inside compounds or before a
# noun ("أحد الجنود"); with the article, الأحد/الاثنين are weekdays, so we never strip ال.
UNITS = {
    "واحد": 1, "واحده": 1, "احد": 1, "احدي": 1,
    "اثنان": 2, "اثنين": 2, "اثنتان": 2, "اثنتين": 2, "اثنا": 2, "اثني": 2, "اثنتا": 2,
    "ثلاث": 3, "ثلاثه": 3, "اربع": 4, "اربعه": 4, "خمس": 5, "خمسه": 5,
    "ست": 6, "سته": 6, "سبع": 7, "سبعه": 7, "ثمان": 8, "ثماني": 8, "ثمانيه": 8,
    "تسع": 9, "تسعه": 9,
}
TEN = {"عشر": 10, "عشره": 10}
TENS = {
    f"{stem}{end}": value
    for stem, value in (("عشر", 20), ("ثلاث", 30), ("اربع", 40), ("خمس", 50), ("ست", 60),
                        ("سبع", 70), ("ثمان", 80), ("تسع", 90))
    for end in ("ون", "ين")
}
# The dual of hundred in all its forms: nominative/oblique, and the construct state before a
# noun (مئتا شخص / مئتي شخص, Ryding ch. 15): issue 8 found مئتي read as 1.
HUNDRED = {"مئه": 100, "مائه": 100, "مئتان": 200, "مئتين": 200, "مائتان": 200, "مائتين": 200,
           "مئتا": 200, "مائتا": 200, "مئتي": 200, "مائتي": 200}
# ثلاثمئة written as one word (Ryding 15.1.6): unit stem + مئة/مائة.
HUNDRED.update({f"{u}{h}": n * 100 for u, n in (("ثلاث", 3), ("اربع", 4), ("خمس", 5),
                                                ("ست", 6), ("سبع", 7), ("ثمان", 8), ("تسع", 9))
                for h in ("مئه", "مائه")})
THOUSAND = {"الف": 1000, "الفا": 1000, "الفان": 2000, "الفين": 2000, "الفي": 2000}
MULTIPLIERS = {"الاف": 1000, "الف": 1000, "الفا": 1000, "مئه": 100, "مائه": 100, "مليون": 10**6,
               "ملايين": 10**6, "مليار": 10**9}
# The thousands and millions a chain of number words multiplies ("عشرة آلاف").
BIG = {word: value for word, value in MULTIPLIERS.items() if value >= 1000}
# Vague quantities: the count is the lower bound, always approximate (عشرات = "tens").
VAGUE = {"عشرات": 10, "العشرات": 10, "مئات": 100, "المئات": 100, "الاف": 1000,
         "الالاف": 1000, "الوف": 1000}
# Quantities with no usable number: "عدة"، "بضعة"، "عدد من"، "مجموعة من".
UNCOUNTED = {"عده", "بضع", "بضعه", "عدد", "مجموعه", "العديد", "عشرات"}
# Approximators before a number (phrases as word tuples), longest first.
APPROX = sorted(
    (tuple(p.split()) for p in (
        "نحو", "حوالي", "قرابه", "زهاء", "اكثر من", "ما يزيد عن", "ما يزيد علي", "ازيد من",
        "ما لا يقل عن", "لا يقل عن", "اقل من", "ما يقارب", "ما يقرب من", "يقارب", "قرابه",
        "اكثر من", "ما يناهز", "يناهز", "علي الاقل", "اقل من", "ما لا يقل علي")),
    key=len, reverse=True,
)
_DIGITS = re.compile(r"^\d+(?:[.,\u066b\u066c]\d+)*$")


@dataclass(frozen=True)
class Number:
    """A parsed number over words ``[first, last)``; ``count`` None when uncounted."""

    count: int | None
    approx: bool
    first: int
    last: int


def bare(word: str) -> str:
    """A word without a leading conjunction or preposition (و18، وعشرين، بنحو، لنحو)."""
    if len(word) > 1 and word[0] in "وف" and _is_number_word(word[1:]):
        return word[1:]
    if len(word) > 1 and word[0] in "بل" and _is_number_word(word[1:]):
        return word[1:]
    if len(word) > 2 and word[0] in "وف" and word[1] in "بل" and _is_number_word(word[2:]):
        return word[2:]
    glued = _GLUED_DIGITS.match(word)
    if glued:
        return glued.group(1)  # "ما لا يقل عن17 عنصرا": a space lost in the source
    return word


# A preposition written against digits with no space (train gold: "عن17").
_GLUED_DIGITS = re.compile(r"^(?:عن|من|الي|نحو|حوالي)(\d+)$")


def _is_number_word(word: str) -> bool:
    return bool(_DIGITS.match(word)) or word in UNITS or word in TEN or word in TENS \
        or word in HUNDRED or word in THOUSAND or word in VAGUE or word in APPROX_HEADS


APPROX_HEADS = {p[0] for p in APPROX}


def _digits_value(word: str) -> float | None:
    if not _DIGITS.match(word):
        return None
    if re.search(r"[.\u066b]\d{1,2}$", word):  # decimal point: 1.5 (ألف)
        return float(re.sub(r"[,\u066c]", "", word).replace("\u066b", "."))
    return float(re.sub(r"[.,\u066b\u066c]", "", word))


def _approx_at(words: list[str], i: int) -> int:
    """Length of an approximator phrase starting at ``i`` (0 if none)."""
    if bare(words[i]) not in APPROX_HEADS:
        return 0
    for phrase in APPROX:
        if tuple(bare(w) if k == 0 else w for k, w in enumerate(words[i:i + len(phrase)])) \
                == phrase:
            return len(phrase)
    return 0


def parse_number(words: list[str], i: int) -> Number | None:
    """Parse the number starting at word ``i`` (after an optional approximator)."""
    skip = _approx_at(words, i)
    j = i + skip
    if j >= len(words):
        return None
    value, end = _cardinal(words, j)
    if value is None:
        return _vague(words, i, j, skip)
    approx = bool(skip) or (end < len(words) and words[end] == "تقريبا")
    return Number(int(value), approx, i, end + (1 if end < len(words) and words[end] == "تقريبا"
                                                else 0))


def _vague(words: list[str], i: int, j: int, skip: int) -> Number | None:
    word = bare(words[j])
    if word in VAGUE:
        # "عشرات الآلاف"، "مئات آلاف": tens / hundreds of thousands (the lower bound, as
        # GUIDELINE.md reads عشرات), not tens
        # (normalised, آلاف itself begins with ال: الالاف / الاف)
        big = {"الاف": 1000, "الالاف": 1000, "ملايين": 10**6, "الملايين": 10**6}.get(
            words[j + 1] if j + 1 < len(words) else "")
        if VAGUE[word] < 1000 and big:
            return Number(VAGUE[word] * big, True, i, j + 2)
        return Number(VAGUE[word], True, i, j + 1)
    return None


def _cardinal(words: list[str], j: int) -> tuple[float | None, int]:
    """Digits (with an optional multiplier word) or a chain of number words."""
    first = bare(words[j])
    digits = _digits_value(first)
    if digits is not None:
        if j + 1 < len(words) and words[j + 1] in MULTIPLIERS:
            value, end = digits * MULTIPLIERS[words[j + 1]], j + 2
            return _plus_digits(words, value, end, MULTIPLIERS[words[j + 1]])
        return digits, j + 1
    value, end = _word_chain(words, j)
    if value is not None and value >= 1000 and value % 1000 == 0:
        return _plus_digits(words, value, end, 1000)
    return value, end


def _plus_digits(words: list[str], value: float, end: int, below: float) -> tuple[float, int]:
    """The rest joined in digits after thousands: "13 ألف و672" (13,672), "ثلاثة آلاف
    و500" (the probe's eleventh draw read 13,000)."""
    k = end + (end < len(words) and words[end] == "و")
    word = words[k] if k < len(words) else ""
    rest = _digits_value(word[1:] if k == end and word.startswith("و") else
                         word if k > end else "")
    if rest is None or rest >= below or rest != int(rest):
        return value, end
    return value + rest, k + 1


def _word_chain(words: list[str], j: int) -> tuple[float | None, int]:
    """Number words joined by و: خمسة وعشرون، مئة وعشرون، ثلاثة آلاف وخمسمئة."""
    total, current, end = 0, None, j
    k = j
    while k < len(words):
        word = bare(words[k]) if k == j else _after_and(words[k])
        if word is None:
            break
        value, k2 = _atom(words, k, word)
        if value is None:
            break
        if value in (1000, 10**6, 10**9) and current and k2 - k == 1 and word in MULTIPLIERS:
            total, current = total + current * value, None
        else:
            current = (current or 0) + value
        if current and current < 1000 and k2 < len(words) and words[k2] in BIG:
            # "عشرة آلاف"، "ثلاثة عشر ألفاً"، "خمسة وعشرين ألفاً"، "مئتي ألف": a chain under a
            # thousand counts the thousands (or millions) after it, with no و between
            # (Ryding ch. 15); ANT news: "أكثر من عشرة آلاف قتيل" was read as 1,000
            total, current, k2 = total + current * BIG[words[k2]], None, k2 + 1
        end = k = k2
    if end == j:
        return None, j
    return total + (current or 0), end


def _after_and(word: str) -> str | None:
    """The next atom of a chain must be joined by و (وعشرون)."""
    return word[1:] if word.startswith("و") and len(word) > 2 else None


def _atom(words: list[str], k: int, word: str) -> tuple[int | None, int]:
    """One number atom: a unit (optionally a teen: ثلاثة عشر), a ten, a hundred, a
    thousand, or a unit times a multiplier (ثلاث مئة، ثلاثة آلاف)."""
    if word in UNITS:
        nxt = words[k + 1] if k + 1 < len(words) else ""
        if nxt in TEN:
            return UNITS[word] + 10, k + 2
        if nxt in MULTIPLIERS and UNITS[word] >= 3:
            return UNITS[word] * MULTIPLIERS[nxt], k + 2
        return UNITS[word], k + 1
    for table in (TEN, TENS, HUNDRED, THOUSAND):
        if word in table:
            return table[word], k + 1
    return None, k


def words_of(text: str) -> list[str]:
    """Normalised words of a short phrase (for tests and callers without tokens)."""
    return [normalize_text(tok.text) for tok in tokenize(text)]


def number_value(text: str) -> int | None:
    """The value of a number phrase, e.g. ``number_value("خمسة وعشرون") == 25``."""
    words = words_of(text)
    parsed = parse_number(words, 0) if words else None
    return parsed.count if parsed else None
