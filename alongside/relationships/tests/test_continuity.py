"""The continuity indices: hand-computed cases, boundaries and properties."""

import math
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alongside.relationships.continuity import (
    INDEX_NAMES,
    Aggregate,
    Continuity,
    aggregate,
    in_window,
    measure,
)


def test_index_names_are_the_six_indices():
    assert INDEX_NAMES == ("upc", "coc", "secon", "mmci", "hhi", "named_share")


def test_measure_one_contact():
    assert measure(["w1"]) == Continuity(
        contacts=1,
        workers=1,
        upc=1.0,
        coc=None,
        secon=None,
        mmci=1.0,
        hhi=1.0,
        named_share=None,
    )


def test_measure_no_contacts():
    empty = Continuity(0, 0, None, None, None, None, None, None)
    assert measure([]) == empty
    assert measure([], []) == empty


@pytest.mark.parametrize("total", [2, 3, 5, 10, 37])
def test_measure_all_different_workers(total):
    result = measure([f"w{number}" for number in range(total)])
    assert (result.contacts, result.workers) == (total, total)
    assert result.upc == 1 / total
    assert result.coc == 0.0
    assert result.secon == 0.0
    assert result.hhi == 1 / total
    assert math.isclose(result.mmci, 0.1 / (total - 0.9), rel_tol=1e-15)


@pytest.mark.parametrize("total", [1, 2, 3, 8])
def test_measure_all_same_worker(total):
    result = measure(["w1"] * total)
    assert (result.contacts, result.workers) == (total, 1)
    assert (result.upc, result.mmci, result.hhi) == (1.0, 1.0, 1.0)
    if total > 1:
        assert (result.coc, result.secon) == (1.0, 1.0)


def test_measure_two_workers_two_contacts_each():
    # n = (2, 2), N = 4, M = 2
    result = measure(["a", "a", "b", "b"])
    assert result.upc == 0.5
    assert result.coc == (8 - 4) / (4 * 3)
    assert result.secon == 2 / 3
    assert result.mmci == pytest.approx((1 - 2 / 4.1) / (1 - 1 / 4.1), rel=1e-15)
    assert result.mmci == pytest.approx(2.1 / 3.1, rel=1e-15)
    assert result.hhi == 0.5


def test_measure_secon_depends_on_order():
    together = measure(["a", "a", "b", "b"])
    alternating = measure(["a", "b", "a", "b"])
    mostly_together = measure(["a", "b", "b", "a"])
    assert (together.secon, mostly_together.secon, alternating.secon) == (2 / 3, 1 / 3, 0.0)
    # The other indices only count, so the order leaves them alone.
    for result in (alternating, mostly_together):
        assert (result.upc, result.coc, result.mmci, result.hhi) == (
            together.upc,
            together.coc,
            together.mmci,
            together.hhi,
        )


def test_measure_named_share_follows_the_named_worker_in_force():
    # The named worker changes from a to b at the fourth contact.
    result = measure(["a", "a", "b", "b", "c"], ["a", "a", "a", "b", "b"])
    assert result.named_share == 3 / 5


def test_measure_named_share_leaves_out_contacts_without_a_named_worker():
    result = measure(["a", "a", "b", "b", "c"], [None, "a", None, "a", None])
    assert result.named_share == 1 / 2


def test_measure_named_share_is_none_when_no_named_worker_is_given():
    assert measure(["a", "b"], [None, None]).named_share is None
    assert measure(["a", "b"]).named_share is None


def test_measure_named_share_does_not_match_missing_worker_to_missing_named_worker():
    assert measure([None, "a", "b"], [None, "a", "a"]).named_share == 1 / 2


def test_measure_named_share_with_a_named_worker_never_seen():
    assert measure(["a", "b"], ["c", "c"]).named_share == 0.0


def test_measure_rejects_named_of_another_length():
    with pytest.raises(ValueError, match="named has 1 items but workers has 2"):
        measure(["a", "b"], ["a"])


def test_measure_accepts_any_hashable_workers():
    assert measure((7, 7, 8), (7, None, 7)) == Continuity(
        contacts=3,
        workers=2,
        upc=2 / 3,
        coc=(5 - 3) / (3 * 2),
        secon=1 / 2,
        mmci=(3 - 2 + 0.1) / (3 - 1 + 0.1),
        hhi=5 / 9,
        named_share=1 / 2,
    )


