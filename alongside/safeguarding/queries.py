"""Reads in the safeguarding sphere. (Filled in by the safeguarding work; the signature is fixed.)"""

from django.db.models import QuerySet

from alongside.access.models import Membership


def overridden_person_ids(membership: Membership | None) -> QuerySet:  # type: ignore[type-arg]
    """`values("person_id")` of people whose support records this membership may open right now
    under a safeguarding override (in force: not expired). Empty for everyone else."""
    from alongside.people.models import Person

    return Person.objects.none().values("pk")
