"""Killed and injured figures of English sentences (English feeds; issue 8, item 4).

The Arabic reader (worker/nlp/casualties.py) works on normalised Arabic words and its
lexicon; English wire copy tells tolls in a handful of constructions, read here over the
sentence's words (tests/gold/events/english/README.md has the gold they are measured on):

* a subject before its verb: "At least 9 people were killed", "three soldiers and two
  civilians died", "a policeman was shot dead", "two of the wounded later died";
* the victims after an active verb: "killing 12 and wounding 30", "gunmen killed 4 militants
  and a policeman", "left 9 dead", "claimed the lives of 40";
* nouns: "12 deaths", "the bodies of 14 migrants", "20 casualties";
* a running toll: "raising the death toll to 15", "the toll rose to 40";
* none: "no one was hurt", "there were no immediate reports of casualties".

Groups joined by "and" add up; a part after "including" / "among them" does not
(GUIDELINE.md section 3).  A figure under a threat, a hedge, a denial or a trial ("could
kill thousands", "denied that anyone was killed", "charged with killing") is no report.
Returns ``EnglishFigure`` records; casualties.find_english_casualties makes them
``Casualty`` mentions for the event stage.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

# --- words ---------------------------------------------------------------------------------

# (a comma inside a number only before three digits: "1,200", not the "8," of "kills 8,")
_WORD = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
                   r"|[A-Za-z]+(?:['’][A-Za-z]+)?(?:-[A-Za-z]+)*|[^\sA-Za-z\d]")

_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
          "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
          "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
# Vague amounts at their lower bound (GUIDELINE.md: عشرات = 10, مئات = 100).
_VAGUE = {"dozens": 10, "scores": 20, "hundreds": 100, "thousands": 1000, "several": None,
          "many": None, "numerous": None}
_APPROX = ("at least", "more than", "over", "about", "around", "nearly", "almost", "some",
           "up to", "roughly", "approximately", "an estimated", "as many as", "close to",
           "upwards of", "no fewer than", "no less than", "at least another", "above",
           "more than a", "around a", "about a", "nearly a", "almost a", "over a")
_APPROX_WORDS = [tuple(a.split()) for a in sorted(_APPROX, key=lambda a: -len(a.split()))]

# Verbs and participles of a death with the victim before them ("were killed", "died").
_DIED = {"killed", "martyred", "slain", "murdered", "massacred", "executed", "died", "perished",
         "drowned", "dead", "succumbed", "assassinated", "beheaded", "lynched", "electrocuted"}
# ... and of a wound.
_HURT = {"injured", "wounded", "hurt", "maimed"}
# The manner words of "shot dead", "stabbed to death", "burned alive".
_TO_DEATH = {"shot", "stabbed", "beaten", "burned", "burnt", "hacked", "crushed", "stoned",
             "tortured", "trampled", "gunned", "bludgeoned", "clubbed", "strangled"}
# Active verbs with the victims after them.
_KILLING = {"killed", "killing", "kills", "kill", "slew", "massacred", "murdered", "executed",
            "assassinated", "claimed", "claiming", "took", "taking"}
_WOUNDING = {"wounding", "injuring", "wounded", "injured", "hurting", "wounds", "injures",
             "injure", "wound", "hurt", "maimed", "maiming"}
_LEAVING = {"left", "leaving", "leaves"}
_AUX = {"were", "was", "have", "has", "had", "been", "are", "is", "be", "being", "reportedly",
        "also", "later", "all", "allegedly", "subsequently", "both", "each", "since", "confirmed",
        "found", "initially", "then", "themselves", "reported", "believed", "feared", "presumed",
        "said", "thought", "known", "to", "now", "already", "instantly", "immediately",
        # how badly: "were lightly injured", "three others seriously injured"
        "lightly", "seriously", "critically", "slightly", "badly", "severely", "mortally",
        "fatally", "gravely", "moderately"}
# Hedges that keep a death only believed: "believed dead" is still a report in the gold's
# reading of an attributed toll, so they are skipped like auxiliaries (above).
_PEOPLE_PRONOUNS = {"him": 1, "her": 1, "them": None, "both": 2, "themselves": None}
_SUBJECT_PRONOUNS = {"he": 1, "she": 1, "they": None, "we": None}
# A figure under these is no report: threats, hedges, plans, denials, trials, conditions.
_IRREALIS = {"could", "would", "might", "may", "threaten", "threatened", "threatens",
             "threatening", "warn", "warned", "warns", "warning", "fear", "fears", "feared",
             "plan", "plans", "planned", "planning", "intend", "intended", "vow", "vowed",
             "vows", "deny", "denied", "denies", "denying", "charged", "accused", "convicted",
             "sentenced", "trial", "indicted", "prosecuted", "anniversary", "commemorate",
             "commemorated", "commemorating", "if", "unless", "potentially", "plot",
             "plotting", "plotted", "shall", "rejected", "dismissed", "accusing", "accuse",
             "accuses", "called", "calls", "calling", "halt", "combat", "combating", "pledged",
             "pledge", "prevent", "preventing"}
# (Not "tried", "mark", "claims", "allegedly": "tried to flee but was shot dead", "Mark
# Smith was killed", "the group claims the attack that killed 5", "allegedly by the army"
# leave the death told.)
# An injury on the field is no wounding: "The striker was injured in the 30th minute".
_SPORT = {"striker", "midfielder", "defender", "goalkeeper", "match", "matches", "minute",
          "season", "tournament", "hamstring", "knee", "ankle", "squad", "coach", "league",
          "championship", "cup", "semi-final", "quarter-final", "kick-off"}
# Habitual and multi-year talk (GUIDELINE.md: generic and cumulative multi-year tolls are
# mentions): "kill or maim hundreds of Afghans every year".
_HABITUAL = (("every", "year"), ("each", "year"), ("every", "day"), ("each", "day"),
             ("every", "month"), ("a", "year"), ("per", "year"), ("annually",))
_NOT_VIOLENT = {"cancer", "covid", "covid-19", "coronavirus", "disease", "illness", "heart",
                "stroke", "causes", "age", "aged", "old", "cholera", "malaria", "ebola",
                "pneumonia", "complications", "natural", "overdose", "hunger"}
# "died of cancer", "died aged 84", "died after a long illness"
_NOT_VIOLENT_AFTER = {"of", "from", "after", "aged", "at"}
_TOLL = {"toll", "tally"}
_TOLL_VERBS = {"rose", "risen", "rises", "rising", "climbed", "climbs", "climbing", "jumped",
               "increased", "reached", "reaches", "stood", "stands", "is", "was", "of", "hit",
               "hits", "surged", "now", "has", "had", "to", "at", "grew", "mounted", "exceeded",
               "surpassed", "topped", "passed", "revised", "down", "up", "lowered", "raised",
               "been"}
_DEAD_NOUNS = {"deaths", "fatalities", "dead", "bodies", "corpses", "lives", "victims"}
_HURT_NOUNS = {"injuries", "wounded", "injured"}
_LUMPED = {"casualties"}
_NONE_SUBJECTS = {"no one", "nobody", "none", "no-one", "no people", "no civilians",
                  "no soldiers", "no troops"}
_CLAUSE = {",", ";", ":", "(", ")", '"', "“", "”", "—", "–", ".", "?", "!", "while",
           "whereas", "but", "after", "before", "when", "as", "which", "who", "that", "where",
           "because"}
_YEAR = re.compile(r"^(19|20)\d\d$")


@dataclass(frozen=True)
class EnglishFigure:
    """One figure of the sentence: ``count`` None = told without a number ("?"), 0 = none;
    ``toll`` a running total that includes the day's deaths; offsets into the sentence."""

    kind: str
    count: int | None
    approx: bool
    start: int
    end: int
    negated: bool = False
    toll: bool = False
    split: bool = False  # killed and wounded told as one number: each "?"


