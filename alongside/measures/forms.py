"""Forms: the questionnaire (built from instrument definitions), asking, instruments, schedule."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone

from alongside.common.forms import DateInput
from alongside.measures.models import InstrumentVersion, SittingKind
from alongside.measures.scoring import SEPARATE, SUM
from alongside.measures.services import LINK_DAYS, MAX_LINK_DAYS, field_name

PREFER_NOT = "prefer_not"


class QuestionnaireForm(forms.Form):
    """One radio group per question, grouped by instrument. Every question needs a choice, and
    "Prefer not to say" is always one of them."""

    def __init__(self, versions: list[InstrumentVersion], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.versions = versions
        for version in versions:
            for item in version.definition.items:
                self.fields[field_name(version, item.code)] = forms.ChoiceField(
                    label=item.text,
                    choices=[
                        (PREFER_NOT if o.value is None else str(o.value), o.label)
                        for o in item.options
                    ],
                    widget=forms.RadioSelect,
                    error_messages={
                        "required": f"Choose an answer to “{item.text}”, or “Prefer not to say”.",
                        "invalid_choice": f"Choose one of the answers shown for “{item.text}”.",
                    },
                )

    def groups(self) -> list[tuple[InstrumentVersion, list[forms.BoundField]]]:
        return [
            (version, [self[field_name(version, item.code)] for item in version.definition.items])
            for version in self.versions
        ]

    def answers(self) -> dict[int, dict[str, int | None]]:
        """Version id -> item code -> value (None: prefer not to say), from cleaned data."""
        found: dict[int, dict[str, int | None]] = {}
        for version in self.versions:
            given: dict[str, int | None] = {}
            for item in version.definition.items:
                raw = self.cleaned_data.get(field_name(version, item.code))
                if raw is None or raw == "":
                    continue
                given[item.code] = None if raw == PREFER_NOT else int(raw)
            found[version.pk] = given
        return found


class AskForm(forms.Form):
    instruments = forms.MultipleChoiceField(
        label="Which questions",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one questionnaire."},
    )
    kind = forms.ChoiceField(
        label="How they will answer",
        choices=SittingKind.choices,
        widget=forms.RadioSelect,
        initial=SittingKind.LINK,
        error_messages={"required": "Choose how they will answer."},
    )
    days = forms.IntegerField(
        label="A link works for (days)",
        min_value=1,
        max_value=MAX_LINK_DAYS,
        initial=LINK_DAYS,
        help_text="Only for a link. It works once.",
    )

    def __init__(self, versions: list[InstrumentVersion], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.versions = {str(v.pk): v for v in versions}
        self.fields["instruments"].choices = [(str(v.pk), v.instrument.name) for v in versions]

    def chosen_versions(self) -> list[InstrumentVersion]:
        return [self.versions[pk] for pk in self.cleaned_data["instruments"]]


LINE = re.compile(r"^\s*(-?\d+)\s*[=:]\s*(.+?)\s*$")
BAND = re.compile(r"^\s*(-?\d+)\s*[-–]\s*(-?\d+)\s*[=:]\s*(.+?)\s*$")


class InstrumentForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200)
    notice = forms.CharField(
        label="Copyright and licence notice",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Exactly as the copyright holder asks. It is shown wherever the instrument is.",
    )
    permission_confirmed = forms.BooleanField(
        label="We have permission to use this instrument",
        required=False,
        help_text="Licensed instruments (for example SWEMWBS, WAI-SR, CARE) need the holder's permission first.",
    )
    questions = forms.CharField(
        label="Questions, one a line, in the exact wording",
        widget=forms.Textarea(attrs={"rows": 7}),
    )
    options = forms.CharField(
        label="Answers, one a line, as number = words",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="For example: 1 = None of the time. “Prefer not to say” is added for you.",
    )
    scoring = forms.ChoiceField(
        label="Scoring",
        choices=[
            (SUM, "Add the answers up (a total)"),
            (SEPARATE, "Report each question separately"),
        ],
        widget=forms.RadioSelect,
    )
    total_label = forms.CharField(label="Name of the total", required=False, max_length=200)
    total_bands = forms.CharField(
        label="Bands for the total, one a line, as low–high = words (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def clean_questions(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["questions"].splitlines()]
        return [line for line in lines if line]

    def clean_options(self) -> list[tuple[int, str]]:
        found = []
        for line in self.cleaned_data["options"].splitlines():
            if not line.strip():
                continue
            match = LINE.match(line)
            if match is None:
                raise forms.ValidationError(f"Write “{line.strip()}” as number = words.")
            found.append((int(match[1]), match[2]))
        return found

    def clean_total_bands(self) -> list[tuple[int, int, str]]:
        found = []
        for line in self.cleaned_data["total_bands"].splitlines():
            if not line.strip():
                continue
            match = BAND.match(line)
            if match is None:
                raise forms.ValidationError(f"Write “{line.strip()}” as low–high = words.")
            found.append((int(match[1]), int(match[2]), match[3]))
        return found


class ScheduleForm(forms.Form):
    review_every_weeks = forms.IntegerField(
        label="Ask again every (weeks)", required=False, min_value=1, max_value=104
    )
    review_after_contacts = forms.IntegerField(
        label="Or after this many contacts", required=False, min_value=1, max_value=100
    )


class PeriodForm(forms.Form):
    start = forms.DateField(label="From", widget=DateInput(), required=False)
    end = forms.DateField(label="To", widget=DateInput(), required=False)

    def period(self) -> tuple[date, date]:
        today = timezone.localdate()
        start, end = today - timedelta(days=365), today
        if self.is_valid():
            start = self.cleaned_data["start"] or start
            end = self.cleaned_data["end"] or end
        return (start, end) if start <= end else (end, start)
