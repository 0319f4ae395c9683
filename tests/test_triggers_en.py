"""English event triggers (worker/nlp/triggers_en.py through the event stage): the types of
the Arabic lexicon, precedence by means, and the senses and cues that make no event."""

from __future__ import annotations

import pytest

from worker.nlp.events import extract_events
from worker.nlp.tokenize import sentences
from worker.nlp.triggers_en import english_triggers


def types(text: str) -> list[str]:
    return sorted({e.type for e in extract_events(text, sentences(text), [], "2024-05-10")})


@pytest.mark.parametrize("text, expected", [
    pytest.param("Israeli jets destroyed a weapons depot near Nabatieh overnight.",
                 ["airstrike"], id="jets-destroyed"),
    pytest.param("At least 9 people were killed in an air strike on a market in Idlib.",
                 ["airstrike"], id="a-casualty-report-takes-its-trigger-s-type"),
    pytest.param("A drone strike hit a car near Marib.", ["drone_attack"],
                 id="a-drone-strike-is-a-drone-attack-first"),
    pytest.param("A car bomb exploded outside the ministry.", ["bombing"], id="car-bomb"),
    pytest.param("Turkish artillery shelled villages around Tal Tamr on Sunday.", ["shelling"],
                 id="shelled"),
    pytest.param("Troops clashed with insurgents in the mountains on Wednesday.", ["clash"],
                 id="clashed"),
    pytest.param("Gunmen opened fire on worshippers leaving a mosque.", ["armed_attack"],
                 id="opened-fire"),
    pytest.param("Two rockets were fired at the base, the army said.", ["missile_attack"],
                 id="rockets"),
    pytest.param("Gunmen abducted 20 students from a school in Kaduna.", ["abduction"],
                 id="abducted"),
    pytest.param("Police arrested 14 suspects in raids across the province.",
                 ["armed_attack", "arrest"], id="arrests-in-raids"),
    pytest.param("More than 2,000 families fled the fighting this week.",
                 ["clash", "displacement"], id="fled-the-fighting"),
])
def test_english_event_types(text, expected):
    assert types(text) == expected


@pytest.mark.parametrize("text", [
    pytest.param("The minister suffered a heart attack on Friday.", id="heart-attack"),
    pytest.param("He threatened to attack the city if talks failed.", id="a-threat"),
    pytest.param("The Arab League called for a halt to the bombardment.", id="a-call"),
    pytest.param("The opposition launched a blistering attack on the budget.",
                 id="a-verbal-attack"),
    pytest.param("The striker's attacks troubled the defence all match.", id="sport"),
    pytest.param("The ministry released a statement on Monday.", id="a-statement-released"),
    pytest.param("The government pledged to combat kidnapping for ransom.",
                 id="a-policy"),
    pytest.param("Prosecutors charged a man over the stabbing of three girls.", id="a-trial"),
])
def test_english_non_events(text):
    assert types(text) == []


def test_a_hedged_trigger_gives_way_to_a_later_one_of_its_type():
    text = "Militants, who had threatened to attack the town, attacked a checkpoint on Monday."
    assert [(t.type, t.text) for t in english_triggers(text)] == [("armed_attack", "attacked")]


@pytest.mark.parametrize("text, source, kind", [
    pytest.param("At least 9 people were killed in an air strike on a market in Idlib, the "
                 "Syrian Observatory said.", "Syrian Observatory", "monitor",
                 id="the-source-before-its-verb"),
    pytest.param("According to witnesses, gunmen opened fire on the crowd.", "witnesses",
                 "witness", id="according-to"),
])
def test_an_english_source_is_the_attribution_not_an_actor(text, source, kind):
    from worker.nlp.entities import merge_entities
    from worker.nlp.gazetteer import default_gazetteer

    entities = merge_entities(text, [], default_gazetteer())
    (event,) = extract_events(text, sentences(text), entities, "2024-05-10")
    assert (event.attribution["text"], event.attribution["kind"]) == (source, kind)
    assert not any(a["text"] == source for a in event.actors)


@pytest.mark.parametrize("text, expected_types, weapon", [
    pytest.param("Coalition aircraft shelled Baghouz with white phosphorus on Sunday.",
                 ["shelling"], "white_phosphorus", id="white-phosphorus"),
    pytest.param("Militants attacked a police station with mortars and rockets.", ["shelling"],
                 "mortar", id="the-means-types-a-generic-attack"),
    pytest.param("The attack with a car bomb killed 12.", ["bombing"], "car_bomb",
                 id="an-attack-with-a-car-bomb"),
])
def test_english_weapons_and_means(text, expected_types, weapon):
    events = extract_events(text, sentences(text), [], "2024-05-10")
    assert sorted(e.type for e in events) == expected_types
    assert events[0].weapon["canonical"] == weapon


def test_two_events_told_apart_stay_two():
    text = "Gunmen attacked a checkpoint with rockets, and a car bomb exploded near the market."
    assert types(text) == ["bombing", "missile_attack"]


