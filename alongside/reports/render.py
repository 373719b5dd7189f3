"""The learning report as HTML (page, file) and PDF (WeasyPrint), from `content.build`."""

from __future__ import annotations

import base64
from typing import Any

from django.template.loader import render_to_string

from alongside.common.suppression import FEWER, shown
from alongside.reports.charts import line_chart
from alongside.reports.content import ReportContent, Series


def _chart(
    series: list[Series],
    *,
    chart_id: str,
    y_label: str,
    percent: bool = False,
    as_image: bool = False,
) -> str:
    if not series or not series[0].points:
        return ""
    labels = [label for label, _ in series[0].points]
    svg = line_chart(
        labels,
        [(s.label, [value for _, value in s.points]) for s in series],
        y_label=y_label,
        chart_id=chart_id,
        percent=percent,
    )
    if not as_image:
        return svg
    return f'<img src="data:image/svg+xml;base64,{base64.b64encode(svg.encode()).decode()}" alt="">'


def _text(value: float | None, *, percent: bool = False) -> str:
    if value is None:
        return FEWER
    return f"{round(value)}%" if percent else f"{round(value):,}"


def _number(value: float | None, *, places: int = 1, sign: bool = False) -> str:
    if value is None:
        return FEWER
    return f"{value:+.{places}f}" if sign else f"{value:.{places}f}"


def _interval(low: float | None, high: float | None, *, places: int = 1) -> str:
    if low is None or high is None:
        return FEWER
    return f"{low:+.{places}f} to {high:+.{places}f}"


def _measures(sections: dict[str, Any]) -> dict[str, Any]:
    check = sections["relationship_check"]
    return {
        "check_people": shown(check.people),
        "check_responses": shown(check.responses),
        "check_rows": [
            (
                c.label,
                FEWER if c.share_agreeing is None else f"{round(100 * c.share_agreeing)}%",
                _number(c.mean),
            )
            for c in check.conditions
        ],
        "outcome_rows": [
            (o.label, shown(o.n), _number(o.mean_change, sign=True), _interval(o.ci_low, o.ci_high))
            for o in sections["outcomes"]
        ],
        "association_rows": [
            (
                a.label,
                shown(a.n),
                _number(a.r, places=2, sign=True),
                _interval(a.ci_low, a.ci_high, places=2),
            )
            for a in sections["associations"]
        ],
    }


def context(content: ReportContent, *, charts_as_images: bool = False) -> dict[str, Any]:
    sections = content.sections
    failure = sections["failure_demand"]
    discretion = sections["discretion"]
    months = [label for label, _ in content.activity[0].points] if content.activity else []
    return {
        "report": content,
        "activity_rows": [
            (month, [_text(s.points[i][1]) for s in content.activity])
            for i, month in enumerate(months)
        ],
        "continuity_rows": [
            (label, _text(value, percent=True))
            for s in content.continuity_trend
            for label, value in s.points
        ],
        "money": [("Spent from the discretionary fund", discretion.total)],
        **_measures(sections),
        "sections": sections,
        "activity_chart": _chart(
            content.activity, chart_id="activity", y_label="Number", as_image=charts_as_images
        ),
        "continuity_chart": _chart(
            content.continuity_trend,
            chart_id="continuity",
            y_label="%",
            percent=True,
            as_image=charts_as_images,
        ),
        "failure_chart": _chart(
            [
                Series(
                    "Failure demand (% of marked contacts)",
                    [
                        (
                            m.month.strftime("%b %Y"),
                            None if m.share_value is None else 100 * m.share_value,
                        )
                        for m in failure.months
                    ],
                )
            ],
            chart_id="failure",
            y_label="%",
            percent=True,
            as_image=charts_as_images,
        ),
    }


def render_html(content: ReportContent, *, charts_as_images: bool = False) -> str:
    """A standalone HTML document (styles inline), as saved by `alongside report` and printed.
    With `charts_as_images`, each chart is an `<img>` of its SVG as a `data:` URL instead of
    inline SVG, for WeasyPrint (see `render_pdf`)."""
    return render_to_string(
        "reports/document.html", context(content, charts_as_images=charts_as_images)
    )


def render_pdf(content: ReportContent) -> bytes:
    import logging

    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # WeasyPrint warns about every SVG presentation property its CSS parser skips (it still
    # draws them); those warnings say nothing about the report, so only errors are logged.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    # The document is self-contained (styles inline, charts as inline SVG): WeasyPrint fetches
    # nothing from the network or the disk, whatever a URL in it might say (ASVS 1.3.6, 13.2.4).
    fetcher = URLFetcher(allowed_protocols={"data"}, allow_redirects=False)
    # The charts go in as images (`data:` URLs of the same SVG): WeasyPrint draws an inline
    # <svg> from the same element tree, but first runs the HTML cascade over its 450 elements,
    # a third of the document's, for nothing (0.3 s of a PDF's 1.3 s; the same PDF, byte for
    # byte, on the 100k demo).
    html = render_html(content, charts_as_images=True)
    pdf: bytes = HTML(string=html, url_fetcher=fetcher).write_pdf()
    return pdf
