"""Every table on a page sits in a `.table-scroll` wrapper (focusable, so a keyboard can scroll
it): on a phone a wide table scrolls inside it rather than splitting its words or widening the
page (issue 13; `alongside.css`). The learning report's partials are shown on a page too, so they
are checked; in its printed document the wrapper is a plain block. A subject access answer's PDF
lays its tables out for paper and is left as it is."""

import re
from pathlib import Path

import alongside

PRINTED = ("rights/answer_document.html",)
WRAPPER = re.compile(r'<div class="table-scroll"[^>]*tabindex="0"[^>]*>\s*(\{%[^%]*%\}\s*)*$')


def test_every_table_on_a_page_scrolls_inside_its_wrapper():
    root = Path(alongside.__file__).parent
    bare = []
    for template in root.glob("*/templates/**/*.html"):
        path = template.as_posix()
        if any(printed in path for printed in PRINTED):
            continue
        text = template.read_text()
        for match in re.finditer(r"<table\b", text):
            before = text[max(0, match.start() - 300) : match.start()]
            if not WRAPPER.search(before):
                line = text.count("\n", 0, match.start()) + 1
                bare.append(f"{template.relative_to(root)}:{line}")
    assert bare == []
