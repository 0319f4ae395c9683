"""Sentence splitting and tokenisation for Arabic news, with offsets into the original text.

Tokens follow ANERcorp's convention (the NER model's training data): clitics stay attached
to the word (والعراق is one token) and every punctuation mark is a token of its own.  A
word is a run of letters and digits with the Arabic combining marks (tashkeel) and tatweel
that go with them, so diacritised text tokenises the same as bare text.  Numbers keep inner
separators (1,200 / 3.5 / 30%).

Bounds, so that no input makes a giant token (issue 11: 90,000 characters of diacritics and
tatweel came back as one ORG entity):

* A word starts with a letter or digit.  Marks and tatweel with no letter before them carry
  nothing to read and are no token at all: separator lines of tatweel and text made only of
  diacritics give no tokens.  One exception keeps the old reading of a dash: a short run of
  tatweel alone between spaces (القاهرة ـ رويترز) is a token, as before.
* At most MAX_MARK_RUN marks or tatweels in a row belong to a word; the rest of a longer run
  is skipped.  In 66 million characters of Arabic news (ANT corpus) the longest run inside a
  word is 5 (shadda, a vowel, tanwin and a few tatweels); longer runs were separator lines.
* A "word" longer than MAX_TOKEN_CHARS is no word of the news (with these rules the ANT
  corpus has no token over 25 characters): a base64 blob, a name repeated without spaces.
  It is no token, and it ends the sentence, so that no NER span reaches across it: cut into
  pieces, 100,000 characters of سوريا came back as hundreds of LOC entities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_MARK_RUN = 16
MAX_TOKEN_CHARS = 64
# Tatweel and the Arabic combining marks (category Mn): tashkeel U+064B-U+065F, superscript
# alef U+0670, Quranic marks U+0610-U+061A and U+06D6-U+06ED.
MARKS = "\u0640\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed"
# A word: letters/digits with runs of marks between and after them (no apostrophe: English
# "U.S.'s" is rare in Arabic news).  A number: digits with inner , . ٫ ٬ and a trailing
# percent.  A dash of tatweel between spaces.  Anything else that is not a space or a mark
# is a one-character token.  No alternative backtracks more than MAX_MARK_RUN characters:
# letters and marks are disjoint classes, so every repetition has one way to match.
_LETTER = r"[^\W_\u0640]"
_TOKEN = re.compile(
    r"[0-9\u0660-\u0669\u06f0-\u06f9]+(?:[.,\u066b\u066c][0-9\u0660-\u0669\u06f0-\u06f9]+)*%?"
    rf"|{_LETTER}+(?:[{MARKS}]{{1,{MAX_MARK_RUN}}}{_LETTER}+)*[{MARKS}]{{0,{MAX_MARK_RUN}}}"
    rf"|(?<!\S)\u0640{{1,{MAX_MARK_RUN}}}(?!\S)"
    rf"|[^\w\s\u200e\u200f\u200c\u200d{MARKS}]",
    re.UNICODE,
)

# Sentence ends: . ! ? ؟ and line breaks.  A full stop between digits is a decimal point,
# and a full stop after a single letter is an abbreviation initial (ق.م.), not an end.
_SENTENCE_END = {".", "!", "?", "\u061f", "\u06d4"}


@dataclass(frozen=True)
class Token:
    """One token with its half-open span in the original text."""

    text: str
    start: int
    end: int


def tokenize(text: str, offset: int = 0) -> list[Token]:
    """All tokens of ``text``; ``offset`` is added to every span."""
    return [t for t in _scan(text, offset) if t is not None]


def _scan(text: str, offset: int):
    """Tokens in order, and None where a run longer than MAX_TOKEN_CHARS was skipped."""
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        if end - start > MAX_TOKEN_CHARS:
            yield None
            continue
        # (most tokens are words or numbers: only a word that ends in a digit is looked at)
        glued = _GLUED.fullmatch(match.group()) \
            if text[end - 1].isdigit() and not text[start].isdigit() else None
        if glued and _BARE.sub("", glued.group(1)) not in _PROCLITICS:
            # "مقتل38  شخصا"، "وأصيب54  آخرون": a word and a number with the space lost
            # on the way (France24 feeds, fourteenth report-gold draw), two tokens; a
            # proclitic stays on its number ("و53 شاباً"، "بـ25" is ب + tatweel).
            cut = start + glued.end(1)
            yield Token(text[start:cut], start + offset, cut + offset)
            yield Token(text[cut:end], cut + offset, end + offset)
            continue
        yield Token(match.group(), start + offset, end + offset)


# Arabic letters (with their marks) then digits, nothing else.
_GLUED = re.compile(rf"([\u0621-\u064a{MARKS}]+)([0-9\u0660-\u0669\u06f0-\u06f9]+)")
_BARE = re.compile(f"[{MARKS}]")  # "الـ12" is ال + tatweel: a proclitic
_PROCLITICS = frozenset({"و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل", "وك", "ال", "بال",
                         "وال", "لل", "ولل", "وبال", "فال", "كال", "فلل"})


def sentences(text: str, max_tokens: int = 120) -> list[list[Token]]:
    """Split ``text`` into sentences of tokens.  Long run-ons are cut at ``max_tokens``
    (at the last comma when there is one) so one sentence never dominates a NER batch."""
    result: list[list[Token]] = []
    for line_match in re.finditer(r"[^\n]+", text):
        current: list[Token] = []
        for tok in _scan(line_match.group(), line_match.start()):
            if tok is None:  # a skipped giant "word" ends the sentence
                if current:
                    result.append(current)
                current = []
                continue
            if tok.text in _SENTENCE_END and not current and result and result[-1] \
                    and result[-1][-1].end == tok.start:  # "..." ends one sentence, not three
                result[-1].append(tok)
                continue
            current.append(tok)
            if tok.text in _SENTENCE_END and not _is_abbreviation(current):
                result.append(current)
                current = []
            elif len(current) >= max_tokens:
                current = _cut(current, result)
        if current:
            result.append(current)
    return result


def _is_abbreviation(current: list[Token]) -> bool:
    """A full stop right after a one-letter token (ق.م.، د.) is an abbreviation."""
    return len(current) >= 2 and current[-1].text == "." and len(current[-2].text) == 1 \
        and current[-2].text.isalpha()


def _cut(current: list[Token], result: list[list[Token]]) -> list[Token]:
    commas = [i for i, t in enumerate(current) if t.text in {",", "\u060c", ";", "\u061b"}]
    cut = commas[-1] + 1 if commas and commas[-1] > len(current) // 2 else len(current)
    result.append(current[:cut])
    return current[cut:]


def model_form(token: str) -> str:
    """The form of a token the NER model and its word vectors see.

    The standard Arabic folds of :func:`worker.text.normalize.normalize_text` (tashkeel and
    tatweel dropped; alef forms, alef maqsura/ya, taa marbuta/ha, Arabic-Indic digits
    folded) so that "الأردن" and "الاردن", both common in news and in ANERcorp, share one
    vector.  Training (worker.nlp.train) and tagging (worker.nlp.ner) both call this, so the
    model never sees a form it was not trained on.  One token in, one token out: offsets stay
    with the original :class:`Token`.
    """
    from worker.text.normalize import normalize_text

    return normalize_text(token).replace(" ", "") or token
