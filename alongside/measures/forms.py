"""Forms: the questionnaire (built from instrument definitions), asking, instruments, schedule."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone

from alongside.common.forms import DateInput, Form, RecordDateField, choice_field
from alongside.common.ids import parse_number
from alongside.measures.models import InstrumentVersion, SittingKind
from alongside.measures.scoring import MEAN, SEPARATE, SUM
from alongside.measures.services import LINK_DAYS, MAX_LINK_DAYS, field_name

PREFER_NOT = "prefer_not"


class QuestionnaireForm(Form):
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


class AskForm(Form):
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
        choice_field(self, "instruments").choices = [
            (str(v.pk), v.instrument.name) for v in versions
        ]

    def chosen_versions(self) -> list[InstrumentVersion]:
        return [self.versions[pk] for pk in self.cleaned_data["instruments"]]


LINE = re.compile(r"^\s*(-?\d+)\s*[=:]\s*(.+?)\s*$")
NUMBER = r"-?\d+(?:\.\d+)?"
BAND = re.compile(rf"^\s*({NUMBER})\s*[-–]\s*({NUMBER})\s*[=:]\s*(.+?)\s*$")
CONVERSION = re.compile(rf"^\s*(-?\d+)\s*[=:]\s*({NUMBER})\s*$")
SUBSCALE = re.compile(r"^\s*([^=:]+?)\s*[=:]\s*(.*?)\s*$")
QUESTION_RANGE = re.compile(r"^([0-9]{1,4})\s*[-–]\s*([0-9]{1,4})$")
MAX_QUESTION_NUMBER = 1000


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _whole(text: str) -> int | float:
    """A number as written: a whole number stays an int (stored as 7, not 7.0)."""
    number = float(text)
    return int(number) if number.is_integer() else number


def parse_question_numbers(text: str) -> list[int] | None:
    """Read question numbers: "2, 5" -> [2, 5], "1-4, 7" -> [1, 2, 3, 4, 7]; None if unreadable."""
    found: list[int] = []
    joined = re.sub(r"\s*([-–])\s*", r"\1", text.strip())
    for part in re.split(r"(?:[,;\s]|\band\b)+", joined):
        if not part:
            continue
        number = parse_number(part, maximum=MAX_QUESTION_NUMBER)
        if number is not None:
            found.append(number)
            continue
        match = QUESTION_RANGE.match(part)
        if match is None:
            return None
        low, high = int(match[1]), int(match[2])
        if low > high or high > MAX_QUESTION_NUMBER:
            return None
        found.extend(range(low, high + 1))
    return found


class InstrumentForm(Form):
    name = forms.CharField(label="Name", max_length=200)
    notice = forms.CharField(
        max_length=4000,
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
        max_length=20000,
        label="Questions, one a line, in the exact wording",
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text="They are numbered 1, 2, 3 … in this order.",
    )
    options = forms.CharField(
        max_length=4000,
        label="Answers, one a line, as number = words",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="For example: 1 = None of the time. “Prefer not to say” is added for you.",
    )
    reverse = forms.CharField(
        label="Questions scored in reverse",
        required=False,
        max_length=500,
        help_text="Their numbers, for example: 2, 5. A reversed answer counts as "
        "lowest + highest − the answer, so on a 1 to 5 scale 1 counts as 5.",
    )
    scoring = forms.ChoiceField(
        label="Overall total",
        choices=[
            (SUM, "Add the answers up (a total)"),
            (MEAN, "Average of the answers (to 2 decimal places)"),
            (SEPARATE, "No overall total: report each question separately"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how it is scored."},
    )
    total_questions = forms.CharField(
        label="Questions in the overall total",
        required=False,
        max_length=500,
        help_text="Leave empty to use every question. For example: 1-7, or 1, 2, 4.",
    )
    total_label = forms.CharField(label="Name of the total", required=False, max_length=200)
    total_table = forms.CharField(
        max_length=20000,
        label="Conversion table for the total, one a line, as raw total = score",
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        help_text="For example: 7 = 7.00. Only for a total that adds the answers up. "
        "Every possible raw total needs its own line.",
    )
    total_bands = forms.CharField(
        max_length=4000,
        label="Bands for the total, one a line, as low–high = words",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="With a conversion table, the bands are for the converted score. "
        "Decimals are fine, for example: 7–19.5 = Low.",
    )
    subscales = forms.CharField(
        max_length=4000,
        label="Subscales, one a line, as name = question numbers",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="For example: Bond = 3, 5, 7. A question can be in more than one subscale, "
        "or in none.",
    )
    subscale_scoring = forms.ChoiceField(
        label="How each subscale is worked out",
        choices=[
            (SUM, "Add its answers up"),
            (MEAN, "Average of its answers (to 2 decimal places)"),
        ],
        widget=forms.RadioSelect,
        required=False,
        initial=SUM,
    )

    def clean_questions(self) -> list[str]:
        return _lines(self.cleaned_data["questions"])

    def clean_options(self) -> list[tuple[int, str]]:
        found = []
        for line in _lines(self.cleaned_data["options"]):
            match = LINE.match(line)
            if match is None:
                raise forms.ValidationError(f"Write “{line}” as number = words.")
            found.append((int(match[1]), match[2]))
        return found

    def clean_reverse(self) -> list[int]:
        return self._question_numbers("reverse")

    def clean_total_questions(self) -> list[int]:
        return self._question_numbers("total_questions")

    def _question_numbers(self, field: str) -> list[int]:
        text = self.cleaned_data[field]
        found = parse_question_numbers(text)
        if found is None:
            raise forms.ValidationError(
                f"Write “{text.strip()}” as question numbers, for example: 2, 5 or 1-7."
            )
        return found

    def clean_total_table(self) -> list[tuple[int, float]]:
        found = []
        for line in _lines(self.cleaned_data["total_table"]):
            match = CONVERSION.match(line)
            if match is None:
                raise forms.ValidationError(
                    f"Write “{line}” as raw total = score, with a whole number for the raw "
                    "total, for example: 8 = 9.51."
                )
            found.append((int(match[1]), float(match[2])))
        return found

    def clean_total_bands(self) -> list[tuple[int | float, int | float, str]]:
        found = []
        for line in _lines(self.cleaned_data["total_bands"]):
            match = BAND.match(line)
            if match is None:
                raise forms.ValidationError(f"Write “{line}” as low–high = words.")
            found.append((_whole(match[1]), _whole(match[2]), match[3]))
        return found

    def clean_subscales(self) -> list[tuple[str, list[int]]]:
        found = []
        for line in _lines(self.cleaned_data["subscales"]):
            match = SUBSCALE.match(line)
            numbers = None if match is None else parse_question_numbers(match[2])
            if match is None or not numbers:
                raise forms.ValidationError(
                    f"Write “{line}” as name = question numbers, for example: Bond = 3, 5, 7."
                )
            found.append((match[1], numbers))
        return found

    def clean_subscale_scoring(self) -> str:
        return self.cleaned_data["subscale_scoring"] or SUM


class ScheduleForm(Form):
    review_every_weeks = forms.IntegerField(
        label="Ask again every (weeks)", required=False, min_value=1, max_value=104
    )
    review_after_contacts = forms.IntegerField(
        label="Or after this many contacts", required=False, min_value=1, max_value=100
    )


class PeriodForm(Form):
    marks_optional = False  # it narrows a list: no field is asked for

    start = RecordDateField(label="From", widget=DateInput(), required=False)
    end = RecordDateField(label="To", widget=DateInput(), required=False)

    def period(self) -> tuple[date, date]:
        today = timezone.localdate()
        start, end = today - timedelta(days=365), today
        if self.is_valid():
            start = self.cleaned_data["start"] or start
            end = self.cleaned_data["end"] or end
        return (start, end) if start <= end else (end, start)
