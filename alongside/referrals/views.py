"""Referral pages: refer someone out (with the plain-words check), a referral's page, referrals
in for triage, and partners with their keys. The public pages (the service's link, a partner's
form) are in `public_views.py`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alongside.access.decorators import require_rule, rule_required
from alongside.access.http import AuthedHttpRequest, membership_of
from alongside.access.models import Membership, Role, Team, active_membership_q
from alongside.common import links
from alongside.common.forms import add_service_errors
from alongside.common.once import submit_once
from alongside.common.responses import form_status
from alongside.people.queries import get_person_for_user, possible_matches
from alongside.people.services import PossibleMatch, identity_for
from alongside.referrals import directory_link, queries, services
from alongside.referrals.forms import PartnerForm, ReferForm, TriageForm
from alongside.referrals.models import Need


@submit_once
def refer(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    """Refer someone out: choose the service and what is shared, see it in plain words, and send
    only when they agree to exactly that."""
    membership = membership_of(request)
    person = get_person_for_user(membership, person_id)
    require_rule("referrals.refer", membership, person)
    choices = directory_link.service_choices(membership)
    form = ReferForm(request.POST if request.method == "POST" else None, services=choices)
    context: dict[str, Any] = {"person": person, "form": form}
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
            context["need_label"] = Need(data["need"]).label
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


def _workers(membership: Membership) -> list[tuple[int, str]]:
    rows = (
        Membership.objects.filter(
            active_membership_q(),
            organisation_id=membership.organisation_id,
            role__in=[Role.SUPPORTER, Role.COORDINATOR, Role.VOLUNTEER],
        )
        .select_related("user")
        .order_by("user__first_name", "user__username")
    )
    return [(m.user_id, m.user.get_full_name() or m.user.username) for m in rows]


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
    workers = _workers(membership)
    form = TriageForm(
        request.POST if request.method == "POST" else None,
        people=[(p.pk, f"{p.display_name} ({p.team.name})") for p in matches],
        teams=[(t.pk, t.name) for t in teams],
        workers=workers,
    )
    if request.method == "POST" and found.status == "waiting" and form.is_valid():
        data = form.cleaned_data
        people = {p.pk: p for p in matches}
        worker_ids = {pk for pk, _name in workers}
        worker = (
            Membership.objects.get(
                user_id=data["worker"], organisation_id=membership.organisation_id
            ).user
            if data["worker"] in worker_ids
            else None
        )
        decision = services.Decision(
            accept=data["decision"] == "accept",
            person=people.get(data["person"]) if data["person"] else None,
            team=teams.filter(pk=data["team"]).first() if data["team"] else None,
            confirm_new=data["confirm_new"],
            worker=worker,
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


@rule_required("referrals.triage")
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


@rule_required("referrals.triage")
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
