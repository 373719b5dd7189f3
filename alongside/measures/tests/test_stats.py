"""Statistics against hand-computed values and SciPy."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as scipy_stats

from alongside.measures.stats import correlation, paired_change


def test_paired_change_hand_computed_t_interval():
    # differences 1, 2, 3, 4, 5: mean 3, sd sqrt(2.5), se sqrt(0.5), t(0.975, 4) = 2.776445
    pairs = [(0, 1), (1, 3), (2, 5), (3, 7), (4, 9)]
    change = paired_change(pairs)
    half = 2.7764451051977987 * math.sqrt(0.5)
    assert change.n == 5
    assert change.mean == pytest.approx(3.0)
    assert change.ci_low == pytest.approx(3 - half)
    assert change.ci_high == pytest.approx(3 + half)
    assert change.ci_low == pytest.approx(1.0367568, abs=1e-6)


def test_paired_change_matches_scipy_ttest_interval():
    pairs = [(5, 6), (4, 7), (7, 7), (3, 5), (6, 5), (2, 6), (8, 9)]
    change = paired_change(pairs)
    result = scipy_stats.ttest_rel([b for _, b in pairs], [a for a, _ in pairs])
    ci = result.confidence_interval(0.95)
    assert (change.ci_low, change.ci_high) == (pytest.approx(ci.low), pytest.approx(ci.high))


def test_paired_change_withheld_under_five():
    assert paired_change([(1, 2)] * 4) == paired_change([(1, 2)] * 4)
    change = paired_change([(1, 2), (2, 4), (3, 3), (1, 1)])
    assert (change.n, change.mean, change.ci_low, change.ci_high) == (4, None, None, None)


def test_no_variation_gives_a_zero_width_interval():
    change = paired_change([(1, 3)] * 6)
    assert (change.mean, change.ci_low, change.ci_high) == (2.0, 2.0, 2.0)


def test_correlation_with_fisher_interval_matches_scipy():
    xs = [0.2, 0.4, 0.5, 0.7, 0.9, 1.0, 0.3, 0.8]
    ys = [-1, 0, 1, 1, 2, 3, 0, 1]
    result = correlation(xs, ys)
    expected = scipy_stats.pearsonr(xs, ys)
    ci = expected.confidence_interval(0.95)
    assert result.n == 8
    assert result.r == pytest.approx(expected.statistic)
    assert (result.ci_low, result.ci_high) == (pytest.approx(ci.low), pytest.approx(ci.high))


def test_correlation_withheld_under_five_and_undefined_without_variation():
    assert correlation([1, 2, 3, 4], [1, 2, 3, 5]).r is None
    assert correlation([1, 1, 1, 1, 1], [1, 2, 3, 4, 5]).r is None
    perfect = correlation([1, 2, 3, 4, 5], [2, 4, 6, 8, 10])
    assert perfect.r == pytest.approx(1.0)


@settings(max_examples=300, deadline=None)
@given(
    pairs=st.lists(
        st.tuples(
            st.floats(-50, 50, allow_nan=False, allow_subnormal=False),
            st.floats(-50, 50, allow_nan=False, allow_subnormal=False),
        ),
        min_size=5,
        max_size=4000,
    ),
    level=st.sampled_from([0.8, 0.9, 0.95, 0.99]),
)
def test_the_intervals_are_scipy_stats_quantiles_to_the_bit(pairs, level):
    """`scipy.special`'s `stdtrit` and `ndtri` (imported for half the cost) are what
    `scipy.stats.t.ppf` and `norm.ppf` compute: every interval is the same float (decision 0130)."""
    n = len(pairs)
    change = paired_change(pairs, level=level)
    differences = [after - before for before, after in pairs]
    mean = math.fsum(differences) / n
    squares = math.fsum((d - mean) ** 2 for d in differences)
    half = float(scipy_stats.t.ppf(0.5 + level / 2, n - 1)) * math.sqrt(squares / (n - 1) / n)
    assert (change.ci_low, change.ci_high) == (mean - half, mean + half)
    xs, ys = [before for before, _ in pairs], differences
    found = correlation(xs, ys, level=level)
    if found.r is not None and abs(found.r) < 1.0 and n > 3:
        z = math.atanh(found.r)
        half = float(scipy_stats.norm.ppf(0.5 + level / 2)) / math.sqrt(n - 3)
        assert (found.ci_low, found.ci_high) == (math.tanh(z - half), math.tanh(z + half))


def test_a_correlation_of_tiny_spreads_is_worked_out_not_divided_by_zero():
    """Found by hypothesis in CI: sums of squares of 3e-255 each multiplied to 0.0."""
    from alongside.measures.stats import _correlation

    tiny = 3.259238981310637e-255
    found = _correlation(5, tiny, tiny, -tiny, 0.8)
    assert found.r == -1.0 and found.ci_low == found.ci_high == -1.0
    assert _correlation(5, 0.0, 1.0, 0.0, 0.8).r is None
