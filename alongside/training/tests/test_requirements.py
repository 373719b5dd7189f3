"""`unmet_requirements`: the check shifts and matching call before letting a member do something."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction
from hypothesis import given
from hypothesis import strategies as st

from alongside.access.models import Role
from alongside.testing.factories import MembershipFactory
from alongside.training.models import Activity, Completion, Course, Requirement, add_months
from alongside.training.queries import unmet_requirements

pytestmark = pytest.mark.django_db

ON = date(2026, 12, 6)


def _course(org, name="Safeguarding", months=36):  # type: ignore[no-untyped-def]
    return Course.objects.create(organisation=org, name=name, valid_for_months=months)


def _done(member, course, on):  # type: ignore[no-untyped-def]
    return Completion.objects.create(
        organisation=member.organisation,
        membership=member,
        course=course,
        completed_on=on,
        expires_on=course.expiry_for(on),
    )


def test_nothing_required_means_nothing_unmet() -> None:
    member = MembershipFactory(role=Role.VOLUNTEER)
    _course(member.organisation)
    assert unmet_requirements(member, activity=Activity.SHIFTS, on=ON) == []


def test_an_activity_requirement_not_recorded_is_named() -> None:
    member = MembershipFactory(role=Role.VOLUNTEER)
    course = _course(member.organisation)
    Requirement.objects.create(
        organisation=member.organisation, course=course, activity=Activity.SHIFTS
    )
    assert unmet_requirements(member, activity=Activity.SHIFTS, on=ON) == [
        "Safeguarding training is not recorded."
    ]
    # Another activity does not need it.
    assert unmet_requirements(member, activity=Activity.MATCHING, on=ON) == []


def test_an_expired_completion_gives_the_day_it_ran_out() -> None:
    member = MembershipFactory(role=Role.VOLUNTEER)
    course = _course(member.organisation, months=36)
    Requirement.objects.create(
        organisation=member.organisation, course=course, activity=Activity.MATCHING
    )
    _done(member, course, date(2023, 11, 3))
    assert unmet_requirements(member, activity="matching", on=ON) == [
        "Safeguarding training ran out on 3 Nov 2026."
    ]
    # The last day is still in date.
    assert unmet_requirements(member, activity="matching", on=date(2026, 11, 3)) == []


def test_a_renewal_counts_and_the_latest_expiry_wins() -> None:
    member = MembershipFactory(role=Role.VOLUNTEER)
    course = _course(member.organisation, months=12)
    Requirement.objects.create(
        organisation=member.organisation, course=course, activity=Activity.SHIFTS
    )
    _done(member, course, date(2025, 1, 10))
    _done(member, course, date(2026, 6, 1))
    assert unmet_requirements(member, activity=Activity.SHIFTS, on=ON) == []


def test_a_completion_after_the_day_does_not_count_for_it() -> None:
    member = MembershipFactory(role=Role.VOLUNTEER)
    course = _course(member.organisation)
    Requirement.objects.create(
        organisation=member.organisation, course=course, activity=Activity.SHIFTS
    )
    _done(member, course, date(2026, 12, 10))
    assert unmet_requirements(member, activity=Activity.SHIFTS, on=ON) == [
        "Safeguarding training is not recorded."
    ]


def test_a_course_with_no_validity_never_runs_out() -> None:
    member = MembershipFactory(role=Role.VOLUNTEER)
    course = _course(member.organisation, name="Induction", months=None)
    Requirement.objects.create(
        organisation=member.organisation, course=course, activity=Activity.SHIFTS
    )
    _done(member, course, date(2001, 1, 1))
    assert unmet_requirements(member, activity=Activity.SHIFTS, on=ON) == []


def test_role_requirements_apply_to_every_activity_and_only_to_that_role() -> None:
    volunteer = MembershipFactory(role=Role.VOLUNTEER)
    org = volunteer.organisation
    supporter = MembershipFactory(role=Role.SUPPORTER, organisation=org)
    hygiene = _course(org, name="Food hygiene", months=24)
    safeguarding = _course(org)
    Requirement.objects.create(organisation=org, course=hygiene, role=Role.VOLUNTEER)
    Requirement.objects.create(organisation=org, course=safeguarding, activity=Activity.SHIFTS)
    # Both required (role and activity), each named once, in name order.
    Requirement.objects.create(organisation=org, course=safeguarding, role=Role.VOLUNTEER)
    assert unmet_requirements(volunteer, activity=Activity.SHIFTS, on=ON) == [
        "Food hygiene training is not recorded.",
        "Safeguarding training is not recorded.",
    ]
    assert unmet_requirements(volunteer, activity=Activity.MATCHING, on=ON) == [
        "Food hygiene training is not recorded.",
        "Safeguarding training is not recorded.",
    ]
    assert unmet_requirements(supporter, activity=Activity.MATCHING, on=ON) == []


def test_another_organisations_requirements_and_completions_do_not_count() -> None:
    member = MembershipFactory(role=Role.VOLUNTEER)
    other = MembershipFactory(role=Role.VOLUNTEER)
    theirs = _course(other.organisation)
    Requirement.objects.create(
        organisation=other.organisation, course=theirs, activity=Activity.SHIFTS
    )
    assert unmet_requirements(member, activity=Activity.SHIFTS, on=ON) == []
    ours = _course(member.organisation)
    Requirement.objects.create(
        organisation=member.organisation, course=ours, activity=Activity.SHIFTS
    )
    _done(other, ours, date(2026, 1, 1))  # someone else's completion
    assert unmet_requirements(member, activity=Activity.SHIFTS, on=ON) == [
        "Safeguarding training is not recorded."
    ]


def test_two_queries_whatever_the_size(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    member = MembershipFactory(role=Role.VOLUNTEER)
    org = member.organisation
    for index in range(8):
        course = _course(org, name=f"Course {index}", months=12)
        Requirement.objects.create(organisation=org, course=course, activity=Activity.SHIFTS)
        _done(member, course, date(2025, 1, index + 1))
        _done(member, course, date(2026, 1, index + 1))
    with django_assert_num_queries(2):
        reasons = unmet_requirements(member, activity=Activity.SHIFTS, on=ON)
    assert reasons == []


def test_a_requirement_names_a_role_or_an_activity_never_both_nor_neither() -> None:
    member = MembershipFactory()
    course = _course(member.organisation)
    for role, activity in [("", ""), (Role.VOLUNTEER, Activity.SHIFTS)]:
        with pytest.raises(IntegrityError), transaction.atomic():
            Requirement.objects.create(
                organisation=member.organisation, course=course, role=role, activity=activity
            )


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
    st.integers(min_value=1, max_value=240),
)
def test_adding_months_lands_in_the_right_month_and_never_before_the_day(
    day: date, months: int
) -> None:
    later = add_months(day, months)
    assert (later.year - day.year) * 12 + later.month - day.month == months
    assert later.day <= day.day and later > day
