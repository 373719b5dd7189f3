"""`{% for field in form|picker_fields %}`: the type-ahead pickers of a form (common/pickers.py)."""

from django import forms, template

from alongside.common.pickers import picker_fields as fields_of

register = template.Library()


@register.filter
def picker_fields(form: forms.BaseForm | None) -> list[forms.BoundField]:
    return fields_of(form)
