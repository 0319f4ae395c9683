"""Event coreference: one event per incident across an article's sentences (issue 4,
item 1), and distinct incidents kept apart."""

from __future__ import annotations

import pytest

from worker.nlp.event_coref import STRETCH_SENTENCES, merge_coreferent
from worker.nlp.events import extract_events
from worker.nlp.tokenize import sentences
from worker.records import Event

PUBLISHED = "2019-03-02T09:00:00Z"


@pytest.fixture(scope="module")
def seed_events(seed_text) -> list[Event]:
    from worker.nlp.gazetteer import default_gazetteer

    return extract_events(seed_text, sentences(seed_text), default_gazetteer().find(seed_text),
                          PUBLISHED)


def ids(entities: list[dict]) -> set[str]:
    return {(e.get("canonical") or {}).get("id") for e in entities}


def of_type(events: list[Event], type_: str) -> list[Event]:
    return [e for e in events if e.type == type_]


def test_seed_coalition_strike_is_one_event_with_its_other_mentions(seed_events):
    (strike,) = of_type(seed_events, "airstrike")
    assert strike.trigger["text"] == "قصف" and strike.sentence == 6  # the lead, first full
    assert [(m["text"], m["sentence"]) for m in strike.mentions] == [
        ("يقصف", 0), ("يقصف", 1), ("قصف", 7)]  # both headlines and the sources' repeat
    assert strike.time["resolved"] == "2019-03-01"
    assert strike.weapon["canonical"] == "white_phosphorus"


def test_seed_sdf_isis_and_isis_regime_clashes_stay_apart(seed_events):
    clashes = of_type(seed_events, "clash")
    sides = [ids(c.actors) for c in clashes]
    assert len(clashes) == 2
    assert any({"org:sdf", "org:isis"} <= s and "org:syrian-government-forces" not in s
               for s in sides)
    assert any({"org:isis", "org:syrian-government-forces"} <= s and "org:sdf" not in s
               for s in sides)


def test_seed_headline_with_dead_joins_the_clash_that_has_dead(seed_events):
    (regime,) = [c for c in of_type(seed_events, "clash")
                 if "org:syrian-government-forces" in ids(c.actors)]
    assert 2 in {m["sentence"] for m in regime.mentions}  # "وقتلى باشتباكات بين داعش والنظام"
    assert regime.killed["count"] is None and regime.killed["text"] == "قتلى"


def test_seed_headline_seven_americans_is_the_missile_attack(seed_events):
    (strike,) = of_type(seed_events, "missile_attack")
    assert [m["text"] for m in strike.mentions] == ["إصابة سبعة أميركيين"]
    assert strike.injured["count"] == 10  # the toll, not 10 + 7
    assert not of_type(seed_events, "casualties")


def test_seed_missile_attack_and_ayyash_attack_stay_apart(seed_events):
    places = {e.location["text"] for e in of_type(seed_events, "armed_attack") if e.location}
    assert "عياش" in places
    assert of_type(seed_events, "missile_attack")[0].location["text"] == "الباغوز"


def test_seed_mentions_point_into_the_article(seed_text, seed_events):
    for event in seed_events:
        for m in event.mentions:
            assert seed_text[m["start"]:m["end"]] == m["text"]


def test_events_with_mentions_round_trip(seed_events):
    for event in seed_events:
        assert Event.from_dict(event.to_dict()) == event


def place(text: str, id_: str, placetype: str = "locality", country: str = "SY") -> dict:
    return {"text": text, "type": "LOC", "start": 0, "end": len(text),
            "canonical": {"id": id_, "type": "LOC", "placetype": placetype, "country": country}}


def actor(id_: str) -> dict:
    return {"text": id_, "type": "ORG", "start": 0, "end": 1, "canonical": {"id": id_}}


def event(start: int, sentence: int, type_: str = "airstrike", **slots) -> Event:
    return Event(type=type_, trigger={"text": "غارة", "start": start, "end": start + 4},
                 sentence=sentence, **slots)


def figure(count: int | None) -> dict:
    return {"count": count, "approx": False, "text": str(count), "groups": []}


TEXT = "غارة " * 40


