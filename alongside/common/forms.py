"""Shared form pieces: service errors onto the form, date pickers, dates bound to a sensible range."""

from datetime import date, datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from alongside.common.dates import date_problem


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Attach errors to their fields, or to the form when the field is not on it."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class DateInput(forms.DateInput):
    """A browser date picker. Its value must be ISO 8601 (YYYY-MM-DD) for the browser to show it."""

    input_type = "date"

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _in_record_range(value: date | datetime) -> None:
    problem = date_problem(value)
    if problem:
        raise ValidationError(problem, code="date_out_of_range")


class RecordDateField(forms.DateField):
    """A date a record carries, bound to `common.dates` (2000 to 2099), with a date picker."""

    default_validators = [_in_record_range]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", DateInput())
        super().__init__(**kwargs)


class RecordDateTimeField(forms.DateTimeField):
    """A moment a record carries (a contact's time), bound to the same range as its date."""

    default_validators = [_in_record_range]


def model_choice(form: forms.BaseForm, name: str) -> "forms.ModelChoiceField[Any]":
    """The form's model choice field `name`, typed, to set its queryset for this membership."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The form's choice field `name`, typed, to set its choices for this membership."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


class NamedUserChoiceField(forms.ModelChoiceField[Any]):
    """Choose a user, or a membership (by its user), shown by full name."""

    def label_from_instance(self, obj: Any) -> str:
        user = getattr(obj, "user", obj)
        return str(user.get_full_name() or user.get_username())
