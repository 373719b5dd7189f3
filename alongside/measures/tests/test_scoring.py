"""Scoring against the official rules of every built-in instrument, including missing answers."""

import pytest

from alongside.measures.builtins import (
    BUILT_IN,
    LONELINESS_DEFINITION,
    ONS4_DEFINITION,
    RELATIONSHIP_CHECK_DEFINITION,
)
from alongside.measures.scoring import from_json, score, summarise, to_json, validate

ONS4_ALL = {"life_satisfaction": 7, "worthwhile": 9, "happiness": 4, "anxiety": 6}


def test_ons4_wording_is_exact():
    texts = [item.text for item in ONS4_DEFINITION.items]
    assert texts == [
        "Overall, how satisfied are you with your life nowadays?",
        "Overall, to what extent do you feel that the things you do in your life are worthwhile?",
        "Overall, how happy did you feel yesterday?",
        "On a scale where 0 is “not at all anxious” and 10 is “completely anxious”, overall, "
        "how anxious did you feel yesterday?",
    ]
    assert [o.value for o in ONS4_DEFINITION.items[0].options] == [*range(11), None]
    assert ONS4_DEFINITION.items[0].options[0].label == "0 – not at all"
    assert ONS4_DEFINITION.items[0].options[10].label == "10 – completely"


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (0, "Low"),
        (4, "Low"),
        (5, "Medium"),
        (6, "Medium"),
        (7, "High"),
        (8, "High"),
        (9, "Very high"),
        (10, "Very high"),
    ],
)
def test_ons4_positive_bands(value, band):
    for code in ("life_satisfaction", "worthwhile", "happiness"):
        assert ONS4_DEFINITION.item(code).band(value) == band


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (0, "Very low"),
        (1, "Very low"),
        (2, "Low"),
        (3, "Low"),
        (4, "Medium"),
        (5, "Medium"),
        (6, "High"),
        (10, "High"),
    ],
)
def test_ons4_anxiety_is_banded_differently(value, band):
    assert ONS4_DEFINITION.item("anxiety").band(value) == band


def test_ons4_is_reported_separately_never_summed():
    result = score(ONS4_DEFINITION, ONS4_ALL)
    assert result.total is None
    assert [(i.code, i.value, i.band) for i in result.items] == [
        ("life_satisfaction", 7, "High"),
        ("worthwhile", 9, "Very high"),
        ("happiness", 4, "Low"),
        ("anxiety", 6, "High"),
    ]
    assert result.measures(ONS4_DEFINITION) == {
        "life_satisfaction": 7.0,
        "worthwhile": 9.0,
        "happiness": 4.0,
        "anxiety": 6.0,
    }


def test_ons4_missing_and_prefer_not_to_say_are_left_out_not_zero():
    result = score(ONS4_DEFINITION, {"life_satisfaction": 0, "worthwhile": None})
    items = {i.code: i for i in result.items}
    assert items["life_satisfaction"].value == 0 and items["life_satisfaction"].band == "Low"
    assert items["worthwhile"].answer == "Prefer not to say" and items["worthwhile"].band is None
    assert items["happiness"].answer == "No answer"
    assert result.measures(ONS4_DEFINITION) == {"life_satisfaction": 0.0}


def test_ucla_three_items_sum_from_3_to_9_higher_is_lonelier():
    assert (
        score(
            LONELINESS_DEFINITION, {"direct": 5, "companionship": 1, "left_out": 1, "isolated": 1}
        ).total
        == 3
    )
    assert (
        score(
            LONELINESS_DEFINITION, {"direct": 1, "companionship": 3, "left_out": 3, "isolated": 3}
        ).total
        == 9
    )
    assert (
        score(LONELINESS_DEFINITION, {"companionship": 2, "left_out": 3, "isolated": 1}).total == 6
    )
    assert [(o.value, o.label) for o in LONELINESS_DEFINITION.item("left_out").options][:3] == [
        (1, "Hardly ever or never"),
        (2, "Some of the time"),
        (3, "Often"),
    ]


@pytest.mark.parametrize("missing", ["companionship", "left_out", "isolated"])
def test_ucla_any_missing_item_means_no_total(missing):
    answers = {"direct": 2, "companionship": 2, "left_out": 2, "isolated": 2}
    del answers[missing]
    assert score(LONELINESS_DEFINITION, answers).total is None
    answers[missing] = None  # "Prefer not to say"
    result = score(LONELINESS_DEFINITION, answers)
    assert result.total is None
    assert "total" not in result.measures(LONELINESS_DEFINITION)


def test_direct_loneliness_question_is_a_category_not_a_score():
    item = LONELINESS_DEFINITION.item("direct")
    assert [o.label for o in item.options] == [
        "Often/always",
        "Some of the time",
        "Occasionally",
        "Hardly ever",
        "Never",
        "Prefer not to say",
    ]
    result = score(
        LONELINESS_DEFINITION, {"direct": 3, "companionship": 1, "left_out": 2, "isolated": 1}
    )
    assert result.items[0].answer == "Occasionally" and result.items[0].band is None
    assert result.measures(LONELINESS_DEFINITION) == {"total": 4.0}


def test_relationship_check_per_item_mean_and_share_agreeing_missing_left_out():
    answers = [
        {"listened": 5, "not_judged": 4, "safe_to_say": None},
        {"listened": 4, "not_judged": 2, "safe_to_say": 1},
        {"listened": 2, "not_judged": None},
    ]
    summaries = {s.code: s for s in summarise(RELATIONSHIP_CHECK_DEFINITION, answers)}
    assert len(summaries) == 7
    assert summaries["listened"].n == 3 and summaries["listened"].mean == pytest.approx(11 / 3)
    assert summaries["listened"].agreeing == 2
    assert summaries["not_judged"].n == 2 and summaries["not_judged"].mean == 3.0
    assert summaries["not_judged"].share_agreeing == 0.5
    assert summaries["safe_to_say"].n == 1 and summaries["safe_to_say"].agreeing == 0
    assert summaries["had_a_say"].n == 0 and summaries["had_a_say"].mean is None
    assert summaries["had_a_say"].share_agreeing is None


def test_relationship_check_is_first_person_with_prefer_not_to_say():
    definition = RELATIONSHIP_CHECK_DEFINITION
    assert len(definition.items) == 7
    assert definition.item("listened").text == "I felt listened to and understood."
    assert [o.label for o in definition.items[0].options][-1] == "Prefer not to say"
    assert score(definition, {}).total is None


def test_validate_names_each_missing_or_impossible_answer():
    problems = validate(
        ONS4_DEFINITION, {"life_satisfaction": 11, "worthwhile": None, "happiness": 3}
    )
    assert set(problems) == {"life_satisfaction", "anxiety"}
    assert "answers shown" in problems["life_satisfaction"]
    assert "how anxious" in problems["anxiety"] and "Prefer not to say" in problems["anxiety"]
    assert validate(ONS4_DEFINITION, {**ONS4_ALL, "extra": 1}) == {
        "extra": "This question is not part of the questionnaire."
    }


def test_out_of_range_value_is_refused_by_score():
    with pytest.raises(ValueError):
        score(ONS4_DEFINITION, {"life_satisfaction": 11})


@pytest.mark.parametrize("built_in", BUILT_IN, ids=lambda b: b.key)
def test_definitions_survive_json(built_in):
    assert from_json(to_json(built_in.definition)) == built_in.definition
    assert built_in.notice
