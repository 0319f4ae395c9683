"""The default casualties rule on short reports (issue 8): it fires on a real report with a
figure or a clear statement that people were killed or hurt, and not on a denial, a "no
casualties" statement, a feared toll, a trial or an old toll.  Through `analyze_text`, the
code path of `rasad analyze` and of the alerts stage (gazetteer entities, no NER model)."""

from __future__ import annotations

import pytest

from worker.analyze import analyze_text
from worker.settings import Settings

SETTINGS = Settings(ner_model="none")


def analyze(body: str) -> dict:
    return analyze_text("خبر عاجل\n" + body, settings=SETTINGS, published="2018-05-01")


def rules_fired(result: dict) -> set[str]:
    return {a["rule"] for a in result["alerts"]}


@pytest.mark.parametrize("body, killed, injured", [
    pytest.param("قتل 3 أشخاص وأصيب 5 آخرون في غارة جوية على إدلب اليوم.", 3, 5, id="figures"),
    pytest.param("أكثر من 25 مدنياً قتلوا وأصيب نحو خمسين آخرين في قصف على دوما أمس.", 25, 50,
                 id="number-before-plural-verb"),
    pytest.param("لقي 10 من عناصر الميليشيا مصرعهم في مواجهات جديدة شرق الحديدة.", 10, None,
                 id="split-fate-phrase"),
    pytest.param("أصيب جنديان بجروح في انفجار عبوة ناسفة على الطريق الدولي.", None, 2,
                 id="dual"),
    pytest.param("At least 9 people were killed and 20 injured in an air strike on Idlib on "
                 "Monday.", 9, 20, id="english"),
])
def test_a_real_report_raises_the_casualties_alert(body, killed, injured):
    result = analyze(body)
    assert result["casualties"] == {"killed": killed, "injured": injured}
    assert "casualties" in rules_fired(result)


@pytest.mark.parametrize("body", [
    pytest.param("نفى الجيش سقوط قتلى في القصف على المدينة.", id="denial"),
    pytest.param("سقطت قذيفة على الحي السكني دون وقوع إصابات.", id="no-casualties"),
    pytest.param("وأوضحوا أن الصاروخ سقط في إحدى المزارع، ولم يتم رصد أي ضحايا جراء سقوطه.",
                 id="no-casualties-with-no-trigger"),
    pytest.param("حذر المسؤول من أن الهجوم قد يسفر عن سقوط آلاف الضحايا.", id="feared-toll"),
    pytest.param("وقتل أكثر من 350 ألف شخص منذ اندلاع النزاع في سوريا عام 2011.",
                 id="multi-year-toll"),
    pytest.param("بدأت اليوم محاكمة خمسة متهمين بتنفيذ تفجير الكنيسة الذي وقع في القاهرة عام "
                 "2016 وأسفر عن مقتل 29 شخصا.", id="trial"),
])
def test_no_casualties_alert_without_a_real_report(body):
    result = analyze(body)
    assert "casualties" not in rules_fired(result), result
