"""Type-ahead pickers: choose one record from everything a form may accept, by searching.

The base of the person picker (`people/pickers.py`) and the worker picker
(`access/pickers.py`); decisions 0039 and 0045. A picker field validates against its whole
permitted query set (never a first page of names: issue 13's 300-name case). Its widget shows
the rows matching what was searched, at most `PICKER_ROWS`, each with what tells two of one
name apart, as radio buttons, plus the row already chosen.

On a POST form, the search box belongs to a small GET form beside the main form
(`includes/picker_search.html`, joined by the HTML `form` attribute): without JavaScript
"Find" reloads the page with the matches; with HTMX the same page is fetched as you type and
only the matches are swapped in (`hx-select`). On a GET form (`in_form=True`, the people search's
worker filter) the box is part of the form itself. The page's own view answers both, so what
is offered is exactly what the form will accept: no endpoint of its own, no second rule.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from alongside.access.models import Membership

PICKER_ROWS = 10
SEARCH_MAX_LENGTH = 100


@dataclass(frozen=True)
class Choice:
    """One row a picker offers: the record's key, its name and what tells it apart."""

    pk: int
    label: str
    hint: str


class Picker(forms.Widget):
    """Draws a search box and the matching rows as radio buttons (`common/widgets/picker.html`)."""

    template_name = "common/widgets/picker.html"
    chooses = True  # `common.forms.plain_messages` words its errors as a choice
    search_hint: ClassVar[Any] = _("Type part of a name, then choose.")

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.found: list[Choice] = []
        self.text = ""
        self.searched = False
        self.in_form = False
        self.path = ""
        self.membership: Membership | None = None
        self.queryset: QuerySet[Any] | None = None

    def describe(self, rows: list[Any]) -> list[Choice]:
        """The rows as choices (one query at most, however many rows)."""
        raise NotImplementedError

    def lookup(self, queryset: QuerySet[Any], pk: int) -> list[Any]:
        """The chosen row, if the query set holds it (with what `describe` reads)."""
        return list(queryset.filter(pk=pk)[:1])

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        chosen = str(value) if value not in (None, "") else ""
        if isinstance(value, Model):
            chosen = str(value.pk)
        found = list(self.found)
        if (
            chosen.isdigit()
            and len(chosen) < 19
            and self.queryset is not None
            and all(str(c.pk) != chosen for c in found)
        ):
            # The value given by a link or kept from a first submit: shown already chosen.
            found = self.describe(self.lookup(self.queryset, int(chosen))) + found
        context["widget"].update(
            found=found,
            text=self.text,
            chosen=chosen,
            searched=self.searched,
            search_hint=self.search_hint,
            in_form=self.in_form,
            path=self.path,
            search_form=f"pick-{name}",
            results_id=f"picker-{name}-results",
        )
        return context

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_search" if id_ else id_


class PickerField(forms.ModelChoiceField[Any]):
    """One record chosen by searching among `queryset` (everything it holds is valid)."""

    widget: Any = Picker

    def find(self, membership: "Membership", text: str) -> list[Any]:
        """At most `PICKER_ROWS` rows of the query set matching `text`, best first."""
        raise NotImplementedError

    def _set_queryset(self, queryset: QuerySet[Any] | None) -> None:
        super()._set_queryset(queryset)  # type: ignore[misc]
        self.widget.queryset = self._queryset  # type: ignore[attr-defined]

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)  # type: ignore[assignment,misc]

    def offer(self, membership: "Membership", text: str, *, path: str = "") -> None:
        """Search for `text` among the rows this field accepts, to show as choices."""
        widget = self.widget
        assert isinstance(widget, Picker)
        widget.membership = membership
        widget.path = path
        widget.text = text.strip()[:SEARCH_MAX_LENGTH]
        widget.searched = bool(widget.text)
        widget.found = widget.describe(self.find(membership, widget.text)) if widget.text else []


def picker_fields(form: forms.BaseForm | None) -> list[forms.BoundField]:
    """The form's pickers (on a POST form their search forms go outside the form on the page)."""
    if form is None:
        return []
    return [form[name] for name, field in form.fields.items() if isinstance(field, PickerField)]


def offer_pickers(
    form: forms.BaseForm, membership: "Membership", request: HttpRequest, *, path: str = ""
) -> None:
    """Offer each picker of `form` the matches for its search box (`?<name>_search=…`). Its
    search goes to `path` (the page that shows the form; by default this request's)."""
    for bound in picker_fields(form):
        field = bound.field
        assert isinstance(field, PickerField)
        text = request.GET.get(f"{bound.html_name}_search", "")
        field.offer(membership, text, path=path or request.path)
