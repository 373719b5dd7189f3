"""`{% submit_token %}`: the hidden field that makes a create form's submit happen once."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from alongside.common.once import FIELD, new_token

register = template.Library()


@register.simple_tag
def submit_token() -> SafeString:
    """A fresh token each time the form is drawn; sending the same drawn form twice repeats it."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_token())
