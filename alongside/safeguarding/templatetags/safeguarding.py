"""Template tags for safeguarding: the person page's panel and the nav items.

`{% load safeguarding %}` then:
- `{% safeguarding_panel person %}`: concerns and the override form/banner for safeguarding
  leads (read through `services.read_concerns_for_person`, which writes the audit event), "raise a concern" and "you raised one on ..." for workers, nothing for
  anyone else. One or two queries, however many concerns there are.
- `{% overrides_waiting %}`: a nav `<li>` linking to the review queue with the number waiting,
  for safeguarding leads and data leads; nothing for anyone else.
- `{% safeguarding_concerns_link %}`: a nav `<li>` linking to all concerns, for safeguarding leads.
- `{% matching_holds_link %}`: a nav `<li>` linking to holds on matching and introductions, for
  safeguarding leads.
"""

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from alongside.safeguarding.forms import OverrideForm
from alongside.safeguarding.models import OVERRIDE_MINUTES
from alongside.safeguarding.queries import (
    concern_dates_raised_by,
    may_raise_concern,
    may_review_overrides,
    override_in_force,
    overrides_waiting_count,
)
from alongside.safeguarding.services import read_concerns_for_person
from alongside.visibility.overrides import is_safeguarding_lead

register = template.Library()


def _membership(context: template.Context) -> Any:
    membership = context.get("membership")
    if membership is None:
        membership = getattr(context.get("request"), "membership", None)
    return membership


@register.inclusion_tag("safeguarding/partials/panel.html", takes_context=True)
def safeguarding_panel(context: template.Context, person: Any) -> dict[str, Any]:
    membership = _membership(context)
    if membership is None or membership.organisation_id != person.organisation_id:
        return {"role": None}
    if is_safeguarding_lead(membership):
        concerns = read_concerns_for_person(membership, person.pk)
        return {
            "role": "lead",
            "person": person,
            "concerns": concerns,
            "override": override_in_force(membership, person.pk),
            "override_form": OverrideForm(auto_id="override-%s"),
            "minutes": OVERRIDE_MINUTES,
        }
    if may_raise_concern(membership):
        return {
            "role": "worker",
            "person": person,
            "raised_dates": concern_dates_raised_by(membership, person.pk),
        }
    return {"role": None}


@register.simple_tag(takes_context=True)
def overrides_waiting(context: template.Context) -> SafeString | str:
    membership = _membership(context)
    if not may_review_overrides(membership):
        return ""
    count = overrides_waiting_count(membership)
    badge = (
        format_html(' <span class="badge">{}<span class="visually-hidden"> {}</span></span>',
                    count, _("waiting"))
        if count
        else ""
    )  # fmt: skip
    return format_html(
        '<li><a href="{}">{}{}</a></li>', reverse("safeguarding:overrides"), _("Overrides"), badge
    )


@register.simple_tag(takes_context=True)
def safeguarding_concerns_link(context: template.Context) -> SafeString | str:
    if not is_safeguarding_lead(_membership(context)):
        return ""
    return format_html(
        '<li><a href="{}">{}</a></li>', reverse("safeguarding:concerns"), _("Concerns")
    )


@register.simple_tag(takes_context=True)
def matching_holds_link(context: template.Context) -> SafeString | str:
    if not is_safeguarding_lead(_membership(context)):
        return ""
    return format_html('<li><a href="{}">{}</a></li>', reverse("safeguarding:holds"), _("Holds"))
