"""The worker picker: choose workers from everyone the form may accept, by searching.

The shared pattern is `common/pickers.py` (decisions 0039, 0045). An organisation may have
thousands of workers, so a form never lists them all: the field validates against its whole
query set (users, or memberships) and the matches of a search by name are shown with their role
and team, which tell two workers of one name apart. Names are compared folded (accents,
apostrophes, case), as the person search compares them. Three queries, however many match.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from alongside.access.models import Membership
from alongside.common.folding import fold
from alongside.common.pickers import (
    MAX_CHOSEN,
    PICKER_ROWS,
    Choice,
    MultiplePickerField,
    Picker,
    PickerField,
)

WORDS = 4  # words of a name searched for; more narrow nothing


def _name(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


def _matches(words: list[str], first: str, last: str, username: str) -> bool:
    return all(word in first or word in last or username.startswith(word) for word in words)


def _role_and_team(membership: Membership) -> str:
    parts = [membership.role_name]
    if membership.team is not None:
        parts.append(membership.team.name)
    return " · ".join(parts)


class WorkerPicker(Picker):
    search_hint = _("Type part of their name, then choose.")

    def find(self, queryset: QuerySet[Any], membership: Membership, text: str) -> list[Any]:
        """The first rows, by name, whose first or last name holds every word typed, folded as
        the person search folds (`people.names.fold`: "aydin" finds Aydın, "obrien" O'Brien),
        or whose username starts with it. An organisation's workers are a few thousand at most:
        their names are read (one narrow query) and folded here, then the rows shown are read
        by key (decision 0081)."""
        words = fold(text).split()[:WORDS]
        if not words:
            return []
        users = queryset.model is get_user_model()
        prefix = "" if users else "user__"
        names = (
            queryset.order_by(f"{prefix}first_name", f"{prefix}last_name", "pk")
            .values_list("pk", f"{prefix}first_name", f"{prefix}last_name", f"{prefix}username")
            .distinct()
        )
        keys: list[int] = []
        for pk, first, last, username in names:
            if pk not in keys and _matches(words, fold(first), fold(last), username.casefold()):
                keys.append(pk)
                if len(keys) == PICKER_ROWS:
                    break
        if not keys:
            return []
        if not users:
            queryset = queryset.select_related("user", "team", "organisation")
        by_key = {row.pk: row for row in queryset.filter(pk__in=keys)}
        return [by_key[pk] for pk in keys if pk in by_key]

    def describe(self, rows: list[Any]) -> list[Choice]:
        if not rows:
            return []
        if isinstance(rows[0], Membership):
            return [Choice(m.pk, _name(m.user), _role_and_team(m)) for m in rows]
        # Users: their membership in the viewer's organisation says their role and team.
        if self.membership is None:  # not offered yet: names only
            return [Choice(u.pk, _name(u), "") for u in rows]
        organisation_id = self.membership.organisation_id
        memberships = {
            m.user_id: m
            for m in Membership.objects.filter(
                organisation_id=organisation_id, user_id__in=[u.pk for u in rows]
            ).select_related("team", "organisation")
        }
        return [
            Choice(u.pk, _name(u), _role_and_team(memberships[u.pk]) if u.pk in memberships else "")
            for u in rows
        ]

    def lookup(self, queryset: QuerySet[Any], keys: list[int]) -> list[Any]:
        if queryset.model is Membership:
            queryset = queryset.select_related("user", "team", "organisation")
        return list(queryset.filter(pk__in=keys).order_by("pk").distinct()[:MAX_CHOSEN])


INVALID_WORKER = _("Choose a worker from the list. The worker you chose cannot be chosen here.")


class WorkerPickerField(PickerField):
    """A worker (a user, or a membership) chosen by searching among `queryset`."""

    widget = WorkerPicker
    default_error_messages = {"invalid_choice": INVALID_WORKER}  # noqa: RUF012

    def label_from_instance(self, obj: Any) -> str:
        return _name(getattr(obj, "user", obj))


class WorkersPickerField(MultiplePickerField):
    """Several workers (users) chosen by searching among `queryset`."""

    widget = WorkerPicker
    default_error_messages = {"invalid_choice": INVALID_WORKER}  # noqa: RUF012

    def label_from_instance(self, obj: Any) -> str:
        return _name(obj)
