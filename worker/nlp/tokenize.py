"""Sentence splitting and tokenisation for Arabic news, with offsets into the original text.

Tokens follow ANERcorp's convention (the NER model's training data): clitics stay attached
to the word (والعراق is one token) and every punctuation mark is a token of its own.  A
word is a run of letters, digits and combining marks (tashkeel, tatweel), so diacritised
text tokenises the same as bare text.  Numbers keep inner separators (1,200 / 3.5 / 30%).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A word: letters/digits/marks/tatweel, optionally joined by an apostrophe (English "U.S.'s"
# is rare in Arabic news; keep it simple).  A number: digits with inner , . ٫ ٬ and a
# trailing percent.  Anything else that is not a space is a one-character token.
_TOKEN = re.compile(
    r"[0-9\u0660-\u0669\u06f0-\u06f9]+(?:[.,\u066b\u066c][0-9\u0660-\u0669\u06f0-\u06f9]+)*%?"
    r"|[^\W_]+(?:[\u0640\u064b-\u065f\u0670][^\W_]*)*"
    r"|[^\w\s\u200e\u200f\u200c\u200d]",
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
    return [Token(m.group(), m.start() + offset, m.end() + offset) for m in _TOKEN.finditer(text)]


def sentences(text: str, max_tokens: int = 120) -> list[list[Token]]:
    """Split ``text`` into sentences of tokens.  Long run-ons are cut at ``max_tokens``
    (at the last comma when there is one) so one sentence never dominates a NER batch."""
    result: list[list[Token]] = []
    for line_match in re.finditer(r"[^\n]+", text):
        current: list[Token] = []
        for tok in tokenize(line_match.group(), line_match.start()):
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
