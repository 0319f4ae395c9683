"""Event frames: the seed article (issue 4, item 4), time resolution, slots and API."""

from __future__ import annotations

import pytest

from worker.nlp.events import article_casualties, extract_events
from worker.nlp.timex import find_times
from worker.nlp.tokenize import sentences
from worker.records import Entity, Event

PUBLISHED = "2019-03-02T09:00:00Z"  # the seed article's date, a Saturday


def entities_of(text: str) -> list[Entity]:
    """Entities from the shipped gazetteer (no NER model needed)."""
    from worker.nlp.gazetteer import default_gazetteer

    return default_gazetteer().find(text)


def run(text: str, entities: list[Entity] | None = None, published: str | None = PUBLISHED,
        report_filter=None):
    """The rules alone by default: these tests pin what the rules decide (types, slots,
    irrealis); the report model is tested on real sentences in test_report_model.py."""
    ents = entities_of(text) if entities is None else entities
    return extract_events(text, sentences(text), ents, published, report_filter=report_filter)


@pytest.fixture(scope="module")
def seed_events(seed_text) -> list[Event]:
    # The reference article goes through the production path: rules + report model.
    return run(seed_text, report_filter="model")


def ids(entities: list[dict]) -> set[str]:
    return {(e.get("canonical") or {}).get("id") for e in entities}


def first(events: list[Event], type_: str, **where) -> Event:
    for event in events:
        if event.type == type_ and all(pred(event) for pred in where.values()):
            return event
    raise AssertionError(f"no {type_} event matching {list(where)}")


def test_seed_coalition_airstrike_on_baghouz_with_white_phosphorus(seed_events):
    strike = first(seed_events, "airstrike", lead=lambda e: e.time is not None)
    assert "org:global-coalition" in ids(strike.actors)
    assert strike.location["text"] == "الباغوز"
    assert strike.location["canonical"]["lat"] == pytest.approx(34.43, abs=0.1)
    assert strike.weapon["canonical"] == "white_phosphorus"
    assert strike.time["resolved"] == "2019-03-01"  # مساء أمس


def test_seed_sdf_isis_clash_at_baghouz(seed_events):
    clash = first(seed_events, "clash",
                  sides=lambda e: {"org:sdf", "org:isis"} <= ids(e.actors))
    assert clash.location["text"] == "الباغوز"


def test_seed_isis_regime_clash_with_unspecified_dead_and_wounded(seed_events):
    clash = first(seed_events, "clash",
                  sides=lambda e: {"org:isis", "org:syrian-government-forces"} <= ids(e.actors))
    assert clash.killed["count"] is None and clash.killed["text"] == "قتلى"
    assert clash.injured["count"] is None


def test_seed_sleeper_cell_attack_in_ayyash(seed_events):
    attack = first(seed_events, "armed_attack",
                   place=lambda e: e.location and e.location["text"] == "عياش")
    assert "org:syrian-government-forces" in ids(attack.target)
    assert attack.damage["count"] == 2 and "عربتين" in attack.damage["text"]
    assert attack.killed is not None and attack.killed["count"] is None  # "قتلت مجموعة"


def test_seed_guided_missile_strike_injures_ten_of_whom_seven_americans(seed_events):
    strike = first(seed_events, "missile_attack")
    assert strike.weapon["canonical"] == "guided_missile"
    assert "org:isis" in ids(strike.actors) and "org:sdf" in ids(strike.target)
    assert strike.location["text"] == "الباغوز"
    assert strike.injured["count"] == 10
    assert strike.injured["groups"] == [
        {"count": 7, "approx": False, "who": "القوات الأميركية"}]
    assert strike.attribution["kind"] == "activist"


def test_seed_evacuation_of_civilians_to_al_hol(seed_events):
    evacuation = first(seed_events, "evacuation", dest=lambda e: e.destination is not None)
    assert evacuation.destination["canonical"]["id"] == "place:al-hol-camp"
    assert evacuation.location["text"] == "الباغوز"
    assert evacuation.time["resolved"] == "2019-03-01"  # عصر أمس الجمعة


def test_seed_regime_and_iraqi_militia_reinforcements(seed_events):
    movement = first(seed_events, "military_movement")
    assert {"org:syrian-government-forces", "org:kataib-sayyid-al-shuhada"} <= ids(
        movement.actors)
    assert movement.time["resolved"] == "2019-03-02"  # صباح اليوم
    assert len([e for e in seed_events if e.type == "military_movement"]) == 1


@pytest.mark.parametrize("report_filter", ["model", None])
def test_seed_21_yazidis_three_women_eighteen_children_leave_for_iraq(seed_text, report_filter):
    events = run(seed_text, report_filter=report_filter)
    release = first(events, "release", people=lambda e: e.people is not None)
    assert release.people["count"] == 21
    assert [(g["count"], g["who"]) for g in release.people["groups"]] == [
        (3, "نساء"), (18, "طفلاً")]
    assert release.destination["text"] == "شنكال"
    assert release.destination["canonical"]["country"] == "IQ"
    if report_filter is None:
        # The rules find two mentions and merge them (event_coref): "متجهين نحو العراق"
        # and "توجهوا إلى شنكال"; the more specific place wins and its country is Iraq.
        # (The report model calls the first one, "وفي شأن متصل، غادرت أمس الجمعة مجموعة
        # من الإيزيديين", a mention: a known miss, MODEL_CARD.md.)
        assert [m["text"] for m in release.mentions] == ["غادروا"]


