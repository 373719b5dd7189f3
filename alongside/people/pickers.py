"""Type-ahead pickers: choose a person from everyone the form may accept, by searching.

The field validates against the whole permitted query set (never a first page of names; issue
13's 300-name case). The widget shows the people matching what was searched (`search_people`
within that query set), with what tells two people of one name apart, as radio buttons, and the
person already chosen. The search box belongs to a small GET form beside the main form
(`people/partials/picker_search.html`, joined by the HTML `form` attribute), so without
JavaScript "Find" reloads the page with matches; with HTMX the same page is fetched as you type
and only the matches are swapped in. Decision 0039.
"""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from alongside.access.models import Membership
from alongside.people.models import Person
from alongside.people.queries import search_people

PICKER_ROWS = 10


class PersonPicker(forms.Widget):
    template_name = "people/widgets/person_picker.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.found: list[Person] = []
        self.text = ""
        self.queryset: QuerySet[Person] = Person.objects.none()
        self.searched = False

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        chosen_pk = str(value) if value not in (None, "") else ""
        found = list(self.found)
        if chosen_pk.isdigit() and all(str(p.pk) != chosen_pk for p in found):
            chosen = self.queryset.select_related("team").filter(pk=int(chosen_pk)).first()
            if chosen is not None:
                found.insert(0, chosen)
        context["widget"].update(
            found=found,
            text=self.text,
            chosen=chosen_pk,
            searched=self.searched,
            search_form=f"pick-{name}",
            results_id=f"picker-{name}-results",
        )
        return context

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name)

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_search" if id_ else id_


class PersonPickerField(forms.ModelChoiceField[Person]):
    """A person chosen by searching among `queryset` (everyone it holds is valid)."""

    widget = PersonPicker
    default_error_messages = {  # noqa: RUF012 - Django's convention
        "invalid_choice": _(
            "Choose someone from the list. The person you chose cannot be chosen here."
        ),
    }

    def offer(self, membership: Membership, text: str) -> None:
        """Search for `text` among the people this field accepts, to show as choices."""
        widget = self.widget
        assert isinstance(widget, PersonPicker)
        widget.queryset = self.queryset
        widget.text = text.strip()
        widget.searched = bool(widget.text)
        if widget.text:
            widget.found = list(
                search_people(membership, widget.text, within=self.queryset)[:PICKER_ROWS]
            )


def picker_fields(form: forms.BaseForm) -> list[forms.BoundField]:
    """The form's person pickers (their search forms go outside the form on the page)."""
    return [
        form[name] for name, field in form.fields.items() if isinstance(field, PersonPickerField)
    ]
