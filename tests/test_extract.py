"""The whole NLP stage on the reference article, with the shipped NER model: the entities
and events issues 3 and 4 name must come out, with the right types and links."""

from __future__ import annotations

import pytest

from worker.extract import Article, Extractor


@pytest.fixture(scope="module")
def seed_result(seed_text):
    return Extractor("bundled").load().extract(Article(seed_text, "2019-03-02"))


@pytest.mark.parametrize("text, type_, canonical_en", [
    pytest.param("الباغوز", "LOC", "Baghouz", id="baghouz"),
    pytest.param("دير الزور", "LOC", None, id="deir-ez-zor"),
    pytest.param("البوكمال", "LOC", None, id="abu-kamal"),
    pytest.param("الحسكة", "LOC", None, id="hasakah"),
    pytest.param("مخيم الهول", "LOC", None, id="al-hol-camp"),
    pytest.param("عياش", "LOC", None, id="ayyash"),
    pytest.param("التحالف الدولي", "ORG", None, id="coalition"),
    pytest.param("داعش", "ORG", None, id="isis"),
    pytest.param("قوات سورية الديمقراطية", "ORG", None, id="sdf"),
    pytest.param("قسد", "ORG", None, id="sdf-abbreviation"),
    pytest.param("كتائب سيد الشهداء", "ORG", None, id="kataib-sayyid-al-shuhada"),
    pytest.param("الحشد الشعبي", "ORG", None, id="pmf"),
    pytest.param("أبو محمد الجزراوي", "PER", None, id="activist"),
])
def test_seed_entities_have_the_right_type_and_link(seed_result, seed_text, text, type_,
                                                    canonical_en):
    found = [e for e in seed_result.entities if e.text == text]
    assert found, f"{text} not found"
    assert {e.type for e in found} == {type_}
    for ent in found:
        assert seed_text[ent.start:ent.end] == ent.text
    if canonical_en:
        assert found[0].canonical["name_en"] == canonical_en
        assert found[0].canonical.get("lat") is not None


def test_sdf_and_its_abbreviation_are_one_entity(seed_result):
    ids = {e.text: (e.canonical or {}).get("id") for e in seed_result.entities}
    assert ids["قسد"] == ids["قوات سورية الديمقراطية"] is not None


def test_seed_events(seed_result):
    by_type = {}
    for ev in seed_result.events:
        by_type.setdefault(ev.type, []).append(ev)
    strike = by_type["airstrike"][0]
    assert "فسفور" in strike.weapon["text"] and strike.location["text"] == "الباغوز"
    assert any("التحالف" in a["text"] for a in strike.actors)
    assert len(by_type["clash"]) >= 2
    missile = by_type["missile_attack"][0]
    assert missile.injured["count"] == 10
    assert any(g["count"] == 7 for g in missile.injured["groups"])
    assert any(ev.location and "الهول" in ev.location["text"] or
               ev.destination and "الهول" in str(ev.destination)
               for ev in by_type["evacuation"])
    assert any("عياش" in (ev.location or {}).get("text", "") for ev in by_type["armed_attack"])
    assert by_type["military_movement"]
    assert any((ev.people or {}).get("count") == 21 for ev in by_type["release"])
    assert (seed_result.killed, seed_result.injured) == (None, 10)


def test_each_article_is_normalised_once_for_all_stages(monkeypatch, seed_text):
    """Gazetteer and the three event word lists share one normalisation of the article
    (issue 12: it was computed five times)."""
    import functools

    from worker.text import normalize as normalize_module

    whole = []
    compute = normalize_module._compute

    def counting(text):
        if len(text) > 1000:
            whole.append(text)
        return compute(text)

    monkeypatch.setattr(normalize_module, "_normalize",
                        functools.lru_cache(maxsize=normalize_module.RECENT)(counting))
    extractor = Extractor("none")
    texts = [seed_text, seed_text.replace("الباغوز", "هجين")]
    extractor.extract_batch([Article(t) for t in texts])
    assert whole == texts


def test_english_sentences_are_not_tagged_by_the_arabic_model():
    # stop 34: the Arabic NER read "killed four" and "officials said" in an English feed's
    # sentence as a person and an organisation; the Arabic sentence beside it keeps its
    # place, and the English one its figures
    text = ("قتل خمسة أشخاص في إدلب.\nGunmen killed four villagers and a policeman in Borno "
            "on Monday, leaving 9 wounded, officials said.")
    result = Extractor("bundled").load().extract(Article(text, "2024-05-10"))
    english_start = text.index("Gunmen")
    assert [e.text for e in result.entities if e.start >= english_start] == []
    assert "إدلب" in [e.text for e in result.entities]
    english = [e for e in result.events if e.trigger["start"] >= english_start]
    assert [(e.killed["count"], e.injured["count"]) for e in english] == [(5, 9)]
