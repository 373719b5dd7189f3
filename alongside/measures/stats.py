"""Outcome statistics: pure (no Django), plain numbers in and out. SciPy for t quantiles.

SciPy is imported where a quantile is needed, not with this module: importing it costs every
app server process 0.3–0.6 s at start (more under load), and most requests never need it. The
quantiles come from `scipy.special` (`stdtrit`, `ndtri`), the functions `scipy.stats.t.ppf` and
`scipy.stats.norm.ppf` call, so the figures are the same to the bit: importing `scipy.special`
costs about half of importing `scipy.stats` (0.4 s of CPU against 0.85 s, decision 0130).

- `paired_change`: mean of (after - before) with a t-based 95% confidence interval.
- `correlation`: Pearson r with a 95% confidence interval from Fisher's z transform.
- `Moments` (count, means and centred sums of squares and products of paired values, as a
  database's aggregates give them), `moments_of`, `merged`, and `change_of` / `correlation_of`,
  which give from them what `paired_change` and `correlation` give from the values (decision
  0117: the outcome figures summed where the answers are).

Both withhold every figure (None) when fewer than `SMALL` (5) people contribute, so nothing is
shown or reasoned about from a handful of people; n is always returned for the caller to show
through `suppression.shown`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from alongside.common.suppression import SMALL, enough

LEVEL = 0.95


@dataclass(frozen=True, slots=True)
class Change:
    n: int
    mean: float | None
    ci_low: float | None
    ci_high: float | None


@dataclass(frozen=True, slots=True)
class Correlation:
    n: int
    r: float | None
    ci_low: float | None
    ci_high: float | None


def paired_change(pairs: Sequence[tuple[float, float]], *, level: float = LEVEL) -> Change:
    """Mean change from `before` to `after` over pairs, with a t interval. None below 5 pairs."""
    n = len(pairs)
    if not enough(n):
        return Change(n, None, None, None)
    differences = [after - before for before, after in pairs]
    mean = math.fsum(differences) / n
    return _change(n, mean, math.fsum((d - mean) ** 2 for d in differences), level)


def _change(n: int, mean: float, squares: float, level: float) -> Change:
    """The t interval of a mean change from n differences, their mean and the sum of their
    squared distances from it."""
    variance = squares / (n - 1)
    from scipy.special import stdtrit  # noqa: PLC0415 - lazy: see the module docstring

    half = float(stdtrit(n - 1, 0.5 + level / 2)) * math.sqrt(variance / n)
    return Change(n, mean, mean - half, mean + half)


def correlation(xs: Sequence[float], ys: Sequence[float], *, level: float = LEVEL) -> Correlation:
    """Pearson r between paired values, with a Fisher z interval. None below 5 pairs, or when
    either variable does not vary (r is undefined)."""
    if len(xs) != len(ys):
        raise ValueError("xs and ys must pair up")
    n = len(xs)
    if not enough(n):
        return Correlation(n, None, None, None)
    mean_x = math.fsum(xs) / n
    mean_y = math.fsum(ys) / n
    sxy = math.fsum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    sxx = math.fsum((x - mean_x) ** 2 for x in xs)
    syy = math.fsum((y - mean_y) ** 2 for y in ys)
    return _correlation(n, sxx, syy, sxy, level)


def _correlation(n: int, sxx: float, syy: float, sxy: float, level: float) -> Correlation:
    """Pearson r and its Fisher interval from n pairs' centred sums of squares and products."""
    # The two roots apart: their product can underflow to 0 where each is tiny (3e-255 each
    # gave sxx * syy == 0.0 and a division by zero, found by hypothesis).
    spread = math.sqrt(sxx) * math.sqrt(syy)
    if spread == 0:
        return Correlation(n, None, None, None)
    r = max(-1.0, min(1.0, sxy / spread))
    if abs(r) == 1.0 or n <= 3:
        return Correlation(n, r, r, r)
    z = math.atanh(r)
    from scipy.special import ndtri  # noqa: PLC0415 - lazy: see the module docstring

    half = float(ndtri(0.5 + level / 2)) / math.sqrt(n - 3)
    return Correlation(n, r, math.tanh(z - half), math.tanh(z + half))


@dataclass(frozen=True, slots=True)
class Moments:
    """n paired values (x, y) summed up: their means and their centred sums of squares
    (`sxx`, `syy`) and of products (`sxy`). For one variable, x is left at 0."""

    n: int = 0
    mean_x: float = 0.0
    mean_y: float = 0.0
    sxx: float = 0.0
    syy: float = 0.0
    sxy: float = 0.0


def moments_of(xs: Sequence[float], ys: Sequence[float]) -> Moments:
    """The `Moments` of paired values, two passes with `fsum` as `correlation` makes them."""
    if len(xs) != len(ys):
        raise ValueError("xs and ys must pair up")
    n = len(xs)
    if n == 0:
        return Moments()
    mean_x = math.fsum(xs) / n
    mean_y = math.fsum(ys) / n
    return Moments(
        n,
        mean_x,
        mean_y,
        math.fsum((x - mean_x) ** 2 for x in xs),
        math.fsum((y - mean_y) ** 2 for y in ys),
        math.fsum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)),
    )


def merged(a: Moments, b: Moments) -> Moments:
    """The `Moments` of two sets of pairs together (Chan, Golub and LeVeque's pairwise update:
    no sum of raw squares, so no cancellation)."""
    if b.n == 0:
        return a
    if a.n == 0:
        return b
    n = a.n + b.n
    dx, dy = b.mean_x - a.mean_x, b.mean_y - a.mean_y
    weight = a.n * b.n / n
    return Moments(
        n,
        a.mean_x + dx * b.n / n,
        a.mean_y + dy * b.n / n,
        a.sxx + b.sxx + dx * dx * weight,
        a.syy + b.syy + dy * dy * weight,
        a.sxy + b.sxy + dx * dy * weight,
    )


def change_of(moments: Moments, *, level: float = LEVEL) -> Change:
    """`paired_change` from the `Moments` of the differences (as y): None below 5."""
    if not enough(moments.n):
        return Change(moments.n, None, None, None)
    return _change(moments.n, moments.mean_y, moments.syy, level)


def correlation_of(moments: Moments, *, level: float = LEVEL) -> Correlation:
    """`correlation` from the `Moments` of the pairs: None below 5, or when either does not
    vary."""
    if not enough(moments.n):
        return Correlation(moments.n, None, None, None)
    return _correlation(moments.n, moments.sxx, moments.syy, moments.sxy, level)


__all__ = [
    "LEVEL",
    "SMALL",
    "Change",
    "Correlation",
    "Moments",
    "change_of",
    "correlation",
    "correlation_of",
    "merged",
    "moments_of",
    "paired_change",
]
