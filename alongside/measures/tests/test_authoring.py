"""Checking and building an entered instrument, and saying how any instrument is scored (pure)."""

import pytest

from alongside.measures.authoring import (
    Entered,
    check_and_build,
    numbers_in_words,
    questions_in_words,
    scoring_in_words,
    subscale_key,
)
from alongside.measures.builtins import (
    LONELINESS_DEFINITION,
    ONS4_DEFINITION,
    RELATIONSHIP_CHECK_DEFINITION,
)

ENTERED = Entered(
    name="Made-up scale",
    questions=["Made-up a", "Made-up b", "Made-up c"],
    options=[(0, "No"), (1, "A bit"), (2, "Yes")],
    scoring="sum",
)


@pytest.mark.parametrize(
    ("numbers", "words"),
    [
        ([3], "3"),
        ([2, 5], "2 and 5"),
        ([1, 2, 3, 4, 5, 6, 7], "1–7"),
        ([1, 2, 3, 5], "1–3 and 5"),
        ([7, 1, 3, 5], "1, 3, 5 and 7"),
        ([1, 2, 4, 5, 6], "1, 2 and 4–6"),
    ],
)
def test_numbers_in_words(numbers, words):
    assert numbers_in_words(numbers) == words


def test_questions_in_words():
    assert questions_in_words([3]) == "question 3"
    assert questions_in_words([2, 5]) == "questions 2 and 5"


def test_subscale_keys_come_from_the_name():
    assert subscale_key("Bond", 1) == "scale_bond"
    assert subscale_key("  Getting on — together ", 2) == "scale_getting_on_together"
    assert subscale_key("★", 3) == "scale_3"


def test_built_ins_in_words():
    assert scoring_in_words(ONS4_DEFINITION) == ["Questions 1–4: each reported on its own."]
    assert scoring_in_words(RELATIONSHIP_CHECK_DEFINITION) == [
        "Questions 1–7: each reported on its own."
    ]
    assert scoring_in_words(LONELINESS_DEFINITION)[:2] == [
        "Question 1: the answer in words, not scored.",
        "Loneliness score (UCLA 3 items, 3–9, lower is better): sum of questions 2–4.",
    ]
    assert "never added up from the rest" in scoring_in_words(LONELINESS_DEFINITION)[2]


def test_a_plain_sum_builds_as_before():
    definition, problems = check_and_build(ENTERED)
    assert problems == {}
    assert definition is not None and definition.total is not None
    assert definition.total.items == ("q1", "q2", "q3")
    assert definition.total.label == "Made-up scale total"
    assert definition.subscales == () and not any(i.reverse or i.reported for i in definition.items)


def test_a_table_is_checked_against_reversal():
    # 0..2 on three questions, one reversed: raw totals still run 0..6
    table = [(raw, raw * 2.5) for raw in range(7)]
    definition, problems = check_and_build(_fields(reverse=[2], total_table=table))
    assert problems == {} and definition is not None and definition.total is not None
    assert definition.total.table == tuple((raw, raw * 2.5) for raw in range(7))
    _, problems = check_and_build(_fields(total_table=table[1:]))
    assert problems == {
        "total_table": "The table needs a line for every possible raw total (0 to 6). Missing: 0."
    }


def test_no_questions_and_bad_answers_are_named():
    _, problems = check_and_build(_fields(questions=[], options=[(1, "Only")], reverse=[1]))
    assert problems == {
        "questions": "Enter at least one question.",
        "options": "Enter at least two answers, each with its own number.",
    }


def _fields(**changes):
    base = {
        "name": ENTERED.name,
        "questions": ENTERED.questions,
        "options": ENTERED.options,
        "scoring": ENTERED.scoring,
    }
    return Entered(**{**base, **changes})
