from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from alongside.access.models import Membership
from alongside.access.queries import workers_of
from alongside.common.forms import DateInput, NamedUserChoiceField, RecordDateField, model_choice


class LeavingForm(forms.Form):
    worker = NamedUserChoiceField(label=_("Worker"), queryset=Membership.objects.none())
    leaving_on = RecordDateField(
        label=_("Leaving on"),
        required=False,
        help_text=_("Leave empty to clear a leaving date."),
        widget=DateInput(),
    )

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

        model_choice(self, "worker").queryset = workers_of(membership.organisation)
