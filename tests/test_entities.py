"""merge_entities: NER spans (given as tuples, no model needed) merged with gazetteer hits."""

from __future__ import annotations

import pytest

from worker.nlp.entities import merge_entities, resolve_overlaps, trim_span
from worker.nlp.gazetteer import default_gazetteer
from worker.records import Entity


@pytest.fixture(scope="module")
def gaz():
    return default_gazetteer()


def span(text: str, surface: str, type_: str, occurrence: int = 0) -> tuple[str, int, int]:
    """The NER tuple for the ``occurrence``-th ``surface`` in ``text``."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(surface, start + 1)
    return type_, start, start + len(surface)


def only(entities: list[Entity], start: int, end: int) -> Entity:
    """The one entity overlapping [start, end)."""
    hits = [e for e in entities if e.start < end and start < e.end]
    assert len(hits) == 1, hits
    return hits[0]


def test_without_ner_spans_the_gazetteer_alone_finds_the_seed_entities(gaz, seed_text):
    entities = merge_entities(seed_text, [], gaz)
    ids = {e.canonical["id"] for e in entities}
    assert {"wof:1343849925", "wof:421202167", "wof:890449891", "wof:421168649",
            "place:al-hol-camp", "wof:1293683699", "wof:890449895", "wof:1226360121",
            "place:euphrates", "wof:85632191", "org:global-coalition", "org:isis", "org:sdf",
            "org:kataib-sayyid-al-shuhada", "org:pmf", "org:us-marines"} <= ids
    assert all(e.source == "gazetteer" for e in entities)


def test_every_entity_text_is_the_slice_it_points_to(gaz, seed_text):
    spans = [span(seed_text, 'لـ"العربي الجديد"', "ORG"), span(seed_text, "والباغوز", "LOC"),
             span(seed_text, "أبو محمد الجزراوي", "PER")]
    for entity in merge_entities(seed_text, spans, gaz):
        assert seed_text[entity.start:entity.end] == entity.text


def test_entities_are_sorted_and_do_not_overlap(gaz, seed_text):
    spans = [span(seed_text, "التحالف الدولي", "ORG"), span(seed_text, "قوات سورية", "ORG"),
             span(seed_text, "بريف دير الزور", "LOC")]
    entities = merge_entities(seed_text, spans, gaz)
    assert entities == sorted(entities, key=lambda e: (e.start, e.end))
    assert all(a.end <= b.start for a, b in zip(entities, entities[1:]))


@pytest.mark.parametrize("surface, type_, expected_text, entity_id", [
    pytest.param('لـ"العربي الجديد"', "ORG", "العربي الجديد", "org:al-araby-al-jadeed",
                 id="tatweel-preposition-and-quotes"),
    pytest.param('"الحشد الشعبي"', "ORG", "الحشد الشعبي", "org:pmf", id="quotes"),
    pytest.param("والباغوز", "LOC", "الباغوز", "wof:1343849925", id="wa-before-article"),
    pytest.param("بريف دير الزور", "LOC", "ريف دير الزور", "wof:421202167", id="bi-before-cue"),
    pytest.param("للتنظيم", "ORG", "تنظيم", "org:isis", id="lil-link-only-alias"),
])
def test_clitic_and_quote_artefacts_are_stripped_from_ner_spans(gaz, seed_text, surface, type_,
                                                                expected_text, entity_id):
    ner = span(seed_text, surface, type_)
    entity = only(merge_entities(seed_text, [ner], gaz), ner[1], ner[2])
    assert entity.text == expected_text
    assert entity.canonical["id"] == entity_id
    assert entity.source == "ner+gazetteer"


@pytest.mark.parametrize("text, start, end, expected", [
    pytest.param('قال "داعش" إن', 4, 10, "داعش", id="straight-quotes"),
    pytest.param("في «الرقة»،", 3, 11, "الرقة", id="guillemets-and-comma"),
    pytest.param("(قسد)", 0, 5, "قسد", id="brackets"),
    pytest.param('بـ"الفسفور"', 0, 11, "الفسفور", id="bi-tatweel"),
    pytest.param("وبـالرقة", 0, 8, "الرقة", id="wa-bi-tatweel"),
    pytest.param("دمشق", 0, 4, "دمشق", id="nothing-to-trim"),
])
def test_trim_span(text, start, end, expected):
    s, e = trim_span(text, start, end)
    assert text[s:e] == expected


def test_a_span_of_only_punctuation_is_dropped(gaz):
    assert merge_entities('قال "" ثم', [("ORG", 4, 6)], gaz) == []


def test_an_unknown_person_stays_unlinked_with_its_ner_type(gaz, seed_text):
    ner = span(seed_text, "أبو محمد الجزراوي", "PER")
    entity = only(merge_entities(seed_text, [ner], gaz), ner[1], ner[2])
    assert (entity.type, entity.source, entity.canonical) == ("PER", "ner", None)


def test_same_span_from_ner_and_gazetteer_is_one_entity_with_both_sources(gaz, seed_text):
    ner = span(seed_text, "البوكمال", "LOC")
    entity = only(merge_entities(seed_text, [ner], gaz), ner[1], ner[2])
    assert entity.source == "ner+gazetteer" and entity.canonical["id"] == "wof:890449891"


def test_a_truncated_ner_span_loses_to_the_longer_linked_gazetteer_name(gaz, seed_text):
    ner = span(seed_text, '"قوات سورية', "ORG")
    entity = only(merge_entities(seed_text, [ner], gaz), ner[1], ner[2])
    assert entity.text == "قوات سورية الديمقراطية" and entity.canonical["id"] == "org:sdf"


def test_the_gazetteer_type_wins_for_curated_organisations(gaz, seed_text):
    ner = span(seed_text, "الحشد الشعبي", "LOC")
    entity = only(merge_entities(seed_text, [ner], gaz), ner[1], ner[2])
    assert entity.type == "ORG"


def test_type_comes_from_the_gazetteer_when_ner_gave_none(gaz):
    text = "هاجم داعش القرية"
    entity = only(merge_entities(text, [("", 5, 9)], gaz), 5, 9)
    assert entity.type == "ORG" and entity.canonical["id"] == "org:isis"


@pytest.mark.parametrize("label, expected", [
    pytest.param("PERS", "PER", id="anercorp-label"),
    pytest.param("per", "PER", id="lower-case"),
    pytest.param("EVENT", "MISC", id="unknown-label"),
])
def test_ner_labels_are_mapped_to_the_four_types(gaz, label, expected):
    text = "قال أبو محمد الجزراوي إن"
    ner = (label,) + span(text, "أبو محمد الجزراوي", "")[1:]
    assert only(merge_entities(text, [ner], gaz), ner[1], ner[2]).type == expected


def test_a_place_inside_a_longer_name_of_another_type_is_not_an_entity(gaz):
    text = "وقال أستاذ في جامعة دمشق إن الوضع صعب"
    ner = span(text, "جامعة دمشق", "ORG")
    entities = merge_entities(text, [ner], gaz)
    assert [(e.text, e.type, e.canonical) for e in entities] == [("جامعة دمشق", "ORG", None)]


def test_an_unlinked_place_span_takes_the_link_of_the_one_place_inside_it(gaz):
    text = "وصلت التعزيزات إلى شمال العراق أمس"
    ner = span(text, "شمال العراق", "LOC")
    entity = only(merge_entities(text, [ner], gaz), ner[1], ner[2])
    assert entity.text == "شمال العراق" and entity.canonical["id"] == "wof:85632191"


def test_a_ner_span_running_two_names_together_is_split_into_them(gaz):
    text = "التحالف الدولي وقوات سورية الديمقراطية"
    entities = merge_entities(text, [("ORG", 0, len(text))], gaz)
    assert [e.canonical["id"] for e in entities] == ["org:global-coalition", "org:sdf"]


def test_a_ner_loc_span_links_any_village_and_uses_the_articles_places(gaz):
    text = "قصفت الطائرات الباغوز ثم قرية المراشدة القريبة"
    ner = span(text, "المراشدة", "LOC")
    entity = only(merge_entities(text, [ner], gaz), ner[1], ner[2])
    assert entity.canonical["country"] == "SY"
    assert gaz.within_km(entity.canonical, "wof:1343849925", 30)


def test_a_minor_village_is_not_linked_when_the_article_names_no_place_near_it(gaz):
    text = "زار الوفد المراشدة في جولته"
    ner = span(text, "المراشدة", "LOC")
    entity = only(merge_entities(text, [ner], gaz), ner[1], ner[2])
    assert (entity.type, entity.canonical, entity.source) == ("LOC", None, "ner")


@pytest.mark.parametrize("surface, entity_id", [
    pytest.param("القاهرة", "place:cairo", id="cairo-not-the-baghdad-neighbourhood"),
    pytest.param("الرياض", "place:riyadh", id="riyadh-not-the-syrian-village"),
    pytest.param("عمّان", "place:amman", id="amman"),
    pytest.param("الخليل", "place:hebron", id="hebron"),
])
def test_regional_capitals_link_to_themselves_not_to_namesake_villages(gaz, surface, entity_id):
    text = f"وصل الوفد إلى {surface} أمس"
    ner = span(text, surface, "LOC")
    assert only(merge_entities(text, [ner], gaz), ner[1], ner[2]).canonical["id"] == entity_id


def test_resolve_overlaps_prefers_linked_then_longer():
    linked = Entity("الرقة", "LOC", 5, 10, {"id": "x"}, "gazetteer")
    longer_unlinked = Entity("ريف الرقة", "LOC", 0, 10, None, "ner")
    other = Entity("قسد", "ORG", 12, 15, None, "ner")
    assert resolve_overlaps([longer_unlinked, linked, other]) == [
        Entity("ريف الرقة", "LOC", 0, 10, {"id": "x"}, "ner+gazetteer"), other]


@pytest.mark.parametrize("text, part, type_, kept", [
    # a dual people noun the tagger took for a person's name: two people, no name
    pytest.param("قتل قياديان بارزان في ميليشيات الحوثي.", "قياديان بارزان", "PER", False,
                 id="a-dual-tagged-as-a-person"),
    # a death verb the tagger took for a place (a village is called توفيا)
    pytest.param("وقالت السفارة إن الفقيدين توفيا اختناقا بسبب تسرب للغاز.", "توفيا", "LOC",
                 False, id="a-death-verb-tagged-as-a-place"),
    # kept: an organisation ("the students"), a surname in -يان, a place of several words
    pytest.param("إن أكثر من 300 من مسلحي طالبان لقوا حتفهم.", "طالبان", "ORG", True,
                 id="taliban-kept"),
    pytest.param("وأعلنت الشرطة مقتل كاربيتيان في موسكو.", "كاربيتيان", "PER", True,
                 id="a-surname-in-yan-kept"),
    pytest.param("وصلت القوات إلى قرية ليندي توفيا صباحا.", "قرية ليندي توفيا", "LOC", True,
                 id="a-village-of-several-words-kept"),
])
def test_spans_that_name_no_one_are_dropped_at_the_merge(gaz, text, part, type_, kept):
    entities = merge_entities(text, [span(text, part, type_)], gaz)
    assert any(e.text == part or part.endswith(e.text) for e in entities) == kept
