"""English casualty figures (worker/nlp/casualties_en.py through the event stage): the
constructions of wire copy, each with its figure by GUIDELINE.md section 3."""

from __future__ import annotations

import pytest

from worker.nlp.casualties_en import english_figures, english_number
from worker.nlp.evaluate_reports import from_events
from worker.nlp.events import extract_events
from worker.nlp.tokenize import sentences


def figures(text: str) -> tuple[bool, int | str | None, int | str | None]:
    """(report, killed, injured) of the sentence as the evaluation reads the event stage."""
    p = from_events(extract_events(text, sentences(text), [], "2024-05-10"))
    return p.report, p.killed, p.injured


@pytest.mark.parametrize("text, killed, injured", [
    # a subject before its verb
    pytest.param("At least 9 people were killed and 20 injured in an air strike on Idlib.",
                 9, 20, id="passive-and-the-other-kind"),
    pytest.param("Five militants and a policeman were killed in the clash.", 6,
                 None, id="groups-add-up"),
    pytest.param("Three soldiers and two civilians died when the convoy was ambushed.", 5,
                 None, id="intransitive-groups"),
    pytest.param("Twelve people, including five children, were killed in the shelling.", 12,
                 None, id="inclusion-does-not-add"),
    pytest.param("A 12-year-old boy was killed by a sniper in Taiz on Sunday.", 1, None,
                 id="a-singular-victim-and-an-age"),
    pytest.param("Several civilians were wounded in the raid.", None, "?",
                 id="a-plural-without-a-number"),
    pytest.param("Two of the wounded later died in hospital.", 2, None,
                 id="died-of-wounds-is-killed"),
    pytest.param("Between 10 and 15 fighters were killed, the monitor said.", 10, None,
                 id="a-range-is-its-lowest"),
    pytest.param("Twenty-five soldiers lost their lives in the attack.", 25, None,
                 id="lost-their-lives"),
    # victims after an active verb
    pytest.param("A suicide bomber killed 12 soldiers and wounded dozens at a checkpoint.",
                 12, 10, id="active-and-dozens"),
    pytest.param("Gunmen killed four militants and a policeman, leaving 9 wounded.", 5, 9,
                 id="active-groups-then-leaving"),
    pytest.param("The blast ripped through the market, killing at least 14 people and "
                 "injuring 40.", 14, 40, id="killing-and-injuring"),
    pytest.param("The attack left seven dead and 20 wounded.", 7, 20, id="left-dead"),
    pytest.param("The floods have claimed the lives of 40 people since Friday.", 40, None,
                 id="claimed-the-lives-of"),
    pytest.param("He stabbed three people to death before police shot him dead.", 4, None,
                 id="to-death-and-the-attacker"),
    pytest.param("Car bomb kills 12 in Mogadishu", 12, None, id="headline"),
    # nouns and tolls
    pytest.param("The bodies of 14 migrants were recovered off the coast.", 14, None,
                 id="bodies-of"),
    pytest.param("Two more civilians died on Monday, raising the death toll to 15.", 15,
                 None, id="a-running-toll-includes-the-day"),
    pytest.param("The death toll stood at more than 300.", 300, None, id="toll-stood-at"),
    pytest.param("Twenty people were killed or wounded in the blast.", "?", "?",
                 id="killed-or-wounded-lumped"),
    pytest.param("The strike caused 30 casualties.", "?", "?", id="casualties-lumped"),
    # read off the English dev gold (stop 34), each in words of our own
    pytest.param("\"Nine of our fighters were martyred and 12 wounded,\" a commander said.", 9,
                 12, id="martyred"),
    pytest.param("The attacker was shot dead after he wounded three people with a knife.", 1,
                 3, id="the-attacker-and-those-he-wounded"),
    pytest.param("Shelling killed a man and his two daughters in the village.", 3, None,
                 id="a-first-victim-with-an-article"),
    pytest.param("Gunmen shot dead a doctor and his driver outside the clinic.", 2, None,
                 id="shot-dead-with-the-victims-after"),
    pytest.param("One policeman killed, three wounded in Quetta blast", 1, 3,
                 id="headline-participles"),
    pytest.param("One of the guards died of his wounds, while four others remain in critical "
                 "condition.", 1, 4, id="critical-condition-is-wounded"),
    pytest.param("Six people were lightly injured by debris, the mayor said.", None, 6,
                 id="an-adverb-before-the-participle"),
    pytest.param("Two of the hostages and their guard were killed in the rescue.", 3, None,
                 id="groups-with-of"),
    pytest.param("Colonel Ali Hassan and his son Omar were killed when their car was hit.", 2,
                 None, id="names-joined-by-and"),
    pytest.param("Both crew members were killed when the helicopter came down.", 2, None,
                 id="both"),
    pytest.param("An elderly couple died when the roof collapsed.", 2, None, id="a-couple"),
    pytest.param("A man killed two guards at the gate and was shot dead by soldiers.", 3,
                 None, id="and-was-shot-dead"),
    pytest.param("He tried to flee but was shot dead by police.", 1, None,
                 id="but-was-shot-dead"),
    pytest.param("Mark Smith was killed in the crash.", 1, None, id="a-name-like-a-cue"),
    pytest.param("Two more patients died overnight, raising the death toll from the fire to "
                 "21.", 21, None, id="a-toll-with-what-it-is-of"),
    pytest.param("The death toll from the floods in the south has climbed above 1,500.", 1500,
                 None, id="a-toll-past-its-subject"),
    pytest.param("The toll was revised down to 12 after two bodies were counted twice.", 12,
                 None, id="a-toll-revised-down"),
    pytest.param("Nobody was killed or injured, police said.", 0, 0, id="nobody-killed-or-hurt"),
    pytest.param("The ferry sank but all passengers escaped unharmed.", 0, 0, id="unharmed"),
    pytest.param("A grenade exploded near the market without causing injuries.", 0, 0,
                 id="without-causing-injuries"),
    pytest.param("Casualties were reported after the depot exploded.", "?", "?",
                 id="casualties-were-reported"),
    pytest.param("A handful of people were hurt by flying glass.", None, "?",
                 id="a-handful"),
    pytest.param("Eleven people were taken to hospital with injuries after the crash.", None,
                 11, id="taken-to-hospital-with-injuries"),
    pytest.param("The storm swept the coast, killing more than a thousand people.", 1000, None,
                 id="a-thousand"),
    pytest.param("A teenager, 16, died of wounds sustained in the raid.", 1, None,
                 id="an-age-in-commas"),
    pytest.param("Air strikes killed 12 people in Douma and 5 in Harasta on Friday.", 17, None,
                 id="counts-by-place-add-up"),
    pytest.param("Half a dozen soldiers were killed at the checkpoint.", 6, None,
                 id="half-a-dozen"),
    pytest.param("The explosion left at least 20 people dead or injured.", "?", "?",
                 id="left-dead-or-injured"),
    pytest.param("The second blast killed 9 people, two of them paramedics, and wounded 30.",
                 9, 30, id="of-them-is-a-part"),
    pytest.param("Troops killed 30 insurgents, losing three of their own soldiers.", 33, None,
                 id="losing-its-own"),
    # none
    pytest.param("The rocket hit an empty field and no one was hurt.", 0, 0,
                 id="no-one-hurt"),
    pytest.param("There were no immediate reports of casualties.", 0, 0,
                 id="no-reports-of-casualties"),
])
def test_english_reports(text, killed, injured):
    assert figures(text) == (True, killed, injured)


