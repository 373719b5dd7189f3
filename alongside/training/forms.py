"""Forms for training and supervision: a course and what requires it, a completion (one person
or a session's attendees), who supervises whom, and a supervision session."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from alongside.access.models import Membership, Role
from alongside.access.pickers import WorkerPickerField, WorkersPickerField
from alongside.common.forms import Form, RecordDateField, model_choice
from alongside.training import queries
from alongside.training.models import Activity, Course

ROLE_CHOICES = [(role.value, role.label) for role in Role if role != Role.FUNDER_VIEWER]


class CourseForm(Form):
    name = forms.CharField(label=_("Course name"), max_length=100)
    provider = forms.CharField(
        label=_("Run by (leave empty for your own course)"), max_length=120, required=False
    )
    valid_for_months = forms.IntegerField(
        label=_("Valid for how many months (leave empty if it never needs renewing)"),
        min_value=1,
        max_value=120,
        required=False,
    )
    is_core = forms.BooleanField(label=_("Core training: counted on the scorecard"), required=False)
    roles = forms.MultipleChoiceField(
        label=_("Every member in these roles needs it"),
        choices=ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    activities = forms.MultipleChoiceField(
        label=_("Needed before"),
        choices=Activity.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class CourseChangeForm(CourseForm):
    recalculate = forms.BooleanField(
        label=_("Work out again when completions already recorded run out"),
        help_text=_(
            "Only if the validity was wrong. Otherwise each keeps the day it was given when recorded."
        ),
        required=False,
    )


class RemoveForm(Form):
    reason = forms.CharField(
        label=_("Why remove it (it was recorded in error)"),
        max_length=300,
        help_text=_("For example: recorded for the wrong person. This is kept, with your name."),
    )


class MembersPickerField(WorkersPickerField):
    """Several members (memberships) chosen by searching."""

    def label_from_instance(self, obj: Any) -> str:
        user = obj.user
        return str(user.get_full_name() or user.get_username())


class _CompletionFields(Form):
    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.none())
    completed_on = RecordDateField(label=_("Completed on"))
    evidence = forms.CharField(
        label=_("Evidence (a short note: what was seen, or the session it was)"),
        max_length=200,
        required=False,
    )

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "course").queryset = queries.courses_of(membership.organisation_id)
        for name in ("member", "members"):
            if name in self.fields:
                model_choice(self, name).queryset = queries.trainable_members(
                    membership.organisation_id
                )


class CompletionChangeForm(_CompletionFields):
    """Correcting a completion: its course, day and evidence (the member stays)."""


class CompletionForm(_CompletionFields):
    member = WorkerPickerField(label=_("Who completed it"), queryset=None)
    field_order = ["member", "course", "completed_on", "evidence"]


class SessionCompletionForm(_CompletionFields):
    members = MembersPickerField(label=_("Everyone who attended"), queryset=None)
    field_order = ["members", "course", "completed_on", "evidence"]


class SupervisionForm(Form):
    supervisee = WorkerPickerField(label=_("Who is supervised"), queryset=None)
    supervisor = WorkerPickerField(label=_("Their supervisor"), queryset=None)
    every_weeks = forms.IntegerField(
        label=_("Every how many weeks"), min_value=1, max_value=52, initial=6
    )
    started_on = RecordDateField(label=_("From"))

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("supervisee", "supervisor"):
            model_choice(self, name).queryset = queries.trainable_members(
                membership.organisation_id
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("supervisee") and data.get("supervisee") == data.get("supervisor"):
            self.add_error("supervisor", _("Someone cannot supervise themselves."))
        return data


class PlanSessionForm(Form):
    planned_for = RecordDateField(label=_("Next session on"))


class SessionForm(Form):
    held_on = RecordDateField(label=_("Held on"))
    notes = forms.CharField(
        label=_("What was talked through (only the two of you can read this)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
    )