@pytest.mark.parametrize("text, when", [
    pytest.param("Gunmen attacked a checkpoint on Monday morning, officials said.",
                 "2024-05-06", id="a-weekday"),
    pytest.param("A car bomb exploded in Kabul yesterday.", "2024-05-09", id="yesterday"),
    pytest.param("The air strike on May 2 destroyed a bridge.", "2024-05-02", id="a-date"),
])
def test_an_english_event_has_its_time(text, when):
    (event,) = extract_events(text, sentences(text), [], "2024-05-10")
    assert event.time["resolved"] == when


@pytest.mark.parametrize("text, found", [
    pytest.param("The March attack killed 12.", [("March", "2024-03")], id="the-march-attack"),
    pytest.param("In mid-March a car bomb exploded.", [("March", "2024-03")], id="mid-month"),
    pytest.param("In March 2017, gunmen killed 12.", [("March 2017", "2017-03")],
                 id="a-month-and-its-year"),
    pytest.param("Fighting in December killed 4.", [("December", "2023-12")],
                 id="a-month-still-to-come-is-last-year's"),
    pytest.param("The May 2 attack killed 12.", [("May 2", "2024-05-02")],
                 id="a-day-stays-a-day"),
    pytest.param("May God have mercy on them.", [], id="may-at-a-sentence-start"),
    pytest.param("They will march on the capital in march.", [], id="lower-case-march"),
    pytest.param("In June 2000 people fled.", [("June", "2024-06")], id="a-count-no-year"),
    pytest.param("A statement by the May government.", [], id="may-the-name"),
    pytest.param("Talks resume this December.", [("December", "2024-12")],
                 id="this-december-is-this-year"),
])
def test_an_english_month_alone_is_a_time(text, found):
    from worker.nlp.timex import find_times

    times = find_times(text, 0, len(text), "2024-07-10")
    assert [(t["text"], t["resolved"]) for t in times] == found


def test_may_the_modal_is_no_month():
    from worker.nlp.timex import find_times

    text = "Officials said 12 may have died in the blast."
    assert find_times(text, 0, len(text), "2024-05-10") == []


@pytest.mark.parametrize("text, published, reported", [
    pytest.param("The May 2 attack on the market killed 12 people.", "2024-07-10", False,
                 id="an-event-over-a-month-old-is-background"),
    pytest.param("Gunmen killed 12 people on July 2.", "2024-07-10", True,
                 id="an-event-of-last-week"),
    pytest.param("At least 40 people have been killed since May 2, officials said.",
                 "2024-07-10", True, id="a-running-toll-since-a-date"),
    pytest.param("On Dec 28, gunmen killed 5 villagers.", "2025-01-03", True,
                 id="a-december-date-in-a-january-article"),
    # a month alone (stop 35): old when its last day is over a month before publication
    pytest.param("The March attack on the market killed 12 people.", "2024-07-10", False,
                 id="the-march-attack-in-a-july-article"),
    pytest.param("Gunmen killed 12 people in a village in May.", "2024-07-10", False,
                 id="in-may-in-a-july-article"),
    pytest.param("In June, gunmen killed 12 people in a village.", "2024-07-10", True,
                 id="in-june-in-a-july-article-is-recent"),
    pytest.param("At least 40 people have been killed since March, officials said.",
                 "2024-07-10", True, id="a-running-toll-since-a-month"),
    pytest.param("In December, gunmen killed 5 villagers.", "2025-01-03", True,
                 id="december-in-a-january-article"),
    pytest.param("In March 2023, gunmen killed 12 people in a village.", "2024-03-10", False,
                 id="a-month-of-an-earlier-year"),
    # (the review of stop 35)
    pytest.param("At least 40 people have been killed since early March, officials said.",
                 "2024-07-10", True, id="since-early-march"),
    pytest.param("At least 40 people have been killed since mid-March, officials said.",
                 "2024-07-10", True, id="since-mid-march"),
    pytest.param("Gunmen killed 12 people on Monday; a curfew is in force until December.",
                 "2024-07-10", True, id="until-december-points-ahead"),
    pytest.param("Gunmen killed 12 people on Monday in the Mar Elias camp.", "2024-07-10",
                 True, id="mar-elias-is-a-camp"),
    pytest.param("In June, 1200 people were killed in the village.", "2024-07-10", True,
                 id="a-count-after-the-month-is-no-year"),
    pytest.param("Gunmen killed 12 people in a village last March.", "2024-03-20", False,
                 id="last-march-in-a-march-article-is-a-year-ago"),
])
def test_an_old_english_date_makes_a_mention(text, published, reported):
    assert bool(extract_events(text, sentences(text), [], published)) is reported


def test_a_month_alone_agrees_with_its_days_only():
    # event_coref merges reports of one incident only when their dates agree; a month alone
    # ("in March") agrees with a day of that month, not with a day of another.
    from worker.nlp.event_coref import _dates_agree

    march = {"resolved": "2024-03"}
    assert _dates_agree(march, {"resolved": "2024-03-05"})
    assert not _dates_agree(march, {"resolved": "2024-04-05"})
    assert _dates_agree({"resolved": "2024"}, march)
    assert not _dates_agree(march, {"resolved": "2023-03"})


def test_february_29_rolled_back_to_a_common_year_is_no_date():
    from worker.nlp.timex import find_times

    text = "On Feb 29 gunmen killed 5."
    (time,) = find_times(text, 0, len(text), "2024-01-15")
    assert time["text"] == "Feb 29" and time["resolved"] is None
