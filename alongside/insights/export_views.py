"""Download team continuity as CSV: one row per person, the last 12 months, streamed. Never
their words."""

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _

from alongside.access.decorators import rule_required
from alongside.access.http import AuthedHttpRequest, membership_of
from alongside.insights.views import chosen_team
from alongside.people.export_views import streamed_csv_response
from alongside.people.models import Person
from alongside.people.queries import people_visible_to
from alongside.relationships.continuity import INDEX_NAMES
from alongside.relationships.queries import NO_CONTACTS, continuity_over_days


def continuity_rows(
    people: QuerySet[Person], *, organisation_id: int, today: date
) -> Iterator[list[Any]]:
    """Each person's continuity over the 12 months to `today`, as on the page, one row at a
    time: the figures of everyone with contacts in one query over the maintained summary, then
    the people read in chunks, in `people`'s order (so every person is in the file)."""
    found = continuity_over_days(
        organisation_id, start=today - timedelta(days=365), end=None, people=people.values("pk")
    )
    for person in people.iterator(chunk_size=2000):
        result = found.get(person.pk, NO_CONTACTS)
        indices = [result.index(name) for name in INDEX_NAMES]
        yield [
            person.pk,
            person.display_name,
            result.contacts,
            result.workers,
            *["" if value is None else round(value, 4) for value in indices],
        ]


@rule_required("insights.team_continuity")
def export_team_continuity(request: AuthedHttpRequest) -> HttpResponseBase:
    membership = membership_of(request)
    team = chosen_team(request, membership)
    people = people_visible_to(membership).order_by("given_name", "family_name", "pk")
    if team is not None:
        people = people.filter(team=team)
    today = timezone.localdate()
    header = [_("Person id"), _("Name"), _("Contacts"), _("Workers"), *INDEX_NAMES]
    name = f"team-{team.pk}" if team else "all-teams"
    return streamed_csv_response(
        f"continuity-{name}-{today.isoformat()}.csv",
        header,
        continuity_rows(people, organisation_id=membership.organisation_id, today=today),
    )
