"""Forms for a person's rights. They bind and clean input; services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alongside.common.forms import Form, RecordDateField
from alongside.rights.models import RetentionSettings, WithholdReason
from alongside.rights.queries import Flag

CHOICES = (
    ("give", _("Give it as it is")),
    ("names", _("Give it with the other people's names taken out")),
    ("withhold", _("Withhold it")),
)


class OpenRequestForm(Form):
    received_on = RecordDateField(
        label=_("When the request was received"),
        help_text=_("The answer is due one month from this day."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"received_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class ReviewForm(Form):
    """One choice (and, to withhold, a reason) per item listed for review."""

    def __init__(self, *args: Any, flags: list[Flag], decided: dict[str, tuple[str, str]],
                 **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.keys: list[str] = []
        self.rows: list[tuple[str, list[Flag]]] = []
        grouped: dict[str, list[Flag]] = {}
        for flag in flags:
            grouped.setdefault(flag.item.key, []).append(flag)
        for index, (key, item_flags) in enumerate(grouped.items()):
            self.keys.append(key)
            self.rows.append((f"item_{index}", item_flags))
            choice, reason = decided.get(key, ("give", ""))
            names = any(flag.names for flag in item_flags)
            self.fields[f"item_{index}"] = forms.ChoiceField(
                label=_("What to do with it"),
                choices=[c for c in CHOICES if names or c[0] != "names"],
                widget=forms.RadioSelect,
                initial=choice,
            )
            self.fields[f"reason_{index}"] = forms.ChoiceField(
                label=_("Why it is withheld"),
                choices=[("", _("Choose a reason")), *WithholdReason.choices],
                required=False,
                initial=reason,
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for index in range(len(self.keys)):
            if data.get(f"item_{index}") == "withhold" and not data.get(f"reason_{index}"):
                self.add_error(f"reason_{index}", _("Say why it is withheld."))
        return data

    def decisions(self) -> dict[str, tuple[str, str]]:
        return {
            key: (self.cleaned_data[f"item_{i}"], self.cleaned_data.get(f"reason_{i}") or "")
            for i, key in enumerate(self.keys)
        }

    def entries(self) -> list[tuple[forms.BoundField, forms.BoundField, list[Flag]]]:
        return [
            (self[name], self[name.replace("item_", "reason_")], item_flags)
            for name, item_flags in self.rows
        ]


class EraseForm(Form):
    reason = forms.CharField(
        label=_("Why they are being erased"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example: asked in writing on 2 March; no legal reason to keep the records. "
            "Do not write what their records say."
        ),
    )
    confirm = forms.BooleanField(
        label=_("I understand this cannot be undone"),
        error_messages={"required": _("Tick the box to say you understand it cannot be undone.")},
    )


class HoldForm(Form):
    reason = forms.CharField(
        label=_("Why the records must be kept"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: a safeguarding inquiry, or a claim, that may need them."),
    )


class LiftHoldForm(Form):
    lift_reason = forms.CharField(
        label=_("Why it can be lifted"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _years(label: Any, help_text: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=1, max_value=100, help_text=help_text)


class RetentionForm(Form):
    """How many years after a person's involvement closes each kind of record is kept."""

    support_years = _years(
        _("Support notes, answers and their words"), _("Suggested: 6 years (docs/retention.md).")
    )
    eligibility_years = _years(_("Foodbank vouchers"), _("Suggested: 3 years."))
    safeguarding_years = _years(
        _("Safeguarding records"), _("Suggested: 25 years; a legal hold keeps them longer.")
    )
    shared_years = _years(
        _("Their name, contact details and contacts"),
        _("Suggested: 6 years. Kept at least as long as anything else of theirs."),
    )

    @classmethod
    def for_settings(cls, settings: RetentionSettings, data: Any = None) -> RetentionForm:
        return cls(data, initial={name: settings.years(name.removesuffix("_years"))
                                  for name in cls.base_fields})  # fmt: skip