@dataclass(frozen=True)
class _Word:
    text: str
    low: str
    start: int
    end: int


@dataclass(frozen=True)
class _Number:
    value: int | None
    approx: bool
    first: int
    last: int  # past the number's words


class _Words(list):  # type: ignore[type-arg]
    """The sentence's words, with their lower-cased forms computed once (``low``): every
    reader looks at them, so a sentence costs one pass per reader, not one per word."""

    def __init__(self, words: list[_Word]) -> None:
        super().__init__(words)
        self.low = _low(words)


def _words(text: str) -> _Words:
    return _Words([_Word(m.group(), m.group().lower().replace("’", "'"), m.start(), m.end())
                   for m in _WORD.finditer(text)])


def _low(words: list[_Word]) -> list[str]:
    return words.low if isinstance(words, _Words) else [w.low for w in words]


def _number_at(words: list[_Word], k: int) -> _Number | None:
    """The number starting at word ``k`` (with its approximator): "at least 12", "twenty-five",
    "a dozen", "1,200", "between 10 and 15" (the lowest), "dozens"."""
    first, approx = k, False
    low = _low(words)
    for phrase in _APPROX_WORDS:
        if tuple(low[k:k + len(phrase)]) == phrase:
            approx, k = True, k + len(phrase)
            if phrase[-1] == "a":
                k -= 1  # "more than a dozen": the article is the number's
            break
    if k >= len(words):
        return None
    if low[k] == "between" and k + 1 < len(words):
        inner = _number_at(words, k + 1)
        if inner is not None and inner.last + 1 < len(words) and low[inner.last] == "and":
            upper = _number_at(words, inner.last + 1)
            if upper is not None:
                return _Number(inner.value, True, first, upper.last)
        return None
    value, end = _value(low, k)
    if end == k:
        return None
    # a range: "10 to 15", "10-15" (the lowest; GUIDELINE.md)
    if end + 1 < len(words) and low[end] in {"to", "-", "or"}:
        upper, past = _value(low, end + 1)
        if past > end + 1 and upper is not None and value is not None and upper > value:
            return _Number(value, True, first, past)
    return _Number(value, approx or low[k] in _VAGUE, first, end)


def _value(low: list[str], k: int) -> tuple[int | None, int]:
    """(value, end) of the number words at ``k``; end == k when there is none."""
    w = low[k]
    if re.fullmatch(r"\d[\d,]*(?:\.\d+)?", w):
        try:
            value = float(w.replace(",", ""))
        except ValueError:
            return None, k
        end = k + 1
        if end < len(low) and low[end] in {"million", "thousand", "hundred"}:
            value *= {"million": 1e6, "thousand": 1e3, "hundred": 1e2}[low[end]]
            end += 1
        if value != int(value):
            return None, k
        return int(value), end
    if w in _VAGUE:
        return _VAGUE[w], k + 1
    if w in {"a", "an", "one"} and k + 1 < len(low) and low[k + 1] in _SCALE:
        return _SCALE[low[k + 1]], k + 2
    if low[k:k + 3] == ["half", "a", "dozen"]:
        return 6, k + 3
    if w == "dozen":
        return 12, k + 1
    value, end = None, k
    parts = w.split("-")
    if all(p in _UNITS or p in _TENS for p in parts) and parts:
        value = sum(_UNITS.get(p, 0) + _TENS.get(p, 0) for p in parts)
        end = k + 1
        if w in _TENS and end < len(low) and low[end] in _UNITS and low[end] not in {"one"} \
                or (w in _TENS and end < len(low) and low[end] == "one"
                    and end + 1 < len(low) and low[end + 1] not in _DIED | _HURT):
            value += _UNITS[low[end]]  # "twenty five"
            end += 1
        if end < len(low) and low[end] in {"dozen"}:
            value, end = value * 12, end + 1
        elif end < len(low) and low[end] in {"hundred", "thousand"}:
            value *= 100 if low[end] == "hundred" else 1000
            end += 1
    return value, end


