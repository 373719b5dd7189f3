"""The safeguarding panel on the person page, registered here: people does not import
safeguarding.

Concerns and the override form or banner for safeguarding leads (read through
`services.read_concerns_for_person`, which writes the audit event); "raise a concern" and "you
raised one on ..." for workers; nothing for anyone else. One or two queries, however many
concerns there are.
"""

from typing import Any

from alongside.access.models import Membership
from alongside.people.models import Person
from alongside.people.panels import PersonPanel, register_person_panel
from alongside.safeguarding.forms import OverrideForm
from alongside.safeguarding.models import OVERRIDE_MINUTES
from alongside.safeguarding.queries import (
    concern_dates_raised_by,
    may_raise_concern,
    override_in_force,
)
from alongside.safeguarding.services import read_concerns_for_person
from alongside.visibility.overrides import is_safeguarding_lead


def safeguarding(membership: Membership, person: Person) -> dict[str, Any]:
    if membership.organisation_id != person.organisation_id:
        return {"role": None}
    if is_safeguarding_lead(membership):
        return {
            "role": "lead",
            "person": person,
            "concerns": read_concerns_for_person(membership, person.pk),
            "override": override_in_force(membership, person.pk),
            "override_form": OverrideForm(auto_id="override-%s"),
            "minutes": OVERRIDE_MINUTES,
        }
    if may_raise_concern(membership):
        return {
            "role": "worker",
            "person": person,
            "raised_dates": concern_dates_raised_by(membership, person.pk),
        }
    return {"role": None}


register_person_panel(
    PersonPanel("safeguarding", 60, "safeguarding/partials/panel.html", safeguarding)
)
