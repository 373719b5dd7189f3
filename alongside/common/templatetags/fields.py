"""`{{ field|described }}`: a form field's input, tied to its own hint and error message."""

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

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