def english_number(words: list[str], k: int) -> int | None:
    """The value of the number words at ``k`` of lower-cased ``words`` ("twenty-five", "a
    dozen", "1,200", "dozens"), None when none starts there."""
    value, end = _value(words, k)
    return value if end > k else None


def _is_number_start(words: list[_Word], k: int) -> bool:
    return _number_at(words, k) is not None


def _year_or_age(words: list[_Word], num: _Number) -> bool:
    """1900-2100 written as digits, or an age: "12-year-old", "aged 40", "40 years old"."""
    w = words[num.first].low
    if _YEAR.match(w) and num.last == num.first + 1:
        return True
    past = num.last + 1 if num.last < len(words) and words[num.last].low == "-" else num.last
    nxt = words[past].low if past < len(words) else ""  # ("12-year-old": past the hyphen)
    prev = words[num.first - 1].low if num.first > 0 else ""
    return nxt.startswith(("year", "month", "day", "week", "hour", "minute", "km", "kilomet",
                           "mile", "metre", "meter", "percent", "%", "am", "pm", "a.m", "p.m",
                           "o'clock", "gmt", "tons", "tonnes", "dollars", "$", "billion")) \
        or nxt in _MONTHS or prev in _MONTHS \
        or (prev == "," and nxt == "," and num.first >= 2 and words[num.first - 2].low.isalpha()
            and (num.value or 0) < 120 and num.last == num.first + 1) \
        or prev in {"aged", "age", "ages", "route", "flight", "resolution", "article",
                    "number", "no", "page", "chapter", "highway", "block", "$", "us$"}


_SCALE = {"dozen": 12, "hundred": 100, "thousand": 1000, "million": 1000000}
_MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december", "jan", "feb", "mar", "apr", "jun",
           "jul", "aug", "sep", "sept", "oct", "nov", "dec"}


# --- reading -------------------------------------------------------------------------------


def english_figures(text: str) -> list[EnglishFigure]:
    """Every killed and injured figure the English sentence ``text`` tells."""
    words = _words(text)
    low = _low(words)
    sentence = _Cues.of(words)
    found: list[EnglishFigure] = []
    used: set[int] = set()
    for k in range(len(low)):
        if k in used:
            continue
        figure = (_toll(words, k, used) or _negated(words, k, used)
                  or _lumped(words, k, used) or _subject_verb(words, k, used)
                  or _active(words, k, used) or _nominal(words, k, used))
        for f in figure or ():
            if not _irrealis(words, f, sentence):
                found.append(f)
    return found


def hedges(text: str) -> Callable[[int, int], bool]:
    """For the English sentence ``text``, a test of a span (an event trigger, triggers_en):
    is it under a threat, hedge, plan, denial, trial or condition, or in habitual, sport or
    multi-year talk, as a figure there would be?  The sentence is read once for all its
    spans."""
    words = _words(text)
    low = _low(words)
    sentence = _Cues.of(words)

    def hedged(start: int, end: int) -> bool:
        if sentence.sport:
            return True
        k = bisect.bisect_left(sentence.starts, start)
        # "to attack" is a purpose; "in response to attacks" (a noun after "to") is not
        infinitive = k < len(low) and low[k] in _BASE_VERBS
        return _irrealis(words, EnglishFigure("event", None, False, start, end), sentence,
                         infinitive=infinitive)

    return hedged


_BASE_VERBS = {"attack", "strike", "shell", "bomb", "kill", "raid", "storm", "deploy",
               "evacuate", "release", "arrest", "kidnap", "abduct", "fight", "clash", "launch",
               "target", "hit", "detain", "free", "assault", "ambush", "flee"}


@dataclass(frozen=True)
class _Cues:
    """What the whole sentence says once: its word starts (to find a figure's words), a
    word of sport, a habitual "every year", a year after "since"."""

    starts: list[int]
    sport: bool
    habitual: bool
    since_year: bool

    @classmethod
    def of(cls, words: list[_Word]) -> "_Cues":
        low = _low(words)
        return cls(
            starts=[w.start for w in words],
            sport=any(w in _SPORT for w in low),
            habitual=any(tuple(low[i:i + len(h)]) == h
                         for i in range(len(low)) for h in _HABITUAL),
            since_year=any(low[i] == "since" and _YEAR.match(low[i + 1])
                           for i in range(len(low) - 1)))


def _span(words: list[_Word], first: int, last: int) -> tuple[int, int]:
    return words[first].start, words[max(last - 1, first)].end


