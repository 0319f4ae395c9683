"""Clitic-aware term matching with one Aho-Corasick automaton for all terms.

Rules, the gazetteer and event lexicons all compile their terms into a :class:`TermMatcher`.
Terms and text are normalised with :func:`worker.text.normalize.normalize`; a hit counts
only at word boundaries, where the characters before it in the same word are a valid
Arabic proclitic chain (و ف ب ل ك ال and combinations such as وبال، فلل) and the characters
after it a common suffix (plural, nisba, pronoun).  So بالفسفور and فسفورية match فسفور but
الفوسفات does not match فوسفور, and للباغوز matches الباغوز.

Why one automaton: DESIGN.md requires matching to stay fast with thousands of terms;
pyahocorasick scans the text once whatever the number of terms (Aho & Corasick 1975).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Hashable, Iterable

import ahocorasick

from worker.text.normalize import Normalized, normalize, normalize_text

# Proclitic chains, after normalisation.  Conjunction (و/ف), then preposition (ب/ل/ك) or
# future/question particles are not needed for nouns; then the article ال.  ل + ال is
# written لل (the alef drops), e.g. للباغوز.  Source: Buckwalter morphology, prefix table.
_CONJ = ("", "و", "ف")
_PREP = ("", "ب", "ل", "ك")
ARABIC_PREFIXES = frozenset(
    c + p + a for c in _CONJ for p in _PREP for a in ("", "ال")
) | frozenset(c + "لل" for c in _CONJ)

# Suffixes, after normalisation (ة -> ه, ى -> ي): nisba and feminine (ي، يه، يات، يين، يون),
# sound plurals and duals (ون، ين، ات، ان، تان، تين), accusative tanwin alef, pronouns.
ARABIC_SUFFIXES = frozenset({
    "", "ي", "يه", "يات", "يين", "يون", "يا", "ين", "ون", "ات", "ان", "تان", "تين", "ا",
    "ه", "ها", "هم", "هما", "هن", "ك", "كم", "نا", "اء", "اً",
    "يها", "يهم", "ته", "تها", "تهم", "اته", "اتها", "اتهم",
})
LATIN_SUFFIXES = frozenset({"", "s", "es", "'s", "\u2019s"})
_AFFIX_MAX = max(len(a) for a in (*ARABIC_PREFIXES, *ARABIC_SUFFIXES, *LATIN_SUFFIXES))


def _is_word_char(ch: str) -> bool:
    return ch.isalnum()


def _is_arabic_word_char(ch: str) -> bool:
    return ch.isalnum() and not ch.isdigit()


def _is_arabic(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


@dataclass(frozen=True)
class Hit:
    """A term found in a text: spans are into the original text."""

    start: int
    end: int
    text: str
    term: str  # the term as normalised
    payloads: tuple[Hashable, ...]


def _term_keys(term: str) -> list[tuple[str, bool]]:
    """Automaton keys for one term: (key, needs_suffix).  Leading ال is optional in text."""
    norm = normalize_text(term).strip()
    if not norm:
        return []
    keys = [(norm, False)]
    if _is_arabic(norm):
        if norm.startswith("ال") and len(norm.split(" ")[0]) > 3:
            keys.append((norm[2:], False))
        # Taa marbuta becomes ت before a suffix: قذيفة -> قذيفتان، مجزرة -> مجزرتين.
        for key, _ in list(keys):
            if key.endswith("ه"):
                keys.append((key[:-1] + "ت", True))
    return keys


class TermMatcher:
    """All terms of all rules (or entities) in one automaton; payloads say whose term it is."""

    def __init__(self, terms: Iterable[tuple[str, Hashable]]):
        # Per key, each payload with whether it needs a suffix there: one term's own form
        # and another's taa-marbuta form may be the same key (أصابت, and إصابة before a
        # suffix), and each keeps its own condition.
        table: dict[str, dict[Hashable, bool]] = {}
        for term, payload in terms:
            for key, needs_suffix in _term_keys(term):
                entry = table.setdefault(key, {})
                entry[payload] = entry.get(payload, True) and needs_suffix
        self._automaton = ahocorasick.Automaton()
        for key, entry in table.items():
            always = tuple(p for p, needs in entry.items() if not needs)
            self._automaton.add_word(key, (key, always, tuple(entry)))
        self.size = len(table)
        if table:
            self._automaton.make_automaton()

    def find(self, text: str | Normalized, *, longest: bool = True) -> list[Hit]:
        """All hits in ``text`` at valid word boundaries; overlapping shorter hits dropped."""
        norm = text if isinstance(text, Normalized) else normalize(text)
        if not self.size:
            return []
        hits = []
        for end_index, (key, always, with_suffix) in self._automaton.iter(norm.text):
            start, end = end_index - len(key) + 1, end_index + 1
            suffix = self._valid_suffix(norm.text, start, end, key)
            payloads = with_suffix if suffix else always
            if suffix is not None and payloads:
                s, e = norm.span(start, end)
                hits.append(Hit(s, e, norm.source[s:e], key, payloads))
        return _drop_overlapped(hits) if longest else sorted(hits, key=lambda h: h.start)

    @staticmethod
    def _valid_suffix(text: str, start: int, end: int, key: str) -> str | None:
        """The suffix after a hit at valid word boundaries ("" for none), or None."""
        # Look at most one character past the longest affix: a longer one is invalid anyway,
        # and walking a whole word per hit was quadratic on one long word of repeated terms
        # (measured for issue 11: 20,000 characters of سوريا took 10.7 s in the gazetteer).
        arabic = _is_arabic(key[:1]) or _is_arabic(key[-1:])
        # Digits end an Arabic word: "مقتل38 شخصا" is مقتل and 38 with the space lost
        # (France24 feeds, report-gold fourteenth draw); worker.nlp.tokenize cuts the same.
        # (a term that ends or starts with a digit, "مصطلح4", goes on into more digits)
        before = _is_arabic_word_char if arabic and not key[:1].isdigit() else _is_word_char
        after = _is_arabic_word_char if arabic and not key[-1:].isdigit() else _is_word_char
        word_start, first = start, max(0, start - _AFFIX_MAX - 1)
        while word_start > first and before(text[word_start - 1]):
            word_start -= 1
        word_end, last = end, min(len(text), end + _AFFIX_MAX + 1)
        while word_end < last and after(text[word_end]):
            word_end += 1
        prefix, suffix = text[word_start:start], text[end:word_end]
        if arabic:
            ok = prefix in ARABIC_PREFIXES and suffix in ARABIC_SUFFIXES
        else:
            ok = prefix == "" and suffix in LATIN_SUFFIXES
        return suffix if ok else None


def _drop_overlapped(hits: list[Hit]) -> list[Hit]:
    """Keep the longest hit where hits overlap (الفسفور الأبيض over الفسفور)."""
    kept: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (h.start, -(h.end - h.start))):
        if kept and hit.start < kept[-1].end:
            if hit.end - hit.start > kept[-1].end - kept[-1].start:
                kept[-1] = hit
            elif hit.end <= kept[-1].end and hit.payloads != kept[-1].payloads:
                # A shorter term of another owner inside a longer one still counts for
                # that owner: merge payloads onto the longer hit.
                merged = tuple(dict.fromkeys(kept[-1].payloads + hit.payloads))
                kept[-1] = Hit(kept[-1].start, kept[-1].end, kept[-1].text, kept[-1].term, merged)
            continue
        kept.append(hit)
    return kept
