"""Forms for a worker's weekly availability and days away. They bind and clean; services decide
(an end before the start, an overlap, too long a time away).

Field names match the services' `ValidationError` keys, so `add_service_errors` puts each
message next to the field it is about. The two forms share a page, so their field names differ
(`starts_at` for a time of day, `starts_on` for a date) and each has its own element ids.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from alongside.common.forms import DateInput, Form, RecordDateField
from alongside.scheduling.models import WEEKDAYS, ExceptionKind, WeeklyAvailability

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Which of the two forms on the availability page was sent (a hidden field named "form").
BLOCK = "block"
AWAY = "away"

SLOT_CHOICES = [
    (30, _("30 minutes")),
    (45, _("45 minutes")),
    (60, _("1 hour")),
    (90, _("1 hour 30 minutes")),
]


def _time_field(label: StrOrPromise, help_text: StrOrPromise = "") -> forms.TimeField:
    return forms.TimeField(
        label=label,
        help_text=help_text,
        input_formats=["%H:%M", "%H:%M:%S", "%H.%M"],
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": _("Enter a time, for example 09:30."),
            "invalid": _("Enter a time using the 24-hour clock, for example 09:30 or 14:00."),
        },
    )


def _date_field(label: StrOrPromise, required_message: StrOrPromise) -> RecordDateField:
    return RecordDateField(
        label=label,
        widget=DateInput(),
        error_messages={
            "required": required_message,
            "invalid": _("Enter a real date, for example 2026-12-24."),
        },
    )


class WeeklyBlockForm(Form):
    """One block of weekly availability: a day, from and until, the appointment length, where."""

    weekday = forms.TypedChoiceField(
        label=_("Day"),
        choices=WEEKDAYS,
        coerce=int,
        error_messages={"required": _("Choose a day."), "invalid_choice": _("Choose a day.")},
    )
    starts_at = _time_field(_("From"), _("For example 09:30."))
    ends_at = _time_field(_("Until"), _("For example 12:30."))
    slot_minutes = forms.TypedChoiceField(
        label=_("Appointment length"),
        choices=SLOT_CHOICES,
        coerce=int,
        initial=60,
        error_messages={
            "required": _("Choose how long each appointment is."),
            "invalid_choice": _("Choose how long each appointment is."),
        },
    )
    place = forms.CharField(
        label=_("Where"),
        required=False,
        max_length=WeeklyAvailability._meta.get_field("place").max_length,
        help_text=_("For example: The hub, Mill Street. Leave empty for phone or video."),
        error_messages={"max_length": _("Keep this to %(limit_value)d characters or fewer.")},
    )


class DaysAwayForm(Form):
    """Days away: from, until (inclusive) and why."""

    starts_on = _date_field(_("First day away"), _("Enter the first day you are away."))
    ends_on = _date_field(
        _("Last day away"), _("Enter the last day you are away (the same day for one day).")
    )
    kind = forms.ChoiceField(
        label=_("Why"),
        choices=ExceptionKind.choices,
        initial=ExceptionKind.LEAVE,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose why you are away."),
            "invalid_choice": _("Choose why you are away."),
        },
    )
