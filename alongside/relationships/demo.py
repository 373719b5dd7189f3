"""Confirmed relationships in the demo town: one allocation and one live legitimate-relationship
request, both for the demo `supporter`, about Link team people who are not theirs.

Written directly, like the rest of the town (the build records one audit event). The request's
reason is the worker's words about cover, never the person's: it holds no canary.
"""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from alongside.access.models import Membership, Organisation
from alongside.people.models import Person
from alongside.relationships.models import Allocation, LegitimateRelationship, NamedWorkerSpell

COVER_REASON = (
    "Covering for their named worker, who is off sick this week: they have an appointment "
    "with me on Thursday."
)


def build_history_access(organisation: Organisation, *, today: date) -> dict[str, int]:
    """A coordinator allocated the demo supporter to one person a week ago; the supporter asked
    for another person's history yesterday (in force, waiting for review)."""
    memberships = Membership.objects.filter(organisation=organisation, left_on__isnull=True)
    supporter = memberships.filter(user__username="supporter").select_related("team").first()
    coordinator = memberships.filter(user__username="coordinator").first()
    if supporter is None or coordinator is None or supporter.team_id is None:
        return {"allocations": 0, "legitimate_relationships": 0}
    others = (
        NamedWorkerSpell.objects.filter(
            organisation=organisation,
            ended_on__isnull=True,
            person__team_id=supporter.team_id,
        )
        .exclude(worker_id=supporter.user_id)
        .order_by("person_id")
        .values_list("person_id", flat=True)
    )
    chosen = list(Person.objects.filter(pk__in=others[:2]).order_by("pk"))
    if len(chosen) < 2:
        return {"allocations": 0, "legitimate_relationships": 0}
    noon = timezone.make_aware(datetime.combine(today, time(12)))
    Allocation.objects.create(
        organisation=organisation,
        person=chosen[0],
        worker=supporter.user,
        allocated_by=coordinator.user,
        allocated_at=noon - timedelta(days=7),
    )
    started = noon - timedelta(days=1)
    LegitimateRelationship.objects.create(
        organisation=organisation,
        person=chosen[1],
        worker=supporter.user,
        reason=COVER_REASON,
        started_at=started,
        expires_at=started + timedelta(days=settings.ALONGSIDE_LEGITIMATE_RELATIONSHIP_DAYS),
    )
    return {"allocations": 1, "legitimate_relationships": 1}
