"""Forms for spaces. They bind and clean; the services decide what may be saved."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from alongside.access.models import Membership, Team
from alongside.access.pickers import WorkerPickerField
from alongside.access.queries import worker_users
from alongside.common.forms import DateInput, Form, RecordDateField, choice_field, model_choice
from alongside.spaces.models import Space, StoppingReason, TieKind, Weekday


class TimeInput(forms.TimeInput):
    """A browser time picker (HH:MM)."""

    input_type = "time"

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs=attrs, format="%H:%M")


class SpaceForm(Form):
    name = forms.CharField(label="Name", max_length=200)
    about = forms.CharField(
        max_length=4000,
        label="What happens there",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    access = forms.ChoiceField(
        label="Who can come", choices=Space.Access.choices, widget=forms.RadioSelect
    )
    venue = forms.CharField(
        label="Where it meets",
        max_length=300,
        required=False,
        help_text="Leave empty if online only.",
    )
    online_link = forms.URLField(
        max_length=500,
        label="Online link",
        required=False,
        help_text="Leave empty if it meets only in person.",
    )
    host = WorkerPickerField(
        label="Host",
        queryset=None,
        required=False,
        help_text="A worker or volunteer who welcomes people and takes the register.",
    )
    team = forms.ModelChoiceField(label="Team", queryset=Team.objects.none(), required=False)
    is_active = forms.BooleanField(label="Still meeting", required=False, initial=True)

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "host").queryset = worker_users(membership.organisation_id)
        teams = Team.objects.filter(organisation_id=membership.organisation_id)
        if membership.team_id is not None:
            teams = teams.filter(pk=membership.team_id)
            self.fields["team"].required = True
            model_choice(self, "team").empty_label = None
        model_choice(self, "team").queryset = teams

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("venue", "").strip() and not data.get("online_link", "").strip():
            self.add_error("venue", "Say where it meets, or give an online link, or both.")
        return data


class PatternForm(Form):
    weekday = forms.TypedChoiceField(label="Day", choices=Weekday.choices, coerce=int)
    starts_at = forms.TimeField(label="Starts at", widget=TimeInput())
    ends_at = forms.TimeField(label="Ends at", widget=TimeInput())
    every_weeks = forms.IntegerField(
        label="Every how many weeks", min_value=1, max_value=8, initial=1
    )
    starts_on = RecordDateField(label="From", widget=DateInput())
    ends_on = RecordDateField(label="Until", widget=DateInput(), help_text="At most a year ahead.")


class SessionForm(Form):
    on = RecordDateField(label="Date", widget=DateInput())
    starts_at = forms.TimeField(label="Starts at", widget=TimeInput())
    ends_at = forms.TimeField(label="Ends at", widget=TimeInput())


class WelcomeForm(Form):
    given_name = forms.CharField(label="First name", max_length=100)
    contact_details = forms.CharField(
        label="How to reach them (if they want)",
        max_length=300,
        required=False,
        help_text="A phone number or email, only if they would like to hear from us.",
    )
    # The host checked the possible matches and says this is someone new.
    confirm_new = forms.BooleanField(required=False, widget=forms.HiddenInput)


class FindForm(Form):
    marks_optional = False  # it narrows a list: no field is asked for

    q = forms.CharField(
        max_length=100, label="Someone else is here: find them by name", required=False
    )


class InviteForm(Form):
    space = forms.ModelChoiceField(label="Space", queryset=Space.objects.none())

    def __init__(self, *args: Any, spaces: QuerySet[Space], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "space").queryset = spaces


class StoppingReasonForm(Form):
    space = forms.ModelChoiceField(
        label="Which space", queryset=Space.objects.none(), required=False
    )
    reason = forms.ChoiceField(
        label="Why they stopped", choices=StoppingReason.Reason.choices, widget=forms.RadioSelect
    )
    in_their_words = forms.CharField(
        max_length=4000,
        label="In their words",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, spaces: QuerySet[Space], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "space").queryset = spaces


class TiesForm(Form):
    kind = forms.ChoiceField(
        label="Kind of tie", choices=TieKind.choices, widget=forms.RadioSelect, required=False
    )
    description = forms.CharField(
        label="Who they can turn to, in their words",
        max_length=300,
        required=False,
        help_text="For example: my sister Jo; the lads at the allotment; the housing officer.",
    )
    ended = forms.MultipleChoiceField(
        label="No longer someone they can turn to",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, open_ties: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "ended").choices = [(str(t.pk), t.description) for t in open_ties]
        if not open_ties:
            del self.fields["ended"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("description", "").strip() and not data.get("kind"):
            self.add_error("kind", "Choose the kind of tie.")
        if data.get("kind") and not data.get("description", "").strip():
            self.add_error("description", "Say who, in their words.")
        return data

    def added(self) -> list[tuple[str, str]]:
        if self.cleaned_data.get("description", "").strip():
            return [(self.cleaned_data["kind"], self.cleaned_data["description"])]
        return []

    def ended_ids(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data.get("ended", [])]