def _irrealis(words: list[_Word], figure: EnglishFigure, sentence: _Cues,
              infinitive: bool = True) -> bool:
    """A cue of a threat, hedge, plan, denial, trial or condition in the figure's clause
    before it ("militants threatened to kill 100", "the army denied that anyone was
    killed"), an illness after a death ("died of cancer"), an injury in sport, habitual or
    multi-year talk ("every year", "has killed ... since 2011")."""
    low = _low(words)
    k = bisect.bisect_left(sentence.starts, figure.start)
    window = []
    for i in range(k - 1, max(k - 14, -1), -1):
        if low[i] in {";", ".", "?", "!", ","}:
            break  # (a cue's reach ends with its clause: "who had threatened to attack the
            # town, attacked a checkpoint")
        window.append(low[i])
    if any(w in _IRREALIS for w in window):
        return True
    if infinitive and "to" in window[:2] \
            and not any(w in {"was", "were", "is", "are"} for w in window[:2]):
        return True  # "to kill 100" (an infinitive: a purpose, a plan)
    end = bisect.bisect_left(sentence.starts, figure.end)
    after = low[end:end + 4]
    if figure.kind == "killed" and after[:1] and after[0] in _NOT_VIOLENT_AFTER \
            and any(a in _NOT_VIOLENT for a in after[1:4]):
        return True
    if figure.kind == "killed" and bool(after) and after[0] == "aged":
        return True
    if figure.kind == "injured" and figure.count != 0 and sentence.sport:
        return True
    if sentence.habitual:
        return True
    # "The war in Syria has killed more than 500,000 people since 2011": a perfect with a
    # year after "since" is a multi-year toll; "were killed on Monday in fighting that has
    # raged since 2011" (a simple past) is the day's
    perfect = any(low[i] in {"has", "have"} and low[i + 1] in {"killed", "claimed", "been",
                                                               "died", "left"}
                  for i in range(max(k - 3, 0), min(end, len(low) - 1)))
    return perfect and sentence.since_year


def _toll(words: list[_Word], k: int, used: set[int]) -> list[EnglishFigure] | None:
    """"the death toll rose to 40", "raising the death toll to 15", "bringing the number of
    dead to 62", "a toll of 12": a running total (killed; "injury toll" injured)."""
    low = _low(words)
    kind, j = None, k
    if low[k] in _TOLL:
        kind = "injured" if k > 0 and low[k - 1] in {"injury", "injuries"} else "killed"
        j = k + 1
        # past what the toll is of: "the death toll from Wednesday's flash floods in
        # Hodeidah province rose to 40", "raising the death toll from the attack to 15"
        verb = next((m for m in range(k + 1, min(k + 12, len(words)))
                     if low[m] in _TOLL_VERBS - {"is", "was", "has", "had", "now", "been",
                                                 "of", "to", "at", "up", "down", "above"}
                     or (low[m] in {"to", "at", "above"} and _is_number_start(words, m + 1))
                     or low[m] in _CLAUSE), None)
        if verb is not None and low[verb] not in _CLAUSE and verb > k + 1 \
                and low[k + 1] in {"from", "in", "of"} and not _is_number_start(words, k + 2):
            j = verb
        while j < len(words) and j < k + 14 and low[j] in _TOLL_VERBS | {"further", "again",
                                                                           "since", "so",
                                                                           "far", "thus"}:
            j += 1
    elif low[k] == "number" and k + 2 < len(words) and low[k + 1] == "of" \
            and low[k + 2] in _DEAD_NOUNS | _HURT_NOUNS | {"people", "those", "killed"}:
        kind = "injured" if low[k + 2] in _HURT_NOUNS else "killed"
        j = k + 3
        if j < len(words) and low[j] in _DIED | _HURT:
            kind = "injured" if low[j] in _HURT else kind
            j += 1
        while j < len(words) and j < k + 9 and low[j] in _TOLL_VERBS:
            j += 1
    if kind is None:
        return None
    num = _number_at(words, j) if j < len(words) else None
    if num is None or num.value is None or _year_or_age(words, num):
        return None
    start = k - 2 if k >= 2 and low[k - 1] in {"death", "injury"} else k
    start = start - 1 if start > 0 and low[start - 1] in {"the", "a"} else start
    used.update(range(start, num.last))
    first, _ = _span(words, start, num.last)
    return [EnglishFigure(kind, num.value, num.approx, first, words[num.last - 1].end,
                          toll=True)]


def _negated(words: list[_Word], k: int, used: set[int]) -> list[EnglishFigure] | None:
    """"no one was hurt" (both 0), "nobody was killed" (killed 0), "no casualties", "no
    immediate reports of injuries", "without casualties"."""
    low = _low(words)
    two = " ".join(low[k:k + 2])
    if low[k] in {"nobody", "none", "no-one"} or two in _NONE_SUBJECTS:
        j = k + (2 if two in _NONE_SUBJECTS else 1)
        while j < len(words) and j < k + 6 and low[j] in _AUX | {"was", "were", "seriously",
                                                                   "badly", "else"}:
            j += 1
        if j < len(words) and low[j] in _DIED | _HURT | {"harmed"}:
            kinds = ("killed",) if low[j] in _DIED else ("killed", "injured") \
                if low[j] in {"hurt", "harmed"} else ("injured",)
            last = j + 1
            if j + 2 < len(words) and low[j + 1] in {"or", "and", "nor"} \
                    and low[j + 2] in _DIED | _HURT:
                kinds, last = ("killed", "injured"), j + 3  # "nobody was killed or injured"
            used.update(range(k, last))
            start, end = _span(words, k, last)
            return [EnglishFigure(kind, 0, False, start, end, negated=True) for kind in kinds]
        return None
    if low[k] in {"unharmed", "unhurt", "unscathed"}:
        # "all passengers escaped unharmed", "its crew was unharmed"
        used.add(k)
        start, end = _span(words, k, k + 1)
        return [EnglishFigure(kind, 0, False, start, end, negated=True)
                for kind in ("killed", "injured")]
    if low[k] in {"no", "without"}:
        j = k + 1
        while j < len(words) and j < k + 6 and low[j] in {"immediate", "reports", "report",
                                                           "of", "reported", "known",
                                                           "confirmed", "further", "serious",
                                                           "any", "human", "other", "causing",
                                                           "leaving", "resulting", "in"}:
            j += 1
        if j < len(words) and low[j] in _LUMPED | {"deaths", "fatalities", "injuries",
                                                     "loss"}:
            # (no injuries, like no casualties, is none hurt or killed: GUIDELINE.md's
            # generic nouns after a negation, both zero)
            kinds = ("killed",) if low[j] in {"deaths", "fatalities", "loss"} else \
                ("killed", "injured")
            used.update(range(k, j + 1))
            start, end = _span(words, k, j + 1)
            return [EnglishFigure(kind, 0, False, start, end, negated=True) for kind in kinds]
    return None


