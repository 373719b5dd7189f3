"""The audit log's search: by person, worker, action and dates. Every field is bounded, so any
input is either a search or a plain message (400), never an error page."""

from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from alongside.access.pickers import WorkerPickerField
from alongside.audit import actions
from alongside.common.forms import Form

BIGGEST_ID = 2**63 - 1  # the largest id the database stores
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


class AuditSearchForm(Form):
    marks_optional = False  # it narrows a list: no field is asked for

    person = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=BIGGEST_ID,
        label=_("Person's record number"),
        help_text=_("The number in the address of their page, e.g. 42 in /people/42/."),
        error_messages={"invalid": _("Enter a record number in figures, like 42.")},
    )
    worker = WorkerPickerField(required=False, queryset=None, label=_("Worker"))
    action = forms.ChoiceField(required=False, label=_("What was done"), choices=())
    start = forms.DateField(
        required=False,
        label=_("From"),
        help_text=_("A date, e.g. 2026-08-01."),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a real date, like 2026-08-01.")},
    )
    end = forms.DateField(
        required=False,
        label=_("To (inclusive)"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a real date, like 2026-08-31.")},
    )
    origin = forms.ChoiceField(
        required=False,
        label=_("Which log"),
        choices=(
            ("", _("This system's log")),
            ("restored", _("From your previous system (restored with an archive)")),
        ),
        help_text=_(
            "Events restored with an archive keep their original dates. They are kept beside "
            "this system's log and are not part of its chain."
        ),
    )
    before = forms.IntegerField(
        required=False, min_value=1, max_value=BIGGEST_ID, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, workers: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        worker_field = self.fields["worker"]
        assert isinstance(worker_field, WorkerPickerField)
        worker_field.queryset = workers
        worker_field.widget.in_form = True  # a GET form: its search box is part of it
        action_field = self.fields["action"]
        assert isinstance(action_field, forms.ChoiceField)
        action_field.choices = [("", _("Anything")), *((n, n) for n in sorted(actions.REGISTRY))]

    def _in_range(self, name: str) -> date | None:
        value: date | None = self.cleaned_data.get(name)
        if value is not None and not EARLIEST <= value <= LATEST:
            raise forms.ValidationError(
                _("Enter a date between %(earliest)s and %(latest)s."),
                params={"earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()},
            )
        return value

    def clean_start(self) -> date | None:
        return self._in_range("start")

    def clean_end(self) -> date | None:
        return self._in_range("end")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end date is before the start date."))
        return data
