"""The report shows an organisation's own instrument: its converted total and each subscale.

The instrument, its wording and its table are made up.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from alongside.measures import services
from alongside.measures.baselines import refresh_people
from alongside.measures.models import InstrumentVersion, Response, SittingKind
from alongside.reports.content import build
from alongside.reports.render import render_html
from alongside.testing.factories import PersonFactory, SpellFactory

pytestmark = pytest.mark.django_db


def test_report_shows_a_converted_total_and_a_subscale(world):
    services.add_instrument(
        by=world.members["dana"],
        name="Made-up ease scale",
        notice="© Made-up Holder.",
        permission_confirmed=True,
        questions=["Made-up one", "Made-up two"],
        options=[(1, "Rarely"), (2, "Sometimes"), (3, "Often")],
        scoring="sum",
        reverse=[2],
        total_label="Ease score",
        total_table=[(2, 10.0), (3, 12.5), (4, 15.25), (5, 17.5), (6, 20.0)],
        subscales=[("First part", [1])],
        subscale_scoring="mean",
    )
    version = InstrumentVersion.objects.get(instrument__organisation=world.org)
    alice = world.user("alice")
    now = timezone.now()
    for number in range(5):
        person = PersonFactory(team=world.team, given_name=f"Zed{number}", family_name="Report")
        SpellFactory(person=person, worker=alice)
        for answers, days in (({"q1": 1, "q2": 3}, 200), ({"q1": 2, "q2": 2}, 5)):
            Response.objects.create(
                organisation=world.org,
                person=person,
                version=version,
                mode=SittingKind.LINK,
                author=alice,
                about_worker=alice,
                completed_at=now - timedelta(days=days),
                answers=answers,
            )
        refresh_people([person.pk])  # written past the services
    today = timezone.localdate()
    content = build(world.org, today - timedelta(days=364), today)
    changes = {o.label: o for o in content.sections["outcomes"]}
    # raw 1 + (4 - 3) = 2 -> 10.00, then 2 + (4 - 2) = 4 -> 15.25: a change of 5.25 for everyone
    assert changes["Made-up ease scale: Ease score"].mean_change == pytest.approx(5.25)
    assert changes["Made-up ease scale: First part"].mean_change == pytest.approx(1.0)
    html = render_html(content)
    assert "Made-up ease scale: Ease score" in html and "+5.2" in html
    assert "Made-up ease scale: First part" in html and "+1.0" in html
