"""Time expressions in Arabic news ("مساء أمس"، "فجر اليوم السبت"، "الجمعة"، "2 آذار"،
"عام 2014"), and in English feeds ("on Monday", "yesterday", "March 5, 2024"), resolved
against the article's publication date.

Relative days follow news usage: اليوم is the publication day, أمس the day before, أول
أمس two days before, and a bare weekday the latest such day on or before publication
(news reports the past).  Month names: both the Gregorian loanwords (مارس) and the
Levantine/Iraqi Syriac names (آذار), per Ryding ch. 15 (dates).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from typing import Any

from worker.text.normalize import normalize

# Normalised spellings (ة->ه, ى->ي, أ->ا).
_WEEKDAYS = {"الاثنين": 0, "الثلاثاء": 1, "الاربعاء": 2, "الخميس": 3, "الجمعه": 4,
             "السبت": 5, "الاحد": 6}
_MONTHS = {
    "يناير": 1, "فبراير": 2, "مارس": 3, "ابريل": 4, "مايو": 5, "يونيو": 6, "يوليو": 7,
    "اغسطس": 8, "سبتمبر": 9, "اكتوبر": 10, "نوفمبر": 11, "ديسمبر": 12,
    "كانون الثاني": 1, "شباط": 2, "اذار": 3, "نيسان": 4, "ايار": 5, "حزيران": 6, "تموز": 7,
    "اب": 8, "ايلول": 9, "تشرين الاول": 10, "تشرين الثاني": 11, "كانون الاول": 12,
}
_RELATIVE = {"اليوم": 0, "امس": -1, "البارحه": -1, "اول امس": -2, "امس الاول": -2,
             "الليله الماضيه": -1, "ليل امس": -1, "الليله": 0}
_PART = r"(?:صباح|مساء|فجر|ظهر|عصر|ليل|ليله|منتصف ليل|ظهيره|صبيحه)"
_WD = "|".join(_WEEKDAYS)
_REL = "|".join(sorted(_RELATIVE, key=len, reverse=True))
_MON = "|".join(sorted(_MONTHS, key=len, reverse=True))
_B = r"(?<![\w])(?:[وف]?(?:ب|ل)?)"  # optional clitics before the expression
# English feeds (stop 34): the same kinds, lower-cased by normalize.
_EN_WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
                "saturday": 5, "sunday": 6}
_EN_MONTHS = {"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6,
              "july": 7, "august": 8, "september": 9, "october": 10, "november": 11,
              "december": 12, "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7,
              "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12}
_EN_RELATIVE = {"today": 0, "this morning": 0, "tonight": 0, "yesterday": -1,
                "last night": -1, "the day before yesterday": -2}
_EN_WD = "|".join(_EN_WEEKDAYS)
_EN_MON = "|".join(sorted(_EN_MONTHS, key=len, reverse=True))
_EN_REL = "|".join(sorted(_EN_RELATIVE, key=len, reverse=True))
_EN_PART = r"(?: (?:morning|afternoon|evening|night))?"
_EN_FULL_MONTHS = "|".join(m for m in _EN_MONTHS if len(m) > 3 or m == "may")
# a number after a month that counts people is no year: "In June 2000 people fled"
_NOT_A_COUNT = (r"(?! (?:people|persons|civilians|soldiers|troops|fighters|others|more|of|"
                r"were|are|have|had|killed|dead|wounded|injured|refugees|migrants)\b)")
_PATTERNS = [
    ("date_en", re.compile(rf"\b(?:(?:{_EN_WD}),? )?({_EN_MON})\.? (\d{{1,2}})(?:st|nd|rd|th)?"
                           rf"(?:,? (\d{{4}}))?\b")),
    ("date_en_dmy", re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)? ({_EN_MON})(?:,? (\d{{4}}))?\b")),
    # A month alone, after a word that makes it a past or present time ("in March", "last
    # March", "the March attack", "mid-March", "since early March") or with its year ("March
    # 2017"): full names only ("Mar Elias" is a camp); "May" only after in / last / since /
    # early / late / during / mid- (not "the May government", not the modal "May God");
    # no "until / by / through", which point ahead.  A year is 1900-2099 and not a count
    # ("In June, 1200 people were killed").  After the day-and-month kinds, so "May 2" stays
    # a day.
    ("month_en", re.compile(
        rf"\b(?:(?P<cue>in|last|since|early|late|during|the|this|of) |mid-)"
        rf"(?P<month>{_EN_FULL_MONTHS})\b(?:,? (?P<year>(?:19|20)\d\d)\b{_NOT_A_COUNT})?"
        rf"|\b(?P<month2>{_EN_FULL_MONTHS}),? (?P<year2>(?:19|20)\d\d)\b{_NOT_A_COUNT}")),
    ("relative_en", re.compile(rf"\b({_EN_REL})\b")),
    ("weekday_en", re.compile(rf"\b(?:last |on |early |late )?({_EN_WD}){_EN_PART}\b")),
    ("date", re.compile(rf"{_B}(?:يوم )?(?:(?:{_WD}) )?(\d{{1,2}}) ({_MON})(?: (\d{{4}}))?(?!\w)")),
    ("relative", re.compile(rf"{_B}(?:{_PART} )?(?:يوم )?({_REL})(?: ({_WD}))?(?!\w)")),
    ("weekday", re.compile(rf"{_B}(?:{_PART} )?(?:يوم )?({_WD})(?: (?:الماضي|الفائت))?(?!\w)")),
    ("year", re.compile(rf"{_B}(?:عام|سنه|العام) (\d{{4}})(?!\w)")),
]


def find_times(text: str, start: int, end: int, published: str | None) -> list[dict[str, Any]]:
    """Time expressions in ``text[start:end]``: {"text","start","end","resolved"} with
    offsets into ``text`` and ``resolved`` an ISO date (or year), None when unknown."""
    norm = normalize(text[start:end])
    pub = published_date(published)
    found: list[dict[str, Any]] = []
    taken: list[tuple[int, int]] = []
    latin = _LATIN.search(norm.text) is not None
    for kind, pattern in _PATTERNS:
        if kind in _ENGLISH_KINDS and not latin:
            continue  # (an Arabic sentence: the English patterns would only cost time)
        for m in pattern.finditer(norm.text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            # (a month alone is the month and its year: "in March" is a time at "March")
            first = m.start("month") if kind == "month_en" and m.group("month") else m.start()
            if kind == "month_en" and m.group("month") == "may" \
                    and m.group("cue") in ("the", "this", "of"):
                continue  # "the May government", "a statement of May": the name
            s, e = norm.span(first, m.end())
            if kind in _NAMED_EN and not _capitalised(text[start + s:start + e], kind):
                continue  # "12 may have died": the modal, not the month
            taken.append((m.start(), m.end()))
            found.append({"text": text[start + s:start + e], "start": start + s,
                          "end": start + e, "resolved": _resolve(kind, m, pub)})
    return sorted(found, key=lambda t: t["start"])


_NAMED_EN = {"date_en", "date_en_dmy", "weekday_en", "month_en"}
_ENGLISH_KINDS = _NAMED_EN | {"relative_en"}
_LATIN = re.compile(r"[a-z]")


def _capitalised(original: str, kind: str) -> bool:
    """English month and day names are written with a capital: "May 12", not "may 12"."""
    names = _EN_WEEKDAYS if kind == "weekday_en" else _EN_MONTHS
    return any(w[:1].isupper() for w in re.findall(r"[A-Za-z]+", original)
               if w.lower() in names)


def published_date(published: str | None) -> dt.date | None:
    """The publication day from ISO 8601 (records.Entry) or an RFC 2822 feed date."""
    if not published:
        return None
    try:
        return dt.date.fromisoformat(published[:10])
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(published).date()
    except (TypeError, ValueError):
        return None


def _resolve(kind: str, m: re.Match[str], pub: dt.date | None) -> str | None:
    if kind == "year":
        return m.group(1)
    if kind in ("date_en", "date_en_dmy"):
        month, day = (m.group(1), m.group(2)) if kind == "date_en" else (m.group(2), m.group(1))
        year = int(m.group(3)) if m.group(3) else (pub.year if pub else None)
        try:
            when = dt.date(year, _EN_MONTHS[month], int(day)) if year else None
        except ValueError:
            return None
        if when and not m.group(3) and pub and when > pub + dt.timedelta(days=1):
            try:
                when = when.replace(year=year - 1)  # "Dec 28" in a January article: the past
            except ValueError:
                return None  # "Feb 29" rolled back to a year with no such day
        return when.isoformat() if when else None
    if kind == "month_en":
        return _month(m, pub)
    if kind in ("relative_en", "weekday_en") and pub is None:
        return None
    if kind == "relative_en":
        return (pub + dt.timedelta(days=_EN_RELATIVE[m.group(1)])).isoformat()
    if kind == "weekday_en":
        back = (pub.weekday() - _EN_WEEKDAYS[m.group(1)]) % 7
        return (pub - dt.timedelta(days=back)).isoformat()
    if pub is None:
        return _absolute(kind, m)
    if kind == "relative":
        return (pub + dt.timedelta(days=_RELATIVE[m.group(1)])).isoformat()
    if kind == "weekday":
        back = (pub.weekday() - _WEEKDAYS[m.group(1)]) % 7
        return (pub - dt.timedelta(days=back)).isoformat()
    return _date(m, pub.year)


def _absolute(kind: str, m: re.Match[str]) -> str | None:
    return _date(m, None) if kind == "date" else None


def _date(m: re.Match[str], default_year: int | None) -> str | None:
    year = int(m.group(3)) if m.group(3) else default_year
    if year is None:
        return None
    try:
        return dt.date(year, _MONTHS[m.group(2)], int(m.group(1))).isoformat()
    except ValueError:
        return None


def _month(m: re.Match[str], pub: dt.date | None) -> str | None:
    """"in March" / "March 2017": the month as YYYY-MM.  With no year: the publication
    year's, or the year before when that month has not come yet ("in December" in a
    January article is the past one) or is "last" ("last March" in a March article is a
    year ago); "this December" stays this year's."""
    name, year = (m.group("month"), m.group("year")) if m.group("month") else \
        (m.group("month2"), m.group("year2"))
    month = _EN_MONTHS[name]
    if year:
        return f"{int(year):04d}-{month:02d}"
    if pub is None:
        return None
    cue = m.group("cue")
    back = month >= pub.month if cue == "last" else month > pub.month and cue != "this"
    return f"{pub.year - back:04d}-{month:02d}"
