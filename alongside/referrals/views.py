"""Referral pages: refer someone out (with the plain-words check), a referral's page, referrals
in for triage, and partners with their keys. The public pages (the service's link, a partner's
form) are in `public_views.py`."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import rules
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alongside.access.decorators import require_rule, rule_required
from alongside.access.http import AuthedHttpRequest, membership_of
from alongside.access.models import Membership, Team
from alongside.access.queries import worker_users
from alongside.common import links
from alongside.common.forms import add_service_errors
from alongside.common.once import submit_once
from alongside.common.pickers import offer_pickers
from alongside.common.responses import form_status
from alongside.people.queries import get_person_for_user, people_visible_to, possible_matches
from alongside.people.services import PossibleMatch, identity_for
from alongside.referrals import directory_link, queries, services
from alongside.referrals.forms import PartnerForm, ReferForm, ReferWhoForm, TriageForm


@submit_once
def refer(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    """Refer someone out: choose the service and what is shared, see it in plain words, and send
    only when they agree to exactly that."""
    membership = membership_of(request)
    person = get_person_for_user(membership, person_id)
    require_rule("referrals.refer", membership, person)
    choices = directory_link.service_choices(membership)
    # From a directory entry ("Refer someone") or the directory opened from their page.
    chosen = directory_link.service(membership, _number(request.GET.get("service")))
    form = ReferForm(
        request.POST if request.method == "POST" else None,
        services=choices,
        needs=services.local_needs_of(membership.organisation),
        initial=directory_link.initial_for(chosen),
    )
    context: dict[str, Any] = {"person": person, "form": form, "chosen": chosen}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        service = directory_link.service(membership, data["service"])
        if data["service"] and service is None:
            form.add_error("service", _("Choose a service from the list."))
        else:
            name = service.name if service is not None else data["service_name"].strip()
            email = data["service_email"] or directory_link.email_of(service)
            context["shared"] = services.what_is_shared(
                person,
                service_name=name,
                need=data["need"],
                share_contact=data["share_contact"],
                share_note=data["share_note"],
            )
            context["service_name"] = name
            context["need_label"] = data["need"].name
            if request.POST.get("send") == "yes" and request.POST.get("shown") != context["shared"]:
                # Something changed after the words were read with them: read them again.
                form.add_error(
                    "consent_given",
                    _("What will be shared changed: read it with them again before sending."),
                )
            elif request.POST.get("send") == "yes":
                try:
                    referral, token = services.refer(
                        person,
                        by=membership,
                        service=service,
                        service_name=name,
                        service_email=email,
                        need=data["need"],
                        share_contact=data["share_contact"],
                        share_note=data["share_note"],
                        note=data["note"],
                        consent_given=data["consent_given"],
                    )
                except ValidationError as error:
                    add_service_errors(form, error)
                else:
                    return links.private(
                        render(
                            request,
                            "referrals/sent.html",
                            {
                                "person": person,
                                "referral": referral,
                                "link": services.link_url(token),
                            },
                        )
                    )
            context["checking"] = True
    return render(request, "referrals/refer.html", context, status=form_status(request, form))


@rule_required("referrals.refer")
def refer_to_service(request: AuthedHttpRequest, service_id: int) -> HttpResponse:
    """ "Refer someone" from a directory entry: pick the person (the person picker), then the
    referral form opens for them with this service chosen."""
    membership = membership_of(request)
    service = directory_link.service(membership, service_id)
    if service is None:
        raise Http404
    form = ReferWhoForm(
        request.POST if request.method == "POST" else None,
        people=people_visible_to(membership),
    )
    offer_pickers(form, membership, request)
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["person"]
        if rules.test_rule("referrals.refer", membership, person):
            url = reverse("referrals:refer", args=[person.pk])
            return redirect(f"{url}?{urlencode({'service': service.pk})}")
        form.add_error("person", _("You cannot refer this person."))
    return render(
        request,
        "referrals/refer_who.html",
        {"form": form, "service": service},
        status=form_status(request, form),
    )


def _number(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


def _referral_or_404(membership: Membership, referral_id: int) -> Any:
    referral = queries.referral_out_for(membership, referral_id)
    if referral is None:
        raise Http404
    require_rule("referrals.see", membership, referral)
    return referral


def referral(request: AuthedHttpRequest, referral_id: int) -> HttpResponse:
    membership = membership_of(request)
    found = _referral_or_404(membership, referral_id)
    words = queries.reads_words(membership, found)
    if words:
        services.read_referral_words(membership, found)
    return render(
        request,
        "referrals/referral.html",
        {
            "referral": found,
            "person": found.person,
            "words": words,
            "may_withdraw": found.status == "sent" and found.referred_by_id == membership.user_id,
        },
    )


@require_POST
def withdraw(request: AuthedHttpRequest, referral_id: int) -> HttpResponse:
    membership = membership_of(request)
    found = _referral_or_404(membership, referral_id)
    require_rule("referrals.refer", membership, found.person)
    try:
        services.withdraw(found, by=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The referral is withdrawn: its link shows nothing now."))
    return redirect("referrals:referral", referral_id=found.pk)


# Referrals in ----------------------------------------------------------------------------------


@rule_required("referrals.triage")
def incoming(request: AuthedHttpRequest) -> HttpResponse:
    membership = membership_of(request)
    rows = list(queries.incoming(membership).order_by("received_at", "pk")[:100])
    return render(request, "referrals/incoming.html", {"referrals": rows})


@rule_required("referrals.triage")
def incoming_one(request: AuthedHttpRequest, incoming_id: int) -> HttpResponse:
    """Triage one referral in: who it may already be, accept with a named worker, or not."""
    membership = membership_of(request)
    found = queries.incoming_one(membership, incoming_id)
    if found is None:
        raise Http404
    identity = identity_for(
        found.given_name,
        found.family_name,
        {"phone": found.phone, "postcode": found.postcode},
    )
    matches = possible_matches(membership, identity) if found.status == "waiting" else []
    teams = Team.objects.filter(organisation_id=membership.organisation_id).order_by("name")
    if membership.team_id is not None:
        teams = teams.filter(pk=membership.team_id)
    form = TriageForm(
        request.POST if request.method == "POST" else None,
        people=[(p.pk, f"{p.display_name} ({p.team.name})") for p in matches],
        teams=[(t.pk, t.name) for t in teams],
        workers=worker_users(membership.organisation_id),
    )
    offer_pickers(form, membership, request)
    if request.method == "POST" and found.status == "waiting" and form.is_valid():
        data = form.cleaned_data
        people = {p.pk: p for p in matches}
        decision = services.Decision(
            accept=data["decision"] == "accept",
            person=people.get(data["person"]) if data["person"] else None,
            team=teams.filter(pk=data["team"]).first() if data["team"] else None,
            confirm_new=data["confirm_new"],
            worker=data["worker"],
        )
        try:
            services.decide(found, by=membership, decision=decision)
        except PossibleMatch as match:
            form.add_error("person", match.messages)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Decided. The partner is told the outcome, and nothing else.")
            )
            if found.person is not None:
                return redirect("people:person", person_id=found.person.pk)
            return redirect("referrals:incoming")
    services.read_incoming(membership, found)
    return render(
        request,
        "referrals/incoming_one.html",
        {"referral": found, "form": form, "matches": matches},
        status=form_status(request, form),
    )


# Partners and keys -----------------------------------------------------------------------------


@rule_required("referrals.manage_partners")
@submit_once
def partners(request: AuthedHttpRequest) -> HttpResponse:
    membership = membership_of(request)
    form = PartnerForm(request.POST if request.method == "POST" else None)
    key = ""
    if request.method == "POST" and form.is_valid():
        try:
            partner, key = services.add_partner(
                membership.organisation,
                by=membership,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            form = PartnerForm()
            messages.success(request, _("%(name)s added.") % {"name": partner.name})
    response = render(
        request,
        "referrals/partners.html",
        {"form": form, "partners": list(queries.partners_of(membership)), "key": key},
        status=form_status(request, form),
    )
    return links.private(response) if key else response


@rule_required("referrals.manage_partners")
@require_POST
def switch_partner(request: AuthedHttpRequest, referral_partner_id: int) -> HttpResponse:
    """Switch a partner off (its key and form stop at once, and tell them so) or back on."""
    membership = membership_of(request)
    partner = queries.partner_of(membership, referral_partner_id)
    if partner is None:
        raise Http404
    active = request.POST.get("active") == "on"
    services.switch_partner(partner, by=membership, active=active)
    if active:
        text = _("%(name)s is switched on: their key works again.")
    else:
        text = _("%(name)s is switched off: their key and form no longer work.")
    messages.success(request, text % {"name": partner.name})
    return redirect("referrals:partners")


@rule_required("referrals.manage_partners")
@require_POST
def rotate_key(request: AuthedHttpRequest, referral_partner_id: int) -> HttpResponse:
    membership = membership_of(request)
    partner = queries.partner_of(membership, referral_partner_id)
    if partner is None:
        raise Http404
    key = services.rotate_key(partner, by=membership)
    messages.success(
        request, _("A new key for %(name)s: the old one no longer works.") % {"name": partner.name}
    )
    return links.private(
        render(
            request,
            "referrals/partners.html",
            {
                "form": PartnerForm(),
                "partners": list(queries.partners_of(membership)),
                "key": key,
                "key_for": partner,
            },
        )
    )
