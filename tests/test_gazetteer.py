"""Gazetteer: detection without NER, linking, aliases, geography, and the build's cleaning."""

from __future__ import annotations

import shutil

import pytest

from worker.errors import ConfigError
from worker.nlp import build_gazetteer as build
from worker.nlp.gazetteer import Gazetteer, default_gazetteer, haversine_km

BAGHOUZ = "wof:1343849925"
DEIR_EZ_ZOR = "wof:421202167"


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return default_gazetteer()


@pytest.fixture(scope="module")
def seed_found(gaz, seed_text):
    """Gazetteer-only entities of the seed article, by surface text."""
    found: dict[str, list] = {}
    for entity in gaz.find(seed_text):
        found.setdefault(entity.text, []).append(entity)
    return found


# --- the seed article with no NER at all ----------------------------------------------------

@pytest.mark.parametrize("surface, entity_id, name_en", [
    pytest.param("الباغوز", BAGHOUZ, "Baghouz", id="baghouz"),
    pytest.param("دير الزور", DEIR_EZ_ZOR, "Deir ez-Zor", id="deir-ez-zor"),
    pytest.param("البوكمال", "wof:890449891", "Abu Kamal", id="abu-kamal"),
    pytest.param("الحسكة", "wof:421168649", "Al-Hasakah", id="hasakah"),
    pytest.param("مخيم الهول", "place:al-hol-camp", "Al-Hol camp", id="al-hol-camp"),
    pytest.param("عياش", "wof:1293683699", "Ayyash", id="ayyash-after-cue"),
    pytest.param("هجين", "wof:890449895", "Hajin", id="hajin"),
    pytest.param("عامودا", "wof:1226360121", "Amuda", id="amuda"),
    pytest.param("نهر الفرات", "place:euphrates", "Euphrates", id="euphrates"),
    pytest.param("جبل سنجار", "place:sinjar-mountains", "Sinjar Mountains", id="mount-sinjar"),
    pytest.param("شنكال", "wof:421183065", "Sinjar", id="shingal-is-sinjar"),
    pytest.param("العراق", "wof:85632191", "Iraq", id="iraq"),
    pytest.param("معبر سيمالكا", "place:semalka-crossing", "Semalka crossing", id="semalka"),
])
def test_seed_places_are_found_and_linked_without_ner(seed_found, surface, entity_id, name_en):
    entities = seed_found[surface]
    assert {e.canonical["id"] for e in entities} == {entity_id}
    entity = entities[0]
    assert entity.type == "LOC" and entity.source == "gazetteer"
    assert entity.canonical["name_en"] == name_en
    assert isinstance(entity.canonical["lat"], float) and isinstance(entity.canonical["lon"], float)


def test_baghouz_has_its_coordinates_and_admin_parents(seed_found):
    canonical = seed_found["الباغوز"][0].canonical
    assert canonical["lat"] == pytest.approx(34.43, abs=0.05)
    assert canonical["lon"] == pytest.approx(40.99, abs=0.05)
    assert canonical["region"] == "Deir ez-Zor Governorate"
    assert canonical["placetype"] == "locality"


@pytest.mark.parametrize("surface, entity_id", [
    pytest.param("التحالف الدولي", "org:global-coalition", id="coalition"),
    pytest.param("داعش", "org:isis", id="isis"),
    pytest.param("قوات سورية الديمقراطية", "org:sdf", id="sdf-full-name"),
    pytest.param("قسد", "org:sdf", id="sdf-abbreviation"),
    pytest.param("كتائب سيد الشهداء", "org:kataib-sayyid-al-shuhada", id="kataib-shuhada"),
    pytest.param("الحشد الشعبي", "org:pmf", id="pmf"),
    pytest.param("المارينز الأميركي", "org:us-marines", id="marines"),
    pytest.param("قوات النظام", "org:syrian-government-forces", id="regime-forces"),
])
def test_seed_organisations_are_found_and_linked_without_ner(seed_found, surface, entity_id):
    entities = seed_found[surface]
    assert {e.canonical["id"] for e in entities} == {entity_id}
    assert all(e.type == "ORG" for e in entities)


def test_sdf_full_name_and_abbreviation_are_one_entity(seed_found):
    assert seed_found["قسد"][0].canonical == seed_found["قوات سورية الديمقراطية"][0].canonical


def test_found_spans_point_into_the_original_text(gaz, seed_text):
    for entity in gaz.find(seed_text):
        assert seed_text[entity.start:entity.end] == entity.text


