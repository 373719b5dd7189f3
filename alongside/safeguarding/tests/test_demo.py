"""The demo's safeguarding records: realistic, reviewed and waiting, canary in every free text."""

import random

from django.utils import timezone

from alongside.safeguarding.demo import build_safeguarding
from alongside.safeguarding.models import Concern, ConcernAction, Override
from alongside.testing.factories import PersonFactory

REASON = "checking what the demo wrote"
CANARY = "CANARY-5afe"


def test_build_safeguarding_writes_concerns_actions_and_two_past_overrides(sg):
    people = [sg.person] + [PersonFactory(team=sg.team) for _ in range(6)]
    counts = build_safeguarding(
        sg.org,
        rng=random.Random(3),
        people=people,
        workers=[sg.members["alice"], sg.user("cara")],
        lead=sg.members["sam"],
        today=timezone.localdate(),
        canary=CANARY,
    )
    concerns = list(Concern.objects.for_system(REASON))
    actions = list(ConcernAction.objects.for_system(REASON))
    overrides = list(Override.objects.for_system(REASON).order_by("started_at"))
    assert counts == {"concerns": 5, "concern_actions": len(actions), "overrides": 2}
    assert len(concerns) == 5 and len(actions) >= 4
    assert {c.raised_by.username for c in concerns} == {"alice", "cara"}
    assert {c.status for c in concerns} == {"open", "being_looked_into", "closed"}
    assert all(a.by == sg.user("sam") for a in actions)
    texts = [c.what_happened for c in concerns] + [a.what_was_done for a in actions]
    texts += [o.justification for o in overrides]
    reviewed, waiting = overrides
    texts.append(reviewed.review_note)
    assert all(CANARY in text for text in texts)
    assert reviewed.reviewed_by == sg.user("dana") and reviewed.review_outcome == "justified"
    assert waiting.reviewed_at is None
    now = timezone.now()
    assert all(o.ends_at < now and o.lead == sg.user("sam") for o in overrides)


def test_build_safeguarding_without_canary_or_reviewer_leaves_both_overrides_waiting(world):
    world.members["dana"].delete()
    build_safeguarding(
        world.org,
        rng=random.Random(1),
        people=[world.person],
        workers=[world.user("alice")],
        lead=world.user("sam"),
        today=timezone.localdate(),
    )
    assert Concern.objects.for_system(REASON).count() == 1
    assert [o.reviewed_at for o in Override.objects.for_system(REASON)] == [None, None]
    assert "CANARY" not in Concern.objects.for_system(REASON).get().what_happened
