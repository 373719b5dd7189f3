"""docs/access-and-audit.md names every eligibility URL and audit action."""

from pathlib import Path

from django.conf import settings

from alongside.audit.actions import REGISTRY
from alongside.eligibility import urls

APP = Path(__file__).resolve().parents[1]
DOC = (Path(settings.BASE_DIR) / "docs" / "access-and-audit.md").read_text()


def test_every_eligibility_url_is_documented_and_namespaced():
    names = [pattern.name for pattern in urls.urlpatterns]
    assert names and urls.app_name == "eligibility"
    assert [name for name in names if f"`eligibility:{name}`" not in DOC] == []


def test_every_eligibility_audit_action_is_documented():
    # The registry holds every action record() and record_read() accept, reads included.
    actions = {name for name in REGISTRY if name.startswith("eligibility.")}
    assert "eligibility.voucher.viewed" in actions  # written by read_* through record_read
    assert len(actions) == 8
    assert sorted(action for action in actions if f"`{action}`" not in DOC) == []
