"""docs/access-and-audit.md names every safeguarding URL and audit action."""

from pathlib import Path

from django.conf import settings

from alongside.audit.actions import REGISTRY
from alongside.safeguarding import urls

APP = Path(__file__).resolve().parents[1]
DOC = (Path(settings.BASE_DIR) / "docs" / "access-and-audit.md").read_text()


def test_every_safeguarding_url_is_documented_and_namespaced():
    names = [pattern.name for pattern in urls.urlpatterns]
    assert names and urls.app_name == "safeguarding"
    missing = [name for name in names if f"`safeguarding:{name}`" not in DOC]
    assert missing == []


def test_every_safeguarding_audit_action_is_documented():
    # The registry holds every action record() and record_read() accept, reads included.
    actions = {name for name in REGISTRY if name.startswith("safeguarding.")}
    assert {
        "safeguarding.concern.viewed",
        "safeguarding.override.viewed",
        "safeguarding.matchinghold.viewed",
    } <= actions
    assert len(actions) == 6 + 1 + 3
    missing = sorted(action for action in actions if f"`{action}`" not in DOC)
    assert missing == []
