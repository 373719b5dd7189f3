"""Type-ahead pickers: choose from everything a form may accept, by searching.

The base of the person picker (`people/pickers.py`) and the worker picker
(`access/pickers.py`); decisions 0039 and 0045. A picker field validates against its whole
permitted query set (never a first page of names: issue 13's 300-name case). Its widget shows
the rows matching what was searched, at most `PICKER_ROWS`, each with what tells two of one
name apart, as radio buttons (or check boxes, for a field that takes several), after the rows
already chosen.

On a POST form, the search box belongs to a small GET form beside the main form
(`includes/picker_search.html`, joined by the HTML `form` attribute): without JavaScript
"Find" reloads the page with the matches; with HTMX the same page is fetched as you type and
only the matches are swapped in (`hx-select`), keeping what was already ticked. On a GET form
(`in_form`, the people search's worker filter) the box is part of the form itself. The page's
own view answers both, so what is offered is exactly what the form will accept: no endpoint of
its own, no second rule.
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
MAX_CHOSEN = 50  # a field that takes several: more than this is not a choice anyone makes


@dataclass(frozen=True)
class Choice:
    """One row a picker offers: the record's key, its name and what tells it apart."""

    pk: int
    label: str
    hint: str


def _keys(value: Any) -> list[int]:
    """The primary keys in a value (one, a list, model objects or strings); nonsense dropped."""
    values = value if isinstance(value, list | tuple) else [value]
    keys: list[int] = []
    for one in values[:MAX_CHOSEN]:
        text = str(one.pk if isinstance(one, Model) else one)
        if text.isdigit() and len(text) < 19 and int(text) not in keys:
            keys.append(int(text))
    return keys


class Picker(forms.Widget):
    """Draws a search box and the matching rows as choices (`common/widgets/picker.html`).
    A subclass says how to search (`find`) and how to tell rows apart (`describe`)."""

    template_name = "common/widgets/picker.html"
    chooses = True  # `common.forms.plain_messages` words its errors as a choice
    search_hint: ClassVar[Any] = _("Type part of a name, then choose.")

    def __init__(self, attrs: dict[str, Any] | None = None, *, multiple: bool = False) -> None:
        super().__init__(attrs)
        self.multiple = multiple
        self.found: list[Choice] = []
        self.kept: list[str] = []
        self.text = ""
        self.searched = False
        self.in_form = False
        self.path = ""
        self.membership: Membership | None = None
        self.queryset: QuerySet[Any] | None = None

    def find(self, queryset: QuerySet[Any], membership: "Membership", text: str) -> list[Any]:
        """At most `PICKER_ROWS` rows of `queryset` matching `text`, best first."""
        raise NotImplementedError

    def describe(self, rows: list[Any]) -> list[Choice]:
        """The rows as choices (one query at most, however many rows)."""
        raise NotImplementedError

    def lookup(self, queryset: QuerySet[Any], keys: list[int]) -> list[Any]:
        """The chosen rows the query set holds (with what `describe` reads)."""
        return list(queryset.filter(pk__in=keys)[:MAX_CHOSEN])

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        chosen = _keys(value) or _keys(self.kept)
        found = [c for c in self.found if c.pk not in chosen]
        if chosen and self.queryset is not None:
            # Given by a link, kept from a first submit or ticked before searching again.
            found = self.describe(self.lookup(self.queryset, chosen)) + found
        own = context["widget"]["attrs"]
        # The field's hint and error (`includes/field.html`) describe the search box too.
        described_by = " ".join(
            filter(None, [f"{own.get('id', name)}_search_hint", own.get("aria-describedby")])
        )
        context["widget"].update(
            described_by=described_by,
            invalid=own.get("aria-invalid") == "true",
            found=found,
            matched=bool(self.found),
            text=self.text,
            chosen=[str(key) for key in chosen],
            multiple=self.multiple,
            searched=self.searched,
            search_hint=self.search_hint,
            in_form=self.in_form,
            path=self.path,
            search_form=f"pick-{name}",
            results_id=f"picker-{name}-results",
        )
        return context

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if self.multiple and hasattr(data, "getlist"):
            return data.getlist(name)
        return data.get(name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False if self.multiple else name not in data

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_search" if id_ else id_


class _Offers:
    """What both picker fields share: the widget follows the query set, and `offer`."""

    widget: Any
    _queryset: QuerySet[Any] | None

    def _set_queryset(self, queryset: QuerySet[Any] | None) -> None:
        super()._set_queryset(queryset)  # type: ignore[misc]
        self.widget.queryset = self._queryset

    def offer(
        self, membership: "Membership", text: str, *, path: str = "", kept: list[str] | None = None
    ) -> None:
        """Search for `text` among the rows this field accepts, to show as choices after those
        `kept` (ticked before this search)."""
        widget = self.widget
        assert isinstance(widget, Picker)
        widget.membership = membership
        widget.path = path
        widget.kept = kept or []
        widget.text = text.strip()[:SEARCH_MAX_LENGTH]
        widget.searched = bool(widget.text)
        widget.found = []
        if widget.text and widget.queryset is not None:
            widget.found = widget.describe(widget.find(widget.queryset, membership, widget.text))


class PickerField(_Offers, forms.ModelChoiceField[Any]):
    """One record chosen by searching among `queryset` (everything it holds is valid)."""

    widget: Any = Picker
    queryset = property(forms.ModelChoiceField._get_queryset, _Offers._set_queryset)  # type: ignore[attr-defined]


class MultiplePickerField(_Offers, forms.ModelMultipleChoiceField[Any]):
    """Several records chosen by searching among `queryset` (check boxes, not radios)."""

    widget: Any = Picker
    queryset = property(forms.ModelChoiceField._get_queryset, _Offers._set_queryset)  # type: ignore[attr-defined]

    def __init__(self, queryset: QuerySet[Any] | None, **kwargs: Any) -> None:
        super().__init__(queryset, **kwargs)
        self.widget.multiple = True


AnyPicker = PickerField | MultiplePickerField


def picker_fields(form: forms.BaseForm | None) -> list[forms.BoundField]:
    """The form's pickers (on a POST form their search forms go outside the form on the page)."""
    if form is None:
        return []
    return [form[name] for name, field in form.fields.items() if isinstance(field, AnyPicker)]


def offer_pickers(
    form: forms.BaseForm, membership: "Membership", request: HttpRequest, *, path: str = ""
) -> None:
    """Offer each picker of `form` the matches for its search box (`?<name>_search=…`). Its
    search goes to `path` (the page that shows the form; by default this request's)."""
    for bound in picker_fields(form):
        field = bound.field
        assert isinstance(field, AnyPicker)
        text = request.GET.get(f"{bound.html_name}_search", "")
        kept = request.GET.getlist(bound.html_name)
        field.offer(membership, text, path=path or request.path, kept=kept)