def test_a_country_inside_an_organisation_name_is_not_a_second_entity(seed_found):
    # سورية inside قوات سورية الديمقراطية must not surface as Syria.
    assert all(e.canonical["id"] == "org:sdf" for e in seed_found["قوات سورية الديمقراطية"])


# --- linking NER mentions ------------------------------------------------------------------

@pytest.mark.parametrize("mention, type_, entity_id", [
    pytest.param("للباغوز", "LOC", BAGHOUZ, id="lil-clitic"),
    pytest.param("والباغوز", "LOC", BAGHOUZ, id="wa-al-clitic"),
    pytest.param("باغوز", "LOC", BAGHOUZ, id="no-article"),
    pytest.param("Baghuz", "LOC", BAGHOUZ, id="english-variant"),
    pytest.param("والرقة", "LOC", "wof:421172833", id="raqqa-with-conjunction"),
    pytest.param("مدينة الرقة", "LOC", "wof:421172833", id="cue-word-stripped"),
    pytest.param("دير الزّور", "LOC", DEIR_EZ_ZOR, id="diacritics"),
    pytest.param("ISIS", "ORG", "org:isis", id="isis-english"),
    pytest.param("ISIL", "ORG", "org:isis", id="isil"),
    pytest.param("تنظيم الدولة", "ORG", "org:isis", id="tanzim-al-dawla"),
    pytest.param("بداعش", "ORG", "org:isis", id="bi-daesh"),
    pytest.param("SDF", "ORG", "org:sdf", id="sdf-english"),
    pytest.param("قوات سوريا الديمقراطية", "ORG", "org:sdf", id="sdf-alif-spelling"),
    pytest.param("PMF", "ORG", "org:pmf", id="pmf-english"),
    pytest.param("YPG", "ORG", "org:ypg", id="ypg"),
    pytest.param("هيئة تحرير الشام", "ORG", "org:hts", id="hts"),
    pytest.param("الجيش الحر", "ORG", "org:fsa", id="fsa"),
    pytest.param("النظام", "ORG", "org:syrian-government-forces", id="link-only-alias"),
    pytest.param("بشار الأسد", "PER", "per:bashar-al-assad", id="assad"),
    pytest.param("الأسد", "PER", "per:bashar-al-assad", id="assad-surname-link-only"),
    pytest.param("البغدادي", "PER", "per:abu-bakr-al-baghdadi", id="baghdadi"),
])
def test_link_resolves_mentions_to_canonical_ids(gaz, mention, type_, entity_id):
    linked = gaz.link(mention, type_)
    assert linked is not None and linked["id"] == entity_id


def test_isis_arabic_and_english_names_are_one_entity(gaz):
    ids = {gaz.link(m, "ORG")["id"] for m in ("داعش", "ISIS", "ISIL", "Islamic State",
                                              "تنظيم الدولة الإسلامية", "الدولة الإسلامية")}
    assert ids == {"org:isis"}


def test_a_person_mention_never_links_to_a_place(gaz):
    assert gaz.link("عياش", "PER") is None
    assert gaz.link("عياش", "LOC")["id"] == "wof:1293683699"


def test_unknown_mentions_do_not_link(gaz):
    assert gaz.link("أبو محمد الجزراوي", "PER") is None
    assert gaz.link("زززز", "LOC") is None


def test_link_prefers_the_namesake_near_the_articles_other_places(gaz):
    # Two villages are called المراشدة: one by Baghouz (Syria), one in southern Iraq.
    assert gaz.link("المراشدة", "LOC", context=[gaz.get(BAGHOUZ)])["id"] == "wof:1209306343"
    southern = gaz.link("المراشدة", "LOC", context=[(31.6, 45.2)])
    assert southern["country"] == "IQ" and gaz.within_km(southern, (31.6, 45.2), 50)


def test_cue_words_find_villages_only_near_places_the_article_names(gaz):
    text = "سيطرت القوات على الباغوز وقرى المراشدة"
    assert "المراشدة" in [e.text for e in gaz.find(text)]
    assert gaz.find("سيطرت القوات على قرى المراشدة") == []


def test_a_seat_is_preferred_over_its_region_of_the_same_name(gaz):
    assert gaz.link("الحسكة", "LOC")["placetype"] == "locality"
    assert gaz.link("محافظة الحسكة", "LOC")["placetype"] == "region"


# --- aliases, ids, geography --------------------------------------------------------------

def test_aliases_let_a_rule_on_baghouz_catch_every_spelling(gaz):
    names = gaz.aliases(BAGHOUZ)
    assert {"الباغوز", "باغوز", "Baghuz", "Baghouz"} <= set(names)