def _lumped(words: list[_Word], k: int, used: set[int]) -> list[EnglishFigure] | None:
    """Killed and wounded told as one number: "20 people were killed or wounded", "20
    casualties", "20 dead and wounded": each "?" (GUIDELINE.md: the split is not given)."""
    low = _low(words)
    if low[k] in _LUMPED and (k == 0 or low[k - 1] not in {"no", "any", "of"}) \
            and low[k + 1:k + 3] in (["were", "reported"], ["were", "feared"],
                                     ["are", "feared"], ["are", "reported"]):
        # "Casualties were reported after an explosion": both, how many not told
        used.update(range(k, k + 3))
        start, stop = _span(words, k, k + 3)
        return [EnglishFigure(kind, None, False, start, stop, split=True)
                for kind in ("killed", "injured")]
    num = _number_at(words, k)
    if num is None or num.value is None or _year_or_age(words, num):
        return None
    j = num.last
    while j < len(words) and j < num.last + 5 and low[j] not in _LUMPED | _DIED | _HURT \
            and low[j] not in _CLAUSE and not _is_number_start(words, j):
        j += 1
    while j < len(words) and low[j] in _AUX:
        j += 1
    if j >= len(words):
        return None
    if low[j] in _LUMPED or (
            low[j] in _DIED | _HURT and j + 2 < len(words) and low[j + 1] in {"or", "and"}
            and low[j + 2] in (_HURT if low[j] in _DIED else _DIED)
            and not (j + 3 < len(words) and _is_number_start(words, j + 3))):
        end = j + 1 if low[j] in _LUMPED else j + 3
        used.update(range(k, end))
        start, stop = _span(words, k, end)
        return [EnglishFigure(kind, None, num.approx, start, stop, split=True)
                for kind in ("killed", "injured")]
    return None


def _kind_of_verb(words: list[_Word], j: int) -> tuple[str, int] | None:
    """(kind, end) of a death or wound verb at ``j``: "killed", "died", "shot dead",
    "stabbed to death", "lost their lives", "were found dead", "wounded"."""
    low = _low(words)
    w = low[j]
    if w in _TO_DEATH:
        if j + 1 < len(words) and low[j + 1] in {"dead", "alive"}:
            return "killed", j + 2
        if j + 2 < len(words) and low[j + 1] == "to" and low[j + 2] == "death":
            return "killed", j + 3
        if w == "gunned" and j + 1 < len(words) and low[j + 1] == "down":
            return "killed", j + 2
        return None
    if w in {"lost", "lose"} and j + 2 < len(words) and low[j + 2] in {"lives", "life"}:
        return "killed", j + 3
    if w in _DIED:
        return "killed", j + 1
    if w in _HURT:
        return "injured", j + 1
    if w in {"hospitalised", "hospitalized"}:
        return "injured", j + 1
    if w == "treated" and j + 2 < len(words) and low[j + 1] == "for" \
            and low[j + 2] in {"injuries", "wounds", "burns", "shrapnel"}:
        return "injured", j + 3
    if w == "taken" and low[j + 1:j + 3] in (["to", "hospital"], ["to", "hospitals"]) \
            and low[j + 3:j + 4] in (["with"], ["for"]):
        return "injured", j + 3  # "were taken to hospital with injuries"
    if w in {"remain", "remained", "remains", "are", "were"} \
            and low[j + 1:j + 2] == ["in"] and low[j + 2:j + 3] in (["critical"], ["serious"]):
        return "injured", j + 4  # "five others remain in critical condition"
    return None


