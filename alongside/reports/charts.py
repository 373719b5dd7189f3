"""Charts for the learning report: SVG line charts written as text (decision 0123).

Pure: no Django, no matplotlib. The report's charts were drawn by matplotlib until session 8;
importing it (and numpy) cost 0.8 s of CPU and 52 MB for every report, more than drawing, and
its SVG (three charts, 38 KB) took WeasyPrint longer to lay out than the lines it holds. This
module draws the same charts (the same size, lines, gaps, axes, tick labels and legend) as a
few dozen SVG elements. The y axis's ticks are chosen as matplotlib chose them (its
`MaxNLocator` with the steps of its default locator, the number of intervals from the axis's
height, and `ScalarFormatter`'s decimals), so the tick labels, which are text in the PDF, stay
the same; `reports/tests/test_charts.py` compares them with matplotlib's on random data.

Deterministic: the same data gives the same SVG. Gaps stand where a figure is withheld (fewer
than 5 people). Each chart goes beside a table of the same numbers, so nothing is only in the
picture. No inline styles (the pages' Content Security Policy forbids them): presentation
attributes only. Every id inside is prefixed with the chart's id, so several charts can share
one page.
"""

from __future__ import annotations

import math
from html import escape

COLOURS = ("#0b5c4b", "#b35900", "#3b4a9c")  # dark enough on white for text and lines

# The figure is 6.4 × 2.6 inches in points (matplotlib's size for these charts), so the charts
# take the same room on the page and the PDF's pages break where they did.
WIDTH, HEIGHT = 460.8, 187.2
FONT = 9.0  # points
# Where the plot area's edges fell in matplotlib's tight layout (measured for the labels the
# report draws): the top under a legend, under a tick label at the very top (the percentages'
# 100) or under nothing; the bottom over turned labels (more than 8; "Dec 2025" is 8 letters,
# each letter fewer lowers it by 4.58 points) or level ones.
TOP_UNDER_LEGEND, TOP_UNDER_LABEL, TOP = 34.385, 13.143, 9.72
BOTTOM_TURNED, BOTTOM_LEVEL = 132.042, 161.48
RIGHT = 451.08
STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)  # matplotlib's AutoLocator
MARGIN = 0.05  # matplotlib's axes.ymargin and xmargin
TURN_AFTER = 8  # more labels than this are turned 45°