def test_aliases_of_isis_include_abbreviations_in_both_languages(gaz):
    assert {"داعش", "تنظيم الدولة الإسلامية", "ISIS", "ISIL"} <= set(gaz.aliases("org:isis"))


def test_get_returns_none_for_unknown_ids(gaz):
    assert gaz.get("wof:0") is None and gaz.aliases("wof:0") == []


def test_haversine_matches_a_known_distance():
    # Damascus to Aleppo is about 310 km great-circle.
    assert haversine_km((33.5138, 36.2765), (36.2021, 37.1343)) == pytest.approx(310, abs=10)
    assert haversine_km({"lat": 1, "lon": 2}, (1, 2)) == 0


@pytest.mark.parametrize("place, center, radius, inside", [
    pytest.param("wof:1259574811", BAGHOUZ, 10, True, id="baghuz-fawqani-next-door"),
    pytest.param("wof:890449891", BAGHOUZ, 50, True, id="abu-kamal-within-50km"),
    pytest.param(DEIR_EZ_ZOR, BAGHOUZ, 50, False, id="deir-ez-zor-is-far"),
    pytest.param((34.44, 40.98), BAGHOUZ, 5, True, id="point"),
    pytest.param("wof:0", BAGHOUZ, 1000, False, id="unknown-place"),
])
def test_within_km(gaz, place, center, radius, inside):
    assert gaz.within_km(place, center, radius) is inside


def test_within_km_accepts_canonical_dicts(gaz):
    assert gaz.within_km(gaz.link("البوكمال", "LOC"), gaz.get(BAGHOUZ), 50)


# --- no false positives on ordinary news ------------------------------------------------

# Sentences from the ANT corpus (../shared/data/news; the last one stitched from corpus
# fragments), full of words that are also names of Syrian or Iraqi villages (الدوري، على،
# حول، هدف، القائم، ميادين، الباب، الشهداء ...).
ORDINARY = [
    "انتزع ليفربول المركز الثاني بالدوري الإنجليزي الممتاز لكرة القدم بتغلبه على ويست هام "
    "يونايتد 4 - 1 يوم السبت في الجولة الثامنة والعشرين من الدوري.",
    "وسجل يوسف ابراهيم \"أوباما\" (11 و60) ومحمود عبد العزيز (20) والكونغولي الديموقراطي "
    "كابونغو كاسونغو (62) أهداف الزمالك، ومحمد صادق (76) هدف الإسماعيلي.",
    "واعتبر المدرب الكوري الجنوبي \"أنه من الصعب على الغربيين التمييز بين الآسيويين، "
    "ولهذا السبب قمنا بذلك\".",
    "وأظهرت اللقطات أشخاصا يرشقون حافلة المنتخب البرازيلي بالبيض، مما أجبر سائقها على "
    "التوقف ودفع الشرطة إلى التدخل للسيطرة على الموقف.",
    "وردا على سؤال حول الإجراءات الواجب اتخاذها كي يصبح الفريق قادرا على تحقيق قفزة بعد "
    "موسم متواضع، طالب كاهيل \"بوضع حد لحال الشكوك والقيام بشيء ما، مهما يكن نوعه\".",
    "ويعد يحيى عبدالله محمد الرزامي والمكنى أبو زيد من القيادات الميدانية الحوثية "
    "البارزة، حيث تم تعيينه أركان حرب فرع الأمن المركزي بمحافظة عمران، والقائم بأعمال.",
    "وكان قد أدى الخدمة في القوات الحكومية ومن ميادين القتال عاد إلى بيته، فتح الباب "
    "وجلس في الحديقة الخضراء مع الشهداء من عائلته.",
]


@pytest.mark.parametrize("sentence", [pytest.param(s, id=f"sentence-{i}")
                                      for i, s in enumerate(ORDINARY)])
def test_no_false_positives_on_ordinary_sentences(gaz, sentence):
    assert gaz.find(sentence) == []


@pytest.mark.parametrize("text, entity_id", [
    pytest.param("دخلت القوات مدينة الطبقة أمس", "wof:1326630607", id="tabqa-with-cue"),
    pytest.param("الطبقة الوسطى تعاني من الغلاء", None, id="tabqa-is-also-a-class"),
    pytest.param("هاجم مسلحون مدينة حديثة", "wof:421200415", id="haditha-with-cue"),
    pytest.param("اشترى سيارة حديثة الصنع", None, id="haditha-is-also-modern"),
])
def test_a_curated_town_named_by_a_common_word_needs_its_cue(gaz, text, entity_id):
    assert [e.canonical["id"] for e in gaz.find(text)] == ([entity_id] if entity_id else [])


