"""Outcome statistics: pure (no Django), plain numbers in and out. SciPy for t quantiles.

SciPy is imported where a quantile is needed, not with this module: importing it costs every
app server process 0.3–0.6 s at start (more under load), and most requests never need it.

- `paired_change`: mean of (after - before) with a t-based 95% confidence interval.
- `correlation`: Pearson r with a 95% confidence interval from Fisher's z transform.

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
    variance = math.fsum((d - mean) ** 2 for d in differences) / (n - 1)
    from scipy import stats as scipy_stats  # noqa: PLC0415 - lazy: see the module docstring

    half = float(scipy_stats.t.ppf(0.5 + level / 2, n - 1)) * math.sqrt(variance / n)
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
    if sxx == 0 or syy == 0:
        return Correlation(n, None, None, None)
    r = max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))
    if abs(r) == 1.0 or n <= 3:
        return Correlation(n, r, r, r)
    z = math.atanh(r)
    from scipy import stats as scipy_stats  # noqa: PLC0415 - lazy: see the module docstring

    half = float(scipy_stats.norm.ppf(0.5 + level / 2)) / math.sqrt(n - 3)
    return Correlation(n, r, math.tanh(z - half), math.tanh(z + half))


__all__ = ["LEVEL", "SMALL", "Change", "Correlation", "correlation", "paired_change"]