def test_seed_article_casualties_are_the_largest_single_toll(seed_events):
    assert article_casualties(seed_events) == {"killed": None, "injured": 10}


def test_seed_triggers_point_into_the_article(seed_text, seed_events):
    for event in seed_events:
        trig = event.trigger
        assert seed_text[trig["start"]:trig["end"]] == trig["text"]


def test_seed_attribution_refers_back_to_local_sources(seed_events):
    sourced = [e.attribution for e in seed_events if e.attribution]
    assert any(a["text"] == "مصادر محلية" and a["kind"] == "local_sources" for a in sourced)
    assert any(a["text"] == "المصادر" and a.get("refers_to") == "مصادر محلية" for a in sourced)


def test_dateline_place_is_not_the_event_location():
    text = "القدس (CNN)-- أعلنت وزارة الصحة عن مقتل ثلاثة فلسطينيين في قصف مدفعي."
    (event,) = run(text, [Entity("القدس", "LOC", 0, 5)])
    assert event.type == "shelling" and event.location is None and event.killed["count"] == 3


@pytest.mark.parametrize("phrase, resolved", [
    pytest.param("أمس", "2019-03-01", id="yesterday"),
    pytest.param("مساء أمس الجمعة", "2019-03-01", id="yesterday-evening-friday"),
    pytest.param("فجر اليوم السبت", "2019-03-02", id="dawn-today-saturday"),
    pytest.param("صباح اليوم", "2019-03-02", id="this-morning"),
    pytest.param("أول أمس", "2019-02-28", id="day-before-yesterday"),
    pytest.param("يوم الأربعاء", "2019-02-27", id="last-weekday"),
    pytest.param("في 24 شباط", "2019-02-24", id="levantine-month"),
    pytest.param("2 مارس 2019", "2019-03-02", id="gregorian-month-year"),
    pytest.param("عام 2014", "2014", id="year"),
])
def test_time_resolution_against_publication_date(phrase, resolved):
    text = f"قصف الطيران البلدة {phrase}"
    times = find_times(text, 0, len(text), PUBLISHED)
    assert times and times[-1]["resolved"] == resolved
    assert text[times[-1]["start"]:times[-1]["end"]].endswith(phrase.split()[-1])


def test_relative_time_without_publication_date_is_unresolved():
    text = "قصف الطيران البلدة أمس"
    assert find_times(text, 0, len(text), None)[0]["resolved"] is None


@pytest.mark.parametrize("text, type_", [
    pytest.param("وقصف الطيران الحربي بلدة كفرنبل", "airstrike", id="clitic-and-air-cue"),
    pytest.param("بقصف مدفعي على البلدة", "shelling", id="artillery"),
    pytest.param("والاشتباكات مستمرة في المدينة", "clash", id="clitic-definite-clash"),
    pytest.param("هجوم بطائرة مسيرة على القاعدة", "drone_attack", id="drone"),
    pytest.param("انفجرت سيارة مفخخة في السوق", "bombing", id="car-bomb"),
    pytest.param("استهدف المسلحون الحاجز بصاروخ موجه", "missile_attack", id="guided-missile"),
    pytest.param("اختطف مسلحون خمسة عمال", "abduction", id="abduction"),
    pytest.param("اعتقلت قوات الأمن 15 شخصا", "arrest", id="arrest"),
    pytest.param("أفرجت السلطات عن 21 معتقلاً", "release", id="release"),
    pytest.param("نزح آلاف المدنيين من المدينة", "displacement", id="displacement"),
    pytest.param("إجلاء المدنيين من الحي", "evacuation", id="evacuation"),
    pytest.param("وصلت تعزيزات عسكرية إلى المنطقة", "military_movement", id="reinforcements"),
    pytest.param("قتل 5 أشخاص برصاص مجهولين", "armed_attack", id="gunfire-casualties"),
    pytest.param("وكانت القوات قد بدأت بهجوم على البلدة", "armed_attack", id="qad-with-perfect"),
])
def test_event_types(text, type_):
    assert [e.type for e in run(text, [])] == [type_]


@pytest.mark.parametrize("text", [
    pytest.param("دعت الأمم المتحدة إلى وقف إطلاق النار في الغوطة", id="ceasefire"),
    pytest.param("ونفت وزارة الدفاع شن أي غارات على المدينة", id="denial"),
    pytest.param("وهدد زعيم الجماعة بإطلاق صواريخ على الرياض", id="threat"),
    pytest.param("شنت المعارضة هجوما حادا على الحكومة", id="verbal-attack"),
    pytest.param("أصدرت المحكمة مذكرة اعتقال بحقه", id="arrest-warrant"),
    pytest.param("تعرضت الشركة لهجوم إلكتروني", id="cyber-attack"),
    pytest.param("ووصفت الحكم بأنه هجوم غير مسبوق على حرية التعبير", id="attack-on-an-idea"),
    pytest.param("وقالت إن إيران قد توجه ضربات صاروخية داخل إسرائيل", id="may-strike"),
    pytest.param("وأعلنت أنها ستسمح بإجلاء المدنيين من الحي", id="future-permission"),
    pytest.param("وقال إن الجيش يعتزم شن غارات على المدينة", id="intends-to"),
])
def test_non_events(text):
    assert run(text, []) == []


