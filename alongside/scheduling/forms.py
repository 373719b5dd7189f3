"""Forms for booking, appointments and plans. They bind and clean input; services decide."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from alongside.access.models import Skill, Team
from alongside.common.forms import DateInput, Form, RecordDateField, model_choice
from alongside.relationships.models import Initiator
from alongside.scheduling.models import AppointmentMode, CancelledBy
from alongside.scheduling.queries import parse_slot_key


class SlotField(forms.CharField):
    """A slot key, "<worker id>@<aware ISO start>", cleaned to (worker id, start)."""

    def clean(self, value: object) -> tuple[int, datetime]:
        text = super().clean(value)
        parsed = parse_slot_key(text or "")
        if parsed is None:
            raise forms.ValidationError(_("Choose a time from the list."))
        return parsed


class BookingForm(Form):
    slot = SlotField(
        max_length=100,
        label=_("Time"),
        error_messages={"required": _("Choose a time from the list.")},
    )
    mode = forms.ChoiceField(
        label=_("How"),
        choices=AppointmentMode.choices,
        initial=AppointmentMode.IN_PERSON,
        widget=forms.RadioSelect,
    )
    place = forms.CharField(
        label=_("Where (in person)"),
        required=False,
        max_length=200,
        help_text=_("Leave empty to use the worker's usual place for that time."),
    )
    video_link = forms.CharField(label=_("Video link (video)"), required=False, max_length=200)


class CancelForm(Form):
    cancelled_by = forms.ChoiceField(
        label=_("Who asked to change it"), choices=CancelledBy.choices, widget=forms.RadioSelect
    )


class AttendedForm(Form):
    initiated_by = forms.ChoiceField(
        label=_("Who arranged it"),
        choices=Initiator.choices,
        initial=Initiator.US,
        widget=forms.RadioSelect,
    )
    asked_for = forms.CharField(
        label=_("What they asked for"),
        required=False,
        max_length=500,
        help_text=_("In their words. Kept with their support notes."),
    )
    notes = forms.CharField(
        max_length=8000,
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Kept with their support notes: only supporters can read them."),
    )
    follow_up_on = RecordDateField(
        label=_("Follow up by"),
        required=False,
        widget=DateInput(),
    )


class FromDateForm(Form):
    start = RecordDateField(label=_("From"), required=False, widget=DateInput())

    def start_or(self, default: date) -> date:
        if self.is_valid() and self.cleaned_data["start"]:
            value: date = self.cleaned_data["start"]
            return value
        return default


class NewPlanForm(Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), empty_label=None)
    period_start = RecordDateField(label=_("From"), widget=DateInput())
    period_end = RecordDateField(label=_("Until"), widget=DateInput())
    every_days = forms.TypedChoiceField(
        label=_("How often they are seen"),
        coerce=int,
        choices=[(7, _("Weekly")), (14, _("Fortnightly")), (28, _("Every four weeks"))],
        initial=14,
        widget=forms.RadioSelect,
    )
    window_days = forms.IntegerField(
        label=_("Days each check-in may move"),
        min_value=1,
        max_value=28,
        initial=5,
        help_text=_("For example 5: a check-in due on Monday can happen any day until Friday."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    skill = forms.ModelChoiceField(
        label=_("Needs a worker with this skill"),
        queryset=Skill.objects.none(),
        required=False,
        empty_label=_("Any worker"),
    )

    def __init__(
        self, *args: Any, teams: QuerySet[Any], skills: QuerySet[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "team").queryset = teams
        model_choice(self, "skill").queryset = skills


class AdjustForm(Form):
    request = forms.CharField(
        max_length=500,
    )
    slot = forms.CharField(max_length=100, required=False)


class WorkerDetailsForm(Form):
    skills = forms.ModelMultipleChoiceField(
        label=_("Skills"),
        queryset=Skill.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.CharField(
        label=_("Languages spoken"),
        required=False,
        max_length=200,
        help_text=_("For example: English, Polish. People are booked in a language they list."),
    )
    takes_new_people = forms.IntegerField(
        label=_("Can take this many more people as their named worker"),
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, skills: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "skills").queryset = skills