def _subject_verb(words: list[_Word], k: int, used: set[int]) -> list[EnglishFigure] | None:
    """A death or wound verb at ``k`` with its victims before it: the groups of its subject
    added up ("three soldiers and two civilians were killed" 5), a part after "including"
    left out, a singular subject one ("a policeman was shot dead"), names joined by "and"
    one each ("Sheikh Ahmed al-Jubouri and his son Mohammed were killed" 2), a plural with
    no number "?"."""
    verb = _kind_of_verb(words, k)
    if verb is None:
        return None
    kind, end = verb
    low = _low(words)
    # past the auxiliaries back to the subject's end
    j = k - 1
    while j >= 0 and low[j] in _AUX:
        j -= 1
    if j < k - 1 and low[j + 1] == "to" and not any(low[i] in {"was", "were", "been", "be"}
                                                   for i in range(j + 1, k)):
        return None  # "to kill"
    if kind == "injured" and j >= 0 and low[j] in {"the", "their", "his", "her"}:
        return None  # "the wounded" as a noun ("two of the wounded later died")
    if k > 0 and low[k - 1] in {"the", "a", "an", "their", "his", "her", "its"}:
        return None  # a noun: "the dead", "the injured"
    if j < 0:
        return None
    aux_between = any(low[i] in {"were", "was", "been", "are", "is"} for i in range(j + 1, k))
    if not aux_between and _object_follows(words, end):
        return None  # an active verb with its victims after it: _active reads them
    if low[j] in {"and", "but", "then"} and aux_between:
        # "... and was shot dead by police", "tried to flee but was shot dead": the subject
        # told before, one when "was"
        count = 1 if any(low[i] in {"was", "has", "is"} for i in range(j + 1, k)) else None
        used.update(range(j + 1, end))
        first, stop = _span(words, j + 1, end)
        return [EnglishFigure(kind, count, False, first, stop)]
    # the subject: back to a clause boundary
    start = j
    while start > 0 and low[start - 1] not in _CLAUSE - {","} and start > j - 14:
        start -= 1
    intransitive = low[k] in {"died", "perished", "drowned", "succumbed", "dead"} or \
        low[k] in {"lost", "lose"}
    headline = not aux_between and not intransitive
    groups = _groups(words, start, j + 1)
    died_of_wounds = kind == "killed" and any(
        low[i] in {"wounded", "injured"} and i > 0 and low[i - 1] in {"the", "those"}
        for i in range(start, j + 1))
    if groups is None:
        if low[j] in _SUBJECT_PRONOUNS:
            count = _SUBJECT_PRONOUNS[low[j]]
        elif headline and not _bare_participle_ok(words, j, k):
            return None
        else:
            count = _uncounted_subject(words, start, j, k)
        if count is False:
            return None
        used.update(range(j, end))
        first, stop = _span(words, j, end)
        return [EnglishFigure(kind, count, False, first, stop)]
    if headline and not _bare_participle_ok(words, j, k):
        return None
    total, approx, first = groups
    used.update(range(first, end))
    s, e = _span(words, first, end)
    figures = [EnglishFigure(kind, total, approx, s, e)]
    if died_of_wounds:
        return figures
    # "killed ... and 20 injured": the second kind right after, its number bare
    more = _and_the_other(words, end, used)
    return figures + more


def _object_follows(words: list[_Word], end: int) -> bool:
    """Victims right after the verb make it active: "Gunmen shot dead a journalist", "after
    he wounded four people", "killed John Smith"."""
    if end >= len(words):
        return False
    low = words[end].low
    return _is_number_start(words, end) or low in {"a", "an", "the", "him", "her", "them",
                                                   "both", "his", "their"} \
        or (words[end].text[:1].isupper() and low not in {"on", "in"})


def _bare_participle_ok(words: list[_Word], j: int, k: int) -> bool:
    """"12 killed in Kabul blast", "One soldier killed, two wounded" (a headline's bare
    participle: a counted subject and no object after the verb), not "militants killed 12"
    (an active verb: its subject is no count)."""
    if j + 1 != k:
        return False
    if _is_number_start(words, max(j, 0)) or words[j].low in {"people", "civilians",
                                                               "soldiers", "others", "more",
                                                               "persons"}:
        return True
    return j >= 1 and _is_number_start(words, j - 1) and (j < 2 or words[j - 2].low in _CLAUSE)


_PAIRS = {"couple": 2, "pair": 2, "both": 2, "twins": 2}


def _uncounted_subject(words: list[_Word], start: int, j: int, k: int) -> int | None | bool:
    """The count of a subject with no number: one for a singular ("a policeman was killed",
    "Reporter John Smith died"), one per name or singular joined by "and", two for "both",
    "a couple"; None ("?") for a plural ("several people were killed"); False when it names
    no victim."""
    low = _low(words)
    span = low[start:j + 1]
    for word, count in _PAIRS.items():
        if word in span:
            return count
    parts, part = [], []
    for i in range(start, j + 1):
        if low[i] == "and":
            parts.append(part)
            part = []
        elif low[i] != ",":
            part.append(i)
    parts.append(part)
    parts = [p for p in parts if p]
    if len(parts) > 1 and all(not _plural_subject(words, p[0], p[-1]) for p in parts):
        # "Sheikh Ahmed al-Jubouri and his son Mohammed": one each
        return len(parts)
    if _singular_subject(words, start, j, k):
        return 1
    return None if _plural_subject(words, start, j) else False


def _singular_subject(words: list[_Word], start: int, j: int, k: int) -> bool:
    low = _low(words)
    if any(low[i] in {"was", "has", "is"} for i in range(j + 1, k)):
        return True
    if low[k] in {"died", "perished", "drowned", "succumbed", "lost"}:
        return not _plural_subject(words, start, j)
    return False


def _plural_subject(words: list[_Word], start: int, j: int) -> bool:
    """A subject that names several people with no number: "civilians", "several people",
    "many", "residents of the village", "a handful of people"."""
    low = [w.low for w in words[start:j + 1]]
    if any(w in {"several", "many", "some", "people", "civilians", "residents", "others",
                 "soldiers", "troops", "fighters", "militants", "children", "families",
                 "members", "passengers", "workers", "villagers", "protesters", "police",
                 "they", "we", "those", "dozens", "scores", "hundreds", "thousands", "few",
                 "handful"}
           for w in low):
        return True
    last = words[j]
    return last.low.endswith("s") and not last.low.endswith(("ss", "us", "is")) \
        and not last.text[:1].isupper()