@pytest.mark.parametrize("text, types", [
    pytest.param("فيما شنت الرياض هجوما على إيران، متهمة إياها بالتدخل في الشؤون العربية", [],
                 id="verbal-attack-on-a-state"),
    pytest.param("شن مسلحون هجوما على العراق", ["armed_attack"], id="gunmen-make-it-armed"),
    pytest.param("هجوم على إيران أسفر عن مقتل 3 أشخاص", ["armed_attack"],
                 id="casualties-make-it-armed"),
])
def test_attack_on_a_state_is_verbal_without_arms_or_casualties(text, types):
    assert [e.type for e in run(text)] == types


def test_negated_casualties_attach_as_zero():
    (event,) = run("انفجرت عبوة ناسفة بدورية للجيش في مدينة الموصل دون وقوع إصابات.", [])
    assert event.type == "bombing"
    assert event.killed["count"] == 0 and event.injured["count"] == 0


def test_in_addition_to_another_killing_adds_up():
    # "إضافة إلى" before a second killing is one more group, not a revised toll (train gold).
    (event,) = run("قال المركز إن أكثر من 30 عنصراً من الحوثيين لقوا مصرعهم في الجبهة، إضافة إلى "
                   "مقتل 17 عنصراً حاولوا التسلل.", [])
    assert event.killed["count"] == 47 and event.killed["approx"]


@pytest.mark.parametrize("text, killed", [
    # The sentence's figure as the evaluation reads it (evaluate_reports.from_events): the
    # groups of its events added, a running toll instead when larger (fourth gold draw).
    pytest.param("لقي 25 شخصا مصرعهم في فيضانات، كما قضى 21 شخصا جراء الفيضانات", 46,
                 id="qada-with-its-count-adds-a-group"),
    pytest.param("وقتل ثلاثة من الضحايا على الفور، بينما توفي رابع في المستشفى", 4,
                 id="an-ordinal-after-the-verb-is-one-more"),
    pytest.param("فبعد خمسة أيام من مصرعه، أعلن عن مقتل الصماد", 1, id="days-are-no-count"),
    pytest.param("وتسببت الغارات بمقتل ستة مدنيين على الأقل في بلدة صيدا، لترتفع بذلك حصيلة القتلى "
                 "منذ بدء الهجوم على الجنوب إلى 149 مدنيا", 149,
                 id="a-running-toll-includes-the-days-dead"),
    pytest.param("وأدى السقوط المدوي للجسر إلى مقتل 5 أشخاص على الفور، فيما أعلنت لاحقا وفاة سادس "
                 "متأثرا بجراحه", 6, id="after-led-to-is-no-toll"),
    pytest.param("لا خسائر في الأرواح، لكن 6 أشخاص أصيبوا بجروح", 0,
                 id="no-loss-of-life-joins-the-wounded"),
    pytest.param('وصرح اللفتنانت من شرطة المنطقة "هناك 6 قتلى هم المشتبه به و5 ضحايا"', 6,
                 id="the-list-after-hum-is-inside-the-toll"),
    # This stop: train errors and the sixth draw, after it was measured.
    pytest.param('لقي أكثر من عشرين من عناصر تنظيم "داعش" الإرهابي مصرعهم في العراق', 20,
                 id="quotes-inside-the-subject-of-laqiya"),
    pytest.param("وقد قدرت الإحصاءات الرسمية عدد الضحايا في الزلزال والتسونامي بـ 1558 شخصا",
                 1558, id="a-toll-after-detached-bi"),
    pytest.param("إن جنديا أميركيا وشخصا آخر من التحالف الذي تقوده الولايات المتحدة لمحاربة "
                 'تنظيم "داعش"، قتلا في انفجار عبوة ناسفة', 2, id="a-dual-verb-is-two-alone"),
    pytest.param("وانتحر سجين يبلغ من العمر 50 عاما، في حين توفي آخر في 21 أبريل", 2,
                 id="suicide-and-another-death"),
    pytest.param("يحاول محققون معرفة دوافع الرجل الذي قتل شخصين السبت في مدينة مونستر قبل أن "
                 "ينتحر بإطلاق النار على نفسه", 3, id="the-killer-who-killed-himself-adds-one"),
    pytest.param("أسفر عن مقتل أربعة فلسطينيين وجندي إسرائيلي الجمعة", 5,
                 id="a-singular-closing-a-list-before-a-weekday"),
    pytest.param("أؤكد أننا حتى الآن فقدنا عشرة أرواح وأصيب عشرة آخرون", 10, id="lives-lost"),
    pytest.param("وأكد مصدر مصرع العشرات من ميليشيات الحوثي في قصف جوي، إضافة إلى استهداف "
                 "آليات قرب مديرية التحيتا ما أدى إلى مصرع من فيها", 10,
                 id="death-of-those-inside-is-unnumbered"),
    pytest.param("لقي خمسة أشخاص حتفهم في إيران نتيجة الإصابة بحمى الكونغو النزفية", None,
                 id="deaths-from-a-disease-are-no-casualties"),
    pytest.param("وقالت الشرطة إن ستة من القتلى ينتمون إلى أسرة واحدة، بينما سقط القتيلان "
                 "الآخران في هجوم", 8, id="the-other-two-are-a-new-group"),
    pytest.param("وتمكن رجال الأمن من القبض على شخصين من المتورطين، ومقتل شريكهم الثالث بعد "
                 "تبادل إطلاق النار معه", 1, id="a-definite-ordinal-is-one"),
    pytest.param('قال متحدث: "أعلنا للتو خبر" مقتل فتاة بعد انهيار جدار، من دون أن يؤكد خبراً '
                 "أوردته وسائل إعلام محلية عن مقتل رجل", 1,
                 id="an-unconfirmed-report-ten-words-back"),
    pytest.param("إن اثنين من الركاب لقيا حتفهما على الفور، فيما نقل 3 إلى مستشفيين لكنهم توفوا "
                 "فيما بعد", 5, id="taken-to-two-hospitals-is-no-toll"),
    # stop 30: a fate told by its pronoun alone is the one victim told before; after a
    # group it is the killer's, one more
    pytest.param("تجري السلطات تحقيقا بشأن وفاة رئيس أحد أكبر الأديرة، بعدما لقي مصرعه الأحد "
                 "في ظروف غامضة", 1, id="his-fate-is-the-one-told-before"),
    pytest.param("أن رجلا قتل بالرصاص شرطيين في وسط مدينة لييج واحتجز امرأة رهينة قبل أن يلقى "
                 "مصرعه بالرصاص", 3, id="the-killers-fate-after-a-group"),
])
def test_sentence_killed_figure(text, killed):
    from worker.nlp.evaluate_reports import from_events

    assert from_events(run(text, [])).killed == killed


