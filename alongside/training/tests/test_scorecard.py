"""The scorecard's training and skills panel, from the training and supervision records: two
shares and a count, never who, small numbers withheld."""

from datetime import date

import pytest

from alongside.access.models import Role
from alongside.common.suppression import FEWER
from alongside.learning.scorecard import scorecard
from alongside.testing.factories import MembershipFactory, UserFactory
from alongside.training import services

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine("2026-12-06 12:00:00+00:00", tick=False),
]

END = date(2026, 12, 6)


def _panel(world):
    card = scorecard(world.org.pk, None, date(2026, 9, 1), END)
    panel = next(p for p in card.panels if p.key == "training")
    return panel, {figure.label: figure.value for figure in panel.figures}


def test_the_panel_shows_shares_of_workers_and_withholds_small_numbers(world):
    coordinator = world.members["colin"]
    volunteers = [
        MembershipFactory(
            organisation=world.org, user=UserFactory(username=f"v{i}"), role=Role.VOLUNTEER
        )
        for i in range(8)
    ]  # 12 workers with alice, cara, colin and vic
    core = services.add_course(
        world.org, by=coordinator, name="Safeguarding", valid_for_months=36, is_core=True
    )
    services.add_course(world.org, by=coordinator, name="Knitting", valid_for_months=None)
    services.record_completions(volunteers[:6], core, by=coordinator, completed_on=date(2026, 1, 5))
    services.record_completions(volunteers[6:], core, by=coordinator, completed_on=date(2023, 1, 5))
    for volunteer in volunteers[:5]:
        supervision = services.arrange_supervision(
            volunteer,
            world.members["alice"],
            by=coordinator,
            every_weeks=6,
            started_on=date(2026, 6, 1),
        )
        services.record_session(
            supervision, by=world.members["alice"], held_on=date(2026, 11, 20), notes="x"
        )
    overdue = services.arrange_supervision(
        volunteers[5],
        world.members["alice"],
        by=coordinator,
        every_weeks=6,
        started_on=date(2026, 6, 1),
    )
    panel, figures = _panel(world)
    assert figures["Workers"] == "12"
    assert figures["With all core training in date"] == "50%"  # 6 of 12
    assert figures["With supervision kept up"] == "42%"  # 5 of 12
    assert figures["Supervisions overdue"] == FEWER  # 1
    assert not panel.not_recorded
    # Nobody is named on it.
    assert not any(v.user.username in str(panel) for v in volunteers)
    assert overdue.pk  # kept in the count above, never listed


def test_fewer_than_5_workers_is_withheld(world):
    services.add_course(
        world.org, by=world.members["colin"], name="Safeguarding", valid_for_months=36, is_core=True
    )
    _panel_, figures = _panel(world)
    assert figures["Workers"] == FEWER  # alice, cara, colin, vic
    assert figures["With all core training in date"] == FEWER


LIVED = "Volunteers with lived experience they agreed may be used"


def test_the_panel_counts_lived_experience_only_where_the_volunteer_agreed(world):
    from alongside.connections.models import VolunteerProfile

    volunteers = [
        MembershipFactory(
            organisation=world.org, user=UserFactory(username=f"le{i}"), role=Role.VOLUNTEER
        )
        for i in range(9)
    ]  # 10 active volunteers with vic
    for i, volunteer in enumerate(volunteers):
        VolunteerProfile.objects.update_or_create(
            membership=volunteer,
            defaults={
                "organisation": world.org,
                "lived_experience": ["debt"],
                "lived_experience_consent": i < 5,  # four more recorded it but did not agree
            },
        )
    _panel_, figures = _panel(world)
    assert figures[LIVED] == "50%"  # 5 of 10: the four without agreement are not counted
    VolunteerProfile.objects.filter(membership=volunteers[0]).update(lived_experience_consent=False)
    _panel_, figures = _panel(world)
    assert figures[LIVED] == FEWER  # 4 of 10: too few to show