@pytest.mark.parametrize("events, merged", [
    pytest.param([event(0, 0), event(10, 1)], 1, id="bare-mentions-merge"),
    pytest.param([event(0, 0, location=place("الباغوز", "a")),
                  event(10, 1, location=place("عياش", "b"))], 2, id="different-places-apart"),
    pytest.param([event(0, 0, location=place("سوريا", "sy", "country")),
                  event(10, 1, location=place("الباغوز", "a"))], 1, id="place-inside-country"),
    pytest.param([event(0, 0), event(10, 0)], 2, id="same-sentence-apart"),
    pytest.param([event(0, 0, type_="airstrike"), event(10, 1, type_="shelling")], 2,
                 id="different-types-apart"),
    pytest.param([event(0, 0, actors=[actor("sdf"), actor("isis")], type_="clash"),
                  event(10, 1, actors=[actor("isis"), actor("regime")], type_="clash")], 2,
                 id="different-sides-apart"),
    pytest.param([event(0, 0, actors=[actor("sdf"), actor("isis")], type_="clash"),
                  event(10, 1, actors=[actor("isis"), actor("regime")], type_="clash"),
                  event(20, 2, actors=[actor("isis")], type_="clash")], 3,
                 id="ambiguous-partial-mention-joins-neither"),
    pytest.param([event(0, 0, time={"resolved": "2019-03-01"}),
                  event(10, 1, time={"resolved": "2019-03-02"})], 1, id="a-day-apart-merge"),
    pytest.param([event(0, 0, time={"resolved": "2019-02-20"}),
                  event(10, 1, time={"resolved": "2019-03-02"})], 2, id="dates-apart"),
    pytest.param([event(0, 0, weapon={"canonical": "barrel_bomb"}),
                  event(10, 1, weapon={"canonical": "white_phosphorus"})], 2,
                 id="different-weapons-apart"),
    pytest.param([event(0, 0, type_="casualties", killed=figure(5)),
                  event(10, 1, type_="casualties", killed=figure(3))], 2,
                 id="casualty-reports-with-other-figures-apart"),
])
def test_merge_or_keep_apart(events, merged):
    assert len(merge_coreferent(TEXT, events)) == merged


def test_another_strike_is_a_new_incident():
    text = "غارة على البلدة. وقتل ثلاثة في غارة أخرى."
    second = text.index("غارة أخرى")
    events = [event(0, 0), event(second, 1)]
    assert len(merge_coreferent(text, events)) == 2


@pytest.mark.parametrize("text, merged", [
    pytest.param("دانت باريس الهجوم وقالت إنها ستتحمل مسؤوليتها حيال هذا الهجوم الكيميائي.", 1,
                 id="demonstrative-refers-back-in-one-sentence"),
    pytest.param("وكان هجوم أميركي استهدف أهدافا سورية، ردا على الهجوم في دوما.", 2,
                 id="retaliation-answers-another-incident"),
    pytest.param("ويعد الهجوم في دوما الأحدث منذ هجوم أغسطس 2013.", 2,
                 id="two-indefinite-in-one-sentence"),
])
def test_in_one_sentence(text, merged):
    # Coreference of the rules' frames: the report model (which calls the Douma sentence
    # background) is not what is tested here.
    events = extract_events(text, sentences(text), [], PUBLISHED, report_filter=None)
    assert len([e for e in events if e.type == "armed_attack"]) == merged


def test_figures_of_one_incident_take_the_largest_never_the_sum():
    (merged,) = merge_coreferent(TEXT, [event(0, 0, killed=figure(5)),
                                        event(10, 1, killed=figure(8), injured=figure(2)),
                                        event(20, 2, killed=figure(None))])
    assert merged.killed["count"] == 8 and merged.injured["count"] == 2


def test_main_mention_is_the_most_informative_then_the_first():
    lead = event(10, 1, location=place("الباغوز", "a"), actors=[actor("coalition")])
    (merged,) = merge_coreferent(TEXT, [event(0, 0), lead, event(20, 2)])
    assert merged.trigger["start"] == 10 and merged.sentence == 1
    assert [m["start"] for m in merged.mentions] == [0, 20]


def test_more_specific_destination_wins():
    iraq = place("العراق", "iq", "country", "IQ")
    sinjar = place("شنكال", "sinjar", "locality", "IQ")
    (merged,) = merge_coreferent(TEXT, [event(0, 0, "release", destination=iraq),
                                        event(10, 1, "release", destination=sinjar)])
    assert merged.destination["text"] == "شنكال"


def test_casualty_report_joins_the_event_with_its_subgroup_figure():
    injured = {**figure(10), "groups": [{"count": 7, "approx": False, "who": "أميركيين"}]}
    report = event(0, 0, "casualties", injured=figure(7))
    strike = event(10, 1, "missile_attack", injured=injured)
    (merged,) = merge_coreferent(TEXT, [report, strike])
    assert merged.type == "missile_attack" and merged.injured["count"] == 10
    assert merged.mentions[0]["start"] == 0


def test_mentions_merge_within_a_stretch_of_sentences_and_not_across():
    # STRETCH_SENTENCES bounds coreference so that a text of thousands of sentences merges
    # in linear time; inside one stretch nothing changes.
    last = STRETCH_SENTENCES - 1
    assert len(merge_coreferent(TEXT, [event(0, 0), event(10, last)])) == 1
    assert len(merge_coreferent(TEXT, [event(0, last), event(10, last + 1)])) == 2
    # Stretches keep the order of first mentions, and each merges on its own.
    out = merge_coreferent(TEXT, [event(30, STRETCH_SENTENCES + 3), event(0, 0),
                                  event(40, STRETCH_SENTENCES + 4), event(10, 1)])
    assert [e.sentence for e in out] == [0, STRETCH_SENTENCES + 3]
    assert [len(e.mentions) for e in out] == [1, 1]