def test_a_quote_and_a_place_before_the_victim():
    # "قتل في محافظة ديالى «شرطي": the count past the place (an entity) and the quote.
    figures = from_events_of('وفيما يتعلق بالحوادث، قتل في محافظة ديالى "شرطي وأصيب خمسة آخرون '
                             'بجروح جراء سقوط قذائف هاون"')
    assert (figures.killed, figures.injured) == (1, 5)


def from_events_of(text: str):
    from worker.nlp.evaluate_reports import from_events

    return from_events(run(text))


def test_location_without_entities_falls_back_to_place_words():
    (event,) = run("قتل شخصان في قصف مدفعي على بلدة كفرنبل.", [])
    assert event.location["text"] == "بلدة كفرنبل" and event.location["canonical"] is None
    assert event.killed["count"] == 2


def test_events_round_trip_through_dicts(seed_events):
    for event in seed_events:
        assert Event.from_dict(event.to_dict()) == event


def test_empty_article_has_no_events():
    assert run("", []) == [] and article_casualties([]) == {"killed": None, "injured": None}


def test_attribution_joins_the_named_source():
    text = "وقال الناشط أبو محمد الجزراوي إن مسلحين هاجموا حاجزا في بلدة هجين."
    start = text.index("أبو")
    per = Entity("أبو محمد الجزراوي", "PER", start, start + len("أبو محمد الجزراوي"))
    (event,) = run(text, [per])
    assert event.type == "armed_attack"
    assert event.attribution["text"] == "الناشط أبو محمد الجزراوي"
    assert event.attribution["kind"] == "activist" and event.actors == []


def test_movement_location_is_the_origin_not_past_the_destination():
    text = ("وذكرت مصادر أن 21 مختطفاً غادروا سورية من معبر سيمالكا وتوجهوا إلى شنكال في "
            "شمال العراق.")
    (event,) = run(text)
    assert event.type == "release"
    assert event.destination["text"] == "شنكال"
    assert event.location["text"] in {"سورية", "معبر سيمالكا"}


def test_rfc2822_publication_date_resolves_too():
    text = "قصف الطيران البلدة أمس"
    (time,) = find_times(text, 0, len(text), "Sat, 02 Mar 2019 10:00:00 GMT")
    assert time["resolved"] == "2019-03-01"


@pytest.mark.parametrize("text", [
    pytest.param("أفرجت الولايات المتحدة عن مساعدة عسكرية لمصر بقيمة 195 مليون دولار",
                 id="released-aid-is-no-release-of-people"),
    pytest.param("فرضت السلطات إجراءات أمنية مشددة، تحسبا لوقوع اشتباكات",
                 id="precaution-against-clashes-is-no-clash"),
    pytest.param("ويقول مسؤولو الصحة إن أكثر من 820 ألف شخص أصيبوا بالمرض في البلاد",
                 id="people-who-fell-ill-are-no-casualties"),
])
def test_no_event_in_report_gold_mentions(text):
    assert run(text) == []


