"""Small, accessible SVG charts built as strings (no JavaScript, no inline styles).

Each chart has a <title> and <desc>; pages also show the numbers in a table.
"""

from collections.abc import Sequence
from html import escape

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 48
COLOURS = ("#0b5d4b", "#1a4f8b", "#7a4a00")


def _frame(title: str, description: str, body: list[str], chart_id: str) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _axes(labels: Sequence[str], x_of: Sequence[float]) -> list[str]:
    parts = []
    plot_height = HEIGHT - TOP - BOTTOM
    for pct in (0, 25, 50, 75, 100):
        y = TOP + plot_height * (1 - pct / 100)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d0d0d0"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" fill="#4a4a48">{pct}%</text>'
        )
    for label, x in zip(labels, x_of, strict=True):
        parts.append(
            f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" font-size="12" fill="#1d1d1b">{escape(label)}</text>'
        )
    return parts


def line_chart(
    *,
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    chart_id: str,
) -> str:
    """Lines of shares (0..1) over periods; gaps where a value is None."""
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    inset = 28  # room for the first and last labels
    step = (plot_width - 2 * inset) / (len(labels) - 1) if len(labels) > 1 else 0
    xs = [
        LEFT + inset + step * i if len(labels) > 1 else LEFT + plot_width / 2
        for i in range(len(labels))
    ]
    body = _axes(labels, xs)
    described = []
    for index, (name, values) in enumerate(series):
        colour = COLOURS[index % len(COLOURS)]
        points = [
            (x, TOP + plot_height * (1 - v))
            for x, v in zip(xs, values, strict=True)
            if v is not None
        ]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            dash = ' stroke-dasharray="6 4"' if index % 2 else ""
            body.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="3"{dash}/>'
            )
        body.extend(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>' for x, y in points)
        # The legend sits under the axis labels, one entry after another, clear of the lines.
        legend_y, legend_x = HEIGHT - 10, LEFT + 300 * index
        body.append(f'<rect x="{legend_x}" y="{legend_y}" width="14" height="4" fill="{colour}"/>')
        body.append(
            f'<text x="{legend_x + 20}" y="{legend_y + 6}" font-size="12" fill="#1d1d1b">{escape(name)}</text>'
        )
        shown = ", ".join(
            f"{label} {round(v * 100)}%"
            for label, v in zip(labels, values, strict=True)
            if v is not None
        )
        described.append(f"{name}: {shown or 'no data'}")
    return _frame(title, "; ".join(described), body, chart_id)


def bar_chart(*, title: str, labels: Sequence[str], counts: Sequence[int], chart_id: str) -> str:
    """Bars of counts per bin, scaled to the largest."""
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = max(counts, default=0) or 1
    slot = plot_width / max(1, len(labels))
    xs = [LEFT + slot * (i + 0.5) for i in range(len(labels))]
    body = [
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_height}" y2="{TOP + plot_height}" stroke="#1d1d1b"/>'
    ]
    for label, x in zip(labels, xs, strict=True):
        body.append(
            f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" font-size="12" fill="#1d1d1b">{escape(label)}</text>'
        )
    for x, count in zip(xs, counts, strict=True):
        height = plot_height * count / top
        body.append(
            f'<rect x="{x - slot * 0.35:.1f}" y="{TOP + plot_height - height:.1f}" width="{slot * 0.7:.1f}" height="{height:.1f}" fill="{COLOURS[0]}"/>'
        )
        body.append(
            f'<text x="{x:.1f}" y="{TOP + plot_height - height - 4:.1f}" text-anchor="middle" font-size="12" fill="#1d1d1b">{count}</text>'
        )
    description = ", ".join(
        f"{label}: {count}" for label, count in zip(labels, counts, strict=True)
    )
    return _frame(title, description, body, chart_id)
