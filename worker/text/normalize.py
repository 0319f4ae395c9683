"""The one Arabic normaliser used wherever Rasad matches text, keeping offsets into the original.

Every matcher (rule terms, gazetteer, event triggers) runs on the normalised form and maps
hits back with :meth:`Normalized.span`, so alerts can highlight the span the reader sees.
The folds are the standard ones for Arabic IR (Larkey, Ballesteros & Connell 2002, "light
stemming"; CAMeL Tools `normalize_*`): they are many-to-one and never insert characters, so
every normalised character has exactly one source character.

Speed (issue 12): the normaliser runs on every article several times and on every token, so
it is no per-character Python loop.  ``str.translate`` folds characters one to one through
a table filled on demand from :func:`fold_char` (the definition of the folds), and one
regular expression finds the few places where characters are deleted (marks, tatweel,
invisible characters) or whitespace collapses; offsets are built from ranges between them.
The last few results (of texts up to 200,000 characters) are kept, so the stages of one
article (gazetteer, event word lists) share one normalisation.  The output is identical to the per-character definition
(tests/test_normalize.py checks every code point and the ANT corpus).
"""

from __future__ import annotations

import functools
import itertools
import re
from array import array
from dataclasses import dataclass
from typing import Sequence

# Tashkeel (harakat, tanwin, shadda, sukun), Quranic marks and superscript alef: U+0610–U+061A,
# U+064B–U+065F, U+0670, U+06D6–U+06ED.  Dropped entirely.
_DROP = {chr(c) for c in range(0x0610, 0x061B)}
_DROP |= {chr(c) for c in range(0x064B, 0x0660)}
_DROP |= {"\u0670"} | {chr(c) for c in range(0x06D6, 0x06EE)}
# Tatweel (kashida) and invisible format characters that break matching in copy-pasted news:
# ZWNJ, ZWJ, LRM, RLM, ALM (U+061C), soft hyphen, BOM.
_DROP |= {"\u0640", "\u200c", "\u200d", "\u200e", "\u200f", "\u061c", "\u00ad", "\ufeff"}

_FOLD = {
    # Alef forms -> bare alef.
    "\u0622": "\u0627", "\u0623": "\u0627", "\u0625": "\u0627", "\u0671": "\u0627",
    "\u0672": "\u0627", "\u0673": "\u0627",
    # Alef maqsura and Farsi yeh -> yeh.
    "\u0649": "\u064a", "\u06cc": "\u064a",
    # Taa marbuta -> haa.
    "\u0629": "\u0647",
    # Keheh -> kaf (Persian-keyboard text).
    "\u06a9": "\u0643",
    # Arabic comma/semicolon/question mark -> ASCII, so tokenisers see one punctuation set.
    "\u060c": ",", "\u061b": ";", "\u061f": "?",
}
# Arabic-Indic (U+0660) and Extended Arabic-Indic (U+06F0) digits -> ASCII.
_FOLD.update({chr(0x0660 + i): str(i) for i in range(10)})
_FOLD.update({chr(0x06F0 + i): str(i) for i in range(10)})


def fold_char(ch: str) -> str:
    """Return the normalised form of one character: '' (dropped) or exactly one character."""
    if len(ch) != 1:
        return _fold_one(ch)
    folded = FOLD_TABLE[ord(ch)]
    return folded if folded is not None else ""


def _fold_one(ch: str) -> str:
    """The definition of the folds, for one character ('' when it is dropped)."""
    if ch in _DROP:
        return ""
    if ch in _FOLD:
        return _FOLD[ch]
    if ch.isspace():
        return " "
    low = ch.lower()
    if len(low) != 1:  # e.g. 'İ' lowers to two code points; keep the 1:1 mapping.
        return ch
    if "\u0300" <= low <= "\u036f":  # Latin combining accents
        return ""
    return low


class _Table(dict):
    """A ``str.translate`` table filled on demand from :func:`_fold_one`: the folded
    character, or ``None`` (deleted) for a dropped one."""

    def __missing__(self, code: int) -> str | None:
        folded = _fold_one(chr(code)) or None
        self[code] = folded
        return folded


class _KeepTable(dict):
    """Like :class:`_Table`, but a dropped character stays itself, so the result has the
    length of the input (offsets unchanged) and :data:`_DELETIONS` finds it afterwards."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        folded = _fold_one(ch) or ch
        self[code] = folded
        return folded


FOLD_TABLE = _Table()
_KEEP_TABLE = _KeepTable()
# The dropped characters: _DROP and the Latin combining accents (no other character folds
# to one of them, and no kept character folds into this class: tests check every code
# point).  A run of two or more of them and spaces keeps only its first space (if any);
# a lone dropped character goes.
_DROPPED = "".join(sorted(_DROP)) + "\u0300-\u036f"
_DELETIONS = re.compile(f"[{_DROPPED} ]{{2,}}|[{_DROPPED}]")
_SPACES = re.compile(" {2,}")
_IS_DROPPED = re.compile(f"[{_DROPPED}]")
RECENT = 4  # normalisations kept: one article's stages share one
MEMO_MAX_CHARS = 200_000  # longer texts (hostile items, issue 11) are not kept


@dataclass(frozen=True)
class Normalized:
    """Normalised text plus, for each of its characters, the index of its source character."""

    text: str
    source: str
    offsets: Sequence[int]  # a range when nothing was deleted, else an array of offsets

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span in the normalised text to the half-open span in the source."""
        if start >= end:
            pos = self.offsets[start] if start < len(self.offsets) else len(self.source)
            return pos, pos
        stop = self.offsets[end - 1] + 1
        # Diacritics after the last letter belong to the word (الفُسْفُورِ): extend over them,
        # at most 16 (a real word has at most 5 in a row in the ANT corpus; a hostile run of
        # 90,000 marks must not become a 90,000-character alert span, issue 11).
        limit = min(len(self.source), stop + 16)
        while stop < limit and _IS_DROPPED.match(self.source, stop):
            stop += 1
        return self.offsets[start], stop


def normalize(text: str) -> Normalized:
    """Normalise Arabic (and Latin) text for matching, keeping offsets into ``text``."""
    if len(text) > MEMO_MAX_CHARS:
        return _compute(text)
    return _normalize(text)


@functools.lru_cache(maxsize=RECENT)
def _normalize(text: str) -> Normalized:
    return _compute(text)


def _compute(text: str) -> Normalized:
    # No NFC/NFKC pass: it would move offsets.  Combining hamza/madda (U+0653–U+0655) are
    # dropped above, which gives the same result as composing then folding the alef.
    # Runs of whitespace collapse to one space (still deletion-only) so multi-word terms match
    # across line breaks and double spaces.
    folded = text.translate(_KEEP_TABLE)
    pieces: list[str] = []
    ranges: list[range] = []
    done = 0
    for match in _DELETIONS.finditer(folded):
        start, end = match.span()
        pieces.append(folded[done:start])
        ranges.append(range(done, start))
        space = folded.find(" ", start, end)
        if space >= 0:
            pieces.append(" ")
            ranges.append(range(space, space + 1))
        done = end
    if not done:
        return Normalized(folded, text, range(len(text)))
    pieces.append(folded[done:])
    ranges.append(range(done, len(folded)))
    # 4 bytes an offset: a tuple of ints took 36, 90 MB for a 2.5-million-character item.
    return Normalized("".join(pieces), text, array("I", itertools.chain.from_iterable(ranges)))


def normalize_text(text: str) -> str:
    """Just the normalised string (for terms, keys and lookups)."""
    folded = text.translate(FOLD_TABLE)
    return _SPACES.sub(" ", folded) if "  " in folded else folded