def test_one_more_died_of_wounds_adds_to_the_killed():
    text = "وقالت القوات المسلحة الإيرانية إن ثلاثة من منفذي الهجوم قتلوا، وتوفي الرابع في وقت لاحق متأثرا بجروحه."
    assert article_casualties(run(text))["killed"] == 4


def test_a_subgroup_after_its_toll_is_not_added():
    text = "وقال مراسلنا إن الاحتلال أصاب أكثر من 100 شخص، الجمعة، من بينهم 40 مصابا بالرصاص الحي."
    assert article_casualties(run(text))["injured"] == 100


@pytest.mark.parametrize("text, killed, injured", [
    pytest.param("أن الحريق الذى استعر بفعل طقس حار بدرجة غير معتادة، أدى إلى إصابة 18 شخصا",
                 None, 18, id="a-negation-in-another-clause-does-not-reach"),
    pytest.param("إن رجلا واحدا على الأقل قتل وأصيب 6 مدنيين في سلسلة من الغارات", 1, 6,
                 id="singular-subject-before-a-shared-looking-number"),
    pytest.param("وأوضحت الوزارة أن الإصابات توزعت كالتالي، إصابة واحدة حرجة، و3 خطيرة، و90 "
                 "متوسطة، و80 طفيفة", None, 174, id="a-list-by-severity-adds-up"),
    pytest.param("قتل شرطي وأصيب خمسة آخرون بجروح، أحدهم إصابته بالغة، جراء سقوط قذائف هاون",
                 1, 5, id="one-of-them-described-again"),
    pytest.param("هناك مصاب واحد جرح بعصا كان يحملها واحد من المهاجمين", None, 1,
                 id="one-wounded-described-again"),
    pytest.param("وذكرت الوزارة أن الشاب أحمد نبيل (25 عاما) أصيب برصاصة في رأسه شرقي جباليا، "
                 "ونقل لاحقا إلى المستشفى حيث توفي هناك", 1, None,
                 id="wounded-then-died-is-one-killed"),
    pytest.param("قولها إن الفلسطينية توفيت لاحقا في مستشفى في نابلس، موضحة أن زوجها أصيب بجروح "
                 "طفيفة", 1, 1, id="a-death-beside-a-wounding"),
    pytest.param("وتوفي والده الأسبوع الماضي بعد صراع مع المرض", None, None,
                 id="a-natural-death-is-no-figure"),
    pytest.param("وتوفي الشريف في 11 أغسطس/آب من عام 2015، بعد أن أصيب بمرض سرطان الرئة", None,
                 None, id="a-death-after-an-illness-is-no-figure"),
    pytest.param("وتوفيت مريم، المصرية الجنسية والمولودة في روما، يوم الأربعاء متأثرة بإصابتها "
                 "في هجوم لمجموعة فتيات", 1, None, id="died-of-her-wounds-is-one"),
    pytest.param("وقال مدير المرصد إن امرأة وزوجها وطفلهما قتلوا في القصف على اليرموك", 3, None,
                 id="a-list-of-singular-people-before-a-plural-verb"),
    pytest.param("وقالت المصادر إن شقيقه وشخصين من الجانب الآخر قتلوا في معركة مسلحة", 3, None,
                 id="one-and-a-dual-before-a-plural-verb"),
    pytest.param("وأفادت الوزارة أن المواطن جبر سالم (40 عاما) قتل بطلق ناري في الصدر، فيما "
                 "أصيب 167 مواطنا بجراح مختلفة", 1, 167, id="a-bracketed-age-before-the-verb"),
    pytest.param("كما قتل 79 عنصراً من قوات النظام والمسلحين الموالين لها مقابل 68 من مقاتلي "
                 "التنظيم خلال الفترة ذاتها", 147, None, id="the-other-side-after-muqabil-adds"),
    pytest.param("وأسفر القصف عن سقوط عشرة قتلى في صفوف الفصائل المسلحة، مقابل سبعة في صفوف قوات "
                 "النظام", 17, None, id="muqabil-after-a-comma"),
    pytest.param("بعد مقتل أكثر من ستين فلسطينيا وإصابة ألفين بجروح برصاص الجيش", 60, 2000,
                 id="two-thousand-in-words-is-no-year"),
    pytest.param("وشيع عدة آلاف القتيلين القاصرين الأحد، بعد أن أثار مقتلهما غضبا", 2, None,
                 id="no-count-before-a-definite-noun"),
    pytest.param('وقالت المعارضة التي تحدثت أولا عن سقوط 16 جريحا، إن "نحو ثلاثين جريحا" نقلوا '
                 "إلى المركز الطبي", None, 30, id="the-figure-told-first-is-earlier"),
    pytest.param("وقالت الشرطة إن رجلا يبلغ من العمر 63 عاما قتل، ونقل 3 آخرون إلى المستشفى", 1,
                 3, id="others-taken-to-hospital-are-wounded"),
    pytest.param("ونقل 5 أطنان من المساعدات إلى مستشفى المدينة", None, None,
                 id="goods-taken-to-hospital-are-no-wounded"),
    pytest.param('أن "الشاب أحمد رشاد (24 عاما) استشهد إثر اصابته برصاصة"، موضحا أن هناك "أكثر من '
                 'خمسين جريحا" بينهم "اثنان إصابتهما خطيرة"', 1, 50,
                 id="killed-by-his-wound-and-a-quoted-subgroup"),
    pytest.param("نتج عن الاستهداف وفاة امرأة وإصابة عدد من النازحين، قدر عددهم بـ (12) جريحا",
                 1, 12, id="a-count-in-brackets"),
    pytest.param("وقصفت الطائرات البلدة ولم يسفر القصف عن قتلى أو إصابات", 0, 0,
                 id="a-casualty-noun-joined-to-a-negated-one-is-negated"),
    pytest.param("فقد قتل عشرات الأشخاص في الحادث، كما تحدث مدير الطوارئ عن \"عشرات الضحايا\"", 10,
                 None, id="two-vague-amounts-are-one-toll-told-twice"),
    pytest.param("قتل 4 مسلحين وشرطي واحد", 5, None, id="distinct-groups-still-add"),
    pytest.param("كما دعت بريطانيا إسرائيل إلى ضبط النفس بعدما قتلت القوات الإسرائيلية عشرات "
                 "المحتجين على الحدود مع قطاع غزة الاثنين", 10, None,
                 id="a-call-made-after-a-killing-reports-the-killing"),
    pytest.param("وتوعد النظام بالرد على القصف على المطار الذي أوقع 7 قتلى من الحرس الثوري",
                 7, None, id="a-threat-about-a-strike-that-killed-reports-the-toll"),
])
def test_sentence_killed_and_injured(text, killed, injured):
    from worker.nlp.evaluate_reports import from_events

    figures = from_events(run(text, []))
    assert (figures.killed, figures.injured) == (killed, injured)


