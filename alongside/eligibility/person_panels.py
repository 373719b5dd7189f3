"""The eligibility panels on the person page, registered here: people does not import
eligibility."""

from typing import Any

from alongside.access.models import Membership
from alongside.eligibility.queries import has_assessed, reads_eligibility
from alongside.eligibility.services import read_vouchers_for_person
from alongside.people.models import Person
from alongside.people.panels import PersonPanel, register_person_panel


def both_roles_warning(membership: Membership, person: Person) -> dict[str, Any]:
    """Warn a supporter who also checked this person's eligibility (where the organisation
    allows both roles): the person may tell them less."""
    return {
        "warning": person.organisation.allow_assessor_and_supporter
        and has_assessed(membership.user_id, person.pk)
    }


def vouchers(membership: Membership, person: Person) -> dict[str, Any]:
    """The person's vouchers, only for roles that read the eligibility sphere. For assessors: one
    query, and one `eligibility.voucher.viewed` audit event when there is something to show
    (`services.read_vouchers_for_person`). Nothing at all for anyone else."""
    if not reads_eligibility(membership):
        return {"show": False}
    return {"show": True, "vouchers": read_vouchers_for_person(membership, person.pk)}


register_person_panel(
    PersonPanel("both_roles", 5, "eligibility/partials/both_roles_warning.html", both_roles_warning)
)
register_person_panel(
    PersonPanel("vouchers", 70, "eligibility/partials/vouchers_panel.html", vouchers)
)
