"""Event triggers of English sentences (English feeds), typed as the Arabic lexicon's are.

The Arabic triggers (resources/lexicons/triggers.yaml) are matched on normalised Arabic;
an English feed's "Israeli jets destroyed a weapons depot" or "Turkish artillery shelled
villages" had no trigger at all, and its casualty reports came out typed "casualties" only.
Types and their precedence are events.py's (`_PRIORITY`: the means decides, so "a drone
strike" is a drone attack before it is an air strike).  A trigger under a threat, hedge,
plan, denial, trial or condition is no event (casualties_en's cues, the same as for its
figures); "heart attack", "a political battle", "fighting corruption" are no violence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# (type, pattern) in precedence order: an earlier type's hit takes the words it covers.
_PATTERNS: list[tuple[str, str]] = [
    ("drone_attack", r"drone (?:strike|attack|raid)s?|(?:kamikaze|armed|attack) drones?|"
                     r"drones? (?:struck|hit|attacked|targeted)"),
    ("missile_attack", r"(?:ballistic |cruise |guided )?missiles?|rockets?|katyushas?|"
                       r"projectiles?"),
    ("airstrike", r"air ?strikes?|air raids?|air attacks?|aerial (?:bombardment|attacks?)|"
                  r"warplanes?|(?:fighter )?jets (?:struck|bombed|hit|pounded|targeted|destroyed)|"
                  r"helicopter gunships?|bombed from the air"),
    ("bombing", r"(?:car|truck|roadside|suicide|barrel|nail) bombs?|suicide (?:bomber|attack|"
                r"bombing)s?|bombings?|bomber|bombs?|blasts?|explosions?|explod(?:ed|es|ing)|"
                r"IEDs?|improvised explosive devices?|detonat(?:ed|es|ing|ion)"),
    ("shelling", r"shell(?:ed|ing|s)|artillery|mortars?(?: fire| rounds?| shells?)?|"
                 r"bombard(?:ed|ment|ing)|tank fire"),
    ("clash", r"clash(?:ed|es)?|heavy fighting|fighting|gun ?battles?|firefights?|"
              r"exchanged fire|exchange of fire|fierce battles?|battled"),
    ("armed_attack", r"attack(?:ed|s|ing)?|opened fire|open fire|shootings?|shot|"
                     r"stabb(?:ed|ing|ings)|knife attack|ambush(?:ed|es)?|massacres?d?|"
                     r"raid(?:ed|s)?|assault(?:ed|s)?|ramm(?:ed|ing)|storm(?:ed|ing)|"
                     r"gunfire|sniper fire"),
    ("abduction", r"abduct(?:ed|ion|ions|s)?|kidnap(?:ped|ping|pings|s)?|taken hostage|"
                  r"took (?:\w+ )?hostage"),
    ("arrest", r"arrest(?:ed|s|ing)?|detain(?:ed|s|ing)?|rounded up"),
    ("release", r"releas(?:ed|es|ing)|freed|set free"),
    ("evacuation", r"evacuat(?:ed|es|ing|ion|ions)"),
    ("displacement", r"fled|displaced|displacement|flee(?:ing)?|forced from their homes"),
    ("military_movement", r"deploy(?:ed|s|ing|ment)|reinforcements|(?:military )?convoys?|"
                          r"redeploy(?:ed|ment)|troop build-?up|massing troops"),
]
_COMPILED = [(t, re.compile(rf"(?i)\b(?:{p})\b")) for t, p in _PATTERNS]
# Senses of those words that are no violence: "heart attack", "panic attack", "a political
# battle", "fighting corruption", "shot a film", "released a statement", "an explosion of".
_NOT_VIOLENCE = re.compile(
    r"(?i)\b(?:heart|panic|asthma|cyber|verbal|scathing|blistering) attacks?\b|"
    r"\battack(?:ed|s|ing)? (?:the|his|her|their|its) (?:government|policy|policies|budget|"
    r"decision|plan|record|critics|opponents|remarks)\b|"
    r"\bfighting (?:corruption|poverty|inflation|crime|disease|fires?|the virus)\b|"
    r"\b(?:political|legal|court|election|electoral|diplomatic) (?:battles?|fighting)\b|"
    r"\bshot (?:a|the) (?:film|video|scene|photo)\b|"
    r"\breleas(?:ed|es|ing) (?:a|the|its|his|her|their) (?:statement|report|video|figures|"
    r"data|album|film|budget|funds?)\b|\bpress release\b|\breleased (?:on|from) bail\b|"
    r"\bexplosion (?:of|in) (?:prices|demand|growth|interest|popularity|cases)\b|"
    r"\bdeployed (?:funds|capital|software)\b")


@dataclass(frozen=True)
class EnglishTrigger:
    type: str
    start: int
    end: int
    text: str


def english_triggers(text: str) -> list[EnglishTrigger]:
    """The event triggers of the English sentence ``text``: one per type, the first of it,
    with its words not claimed by a type of higher precedence."""
    from worker.nlp.casualties_en import hedges

    hedged = hedges(text)
    blocked = [(m.start(), m.end()) for m in _NOT_VIOLENCE.finditer(text)]
    taken: list[tuple[int, int]] = []
    found: list[EnglishTrigger] = []
    for type_, pattern in _COMPILED:
        for m in pattern.finditer(text):
            span = (m.start(), m.end())
            if any(s < span[1] and span[0] < e for s, e in taken + blocked):
                continue
            taken.append(span)
            if hedged(*span):
                continue
            found.append(EnglishTrigger(type_, m.start(), m.end(), m.group()))
            break
    return _instruments_refine(text, sorted(found, key=lambda t: t.start))


_INSTRUMENT = re.compile(r"(?i)\b(?:with|using|by|firing|fired)\s+(?:\w+\s+){0,2}$")
_GENERIC = {"armed_attack", "clash"}


def _instruments_refine(text: str, triggers: list[EnglishTrigger]) -> list[EnglishTrigger]:
    """A weapon told as the means of an event before it is no event of its own: "attacked
    a police station with mortars" is one event, shelling (ACLED: the means decides the
    type of a generic attack); "The attack with a car bomb" is a bombing."""
    out: list[EnglishTrigger] = []
    previous_means = None
    for trigger in triggers:
        means = _INSTRUMENT.search(text[max(0, trigger.start - 40):trigger.start])
        if out and previous_means is not None and re.fullmatch(
                r"(?i)[\w-]*(?:\s+[\w-]+)?\s*(?:,|and|or)\s+(?:\w+\s+)?",
                text[previous_means:trigger.start]):
            previous_means = trigger.end  # "with rocket-propelled grenades and mortars"
            continue
        previous_means = None
        if means and out:
            previous_means = trigger.end
            main = out[-1]
            if main.type in _GENERIC:
                out[-1] = EnglishTrigger(trigger.type, main.start, main.end, main.text)
            continue
        out.append(trigger)
    return out
