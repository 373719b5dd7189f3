"""The one way a form is drawn (GOV.UK's pattern): each field through `includes/field.html`,
every error at once in `includes/error_summary.html` at the top, linked to its field.

- `{{ field|described }}`: the input tied to its hint and its error by `aria-describedby`;
- `{{ field|error_target }}`: the id the summary links to (the first choice of a radio group);
- `{{ field|is_optional }}`: whether "(optional)" goes after the label;
- `{{ form|error_links }}`: the summary's lines, (message, id or "") for every error of `form`;
- `{% error_title_prefix %}`: "Error: " when any form on the page has errors (the page's title).
"""

from django import template
from django.forms import BaseForm, BoundField
from django.forms.widgets import CheckboxInput, CheckboxSelectMultiple, RadioSelect
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def described(field: BoundField) -> SafeString:
    """The widget with `aria-describedby` naming the hint and the error shown beside it (the ids
    `includes/field.html` gives them), so a screen reader reads both with the input. Django's own
    attribute would name a `_helptext` id that the template does not use."""
    ids = [
        f"{field.auto_id}-{part}"
        for part, shown in (("hint", field.help_text), ("error", field.errors))
        if shown and field.auto_id
    ]
    return field.as_widget(attrs={"aria-describedby": " ".join(ids)} if ids else None)


@register.filter
def error_target(field: BoundField) -> str:
    """The id of the input to move to from the error summary: a radio group's or a checkbox
    list's first choice (as the GOV.UK summary does), otherwise the input itself."""
    if isinstance(field.field.widget, RadioSelect | CheckboxSelectMultiple):
        first = next(iter(field.subwidgets), None)
        return str(first.id_for_label) if first is not None else ""
    return str(field.id_for_label or "")


@register.filter
def is_optional(field: BoundField) -> bool:
    """ "(optional)" is said of a field a person may leave empty, and only then: not of a
    required one, not of a single checkbox (leaving it unticked is an answer), not of one a form
    asks for in some cases only (`conditional = True` on the field, e.g. a reason when late), and
    not on a form that only filters a list (`marks_optional = False` on the form)."""
    return not (
        field.field.required
        or isinstance(field.field.widget, CheckboxInput)
        or getattr(field.field, "conditional", False)
        or not getattr(field.form, "marks_optional", True)
    )


@register.filter
def error_links(form: object) -> list[tuple[str, str]]:
    """Every error of `form`, in the order of the page: the form's own first, then each field's,
    each with the id it links to ("" for the form's own)."""
    if not isinstance(form, BaseForm) or not form.errors:
        return []
    lines = [(str(message), "") for message in form.non_field_errors()]
    for field in form:
        # A hidden field cannot be moved to: its message stands alone, named by its label.
        target = "" if field.is_hidden else error_target(field)
        prefix = f"{field.label}: " if field.is_hidden and field.label else ""
        lines += [(f"{prefix}{message}", target) for message in field.errors]
    return lines


@register.simple_tag(takes_context=True)
def error_title_prefix(context: template.Context) -> str:
    """ "Error: " when a form on the page came back with mistakes (so a screen reader hears it
    first, GOV.UK's pattern); otherwise nothing."""
    for value in context.flatten().values():
        if isinstance(value, BaseForm) and value.is_bound and value.errors:
            return _("Error: ")
    return ""
