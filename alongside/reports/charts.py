"""Charts for the learning report, drawn by matplotlib as SVG (for the page and for WeasyPrint).

Deterministic: the same data gives the same SVG (fixed ids, no date in the metadata). Gaps
stand where a figure is withheld (fewer than 5 people). Each chart goes beside a table of the
same numbers, so nothing is only in the picture.
"""

from __future__ import annotations

import io
import math
import re
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from types import ModuleType

COLOURS = ("#0b5c4b", "#b35900", "#3b4a9c")  # dark enough on white for text and lines


@cache
def _pyplot() -> ModuleType:
    """matplotlib's pyplot, set up for these charts on first use: importing matplotlib (and
    numpy, which it imports) cost an app server's worker 0.8 s of CPU and 52 MB at start, so they
    are imported only where a chart is drawn (issue 17; `ops/tests/test_worker_start.py`)."""
    import matplotlib  # noqa: PLC0415 - see above

    matplotlib.use("Agg")
    matplotlib.rcParams.update(
        {
            "svg.hashsalt": "alongside",
            "svg.fonttype": "none",  # text stays text: readable, searchable, scalable
            "font.family": "DejaVu Sans",
            "font.size": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )
    from matplotlib import pyplot  # noqa: PLC0415 - after choosing the backend

    return pyplot


def line_chart(
    labels: list[str],
    series: list[tuple[str, list[float | None]]],
    *,
    y_label: str,
    chart_id: str,
    percent: bool = False,
) -> str:
    """An SVG line chart; None values leave gaps. Returns the <svg> element as text.

    Every id inside is prefixed with `chart_id`, so several charts can share one page.
    """
    pyplot = _pyplot()
    figure, axes = pyplot.subplots(figsize=(6.4, 2.6), dpi=100)
    try:
        positions = list(range(len(labels)))
        for index, (name, values) in enumerate(series):
            ys = [math.nan if v is None else v for v in values]
            axes.plot(
                positions,
                ys,
                marker="o",
                markersize=3.5,
                linewidth=1.8,
                color=COLOURS[index % len(COLOURS)],
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
    text = buffer.getvalue()
    return _prefix_ids(_presentation_attributes(text[text.index("<svg") :]), chart_id)


def _presentation_attributes(svg: str) -> str:
    """`style="fill: #fff; stroke: #000"` -> `fill="#fff" stroke="#000"`.

    The pages' Content Security Policy forbids inline styles, which would leave every shape
    black; SVG presentation attributes say the same and are not styles. matplotlib's small
    <style> block (line joins) goes too.
    """
    svg = re.sub(r"<style[^>]*>.*?</style>", "", svg, flags=re.S)

    def attributes(match: re.Match[str]) -> str:
        pairs = []
        for declaration in match.group(1).split(";"):
            name, _, value = declaration.partition(":")
            if name.strip() and value.strip():
                pairs.append(f'{name.strip()}="{value.strip().strip(chr(39))}"')
        return " ".join(pairs)

    return re.sub(r'style="([^"]*)"', attributes, svg)


def _prefix_ids(svg: str, prefix: str) -> str:
    ids = set(re.findall(r'\bid="([^"]+)"', svg))
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    return re.sub(
        r"#([A-Za-z_][\w.\-]*)",
        lambda m: f"#{prefix}-{m.group(1)}" if m.group(1) in ids else m.group(0),
        svg,
    )
