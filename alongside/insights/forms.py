from typing import Any

import rules
from django.utils.translation import gettext_lazy as _

from alongside.access.models import Membership
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

        # Only the workers this coordinator may manage: the one rule the Workers pages use
        # (`access.manage_worker`: their own team's, or every team's without a team of their own).
        # Anyone else posted is refused as an invalid choice.
        workers = workers_of(membership.organisation)
        managed = [w.pk for w in workers if rules.test_rule("access.manage_worker", membership, w)]
        model_choice(self, "worker").queryset = workers.filter(pk__in=managed)