def _groups(words: list[_Word], start: int, end: int, articles: bool = False
            ) -> tuple[int, bool, int] | None:
    """(sum, approx, first word) of the counted groups in words[start:end]: numbers, "a" /
    "an" / "one" + a person after "and" (with ``articles``, the victims after an active
    verb, a first "a woman" too), "and his driver" (one more), joined by "and" or commas;
    a part after "including", "among them", or before "of them" / "of whom" ("killing 10
    people, three of them emergency workers") is left out; a number after "of" inside a
    group ("two of the three") is the group's."""
    low = _low(words)
    total, approx, first = 0, False, None
    cut = end
    for i in range(start, end):
        if low[i] in {"including", "among"}:
            cut = i
            break
        if " ".join(low[i:i + 2]) in {"of whom", "of them"}:
            cut = i
            back = next((m for m in range(i - 1, max(start - 1, i - 4), -1)
                         if low[m] == ","), None)
            if back is not None:
                cut = back  # ", three of them emergency workers": the part, with its number
            break
    k = start
    while k < cut:
        num = _number_at(words, k)
        if num is not None and num.value is not None and not _year_or_age(words, num) \
                and num.last <= cut:
            total += num.value
            approx = approx or num.approx
            first = num.first if first is None else first
            k = num.last
            # "two of the three": the first number is the group, the second its whole
            while k < cut and low[k] not in {"and", ","} | _CLAUSE:
                if _is_number_start(words, k) and low[k - 1] in {"the", "of", "in", "on",
                                                                  "at", "from"}:
                    k = (_number_at(words, k) or num).last
                    continue
                k += 1
            continue
        if low[k] in {"a", "an", "one"} and k + 1 < cut and (
                (first is not None and k > 0 and low[k - 1] == "and")
                or (articles and first is None)):
            total += 1  # "four militants and a policeman", "killing a woman and ..."
            first = k if first is None else first
            k += 2
            while k < cut and low[k] not in {"and", ","} | _CLAUSE:
                k += 1
            continue
        if low[k] in {"his", "her", "their"} and k > 0 and low[k - 1] == "and" \
                and first is not None and k + 1 < cut and not _is_number_start(words, k + 1) \
                and not words[k + 1].low.endswith("s"):
            total += 1  # "a journalist and his driver"
            k += 2
            continue
        k += 1
    if first is None:
        return None
    return total, approx, first


def _and_the_other(words: list[_Word], k: int, used: set[int]) -> list[EnglishFigure]:
    """"... were killed and 20 injured" / ", 20 others wounded": the other kind's bare number
    right after the first figure."""
    low = _low(words)
    j = k
    while j < len(words) and j < k + 6 and low[j] in {"and", ",", "while", "with", "another",
                                                      "at", "least"} | _AUX:
        j += 1
    num = _number_at(words, j) if j < len(words) and j < k + 6 else None
    if num is None or num.value is None or _year_or_age(words, num):
        return []
    m = num.last
    while m < len(words) and m < num.last + 3 and low[m] in {"others", "other", "more",
                                                             "people"} | _AUX:
        m += 1
    verb = _kind_of_verb(words, m) if m < len(words) else None
    if verb is None:
        return []
    used.update(range(j, verb[1]))
    s, e = _span(words, j, verb[1])
    return [EnglishFigure(verb[0], num.value, num.approx, s, e)]