def test_adjectives_of_places_are_not_places(gaz):
    found = gaz.find("وقالت السلطات الإيرانية والقوات العراقية إن الحدود السورية مغلقة")
    assert not [e for e in found if e.type == "LOC"]


# --- the build: cleaning WOF rows ---------------------------------------------------------

def _row(wof_id, name_ar, *, name="X", placetype="locality", lat=35.0, lon=40.0, current="-1",
         variants="", region="", county="", wikidata=""):
    return build.clean_row({
        "wof_id": str(wof_id), "placetype": placetype, "name": name, "name_ar": name_ar,
        "name_ar_variants": variants, "lat": str(lat), "lon": str(lon), "lbl_lat": "",
        "lbl_lon": "", "country": "SY", "region_id": region, "county_id": county,
        "is_current": current, "geonames_id": "", "wikidata_id": wikidata})


def test_build_takes_the_arabic_name_from_variants_when_name_ar_is_latin():
    place = _row(1, "Ḩiristā", name="Ḩarastā", variants="حرستا")
    assert place["name_ar"] == "حرستا"
    assert place["name_en"] == "Ḩarastā" and "Ḩiristā" in place["aliases_en"]


def test_build_adds_the_bare_name_of_admin_names():
    place = _row(1, "محافظة الحسكة", placetype="region")
    assert "الحسكة" in place["aliases_ar"]


def test_build_keeps_the_current_row_of_a_duplicate_pair():
    old = _row(1, "منبج", current="0", lat=36.528, lon=37.955)
    new = _row(2, "منبج", current="1", lat=36.527, lon=37.956)
    kept = build.deduplicate([old, new])
    assert [p["id"] for p in kept] == ["wof:2"] and kept[0]["same_as"] == ["wof:1"]


def test_build_prefers_the_larger_placetype_among_duplicates():
    village = _row(1, "تلعفر", current="1", lat=36.37, lon=42.44)
    county = _row(2, "تلعفر", placetype="county", current="1", lat=36.38, lon=42.45)
    assert [p["id"] for p in build.deduplicate([village, county])] == ["wof:2"]


def test_build_keeps_namesakes_that_are_far_apart_or_parent_and_child():
    a = _row(1, "الرمادي", lat=33.42, lon=43.31)
    b = _row(2, "الرمادي", lat=34.63, lon=40.87)
    region = _row(3, "الحسكة", placetype="region", lat=36.50, lon=40.76)
    city = _row(4, "الحسكة", lat=36.50, lon=40.75, region="3")
    assert len(build.deduplicate([a, b, region, city])) == 4


def test_build_merges_spellings_that_differ_only_by_a_space():
    a = _row(1, "البو كمال", current="1", lat=34.45, lon=40.92)
    b = _row(2, "البوكمال", lat=34.46, lon=40.93)
    assert len(build.deduplicate([a, b])) == 1


def test_shipped_data_resolves_merged_and_deprecated_ids(gaz):
    # Manbij: a deprecated row (1125781547) and the current one (1141906291).
    assert gaz.get("wof:1125781547")["id"] == "wof:1141906291"
    # Harasta: name_ar held the transliteration Ḩiristā in WOF.
    assert gaz.get("wof:1125968475")["name_ar"] == "حرستا"


def test_common_words_are_never_detected_even_when_they_are_village_names(gaz):
    assert gaz.find("وقف على الباب وقال إن الحول قد مضى") == []


def test_load_from_an_explicit_path_gives_the_same_gazetteer(gaz):
    again = Gazetteer.load(build.RESOURCES)
    assert len(again) == len(gaz) and again.get(BAGHOUZ) == gaz.get(BAGHOUZ)


def test_a_missing_gazetteer_file_is_a_config_error_naming_it(tmp_path):
    with pytest.raises(ConfigError, match="places.tsv"):
        Gazetteer.load(tmp_path)


def test_a_curated_entry_without_a_valid_type_is_a_config_error(tmp_path):
    for name in ("places.tsv", "common_words.tsv"):
        shutil.copy(build.RESOURCES / name, tmp_path / name)
    (tmp_path / "organisations.yaml").write_text(
        "entities: [{id: org:x, type: GROUP, name_en: X, name_ar: س}]", encoding="utf-8")
    with pytest.raises(ConfigError, match="org:x"):
        Gazetteer.load(tmp_path)
