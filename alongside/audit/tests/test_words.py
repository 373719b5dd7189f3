"""Every audit action a person's page can show has plain words; the rest are named as never
about one person. A new action fails here until it is given one or the other."""

import re
from pathlib import Path

from alongside.audit.actions import ABOUT_ONE_PERSON, NOT_ABOUT_ONE_PERSON, REGISTRY

DOCS = Path(__file__).resolve().parents[3] / "docs" / "access-and-audit.md"


def documented_actions() -> set[str]:
    """Actions in the audit tables: `a.b.c`, also `a.b.c` / `.d` (the same prefix) and `x.y.z`."""
    found: set[str] = set()
    for line in DOCS.read_text().splitlines():
        match = re.match(r"^\| (`[a-z_]+\.[a-z_.]+`(?: / `[a-z_.]+`)*) \|", line)
        if not match:
            continue
        names = re.findall(r"`([a-z_.]+)`", match[1])
        first = names[0]
        for name in names:
            found.add(first.rsplit(".", 1)[0] + name if name.startswith(".") else name)
    return found


def test_every_documented_action_has_words_or_is_never_about_one_person():
    actions = documented_actions()
    assert len(actions) > 100  # the reader above still finds the tables
    missing = sorted(actions - set(REGISTRY))
    assert not missing, f"register these in audit/actions.py: {missing}"
    assert not ABOUT_ONE_PERSON & NOT_ABOUT_ONE_PERSON
    assert all(REGISTRY[name].words for name in ABOUT_ONE_PERSON)
    stale = sorted(set(REGISTRY) - actions)
    assert not stale, f"not documented any more: {stale}"
