"""The demand marker on a contact in the timeline, kept in this app (relationships does not
import learning).

`{% load learning %}{% demand_marker contact %}`: the contact's demand codes (shared sphere,
never the person's words) and, for who may mark it, a link to mark or change it. One query per
page for all the person's contacts, however many are shown.
"""

from typing import Any

from django import template

from alongside.access.models import Role
from alongside.learning.models import ContactDemand
from alongside.visibility.roles import WORKER_ROLES

register = template.Library()


def _membership(context: template.Context) -> Any:
    membership = context.get("membership")
    if membership is None:
        membership = getattr(context.get("request"), "membership", None)
    return membership


def _may_mark(membership: Any, contact: Any, person: Any) -> bool:
    """As the `learning.mark_demand` rule, without a query: took part, or coordinates the team."""
    if membership is None or membership.role not in WORKER_ROLES:
        return False
    if membership.user_id in (contact.worker_id, contact.recorded_by_id):
        return True
    team_id = getattr(person, "team_id", None)
    return membership.role == Role.COORDINATOR and (
        membership.team_id is None or membership.team_id == team_id
    )


@register.inclusion_tag("learning/partials/demand_marker.html", takes_context=True)
def demand_marker(context: template.Context, contact: Any) -> dict[str, Any]:
    # Included templates get a fresh render context, so the cache lives on the request.
    request = context.get("request")
    cache: dict[int, dict[int, ContactDemand]] = {}
    if request is not None:
        cache = request.__dict__.setdefault("_learning_demand_by_person", {})
    person_id = contact.person_id
    if person_id not in cache:
        cache[person_id] = {
            d.contact_id: d for d in ContactDemand.objects.filter(person_id=person_id)
        }
    person = context.get("person")
    if getattr(person, "pk", None) != person_id:
        person = None
    membership = _membership(context)
    return {
        "contact": contact,
        "demand": cache[person_id].get(contact.pk),
        "may_mark": person is not None and _may_mark(membership, contact, person),
        # For `{% word %}`: the organisation's own words for the kinds (decision 0088).
        "request": request,
        "organisation_id": contact.organisation_id,
    }


@register.inclusion_tag("learning/partials/demand_on_contact.html", takes_context=True)
def demand_on_contact(context: template.Context) -> dict[str, Any]:
    """The optional demand fields inside the contact form: bound to what was posted when the
    contact form is shown again with errors, empty otherwise."""
    from alongside.learning.contact_form import DemandOnContactForm

    if isinstance(context.get("demand_form"), DemandOnContactForm):
        return {"demand_form": context["demand_form"]}  # as sent, already checked by the view
    request = context.get("request")
    contact_form = context.get("form")
    bound = getattr(contact_form, "is_bound", False) and request is not None
    membership = context.get("membership") or getattr(request, "membership", None)
    if membership is None:  # the contact form is only ever shown to a signed-in worker
        raise template.TemplateSyntaxError("{% demand_on_contact %} needs a membership")
    demand = DemandOnContactForm(
        request.POST if bound and request is not None else None,
        organisation_id=membership.organisation_id,
    )
    if bound:
        demand.is_valid()
    return {"demand_form": demand}
