"""The report's charts, written as SVG text, say what matplotlib's said (decision 0123).

matplotlib drew them until session 8; it stays the reference here: on random series of the
shapes the report draws (months or quarters, one or two lines, counts or percentages, gaps),
the text in both SVGs (x labels, y tick labels, the axis's name, the legend), in order, is the
same, and the new chart's lines and gaps are where the data puts them.
"""

import io
import math
import re
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from alongside.reports.charts import line_chart, tick_labels, tick_values


def matplotlib_chart(labels, series, *, y_label, percent=False) -> str:
    """The report's chart as drawn by matplotlib until session 8 (the same calls)."""
    import matplotlib  # noqa: PLC0415 - the reference, loaded only by this test

    matplotlib.use("Agg")
    matplotlib.rcParams.update(
        {
            "svg.hashsalt": "alongside",
            "svg.fonttype": "none",
            "font.family": "DejaVu Sans",
            "font.size": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )
    from matplotlib import pyplot  # noqa: PLC0415

    figure, axes = pyplot.subplots(figsize=(6.4, 2.6), dpi=100)
    try:
        positions = list(range(len(labels)))
        for name, values in series:
            axes.plot(
                positions,
                [math.nan if v is None else v for v in values],
                marker="o",
                markersize=3.5,
                linewidth=1.8,
                label=name,
            )
        axes.set_xticks(
            positions,
            labels,
            rotation=0 if len(labels) <= 8 else 45,
            ha="center" if len(labels) <= 8 else "right",
        )
        axes.set_ylabel(y_label)
        axes.grid(axis="y", color="#dddddd", linewidth=0.6)
        if percent:
            axes.set_ylim(0, 100)
        else:
            axes.set_ylim(bottom=0)
        if len(series) > 1:
            axes.legend(
                frameon=False, loc="lower left", bbox_to_anchor=(0, 1.02), ncols=len(series)
            )
        figure.tight_layout()
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    finally:
        pyplot.close(figure)
    return buffer.getvalue()


def texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def month_labels(first: date, count: int) -> list[str]:
    labels = []
    year, month = first.year, first.month
    for _ in range(count):
        labels.append(date(year, month, 1).strftime("%b %Y"))
        year, month = year + month // 12, month % 12 + 1
    return labels


def quarter_labels(first_year: int, count: int) -> list[str]:
    return [f"{first_year + q // 4} Q{q % 4 + 1}" for q in range(count)]


# What the report draws: counts (people, conversations; under a million a month, above which
# matplotlib wrote "1e6" over the axis and this chart writes the numbers out) and percentages.
counts = st.one_of(st.none(), st.integers(0, 900_000).map(float))
percentages = st.one_of(st.none(), st.floats(0, 100, allow_nan=False))


@st.composite
def charts(draw):
    percent = draw(st.booleans())
    if draw(st.booleans()):
        labels = month_labels(date(2024, draw(st.integers(1, 12)), 1), draw(st.integers(1, 36)))
    else:
        labels = quarter_labels(2024, draw(st.integers(1, 12)))
    lines = 1 if percent else draw(st.integers(1, 2))
    top = 100.0 if percent else draw(st.sampled_from([9.0, 60.0, 1_000.0, 250_000.0, 900_000.0]))
    values = percentages if percent else counts
    series = [
        (
            ["People seen", "Conversations and meetings"][i] if lines > 1 else "Share (%)",
            [
                None if v is None else min(v, top)
                for v in draw(st.lists(values, min_size=len(labels), max_size=len(labels)))
            ],
        )
        for i in range(lines)
    ]
    return labels, series, percent


@settings(max_examples=60)
@given(charts())
def test_the_chart_says_what_matplotlibs_said(chart):
    labels, series, percent = chart
    y_label = "%" if percent else "Number"
    new = line_chart(labels, series, y_label=y_label, chart_id="c", percent=percent)
    old = matplotlib_chart(labels, series, y_label=y_label, percent=percent)
    assert texts(new) == texts(old)


def test_the_demo_reports_charts_say_what_matplotlibs_said():
    """The three charts of a 12-month report on the large demo, with their real numbers' sizes."""
    months = month_labels(date(2025, 12, 1), 12)
    activity = [
        ("People seen", [31_012.0 + 97 * i for i in range(12)]),
        ("Conversations and meetings", [71_406.0 - 311 * i for i in range(12)]),
    ]
    for labels, series, percent in [
        (months, activity, False),
        (quarter_labels(2025, 5)[3:], [("Named-worker share (%)", [55.2, 57.9])], True),
        (months, [("Failure demand (% of marked contacts)", [None, 21.5] * 6)], True),
        (months[:6], [("People seen", [5.0, None, 17.0, 230.0, 41.0, 8.0])], False),
        (months[:1], [("People seen", [None])], False),
    ]:
        new = line_chart(labels, series, y_label="y", chart_id="c", percent=percent)
        assert texts(new) == texts(matplotlib_chart(labels, series, y_label="y", percent=percent))


def test_gaps_break_the_line_and_points_are_drawn_where_the_data_is():
    svg = line_chart(
        ["a", "b", "c", "d"], [("People", [10.0, 20.0, None, 40.0])], y_label="n", chart_id="x"
    )
    (line,) = re.findall(r'<path d="(M [^"]*)" fill="none" stroke="#0b5c4b"', svg)
    assert line.count("M ") == 2 and line.count("L ") == 1  # a-b, then d alone
    assert len(re.findall(r'<circle [^>]*fill="#0b5c4b"', svg)) == 3
    ys = [float(y) for y in re.findall(r'<circle cx="[^"]*" cy="([^"]*)"', svg)]
    assert ys[0] > ys[1] > ys[2]  # higher values stand higher
    assert 'style="' not in svg and "<style" not in svg  # the page's CSP refuses inline styles
    assert svg.startswith('<svg id="x-chart"')


def test_ticks_and_their_labels():
    assert tick_values(0, 74_549.85, 5) == [0, 20_000, 40_000, 60_000, 80_000]
    assert tick_values(0, 100, 8) == [0, 20, 40, 60, 80, 100]
    assert tick_labels(tick_values(0, 0.055, 5)) == ["0.00", "0.02", "0.04", "0.06"]
    assert tick_labels([0.0, 2.5, 5.0, 7.5]) == ["0.0", "2.5", "5.0", "7.5"]
    assert tick_labels([0.0, 20_000.0, 40_000.0]) == ["0", "20000", "40000"]
