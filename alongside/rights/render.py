"""The answer to a subject access request as HTML and PDF (WeasyPrint), drawn from the JSON
answer itself, so the two files always say the same."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

from django.template.loader import render_to_string

SHORT = 60  # a value up to this long reads on one line with the others; longer has its own

SPHERE_NOTES = {
    "support": "What you told the people supporting you, and what they wrote.",
    "eligibility": "Foodbank vouchers.",
    "safeguarding": "Records kept to keep you or others safe.",
}


def _when(value: Any) -> Any:
    """ISO dates and times read as dates a person reads; anything else as it is."""
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-" and value[7] == "-":
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return value
        if len(value) == 10:
            return f"{parsed:%-d %B %Y}"
        return f"{parsed:%-d %B %Y, %H:%M}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def _readable(answer: dict[str, Any]) -> dict[str, Any]:
    sections = []
    for section in answer["sections"]:
        items = []
        for item in section["items"]:
            fields = [{**f, "value": _when(f["value"])} for f in item["fields"]]
            short = [
                f for f in fields if len(str(f["value"])) <= SHORT and "\n" not in str(f["value"])
            ]
            long = [f for f in fields if f not in short]
            items.append({**item, "short": short, "long": long})
        sections.append(
            {**section, "items": items, "note": SPHERE_NOTES.get(section["sphere"], "")}
        )
    who_saw = [{**line, "at": _when(line["at"])} for line in answer["who_saw"]]
    return {
        **answer,
        "sections": sections,
        "who_saw": who_saw,
        "produced": _when(answer["produced_at"]),
        "received": _when(answer["request"]["received_on"]),
    }


def render_html(answer: dict[str, Any]) -> str:
    return render_to_string("rights/answer_document.html", {"answer": _readable(answer)})


def render_pdf(answer: dict[str, Any]) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    # Self-contained (styles inline): WeasyPrint fetches nothing from the network or the disk.
    fetcher = URLFetcher(allowed_protocols={"data"}, allow_redirects=False)
    pdf: bytes = HTML(string=render_html(answer), url_fetcher=fetcher).write_pdf()
    return pdf
