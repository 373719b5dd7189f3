"""The ORUK examples (copied unchanged from the specification) and checks against its schemas."""

import json
from pathlib import Path
from typing import Any

from alongside.directory import oruk

EXAMPLES = Path(__file__).resolve().parent / "oruk_examples"
CSV_FOLDER = EXAMPLES / "csv"
SERVICE_ID = "ac148810-d857-441c-9679-408f346de14b"


def example(name: str) -> Any:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def schema_problems(item: Any, name: str = "service") -> list[str]:
    """Every way `item` fails the compiled ORUK schema `name` (formats checked)."""
    return [
        f"{'.'.join(map(str, error.path))}: {error.message}"
        for error in oruk.validator(name).iter_errors(item)
    ]


PAGE_KEYS = {
    "contents",
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
}