@pytest.mark.parametrize("text", [
    pytest.param("The militants threatened to kill 100 people if their demands were not met.",
                 id="threat"),
    pytest.param("The army denied that anyone was killed in the raid.", id="denial"),
    pytest.param("A strike on the dam could kill thousands, engineers warned.", id="hedge"),
    pytest.param("He was charged with killing two police officers.", id="trial"),
    pytest.param("The singer died of cancer at his home in London.", id="illness"),
    pytest.param("Flight 370 took off at 12.41 with 239 people on board.", id="no-casualty"),
    pytest.param("The midfielder was injured in the 70th minute of the match.", id="sport"),
    pytest.param("Mines kill or maim hundreds of children every year.", id="habitual"),
    pytest.param("The conflict has killed more than 400,000 people since 2014.",
                 id="a-multi-year-toll"),
    pytest.param("The navy shot down two drones over the sea.", id="aircraft-shot-down"),
    pytest.param("The minister accused the rebels of killing the peace process.",
                 id="a-metaphor-under-an-accusation"),
])
def test_english_mentions_give_no_figure(text):
    assert figures(text)[1:] == (None, None)


def test_figures_point_into_the_sentence():
    text = "Officials said on Monday that 7 villagers were killed."
    (figure,) = english_figures(text)
    assert text[figure.start:figure.end] == "7 villagers were killed"


@pytest.mark.parametrize("words, value", [
    ("1,200", 1200), ("twenty-five", 25), ("twenty five", 25), ("a dozen", 12),
    ("dozens", 10), ("two hundred", 200), ("seven", 7), ("many", None),
])
def test_english_numbers(words, value):
    assert english_number(words.split(), 0) == value
