from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from alongside.access.models import Membership, Role
from alongside.access.permissions import COORDINATOR_GIVES
from alongside.access.pickers import WorkerPickerField
from alongside.access.queries import workers_of
from alongside.common.forms import (
    DateInput,
    Form,
    RecordDateField,
    model_choice,
)


class LeavingForm(Form):
    worker = WorkerPickerField(label=_("Worker"), queryset=None)
    leaving_on = RecordDateField(
        label=_("Leaving on"),
        required=False,
        help_text=_("Leave empty to clear a leaving date."),
        widget=DateInput(),
    )

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

        # Only the workers this coordinator may manage; anyone else posted is refused as an
        # invalid choice.
        model_choice(self, "worker").queryset = managed_workers(membership)


def managed_workers(membership: Membership) -> QuerySet[Membership]:
    """The workers `membership` may give a leaving date to: the rule the Workers pages use
    (`access.manage_worker`: a coordinator manages the supporters, volunteers and assessors of
    their own team, or of every team without a team of their own; the data lead everyone) as one
    query, rather than the rule asked of each of the organisation's workers in Python (5,000 on
    the large demo: 0.2 s of CPU a page). `test_managed_workers_are_the_rule` holds them equal."""
    workers = workers_of(membership.organisation)
    if not membership.is_active:
        return workers.none()
    if membership.role == Role.DATA_LEAD:
        return workers
    if membership.role != Role.COORDINATOR:
        return workers.none()
    workers = workers.filter(role__in=sorted(COORDINATOR_GIVES))
    return workers if membership.team_id is None else workers.filter(team_id=membership.team_id)
