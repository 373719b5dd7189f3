"""The discretion limit is per person over 30 days, and holds under two spends at once
(issue 11, part 4; docs/decisions/0016)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from alongside.learning import services
from alongside.learning.models import Spend
from alongside.learning.tests.helpers import spend
from alongside.testing.clock import SUMMER_MIDDAY
from alongside.testing.factories import (
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    TeamFactory,
    UserFactory,
)
from alongside.testing.helpers import race

pytestmark = pytest.mark.time_machine(SUMMER_MIDDAY)


def test_two_spends_of_40_for_one_person_do_not_both_pass_a_limit_of_50(world):
    assert spend(world, world.person, "40.00").status == "made"
    second = spend(world, world.person, "40.00")
    assert second.status == "asked"


def test_the_limit_counts_one_person_only(world):
    robin = PersonFactory(team=world.team, given_name="Robin")
    assert spend(world, world.person, "40.00").status == "made"
    assert spend(world, robin, "40.00").status == "made"


def test_the_limit_counts_every_worker_for_that_person(world):
    assert spend(world, world.person, "30.00", by="alice").status == "made"
    assert spend(world, world.person, "30.00", by="cara").status == "asked"


def test_spends_a_coordinator_decided_do_not_use_up_discretion(world):
    asked = spend(world, world.person, "60.00")
    services.decide_spend(asked, by=world.members["colin"], approve=True)
    assert spend(world, world.person, "50.00").status == "made"


def test_a_spend_recorded_more_than_30_days_ago_no_longer_counts(world, time_machine):
    assert spend(world, world.person, "40.00").status == "made"
    time_machine.shift(timedelta(days=29))
    assert spend(world, world.person, "20.00").status == "asked"
    time_machine.shift(timedelta(days=1, minutes=1))
    assert spend(world, world.person, "20.00").status == "made"


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1900, 1, 1), date(1999, 12, 31)])
def test_a_spend_dated_long_ago_is_refused_in_plain_words(world, day):
    with pytest.raises(ValidationError) as error:
        spend(world, world.person, "5.00", on=day)
    assert error.value.message_dict["spent_on"] == ["Enter a date from 1 January 2000 onwards."]
    assert not Spend.objects.for_system("test").exists()


@pytest.mark.postgresql
def test_two_spends_of_40_at_the_same_moment_make_one_and_ask_for_the_other(committed_db):
    org = OrganisationFactory()
    team = TeamFactory(organisation=org)
    workers = [
        MembershipFactory(organisation=org, user=UserFactory(), role="supporter") for _ in "ab"
    ]
    MembershipFactory(organisation=org, user=UserFactory(), role="coordinator", team=team)
    person = PersonFactory(team=team)

    def attempt(worker):
        return lambda: services.record_spend(
            person,
            by=worker,
            amount=Decimal("40.00"),
            purpose="Bus fare to the job centre",
            spent_on=timezone.localdate(),
        )

    outcomes = race([attempt(w) for w in workers])

    assert all(isinstance(o, Spend) for o in outcomes), outcomes
    assert sorted(o.status for o in outcomes) == ["asked", "made"]