def line_chart(
    labels: list[str],
    series: list[tuple[str, list[float | None]]],
    *,
    y_label: str,
    chart_id: str,
    percent: bool = False,
) -> str:
    """An SVG line chart; None values leave gaps. Returns the <svg> element as text."""
    turned = len(labels) > TURN_AFTER
    legend = len(series) > 1
    y_max = 100.0 if percent else y_limit([v for _, values in series for v in values])
    top = TOP_UNDER_LEGEND if legend else _top_under_labels(y_max)
    longest = max((len(label) for label in labels), default=0)
    bottom = BOTTOM_TURNED + 4.58 * (8 - longest) if turned else BOTTOM_LEVEL
    ticks = tick_values(0.0, y_max, bins_for(bottom - top))
    texts = tick_labels(ticks)
    shown = [(tick, text) for tick, text in zip(ticks, texts, strict=True) if 0 <= tick <= y_max]
    left = 30.7 + 5.77 * max((len(text) for _, text in shown), default=1)
    right = RIGHT if turned or not labels else WIDTH - 4.3 - _width(labels[-1]) / 2

    def x_of(position: float) -> float:
        count = len(labels)
        low, high = (
            (-MARGIN * (count - 1), (count - 1) * (1 + MARGIN)) if count > 1 else (-0.055, 0.055)
        )
        return left + (position - low) / (high - low) * (right - left)

    def y_of(value: float) -> float:
        return bottom - value / y_max * (bottom - top)

    parts = [
        f'<svg id="{chart_id}-chart" width="{WIDTH}pt" height="{HEIGHT}pt" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" xmlns="http://www.w3.org/2000/svg" version="1.1">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
    ]
    # The grid first, under everything; then the axes' ticks and labels in matplotlib's order
    # (x, then y, then the axis's name), so the PDF's text reads in the order it did.
    parts.extend(
        f'<path d="M {left:.2f} {y_of(t):.2f} L {right:.2f} {y_of(t):.2f}" stroke="#dddddd" '
        'stroke-width="0.6" fill="none"/>'
        for t, _ in shown
    )
    for position, label in enumerate(labels):
        x = x_of(position)
        parts.append(
            f'<path d="M {x:.2f} {bottom:.2f} l 0 3.5" stroke="#000000" stroke-width="0.8"/>'
        )
        if turned:
            parts.append(
                f'<text font-size="{FONT}px" font-family="DejaVu Sans" text-anchor="end" '
                f'transform="translate({x + 3.2:.2f} {bottom + 9.5:.2f}) rotate(-45)">'
                f"{escape(label)}</text>"
            )
        else:
            parts.append(
                f'<text font-size="{FONT}px" font-family="DejaVu Sans" text-anchor="middle" '
                f'x="{x:.2f}" y="{bottom + 15.1:.2f}">{escape(label)}</text>'
            )
    for tick, text in shown:
        y = y_of(tick)
        parts.append(
            f'<path d="M {left:.2f} {y:.2f} l -3.5 0" stroke="#000000" stroke-width="0.8"/>'
        )
        parts.append(
            f'<text font-size="{FONT}px" font-family="DejaVu Sans" text-anchor="end" '
            f'x="{left - 7:.2f}" y="{y + 3.4:.2f}">{escape(text)}</text>'
        )
    middle = (top + bottom) / 2
    parts.append(
        f'<text font-size="{FONT}px" font-family="DejaVu Sans" text-anchor="middle" '
        f'transform="translate(17.81 {middle:.2f}) rotate(-90)">{escape(y_label)}</text>'
    )
    for index, (_, values) in enumerate(series):
        colour = COLOURS[index % len(COLOURS)]
        points = [
            None if v is None or not math.isfinite(v) else (x_of(i), y_of(v))
            for i, v in enumerate(values)
        ]
        path, pen_down = [], False
        for point in points:
            if point is None:
                pen_down = False
                continue
            path.append(f"{'L' if pen_down else 'M'} {point[0]:.2f} {point[1]:.2f}")
            pen_down = True
        if path:
            parts.append(
                f'<path d="{" ".join(path)}" fill="none" stroke="{colour}" stroke-width="1.8" '
                'stroke-linecap="square"/>'
            )
        parts.extend(
            f'<circle cx="{p[0]:.2f}" cy="{p[1]:.2f}" r="1.75" fill="{colour}" stroke="{colour}"/>'
            for p in points
            if p is not None
        )
    parts.append(
        f'<path d="M {left:.2f} {bottom:.2f} L {left:.2f} {top:.2f} M {left:.2f} {bottom:.2f} '
        f'L {right:.2f} {bottom:.2f}" fill="none" stroke="#000000" stroke-width="0.8" '
        'stroke-linecap="square"/>'
    )
    if legend:
        x = left + 8.1
        for index, (name, _) in enumerate(series):
            colour = COLOURS[index % len(COLOURS)]
            parts.append(
                f'<path d="M {x:.2f} 19.02 L {x + 18:.2f} 19.02" fill="none" stroke="{colour}" '
                f'stroke-width="1.8" stroke-linecap="square"/>'
                f'<circle cx="{x + 9:.2f}" cy="19.02" r="1.75" fill="{colour}" stroke="{colour}"/>'
                f'<text font-size="{FONT}px" font-family="DejaVu Sans" x="{x + 25.2:.2f}" '
                f'y="22.17">{escape(name)}</text>'
            )
            x += 25.2 + _width(name) + 14.4
    parts.append("</svg>")
    return "\n".join(parts)


