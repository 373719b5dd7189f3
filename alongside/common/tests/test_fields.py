"""Form fields name their own hint and error for screen readers, and every id they name exists."""

import re

from django import forms
from django.template.loader import render_to_string


class SampleForm(forms.Form):
    hours = forms.DecimalField(label="Hours", help_text="A rough figure is enough.")
    note = forms.CharField(label="Note", required=False)
    agreed = forms.BooleanField(label="Agreed", help_text="Tick when they said yes.")


def _render(form: forms.Form, name: str) -> str:
    return render_to_string("includes/field.html", {"field": form[name]})


def _described_ids_exist(html: str) -> list[str]:
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    named = re.findall(r'aria-describedby="([^"]*)"', html)
    return [ref for refs in named for ref in refs.split() if ref not in ids]


def test_an_input_names_its_hint_and_its_error():
    form = SampleForm(data={"hours": "lots"})
    assert not form.is_valid()
    html = _render(form, "hours")
    assert 'aria-describedby="id_hours-hint id_hours-error"' in html
    assert _described_ids_exist(html) == []


def test_an_unbound_field_names_only_its_hint_and_a_plain_field_nothing():
    form = SampleForm()
    assert 'aria-describedby="id_hours-hint"' in _render(form, "hours")
    assert "aria-describedby" not in _render(form, "note")
    html = _render(form, "agreed")
    assert 'aria-describedby="id_agreed-hint"' in html and _described_ids_exist(html) == []
