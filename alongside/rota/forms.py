"""Forms for the rota, hours and gifts. They bind and clean; the services decide what is saved."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from alongside.access.models import Membership
from alongside.common.forms import DateInput, Form, RecordDateField, model_choice
from alongside.common.ids import parse_number
from alongside.rota.models import GiftKind, GiftUnit, ShiftRole
from alongside.spaces.forms import TimeInput
from alongside.spaces.models import Space, Weekday

MAX_ROLES = 12


def parse_roles(text: str) -> list[tuple[str, int]]:
    """ "Desk: 2" lines -> [("Desk", 2)]. Raises ValueError with the plain words of the problem."""
    roles: list[tuple[str, int]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, separator, count = line.rpartition(":")
        needed = parse_number(count, maximum=50) if separator else None
        if not name.strip() or needed is None or needed < 1:
            raise ValueError(
                f"Line {number}: write a role, a colon and how many people, like “Desk: 2”."
            )
        roles.append((name.strip()[:80], needed))
    if len(roles) > MAX_ROLES:
        raise ValueError(f"A shift can have at most {MAX_ROLES} roles.")
    return roles


class RolesField(forms.CharField):
    """ "Desk: 2" lines, cleaned to [("Desk", 2)], with the problem's line in plain words."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Roles and how many people each needs"))
        kwargs.setdefault("max_length", 1000)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 4}))
        kwargs.setdefault("help_text", _("One a line, like “Desk: 2”, “Packing: 3”, “Driver: 1”."))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> list[tuple[str, int]]:
        text = super().clean(value)
        try:
            return parse_roles(text)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


class ShiftPatternForm(Form):
    name = forms.CharField(label=_("Name"), max_length=120, help_text=_("Like “Tuesday foodbank”."))
    space = forms.ModelChoiceField(
        label=_("The space's sessions it serves (if any)"),
        queryset=Space.objects.none(),
        required=False,
    )
    place = forms.CharField(label=_("Where"), max_length=200, required=False)
    weekday = forms.TypedChoiceField(label=_("Day"), choices=Weekday.choices, coerce=int)
    starts_at = forms.TimeField(label=_("Starts at"), widget=TimeInput())
    ends_at = forms.TimeField(label=_("Ends at"), widget=TimeInput())
    every_weeks = forms.IntegerField(
        label=_("Every how many weeks"), min_value=1, max_value=8, initial=1
    )
    starts_on = RecordDateField(label=_("From"), widget=DateInput())
    ends_on = RecordDateField(
        label=_("Until (if it stops)"),
        widget=DateInput(),
        required=False,
        help_text=_("Leave empty to keep it going. Its shifts are made 12 weeks ahead, every day."),
    )
    roles = RolesField()

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "space").queryset = Space.objects.filter(
            organisation_id=membership.organisation_id, is_active=True
        ).order_by("name")


class ChangePatternForm(Form):
    """A repeating shift's times, roles and last date, from a day on."""

    from_day = RecordDateField(
        label=_("From"),
        help_text=_("The first day the change applies to. Shifts before it stay as they were."),
    )
    starts_at = forms.TimeField(label=_("Starts at"), widget=TimeInput())
    ends_at = forms.TimeField(label=_("Ends at"), widget=TimeInput())
    roles = RolesField()
    ends_on = RecordDateField(
        label=_("Until (if it stops)"),
        required=False,
        help_text=_("Leave empty to keep it going."),
    )


class CancelShiftForm(Form):
    reason = forms.CharField(
        label=_("Why it is cancelled"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Everyone on the shift is told this, in the app and by email. Say what happened to "
            "the shift, like “The hall is closed for repairs”, never anything about a person "
            "you support."
        ),
    )


class AskForm(Form):
    member = forms.ModelChoiceField(label=_("Who to ask"), queryset=Membership.objects.none())
    role = forms.ModelChoiceField(label=_("In which role"), queryset=ShiftRole.objects.none())

    def __init__(
        self,
        *args: Any,
        members: QuerySet[Membership],
        roles: QuerySet[ShiftRole],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "member").queryset = members
        model_choice(self, "member").label_from_instance = lambda m: (  # type: ignore[method-assign,assignment]
            f"{m.user.get_full_name() or m.user.username} ({m.get_role_display()})"
        )
        model_choice(self, "role").queryset = roles


class HoursForm(Form):
    what = forms.CharField(label=_("What you did"), max_length=200)
    on = RecordDateField(label=_("When"), widget=DateInput())
    hours = forms.DecimalField(
        label=_("How long (hours)"),
        min_value=Decimal("0.1"),
        max_value=Decimal("24"),
        decimal_places=2,
        help_text=_("Like 1.5 for an hour and a half."),
    )


class GiftForm(Form):
    kind = forms.ChoiceField(label=_("What kind"), choices=GiftKind.choices)
    description = forms.CharField(label=_("What it was"), max_length=200)
    received_on = RecordDateField(label=_("Received on"), widget=DateInput())
    quantity = forms.DecimalField(
        label=_("How much (if counted)"),
        required=False,
        min_value=Decimal("0.01"),
        max_value=Decimal("999999"),
        decimal_places=2,
    )
    unit = forms.ChoiceField(
        label=_("In"), choices=[("", _("—"))] + list(GiftUnit.choices), required=False
    )
    value = forms.DecimalField(
        label=_("Value in pounds (money given, or an estimate for a gift in kind)"),
        required=False,
        min_value=Decimal("0.01"),
        max_value=Decimal("999999.99"),
        decimal_places=2,
    )
    donor = forms.CharField(
        label=_("From (leave empty for an anonymous gift)"), max_length=200, required=False
    )
