"""Forms for learning. They bind and clean input; services decide."""

from datetime import date
from typing import Any

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from alongside.access import words as local_words
from alongside.common.forms import DateInput, Form, RecordDateField, choice_field, conditional
from alongside.learning.models import GoalSetBy
from alongside.learning.queries import period_of

DEMAND_HINT = _(
    "Value demand is what we are here for. Failure demand is caused by something not done, or "
    "not done right."
)


class DemandForm(Form):
    """Offers the organisation's own words (decision 0088): pass `organisation_id`, and the
    record's present `failure_kind` as `keep` so a retired word is not lost on editing."""

    kind = forms.ChoiceField(
        label=_("Was this contact value demand or failure demand?"),
        help_text=DEMAND_HINT,
        widget=forms.RadioSelect,
    )
    failure_kind = conditional(
        forms.ChoiceField(
            label=_("If failure demand: what went wrong"),
            widget=forms.RadioSelect,
            required=False,
        )
    )
    in_their_words = forms.CharField(
        label=_("What went wrong, in their words"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, organisation_id: int, keep: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lists = local_words.choices_of(
            organisation_id, ["demand_kind", "failure_kind"], keep={"failure_kind": [keep]}
        )
        field = choice_field(self, "kind")
        field.choices = ([("", str(_("Not marked")))] if not field.required else []) + lists[
            "demand_kind"
        ]
        choice_field(self, "failure_kind").choices = lists["failure_kind"]


class OpenNeedForm(Form):
    in_their_words = forms.CharField(
        label=_("What they came for, in their words"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    first_contact_on = RecordDateField(
        label=_("First contact about this"), required=False, widget=DateInput()
    )
    goal = forms.CharField(
        label=_("What they want to happen, in their words"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    goal_set_by = forms.ChoiceField(
        label=_("Who set this goal"),
        choices=[("", _("No goal yet"))] + list(GoalSetBy.choices),
        required=False,
    )
    contact = forms.IntegerField(required=False, widget=forms.HiddenInput)


class GoalForm(Form):
    goal = forms.CharField(
        label=_("What they want to happen, in their words"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Write what they want to happen, in their words.")},
    )
    goal_set_by = forms.ChoiceField(
        label=_("Who set this goal"),
        choices=GoalSetBy.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say who set this goal.")},
    )


class CloseNeedForm(Form):
    person_confirmed = forms.BooleanField(label=_("They told me it's sorted"), required=False)
    reason = forms.ChoiceField(label=_("Or it is closing for another reason"), required=False)
    words = forms.CharField(
        label=_("In a few words (needed for another reason)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    on = RecordDateField(label=_("On"), widget=DateInput())

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The organisation's own words (decision 0088).
        choice_field(self, "reason").choices = [
            ("", str(_("No other reason")))
        ] + local_words.choices(organisation_id, "close_reason")


class SpendForm(Form):
    amount = forms.DecimalField(label=_("Amount"), max_digits=8, decimal_places=2)
    purpose = forms.CharField(
        label=_("What it is for"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    spent_on = RecordDateField(label=_("Date"), widget=DateInput())


class DecideSpendForm(Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    reason = conditional(
        forms.CharField(
            label=_("Why not (when declining)"),
            required=False,
            max_length=1000,
            widget=forms.Textarea(attrs={"rows": 2}),
        )
    )


class LearningSettingsForm(Form):
    discretion_limit = forms.DecimalField(
        label=_("A worker may spend up to this without asking anyone"),
        help_text=_(
            "For one person over 30 days, counting every spend made without asking. Above it, "
            "a coordinator of the team approves or declines."
        ),
        max_digits=8,
        decimal_places=2,
    )
    currency = forms.CharField(label=_("Currency"), max_length=3)


class PeriodForm(Form):
    marks_optional = False  # it narrows a list: no field is asked for

    start = RecordDateField(label=_("From"), required=False, widget=DateInput())
    end = RecordDateField(label=_("To"), required=False, widget=DateInput())

    def asked(self) -> tuple[date | None, date | None]:
        """The dates asked for, None for those left to their default (`period_of`)."""
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("start"), data.get("end")

    def period(self) -> tuple[date, date]:
        """The period asked for; by default the last twelve months to today."""
        return period_of(*self.asked(), today=timezone.localdate())


class AdminTimeForm(Form):
    week = forms.TypedChoiceField(label=_("Week starting"), coerce=date.fromisoformat)
    team = forms.TypedChoiceField(label=_("Team"), coerce=int)
    hours = forms.DecimalField(
        label=_("Hours on admin that week"),
        max_digits=4,
        decimal_places=1,
        help_text=_(
            "Recording, emails, forms, meetings about process: time not spent with people."
        ),
    )

    def __init__(self, *args: Any, weeks: list[date], teams: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "week").choices = [
            (w.isoformat(), formats.date_format(w, "j M Y")) for w in weeks
        ]
        choice_field(self, "team").choices = [(t.pk, t.name) for t in teams]
        if len(teams) == 1:
            self.fields["team"].widget = forms.HiddenInput()
