"""Reverse-scored items, subscales (sum or mean), conversion tables, and old stored definitions.

Every wording and table here is made up: no licensed instrument's text or table is shipped.
"""

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alongside.measures.builtins import BUILT_IN, LONELINESS_DEFINITION
from alongside.measures.scoring import (
    MEAN,
    Band,
    Definition,
    Item,
    MeasureScorer,
    Option,
    Total,
    from_json,
    possible_raw_totals,
    score,
    to_json,
)

ONE_TO_FIVE = (*(Option(v, f"Answer {v}") for v in range(1, 6)), Option(None, "Prefer not to say"))
# A made-up table: raw 4..20 -> 4.00, 5.37, 6.74 …
TABLE = tuple((raw, round(4 + (raw - 4) * 1.37, 2)) for raw in range(4, 21))


def _made_up(*, table: tuple[tuple[int, float], ...] = ()) -> Definition:
    items = tuple(
        Item(f"q{n}", f"Made-up question {n}", f"Question {n}", ONE_TO_FIVE, reported=False)
        for n in range(1, 5)
    )
    items = (items[0], replace(items[1], reverse=True), *items[2:])
    return Definition(
        items=items,
        scoring="sum",
        total=Total(
            items=("q1", "q2", "q3", "q4"),
            label="Made-up total",
            table=table,
            bands=(Band(4, 9.99, "Lower"), Band(10, 40, "Higher")),
        ),
        subscales=(
            Total(items=("q1", "q2"), label="Ease", key="scale_ease", combine=MEAN),
            Total(items=("q3", "q4"), label="Rest", key="scale_rest"),
        ),
    )


def test_reverse_scored_item_counts_as_lowest_plus_highest_minus_answer():
    definition = _made_up()
    assert definition.item("q2").counted(1) == 5
    assert definition.item("q2").counted(4) == 2
    assert definition.item("q1").counted(4) == 4
    result = score(definition, {"q1": 2, "q2": 1, "q3": 3, "q4": 4})
    assert result.total == 2 + 5 + 3 + 4
    assert result.items[1].value == 1 and result.items[1].answer == "Answer 1"  # shown as given


def test_subscales_sum_and_mean_with_their_own_keys():
    definition = _made_up()
    result = score(definition, {"q1": 2, "q2": 2, "q3": 3, "q4": 5})
    by_key = {t.key: t for t in result.totals}
    assert [t.key for t in result.totals] == ["scale_ease", "scale_rest", "total"]
    assert by_key["scale_ease"].value == 3.0  # mean of 2 and (1 + 5 - 2)
    assert by_key["scale_ease"].shown == "3.00"
    assert by_key["scale_rest"].value == 8 and by_key["scale_rest"].shown == "8"
    assert result.measures(definition) == {"scale_ease": 3.0, "scale_rest": 8.0, "total": 14.0}
    assert definition.measures() == [
        ("scale_ease", "Ease"),
        ("scale_rest", "Rest"),
        ("total", "Made-up total"),
    ]


def test_mean_is_rounded_to_two_decimal_places():
    definition = Definition(
        items=tuple(Item(f"q{n}", f"Made-up {n}", f"Q{n}", ONE_TO_FIVE) for n in range(1, 4)),
        total=Total(items=("q1", "q2", "q3"), label="Average", combine=MEAN),
    )
    result = score(definition, {"q1": 1, "q2": 1, "q3": 2})
    assert result.total == 1.33
    assert result.totals[0].shown == "1.33"


def test_conversion_table_converts_the_raw_total_and_bands_the_converted_score():
    definition = _made_up(table=TABLE)
    low = score(definition, {"q1": 1, "q2": 5, "q3": 1, "q4": 1})
    assert low.totals[-1].raw == 4 and low.total == 4.0 and low.totals[-1].shown == "4.00"
    assert low.total_band == "Lower"
    result = score(definition, {"q1": 3, "q2": 3, "q3": 3, "q4": 3})
    assert result.totals[-1].raw == 12
    assert result.total == pytest.approx(14.96)
    assert result.totals[-1].shown == "14.96"
    assert result.total_band == "Higher"
    assert result.measures(definition)["total"] == pytest.approx(14.96)


def test_possible_raw_totals_count_reversal():
    assert possible_raw_totals(_made_up(), _made_up().total) == list(range(4, 21))
    gaps = Definition(
        items=(
            Item("a", "Made-up a", "A", (Option(0, "No"), Option(3, "Yes"))),
            Item("b", "Made-up b", "B", (Option(0, "No"), Option(3, "Yes")), reverse=True),
        ),
        total=Total(items=("a", "b"), label="Gappy"),
    )
    assert possible_raw_totals(gaps, gaps.total) == [0, 3, 6]