def _active(words: list[_Word], k: int, used: set[int]) -> list[EnglishFigure] | None:
    """An active verb with its victims after it: "killing 12 people and wounding 30", "killed
    4 militants and a policeman" (5), "left 9 dead and 20 wounded", "claimed the lives of 40",
    "killing him" (1)."""
    low = _low(words)
    w = low[k]
    if w in _LEAVING:
        num = _number_at(words, k + 1) if k + 1 < len(words) else None
        if num is None or num.value is None or num.last >= len(words):
            return None
        j = num.last
        while j < len(words) and j < num.last + 3 and low[j] in {"people", "others", "more",
                                                                  "persons", "civilians"}:
            j += 1
        if j >= len(words) or low[j] not in _DIED | _HURT | {"wounded"}:
            return None
        if j + 2 < len(words) and low[j + 1] in {"or", "and"} \
                and low[j + 2] in (_HURT if low[j] in _DIED else _DIED):
            # "left at least 35 people dead or injured": the two together, each "?"
            used.update(range(k, j + 3))
            s, e = _span(words, k, j + 3)
            return [EnglishFigure(kind, None, num.approx, s, e, split=True)
                    for kind in ("killed", "injured")]
        kind = "killed" if low[j] in _DIED else "injured"
        used.update(range(k, j + 1))
        s, e = _span(words, k, j + 1)
        return [EnglishFigure(kind, num.value, num.approx, s, e)] + \
            _and_the_other(words, j + 1, used)
    if w in {"claimed", "claiming", "took", "taking"}:
        if " ".join(low[k + 1:k + 4]) != "the lives of":
            return None
        j = k + 4
    elif w in _TO_DEATH and _manner_end(low, k) is not None:
        # "stabbed three people to death", "shot him dead": the victims between the verb
        # and "to death" / "dead"
        j = k + 1
        stop, past = _manner_end(low, k)
        groups = _groups(words, j, stop)
        if groups is None and low[j] not in _PEOPLE_PRONOUNS:
            return None
        count = groups[0] if groups else _PEOPLE_PRONOUNS[low[j]]
        used.update(range(k, past))
        s, e = _span(words, k, past)
        return [EnglishFigure("killed", count, bool(groups and groups[1]), s, e)]
    elif (w in _TO_DEATH and k + 1 < len(words) and low[k + 1] == "dead") or (
            w == "gunned" and k + 1 < len(words) and low[k + 1] == "down"):
        # "Gunmen shot dead a journalist and his driver", "gunned down 3 people" (not "shot
        # down two drones": aircraft)
        j = k + 2
    elif w in {"losing", "lost"} and _is_number_start(words, k + 1) \
            and any(x in {"soldiers", "men", "troops", "own", "officers", "fighters"}
                    for x in low[k + 1:k + 7]):
        j = k + 1  # "..., losing two of its own soldiers": the side's own dead
    elif w in _KILLING or w in _WOUNDING:
        j = k + 1
    else:
        return None
    kind = "injured" if w in _WOUNDING and w not in _KILLING else "killed"
    if j >= len(words):
        return None
    if w in _WOUNDING and w in _HURT and k > 0 and low[k - 1] in {"the", "and"} | _CLAUSE \
            and not _object_follows(words, j):
        return None  # "the wounded", ", 20 wounded": a noun or participle, no active verb
    if k > 0 and low[k - 1] in {"was", "were", "been", "be", "is", "are", "the", "a", "to"}:
        return None  # a passive (the subject's), a noun, an infinitive
    pronoun = low[j]
    if pronoun in _PEOPLE_PRONOUNS:
        used.update(range(k, j + 1))
        s, e = _span(words, k, j + 1)
        return [EnglishFigure(kind, _PEOPLE_PRONOUNS[pronoun], False, s, e)]
    end = j
    while end < len(words) and end < j + 14 and low[end] not in _CLAUSE - {","} \
            and not (low[end] == "," and not (end + 1 < len(words) and (
                _is_number_start(words, end + 1) or low[end + 1] in {"a", "an", "and"}))) \
            and not (low[end] == "and" and end + 1 < len(words)
                     and low[end + 1] in _WOUNDING | _KILLING | {"injuring", "wounding"}) \
            and not (low[end] in {"in", "on", "at", "near", "during", "when", "after",
                                  "before", "while", "since", "with", "as", "across", "by"}
                     and not _is_number_start(words, end)):
        end += 1
    groups = _groups(words, j, end, articles=True)
    if groups is not None:
        groups = _more_by_place(words, end, groups, used)
    if groups is None:
        if low[j] in {"a", "an", "one"}:
            count = 1
        elif low[j] == "the" and j + 1 < len(words) and not words[j + 1].low.endswith("s"):
            count = 1
        elif j < len(words) and words[j].text[:1].isupper():
            count = 1  # a name: "killed John Smith"
        elif any(x in {"civilians", "people", "several", "many", "dozens", "scores",
                       "hundreds", "thousands", "soldiers", "others"} for x in low[j:end]):
            count = None
        else:
            return None
        used.update(range(k, end))
        s, e = _span(words, k, max(end, j + 1))
        return [EnglishFigure(kind, count, False, s, e)]
    total, approx, first = groups
    used.update(range(k, end))
    s, e = _span(words, k, end)
    return [EnglishFigure(kind, total, approx, s, e)]


def _more_by_place(words: list[_Word], end: int, groups: tuple[int, bool, int],
                   used: set[int]) -> tuple[int, bool, int]:
    """"killed 10 people in Aleppo province and 6 in Idlib" (16): counts by place joined
    by "and" a few words on, each a group more."""
    low = _low(words)
    total, approx, first = groups
    k = end
    while k < len(words) and low[k] in {"in", "on", "at", "near"}:
        m = next((i for i in range(k + 1, min(k + 6, len(words) - 1))
                  if low[i] == "and" or low[i] in _CLAUSE), None)
        if m is None or low[m] != "and":
            break
        num = _number_at(words, m + 1)
        if num is None or num.value is None or num.last >= len(words) \
                or low[num.last] not in {"in", "on", "at", "near"} or _year_or_age(words, num):
            break
        total, approx = total + num.value, approx or num.approx
        used.update(range(k, num.last))
        k = num.last
    return total, approx, first


def _manner_end(low: list[str], k: int) -> tuple[int, int] | None:
    """(first word of "to death" / "dead", the word past it) a few words after the manner
    verb at ``k`` with its object between ("stabbed three people to death", "shot him
    dead"); None when the object is not followed by one."""
    for m in range(k + 2, min(k + 8, len(low))):
        if low[m] in _CLAUSE or low[m] in {"and", "before", "after"}:
            return None
        if low[m:m + 2] == ["to", "death"]:
            return m, m + 2
        if low[m] == "dead":
            return m, m + 1
    return None


def _nominal(words: list[_Word], k: int, used: set[int]) -> list[EnglishFigure] | None:
    """A number before a noun of the dead or hurt: "12 deaths", "9 dead and 20 wounded",
    "the bodies of 14 migrants", "the deaths of 12 people"."""
    low = _low(words)
    if low[k] in {"bodies", "deaths", "remains", "corpses"} and k + 2 < len(words) \
            and low[k + 1] == "of":
        num = _number_at(words, k + 2)
        if num is not None and num.value is not None and not _year_or_age(words, num):
            used.update(range(k, num.last))
            s, e = _span(words, k, num.last)
            return [EnglishFigure("killed", num.value, num.approx, s, e)]
        return None
    num = _number_at(words, k)
    if num is None or num.value is None or _year_or_age(words, num):
        return None
    j = num.last
    while j < len(words) and j < num.last + 3 and low[j] in {"people", "more", "others",
                                                             "confirmed", "reported"}:
        j += 1
    if j >= len(words):
        return None
    if low[j] in {"deaths", "fatalities", "dead", "bodies", "corpses"}:
        kind = "killed"
    elif low[j] in {"injuries", "wounded", "injured"}:
        kind = "injured"
    else:
        return None
    used.update(range(k, j + 1))
    s, e = _span(words, k, j + 1)
    return [EnglishFigure(kind, num.value, num.approx, s, e)] + \
        _and_the_other(words, j + 1, used)
