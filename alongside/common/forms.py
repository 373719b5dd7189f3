"""Shared form pieces: the project's form bases (plain-English errors), service errors onto the
form, date pickers, dates bound to a sensible range."""

from datetime import date, datetime
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.forms.utils import pretty_name
from django.utils.translation import gettext as _

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


# Plain English instead of Django's "This field is required." (issue 13; GOV.UK's error messages):
# every form in the project is a `Form` or a `ModelForm` from here, whose fields say what to do,
# in words drawn from their label, unless a field gives its own `error_messages`.

_CHOOSE = (forms.RadioSelect, forms.Select, forms.SelectMultiple, forms.CheckboxSelectMultiple)


def _default_messages(field: forms.Field) -> dict[str, Any]:
    """Django's own words for each error: a field class of ours that words its own is kept."""
    kind = type(field)
    defaults = _DEFAULTS.get(kind)
    if defaults is None:
        defaults = {}
        for cls in reversed(kind.__mro__):
            if cls.__module__.startswith("django."):
                defaults.update(cls.__dict__.get("default_error_messages", {}))
        _DEFAULTS[kind] = defaults
    return defaults


# Depends only on the kind of field, and every form built asks it for every field.
_DEFAULTS: dict[type, dict[str, Any]] = {}


def _what(field: forms.Field, name: str) -> str:
    """The label as it reads inside a sentence: 'First name' -> 'first name'; one word or a
    question is quoted instead ('“When”'), as a lower-cased one reads badly."""
    label = str(field.label or pretty_name(name)).replace("(optional)", "").strip().rstrip(":")
    if " " not in label or label.endswith("?"):
        return f"“{label}”"
    first, rest = label[0], label[1:]
    # Keep a capital that starts a name or an acronym ("NHS number", "Date of birth" -> "date of birth").
    keep = len(label) > 1 and label[1].isupper()
    return (first if keep else first.lower()) + rest


def plain_messages(field: forms.Field, name: str) -> dict[str, str]:
    """The messages a field says in plain English, from its label."""
    what = _what(field, name)
    choose = isinstance(field.widget, _CHOOSE) or getattr(field.widget, "chooses", False)
    if isinstance(field.widget, forms.CheckboxInput):
        required = _("Tick %(what)s to go on") % {"what": what}
    elif choose:
        required = _("Choose %(what)s") % {"what": what}
    else:
        required = _("Enter %(what)s") % {"what": what}
    messages = {
        "required": required,
        "invalid_choice": _("Choose %(what)s from the list") % {"what": what},
        "invalid_pk_value": _("Choose %(what)s from the list") % {"what": what},
        "invalid_list": _("Choose %(what)s from the list") % {"what": what},
        "max_length": _("%(what)s must be %%(limit_value)d characters or fewer")
        % {"what": what[:1].upper() + what[1:]},
        "min_value": _("%(what)s must be %%(limit_value)s or more")
        % {"what": what[:1].upper() + what[1:]},
        "max_value": _("%(what)s must be %%(limit_value)s or less")
        % {"what": what[:1].upper() + what[1:]},
    }
    if isinstance(field, forms.IntegerField):
        messages["invalid"] = _("Enter %(what)s as a whole number, like 20") % {"what": what}
    elif isinstance(field, forms.DecimalField | forms.FloatField):
        messages["invalid"] = _("Enter %(what)s as a number, like 12.50") % {"what": what}
    elif isinstance(field, forms.DateTimeField):
        messages["invalid"] = _("Enter %(what)s as a real date and time") % {"what": what}
    elif isinstance(field, forms.DateField):
        messages["invalid"] = _("Enter %(what)s as a real date") % {"what": what}
    elif isinstance(field, forms.TimeField):
        messages["invalid"] = _("Enter %(what)s as a time, like 14:30") % {"what": what}
    return messages


def use_plain_messages(form: forms.BaseForm) -> None:
    """Give each field of `form` the plain message for every error it has not worded itself.

    Only a bound form checks what was sent: an empty one, drawn on a page, says none of them (the
    wording was 4% of the person page's CPU, for its three forms)."""
    if not form.is_bound:
        return
    for name, field in form.fields.items():
        defaults = _default_messages(field)
        plain = plain_messages(field, name)
        for code, message in plain.items():
            given = field.error_messages.get(code)
            if code not in defaults and code not in ("max_length", "min_value", "max_value"):
                continue
            if given is None or given == defaults.get(code):
                field.error_messages[code] = message


class PlainMessages:
    """Mix in before a Django form class: its fields speak plain English (`use_plain_messages`).
    For forms we do not write ourselves (Django's and allauth's); ours use `Form`/`ModelForm`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assert isinstance(self, forms.BaseForm)
        use_plain_messages(self)


class Form(PlainMessages, forms.Form):
    """A form whose errors are in plain English (see `plain_messages`)."""


_M = TypeVar("_M", bound=Model)


class ModelForm(PlainMessages, forms.ModelForm[_M]):
    """A model form whose errors are in plain English (see `plain_messages`)."""


def conditional(field: forms.Field) -> forms.Field:
    """Mark a field the form asks for in some cases only (e.g. a reason when a contact is late):
    it is not required, and it is not called "(optional)" either."""
    field.conditional = True  # type: ignore[attr-defined]
    return field