def test_continuity_index_by_name():
    result = measure(["a", "b"], ["a", "a"])
    assert [result.index(name) for name in INDEX_NAMES] == [0.5, 0.0, 0.0, 0.1 / 1.1, 0.5, 0.5]
    with pytest.raises(KeyError):
        result.index("contacts")


def test_aggregate_person_and_contact_weighted():
    results = [
        measure(["a", "a", "b", "b"]),  # N 4: upc .5, coc 1/3, secon 2/3, mmci 2.1/3.1, hhi .5
        measure(["a"], ["a"]),  # N 1: upc 1, mmci 1, hhi 1, named_share 1
        measure([]),  # N 0: nothing defined
    ]
    summary = aggregate(results)
    assert (summary.people, summary.contacts) == (3, 5)
    assert summary.person_weighted == pytest.approx(
        {
            "upc": (0.5 + 1) / 2,
            "coc": 1 / 3,
            "secon": 2 / 3,
            "mmci": (2.1 / 3.1 + 1) / 2,
            "hhi": (0.5 + 1) / 2,
            "named_share": 1.0,
        },
        rel=1e-15,
    )
    assert summary.contact_weighted == pytest.approx(
        {
            "upc": (0.5 * 4 + 1 * 1) / 5,
            "coc": 1 / 3,
            "secon": 2 / 3,
            "mmci": (2.1 / 3.1 * 4 + 1 * 1) / 5,
            "hhi": (0.5 * 4 + 1 * 1) / 5,
            "named_share": 1.0,
        },
        rel=1e-15,
    )


def test_aggregate_weights_differ_when_people_see_workers_differently():
    # One person with 9 contacts all with one worker, one with 1 contact: person-weighted
    # named_share is (1 + 0) / 2, contact-weighted is (9 * 1 + 1 * 0) / 10.
    summary = aggregate([measure(["a"] * 9, ["a"] * 9), measure(["b"], ["c"])])
    assert summary.person_weighted["named_share"] == 0.5
    assert summary.contact_weighted["named_share"] == 0.9


def test_aggregate_of_nobody():
    nothing = dict.fromkeys(INDEX_NAMES)
    assert aggregate([]) == Aggregate(0, 0, nothing, nothing)


def test_aggregate_accepts_a_generator():
    summary = aggregate(measure(["a"] * count) for count in (1, 2, 3))
    assert (summary.people, summary.contacts, summary.person_weighted["upc"]) == (3, 6, 1.0)


DAYS = [datetime(2026, 1, day, tzinfo=UTC) for day in (1, 2, 3, 4)]


def test_in_window_start_inclusive_end_exclusive():
    assert in_window(DAYS, at=lambda day: day, start=DAYS[1], end=DAYS[3]) == DAYS[1:3]


def test_in_window_open_bounds():
    assert in_window(DAYS, at=lambda day: day, start=None, end=DAYS[2]) == DAYS[:2]
    assert in_window(DAYS, at=lambda day: day, start=DAYS[2], end=None) == DAYS[2:]
    assert in_window(DAYS, at=lambda day: day, start=None, end=None) == DAYS


def test_in_window_empty_when_start_equals_end():
    assert in_window(DAYS, at=lambda day: day, start=DAYS[1], end=DAYS[1]) == []


def test_in_window_keeps_order_and_reads_at():
    contacts = [("w2", DAYS[3]), ("w1", DAYS[0]), ("w3", DAYS[2])]
    kept = in_window(contacts, at=lambda contact: contact[1], start=DAYS[2], end=None)
    assert kept == [("w2", DAYS[3]), ("w3", DAYS[2])]


workers_strategy = st.lists(st.sampled_from("abcde"), min_size=2, max_size=60)


@given(workers_strategy)
def test_measure_coc_equals_rescaled_hhi(workers):
    result = measure(workers)
    total = result.contacts
    assert math.isclose(result.coc, (total * result.hhi - 1) / (total - 1), abs_tol=1e-12)


@st.composite
def contacts_strategy(draw):
    workers = draw(st.lists(st.sampled_from("abcde"), max_size=60))
    named = draw(
        st.none()
        | st.lists(
            st.none() | st.sampled_from("abcdef"), min_size=len(workers), max_size=len(workers)
        )
    )
    return workers, named


@given(contacts_strategy())
def test_measure_indices_lie_between_0_and_1(contacts):
    result = measure(*contacts)
    for name in INDEX_NAMES:
        value = result.index(name)
        assert value is None or 0.0 <= value <= 1.0, (name, value)
    assert 0 <= result.workers <= result.contacts == len(contacts[0])
