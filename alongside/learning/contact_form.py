"""Value or failure demand, marked while recording a contact (optional, quick).

The contact form includes these fields with `{% load learning %}{% demand_on_contact %}`; the
contact view validates them with the contact and saves them in the same transaction
(`DemandOnContactForm(request.POST)`, `.is_valid()`, `.save(contact, by=membership)`), so a contact
is never saved with its demand half-done.
"""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from alongside.access.models import Membership
from alongside.learning.forms import DemandForm
from alongside.learning.models import ContactDemand, DemandKind

PREFIX = "demand"


class DemandOnContactForm(DemandForm):
    """`DemandForm` made optional: a contact need not be marked."""

    kind = forms.ChoiceField(
        label=_("Value or failure demand?"),
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", PREFIX)
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind") or ""
        if kind == DemandKind.FAILURE and not data.get("failure_kind"):
            self.add_error("failure_kind", _("Choose what went wrong."))
        if kind != DemandKind.FAILURE and (data.get("in_their_words") or "").strip():
            self.add_error(
                "in_their_words", _("Their words about what went wrong are for failure demand.")
            )
        return data

    def save(self, contact: Any, *, by: Membership) -> ContactDemand | None:
        """Mark the contact when a kind was chosen; nothing otherwise. Call inside the
        transaction that records the contact."""
        from alongside.learning.services import mark_demand

        kind = self.cleaned_data.get("kind") or ""
        if not kind:
            return None
        return mark_demand(
            contact,
            by=by,
            kind=kind,
            failure_kind=self.cleaned_data.get("failure_kind") or "",
            in_their_words=self.cleaned_data.get("in_their_words") or "",
        )
