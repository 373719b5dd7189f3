"""docs/access-and-audit.md names every safeguarding URL and audit action."""

import re
from pathlib import Path

from django.conf import settings

from alongside.safeguarding import urls

APP = Path(__file__).resolve().parents[1]
DOC = (Path(settings.BASE_DIR) / "docs" / "access-and-audit.md").read_text()


def test_every_safeguarding_url_is_documented_and_namespaced():
    names = [pattern.name for pattern in urls.urlpatterns]
    assert names and urls.app_name == "safeguarding"
    missing = [name for name in names if f"`safeguarding:{name}`" not in DOC]
    assert missing == []


def test_every_safeguarding_audit_action_is_documented():
    source = "\n".join(path.read_text() for path in APP.glob("*.py"))
    actions = set(re.findall(r'"(safeguarding\.[a-z_]+\.[a-z_]+)"', source))
    # From record_read:
    actions |= {
        "safeguarding.concern.viewed",
        "safeguarding.override.viewed",
        "safeguarding.matchinghold.viewed",
    }
    assert len(actions) == 6 + 1 + 3
    missing = sorted(action for action in actions if f"`{action}`" not in DOC)
    assert missing == []