def test_a_count_killed_or_wounded_adds_nothing_to_the_killed():
    """"تعرض 21 آخرين للقتل والإصابة": 21 killed or wounded, the split not given, so the
    killed stay the 6 of the first clause and the wounded are "?" (train gold)."""
    from worker.nlp.evaluate_reports import from_events

    text = "أودت الألغام بحياة 6 مدنيين، فيما تعرض 21 آخرين للقتل والإصابة"
    figures = from_events(run(text, [], report_filter=lambda features: True))
    assert (figures.killed, figures.injured) == (6, "?")


def test_a_call_with_no_clause_of_what_happened_stays_irrealis():
    """The clause that frees a casualty from a call must lie between the two: "بعد" after
    the casualty word changes nothing."""
    assert run("ودعت الأمم المتحدة إلى وقف قتل المدنيين بعد الهدنة", []) == []


@pytest.mark.parametrize("text", [
    pytest.param("وأوضحوا أن الصاروخ سقط في إحدى المزارع، ولم ينفجر، ولم يتم رصد أي ضحايا "
                 "جراء سقوطه.", id="no-victims-recorded"),
    pytest.param("وقالت اللجنة إن عمال الإنقاذ وصلوا إلى المطار، فيما لم ترد بعد أنباء عن "
                 "وفيات أو إصابات.", id="no-news-of-deaths-or-injuries"),
])
def test_a_zero_toll_alone_is_put_to_the_report_model(text):
    """A sentence that only says no one was hurt is a zero toll when the report model
    keeps it (eleventh-draw gold), never a casualty figure; the rules alone drop it."""
    kept = run(text, report_filter=lambda features: True)
    assert [(e.type, e.killed["count"], e.injured["count"]) for e in kept] == \
        [("casualties", 0, 0)]
    assert run(text, report_filter=lambda features: False) == []
    assert all(e.type != "casualties" for e in run(text))


def test_a_fate_with_no_count_is_put_to_the_report_model():
    """"لقي عدد من الأشخاص مصرعهم" reports deaths with no number (killed "?", fourteenth
    draw): the rules alone drop a casualty with no count and no trigger, the model judges."""
    text = "لقي عدد من الأشخاص مصرعهم بعد انهيار جزء من أحد الجسور."
    kept = run(text, report_filter=lambda features: True)
    assert [(e.type, e.killed["count"]) for e in kept] == [("casualties", None)]
    assert run(text, report_filter=None) == []


@pytest.mark.parametrize("text", [
    pytest.param("ونقدم تعازينا لأسر القتلى.", id="condolences-to-the-dead"),
    pytest.param("وتعهد الملك بدفع تكاليف دفن القتلى.", id="burying-the-dead"),
])
def test_a_definite_toll_alone_is_put_to_the_report_model(text):
    """"القتلى" with no number restates victims told before, so the rules alone drop it;
    a reaction to a recent killing reports them (killed "?", train gold), so with the
    report model judging it stands as a casualties event for the model to keep or drop."""
    kept = run(text, report_filter=lambda features: True)
    assert [(e.type, e.killed["count"], e.injured) for e in kept] == [("casualties", None, None)]
    assert run(text, report_filter=None) == []
    assert run(text, report_filter=lambda features: False) == []