@pytest.mark.parametrize("missing", ["q1", "q2", "q3", "q4"])
def test_any_missing_or_prefer_not_answer_means_no_total_never_a_partial_one(missing):
    definition = _made_up(table=TABLE)
    answers: dict[str, int | None] = {"q1": 2, "q2": 2, "q3": 2, "q4": 2}
    for gone in ("absent", "prefer not"):
        given = dict(answers)
        if gone == "absent":
            del given[missing]
        else:
            given[missing] = None
        result = score(definition, given)
        assert result.total is None and result.total_band is None
        by_key = {t.key: t.value for t in result.totals}
        subscale = "scale_ease" if missing in ("q1", "q2") else "scale_rest"
        assert by_key[subscale] is None
        assert subscale not in result.measures(definition)
        assert "total" not in result.measures(definition)
        assert len(result.measures(definition)) == 1  # the other subscale is still there


def test_new_definitions_survive_json():
    definition = _made_up(table=TABLE)
    data = to_json(definition)
    assert data["items"][1]["reverse"] is True
    assert data["total"]["table"][:2] == [[4, 4.0], [5, 5.37]]
    assert [s["key"] for s in data["subscales"]] == ["scale_ease", "scale_rest"]
    assert from_json(data) == definition
    answers = {"q1": 4, "q2": 2, "q3": 5, "q4": 1}
    assert score(from_json(data), answers) == score(definition, answers)


# As `to_json` wrote definitions before reversal, subscales and tables existed.
OLD_FORMAT = {
    "scoring": "sum",
    "intro": "Made-up intro.",
    "agree_from": None,
    "items": [
        {
            "code": code,
            "text": f"Made-up {code}?",
            "label": code.title(),
            "kind": "score",
            "reported": False,
            "options": [[1, "Rarely"], [2, "Sometimes"], [3, "Often"], [None, "Prefer not to say"]],
            "bands": [],
        }
        for code in ("one", "two", "three")
    ],
    "total": {
        "items": ["one", "two", "three"],
        "label": "Made-up total",
        "bands": [[3, 5, "Low"], [6, 9, "High"]],
        "higher_is": "more often",
    },
}


def test_old_format_json_still_loads_and_scores_as_before():
    definition = from_json(OLD_FORMAT)
    assert definition.subscales == ()
    assert definition.total is not None
    assert definition.total.key == "total" and definition.total.combine == "sum"
    assert definition.total.table == ()
    assert not any(item.reverse for item in definition.items)
    result = score(definition, {"one": 1, "two": 3, "three": 3})
    assert result.total == 7 and isinstance(result.total, int)
    assert result.total_band == "High" and result.totals[0].shown == "7"
    assert result.measures(definition) == {"total": 7.0}
    assert score(definition, {"one": 1, "two": None, "three": 3}).total is None
    assert from_json(to_json(definition)) == definition


def _old_format(data: dict) -> dict:
    """What the built-ins looked like when stored before this change."""
    old = {key: value for key, value in data.items() if key != "subscales"}
    old["items"] = [{k: v for k, v in i.items() if k != "reverse"} for i in data["items"]]
    if data["total"]:
        old["total"] = {
            k: v for k, v in data["total"].items() if k not in ("key", "combine", "table")
        }
    return old


@pytest.mark.parametrize("built_in", BUILT_IN, ids=lambda b: b.key)
def test_built_ins_stored_in_the_old_format_read_back_identically(built_in):
    assert from_json(_old_format(to_json(built_in.definition))) == built_in.definition


def test_ucla_total_scores_identically_from_the_old_format():
    old = from_json(_old_format(to_json(LONELINESS_DEFINITION)))
    for a in (1, 2, 3, None):
        for b in (1, 2, 3):
            for c in (1, 3, None):
                answers = {"direct": 2, "companionship": a, "left_out": b, "isolated": c}
                assert score(old, answers) == score(LONELINESS_DEFINITION, answers)
                expected = None if a is None or c is None else a + b + c
                assert score(old, answers).total == expected


definitions = st.sampled_from(
    [b.definition for b in BUILT_IN] + [_made_up(), _made_up(table=TABLE)]
)


@given(definitions, st.data())
def test_measure_scorer_is_score_then_measures(definition, data):
    """The aggregates' fast path (decision 0098): the same keys, order and floats as `score`,
    and the same refusal of an answer off the scale."""
    answers = {}
    for item in definition.items:
        choice = data.draw(st.integers(0, 9), label=item.code)
        if choice == 0:
            continue  # not answered at all
        if choice == 1:
            answers[item.code] = data.draw(st.integers(-2, 12), label="off the scale?")
        else:
            answers[item.code] = data.draw(st.sampled_from(sorted(item.values, key=str)))
    try:
        expected = score(definition, answers).measures(definition)
    except ValueError:
        with pytest.raises(ValueError):
            MeasureScorer(definition)(answers)
        return
    found = MeasureScorer(definition)(answers)
    assert list(found.items()) == list(expected.items())
