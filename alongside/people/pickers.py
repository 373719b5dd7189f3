"""The person picker: choose a person from everyone the form may accept, by searching.

The shared pattern is `common/pickers.py` (decisions 0039, 0045): the field validates against
its whole permitted query set; the matches of a search (`search_people` within that set) are
shown with what tells two people of one name apart (`queries.second_identifier`).
"""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from alongside.access.models import Membership
from alongside.common.pickers import MAX_CHOSEN, PICKER_ROWS, Choice, Picker, PickerField
from alongside.people.queries import search_people, second_identifier


class PersonPicker(Picker):
    search_hint = _(
        "Type part of a name, a phone number, a postcode or a date of birth, then choose."
    )

    def find(self, queryset: QuerySet[Any], membership: Membership, text: str) -> list[Any]:
        return list(search_people(membership, text, within=queryset)[:PICKER_ROWS])

    def describe(self, rows: list[Any]) -> list[Choice]:
        return [Choice(p.pk, p.display_name, second_identifier(p)) for p in rows]

    def lookup(self, queryset: QuerySet[Any], keys: list[int]) -> list[Any]:
        return list(queryset.select_related("team").filter(pk__in=keys)[:MAX_CHOSEN])


class PersonPickerField(PickerField):
    """A person chosen by searching among `queryset` (everyone it holds is valid)."""

    widget = PersonPicker
    default_error_messages = {  # noqa: RUF012 - Django's convention
        "invalid_choice": _(
            "Choose someone from the list. The person you chose cannot be chosen here."
        ),
    }
