"""Forms for the learning report. They bind and clean input; services decide."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alongside.access.models import Team
from alongside.common.forms import DateInput, Form, RecordDateField, model_choice


def default_period() -> tuple[date, date]:
    """The last six whole months."""
    today = timezone.localdate()
    end = date(today.year, today.month, 1) - timedelta(days=1)
    month = end.month - 5
    year = end.year + (month - 1) // 12
    start = date(year, (month - 1) % 12 + 1, 1)
    return start, end


class PeriodForm(Form):
    marks_optional = False  # it narrows a list: no field is asked for

    start = RecordDateField(label=_("From"), widget=DateInput())
    end = RecordDateField(label=_("Until"), widget=DateInput())

    def clean(self) -> dict[str, object]:
        from alongside.reports.content import PeriodError, check_period

        data = super().clean() or {}
        if data.get("start") and data.get("end"):
            try:
                check_period(data["start"], data["end"])
            except PeriodError as error:
                self.add_error(
                    "end", str(error).replace("END", "the end").replace("START", "the start")
                )
        return data


class StoryForm(Form):
    in_their_words = forms.CharField(
        max_length=4000,
        label=_("Their story, in their words"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Leave out names and anything that could identify them or anyone else."),
    )
    told_on = RecordDateField(label=_("When they told it"), widget=DateInput())
    agreed_to_share = forms.BooleanField(
        label=_("They agreed it may be shared, without their name, in reports to funders"),
        required=False,
    )


class LearningForm(Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), empty_label=None)
    period_start = RecordDateField(label=_("From"), widget=DateInput())
    period_end = RecordDateField(label=_("Until"), widget=DateInput())
    learned = forms.CharField(
        max_length=4000, label=_("What we learned"), widget=forms.Textarea(attrs={"rows": 5})
    )
    will_change = forms.CharField(
        max_length=4000, label=_("What we will change"), widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args: Any, teams: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "team").queryset = teams


class RateForm(Form):
    volunteer_hour_rate = forms.DecimalField(
        label=_("Value of an hour of volunteer time (£)"),
        max_digits=7,
        decimal_places=2,
        help_text=_("For example the Real Living Wage. Reports value volunteer time at this rate."),
    )