def _top_under_labels(y_max: float) -> float:
    """The plot area's top with no legend above it: lower when the highest tick's label stands
    out of the top. matplotlib's tight layout measures that on its first layout (the axes 144.14
    points tall, so up to 8 intervals), and a label is 6.85 points tall."""
    first_layout = 144.14
    highest = max(t for t in tick_values(0.0, y_max, 8) if t <= y_max)
    below_top = (y_max - highest) / y_max * first_layout
    return TOP + max(0.0, (TOP_UNDER_LABEL - TOP) - below_top)


def _width(text: str) -> float:
    """About how wide `text` is at 9 points of DejaVu Sans (its mean advance, 0.6 em)."""
    return len(text) * FONT * 0.6


def y_limit(values: list[float | None]) -> float:
    """The top of a y axis that starts at 0, as matplotlib's autoscaling sets it: the data's
    range made non-singular, widened by 5% at each end (then the bottom is set to 0)."""
    finite = [v for v in values if v is not None and math.isfinite(v)]
    low, high = _nonsingular(min(finite), max(finite)) if finite else (-0.05, 0.05)
    return high + (high - low) * MARGIN


def _nonsingular(low: float, high: float, expander: float = 0.05) -> tuple[float, float]:
    """matplotlib's `transforms.nonsingular` for a finite range, as its locators call it."""
    biggest = max(abs(low), abs(high))
    if biggest < 1e6 / 1e-15 * 2.2250738585072014e-308:
        return -expander, expander
    if high - low <= biggest * 1e-15:
        if high == 0 and low == 0:
            return -expander, expander
        return low - expander * abs(low), high + expander * abs(high)
    return low, high


def bins_for(height: float) -> int:
    """The most intervals matplotlib's automatic locator puts on a y axis `height` points tall:
    one per two lines of tick labels, from 1 to 9."""
    return max(1, min(9, math.floor(height / (FONT * 2))))


def tick_values(low: float, high: float, bins: int) -> list[float]:
    """matplotlib's `MaxNLocator(bins, steps=[1, 2, 2.5, 5, 10]).tick_values(low, high)` for
    0 <= low < high (no offset): the smallest nice step giving at most `bins` intervals over the
    range, with the ticks on either side of it."""
    scale = 10 ** (math.log10((high - low) / bins) // 1)
    staircase = [0.1 * s for s in STEPS[:-1]] + list(STEPS) + [10 * STEPS[1]]
    steps = [s * scale for s in staircase]
    raw_step = (high - low) / bins
    large = [i for i, s in enumerate(steps) if s >= raw_step]
    chosen = large[0] if large else len(steps) - 1
    ticks: list[float] = []
    for step in reversed(steps[: chosen + 1]):
        best_low = (low // step) * step
        first = _edge_le(low - best_low, step)
        last = _edge_ge(high - best_low, step)
        ticks = [n * step + best_low for n in range(int(first), int(last) + 1)]
        if sum(1 for t in ticks if low <= t <= high) >= 2:
            break
    return ticks


def _edge_le(x: float, step: float) -> float:
    """The largest n with n * step <= x, forgiving rounding (matplotlib's `_Edge_integer`)."""
    d, m = divmod(x, step)
    return d + 1 if abs(m / step - 1) < 1e-10 else d


def _edge_ge(x: float, step: float) -> float:
    """The smallest n with n * step >= x, forgiving rounding."""
    d, m = divmod(x, step)
    return d if abs(m / step) < 1e-10 else d + 1


def tick_labels(ticks: list[float]) -> list[str]:
    """The ticks as matplotlib's `ScalarFormatter` writes them on an axis from 0 (no offset, no
    exponent below a million): every label with as few decimals as the ticks need."""
    spread = max(ticks) - min(ticks) if len(ticks) > 1 else max(abs(t) for t in ticks)
    spread = spread or 1.0
    spread_oom = math.floor(math.log10(spread))
    decimals = max(0, 3 - spread_oom)
    threshold = 1e-3 * 10**spread_oom
    while decimals >= 0:
        if max(abs(t - round(t, decimals)) for t in ticks) < threshold:
            decimals -= 1
        else:
            break
    decimals += 1
    return [f"{t:1.{decimals}f}" for t in ticks]