@pytest.mark.parametrize("text", [
    pytest.param("التفجير الذي راح ضحيته 12 قتيلا وجريحا في كابل.", id="counted-toll"),
    pytest.param("أعلن الجيش مقتل وإصابة 27 شخصا من الحرس الثوري.", id="killing-and-wounding"),
])
def test_a_toll_of_killed_and_wounded_together_is_a_report_of_both(text):
    """One count for the killed and wounded together (GUIDELINE.md: each "?"): the rules
    alone keep it as a casualties report, as they keep "قتلى وجرحى"; before, a count they
    set aside for the split left "?" to the report model alone, and a counted word lost
    its killed figure."""
    found = run(text)
    assert [(e.killed["count"], e.injured["count"]) for e in found] == [(None, None)]


@pytest.mark.parametrize("text, killed", [
    pytest.param("وأسفر الهجوم الأربعاء عن مقتل أكثر من 250 شخصا بينهم 139 مدنيا على الأقل، قضى "
                 "أكثر من ستين منهم في الشبكي، بعدما عمد التنظيم خلال هجومه إلى اقتحام المنازل.",
                 250, id="sixty-of-them-belong-to-the-toll-not-the-nearest-trigger"),
    pytest.param("قتل الثلاثاء في مدينة لييج أربعة أشخاص في إطلاق نار، ومن بين القتلى شرطيان "
                 "إضافة للمهاجم.", 4, id="among-the-dead-is-part-of-the-toll"),
    pytest.param("أعلن المتحدث العسكري مقتل 7 من عناصر القوات المسلحة أثناء مداهمة البؤر "
                 "الإرهابية، والقضاء على 71 إرهابيا والقبض على 5 آخرين.", 78,
                 id="a-definite-verbal-noun-is-one-more-group"),
    pytest.param("ونقلت المواقع عن مصدر محلي أن الشاب \"الجمال\"، أوهمهم بقبوله القتال في "
                 "صفوفهم، بدلاً من سجنه أو قتله، وعندما تحرك معهم على متن سيارة تابعة لهم في "
                 "طريقهم إلى مدينة الحديدة، فتح النار على الميليشيات وقتل أربعة منهم، قبل أن "
                 "يقوم عنصر حوثي بقتله.", 5,
                 id="four-of-them-with-no-larger-toll-before-adds"),
])
def test_a_sentences_killed_figure(text, killed):
    """The sentence's figure as evaluate_reports reads it over its events (third dev draw:
    a part of a toll never adds to it, a second killing told with القضاء على does)."""
    from worker.nlp.evaluate_reports import from_events

    assert from_events(run(text)).killed == killed


def test_victims_the_clause_calls_wounded_are_the_injured():
    """"لدينا 4 ضحايا نقلوا جميعا إلى المستشفى مصابين بجروح" (third dev draw: injured 4,
    killed null)."""
    from worker.nlp.evaluate_reports import from_events

    found = from_events(run("وقال قائد الشرطة \"لدينا 4 ضحايا نقلوا جميعا إلى المستشفى "
                            "مصابين بجروح ناجمة عن سلاح ناري\"."))
    assert (found.killed, found.injured) == (None, 4)


@pytest.mark.parametrize("text, killed", [
    # The same toll told again after a quote or another source is one toll (mined at stop
    # 25: both read as twice the toll).
    pytest.param("أسفرت عن مقتل نحو 88 شخصا، وفق حصيلة رسمية، في وقت تحدثت وسائل إعلام محلية "
                 "عن وجود 88 قتيلا فضلا عن 58 مفقودا", 88, id="another-source-restates"),
    pytest.param("أسفرت المواجهات عن مقتل 52 فلسطينيا وإصابة 2400 آخرين: \"اليوم هو من أعنف "
                 "الأيام، إذ سقط نحو 52 شهيدا\"", 52, id="a-quote-restates"),
    # ... but one more group of the same size still adds up
    pytest.param("أسفرا عن مقتل ثمانية أشخاص، بالإضافة لمقتل 8 مهاجمين، حسب ما أعلنته الوكالة",
                 16, id="in-addition-adds-a-group-of-the-same-size"),
    pytest.param("أن مستوطنا قتل في هجوم بسكين شنه شاب فلسطيني قتل بالرصاص لاحقا", 2,
                 id="two-single-victims-are-two"),
    # "قبيل أن تقتله الشرطة" as "قبل أن": the attacker killed after his victim (stop 29,
    # train gold: 2)
    pytest.param("فقتل رجلا وأصاب أربعة آخرين قبيل أن تقتله الشرطة بالرصاص.", 2,
                 id="just-before-the-police-killed-him"),
    # a source's word is read word by word: "ذكر" inside "الذكرى" is none
    pytest.param("قتل 3 مدنيين في الذكرى السنوية للمجزرة، كما قتل 3 جنود", 6,
                 id="an-anniversary-is-no-source"),
])
def test_a_toll_told_twice_is_one(text, killed):
    from worker.nlp.evaluate_reports import from_events

    assert from_events(run(text, [])).killed == killed


