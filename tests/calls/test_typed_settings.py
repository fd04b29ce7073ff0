"""Typed settings read and write the JSON the calls store, unchanged (no data migration)."""
from types import SimpleNamespace

from workflow.notices.settings import NoticeSettings
from workflow.publicity.settings import SETTING_KEYS, PublicitySettings
from workflow.review.settings import ReviewSettings


def test_review_settings_missing_keys_take_the_defaults_of_the_domain():
    settings = ReviewSettings.from_json({"k": "7"}, {"same_city_conflict": False, "rules": []})
    assert (settings.k, settings.max_load, settings.same_city_conflict,
            settings.expert_max_age, settings.aggregation, settings.tie_breaks) == (
        7, 10, False, 65, "trimmed", ("innovation", "industry"))


def test_review_settings_round_trip_through_the_stored_json():
    review = {"k": 7, "max_load": 4, "aggregation": "mean", "trim_from": 5,
              "alarm_range": 15.0, "alarm_stdev": 10.0, "weights": {"review": 0.6,
                                                                   "defense": 0.4},
              "tie_breaks": ["team"]}
    eligibility = {"same_city_conflict": False, "expert_max_age": 60}
    assert ReviewSettings.from_json(review, eligibility).to_json() == (review, eligibility)


def call(**stored):
    kind = SimpleNamespace(name="技术创新中心", issuing_department="山东省科学技术厅")
    department = SimpleNamespace(agency_name="山东省科学技术厅", runs_installation=True)
    return SimpleNamespace(platform_type=kind, department=department, year=2026, **stored)


def test_publicity_settings_empty_texts_take_the_call_s_defaults():
    settings = PublicitySettings.from_json({"title": "公示", "basis": ""}, call())
    assert settings.title == "公示"
    assert settings.basis == PublicitySettings.defaults_for(call()).basis
    assert "2026年度山东省技术创新中心" in settings.list_title
    assert tuple(settings.to_json()) == SETTING_KEYS


def test_notice_settings_keep_an_emptied_optional_text_and_the_seal():
    seal = {"stored_name": "seal-1.png", "sha256": "ab", "size": 3}
    settings = NoticeSettings.from_json({"note": "", "header": "", "seal": seal},
                                        agency="山东省科学技术厅")
    assert settings.note == "" and settings.header == "{agency}文件"
    assert settings.agency == "山东省科学技术厅" and settings.seal == seal
    stored = settings.to_json()
    assert stored["seal"] == seal and stored["note"] == "" and list(stored)[0] == "agency"
    assert NoticeSettings.from_json(stored, agency="x") == settings
    assert "seal" not in NoticeSettings(agency="a").to_json()