@pytest.mark.parametrize("lead, killed", [
    # The lead tells a killing: a later death with no cause beside it is that one
    # (train gold: "وفاة الطالبة"، "وتوفي الضحية ... بعد وقت قصير", killed 1).
    pytest.param(["مقتل طالبة بريطانية طعنا في لندن", "قتلت طالبة بريطانية طعنا مساء الجمعة."],
                 1, id="a-killing-in-the-lead"),
    # An accident in the lead makes it news of an accident too.
    pytest.param(["تحطم طائرة مدير الشركة في كوستروما", "تحطمت طائرة صغيرة مساء الجمعة."], 1,
                 id="an-accident-in-the-lead"),
    # An obituary (age, illness) is a natural death, a mention with no figure.
    pytest.param(["رحيل الممثلة", "توفيت الممثلة عن عمر يناهز 83 عاما بعد صراع مع المرض."],
                 None, id="an-obituary-lead"),
    # No death in the lead at all: as before, a bare death is no casualty.
    pytest.param(["مؤتمر صحفي للوزير", "عقد الوزير مؤتمرا صحفيا أمس في العاصمة."], None,
                 id="no-death-in-the-lead"),
])
def test_a_bare_death_is_read_by_the_violence_of_its_articles_lead(lead, killed):
    """"وقال الوزير إنه يشعر بالحزن بسبب وفاة الطالبة" gives no cause of death: the
    article's lead decides whether it is a killing (events._violent_lead)."""
    from worker.nlp.evaluate_reports import from_events

    text = "وقال الوزير إنه يشعر بالحزن الشديد بسبب وفاة الطالبة سارة."
    found = from_events(extract_events(text, sentences(text), [], PUBLISHED,
                                       report_filter=lambda features: True, lead=lead))
    assert (found.killed if found.report else None) == killed


def test_the_lead_of_a_whole_article_is_its_title_and_first_sentences():
    """With no ``lead`` given, the article's own title and first two body sentences are read
    (production: whole articles); a killing told only later does not make it violent."""
    from worker.nlp.events import _violent_lead

    def violent(text: str) -> bool:
        return _violent_lead(text, sentences(text), text.find("\n"), None)

    assert violent("مقتل طالبة في لندن\nقتلت طالبة طعنا مساء الجمعة.\nوقال الوزير كلاما.")
    assert not violent("رحيل الممثلة\nتوفيت الممثلة عن عمر يناهز 83 عاما.\nوكانت قد قتلت "
                       "في فيلمها الأخير.")
    assert not violent("افتتاح معرض\nافتتح المعرض أمس.\nوعرض فيلم عن الحرب.\nوفيه مقتل بطل.")


@pytest.mark.parametrize("text, killed", [
    pytest.param("وأدانت الحكومة وفاته في السجن.", 1, id="condemned-his-death"),
    pytest.param("ونفت الحكومة وفاته في السجن.", None, id="denied-his-death"),
])
def test_a_condemned_death_in_an_article_of_a_killing(text, killed):
    """وفاة read as و + فاة is no death noun: a condemned death in an article led by a
    killing is put to the report model as "مقتله" is."""
    from worker.nlp.evaluate_reports import from_events

    lead = ["مقتل معتقل تحت التعذيب", "قتل معتقل تحت التعذيب في سجن المدينة."]
    found = from_events(extract_events(text, sentences(text), [], PUBLISHED,
                                       report_filter=lambda features: True, lead=lead))
    assert (found.killed if found.report else None) == killed


def test_a_death_numbered_in_a_series_is_not_one_more():
    """"وتعد وفاة سيميغنيو ثاني وفاة لمسؤول كبير" is one death (train gold): the second
    وفاة after an ordinal refers, it does not count."""
    from worker.nlp.casualties import Sentence, find_casualties

    text = "وتعد وفاة سيميغنيو ثاني وفاة لمسؤول كبير في الشركة في الأشهر الأخيرة."
    sent = Sentence.of(text, sentences(text)[0], frozenset({2}), violent_article=True)
    assert [(c.count, c.text) for c in find_casualties(sent) if c.kind == "killed"] == \
        [(1, "وفاة سيميغنيو")]


@pytest.mark.parametrize("text, killed", [
    pytest.param("وأكدت السفيرة أن فيرا مواطن أميركي، وأدانت مقتله في تغريدة على تويتر.", 1,
                 id="condemned-his-killing"),
    pytest.param("وطالب مشيعون بالانتقام لمقتلها.", 1, id="revenge-for-her-killing"),
    pytest.param("ونفى مصدر في القنصلية مقتل خاشقجي داخل المبنى.", None, id="a-denial-stays"),
    pytest.param("وهدد بالانتقام في حال ثبوت مقتل خاشقجي.", None, id="a-condition-stays"),
    pytest.param("وهدد زعيم الجماعة بقتله.", None, id="a-threat-to-kill-stays"),
])
def test_a_reaction_to_a_named_death_is_put_to_the_report_model(text, killed):
    """Condemning a killing or vowing revenge for it presupposes the death (train gold:
    reports, killed 1); a denial, a condition or a threat to kill does not."""
    from worker.nlp.evaluate_reports import from_events

    found = from_events(run(text, [], report_filter=lambda features: True))
    assert (found.killed if found.report else None) == killed
    assert from_events(run(text, [])).killed is None  # the rules alone keep dropping it
