"""The public referral pages, with no sign-in: the receiving service's one-time link, and a
referral partner's form (its key in the form, never in the address). Both are rate limited
through `common.links` and marked private (no caching, no referrer, the path kept out of logs)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from alongside.access.http import AuthedHttpRequest
from alongside.common import links
from alongside.common.forms import Form, add_service_errors
from alongside.common.responses import form_status
from alongside.referrals import queries, services
from alongside.referrals.forms import AnswerForm, PartnerKeyForm, PartnerReferralForm
from alongside.referrals.models import FINAL_ANSWERS, OutStatus, Partner


def _closed(request: AuthedHttpRequest, reason: str, status: int = 410) -> HttpResponse:
    response = links.private(
        render(request, "referrals/closed.html", {"reason": reason}, status=status)
    )
    if status == 429:
        response["Retry-After"] = str(links.RATE_WINDOW_SECONDS)
    return response


@login_not_required
@never_cache
def answer(request: AuthedHttpRequest, token: str) -> HttpResponse:
    """The receiving service's page: only what the person agreed to share, and where to answer."""
    referral = queries.referral_for_token(token)
    if links.rate_limited(request, token, scope="referrals", known=referral is not None):
        return _closed(request, "busy", status=429)
    if referral is None:
        return _closed(request, "unknown", status=404)
    if not services.link_open(referral):
        return _closed(request, "closed")
    form = None
    if referral.status not in FINAL_ANSWERS:
        form = AnswerForm(
            request.POST or None,
            organisation_id=referral.organisation_id,
            accepted=referral.status == OutStatus.ACCEPTED,
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.answer(
                    referral,
                    status=form.cleaned_data["status"],
                    reason=form.cleaned_data["reason"],
                )
            except services.Closed as closed:
                return _closed(request, closed.reason)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return links.private(redirect("referrals:answer", token))
    if request.method == "GET":
        services.opened(referral)
    person = referral.person
    return links.private(
        render(
            request,
            "referrals/answer.html",
            {
                "referral": referral,
                "organisation": referral.organisation,
                "organisation_id": referral.organisation_id,
                "name": person.display_name,
                "contact": referral.share_contact,
                "person": person,
                "need": referral.need.name,
                "form": form,
                "sent_by_name": referral.referred_by.first_name,
            },
            status=form_status(request, form) if form is not None else 200,
        )
    )


@login_not_required
@never_cache
def partner_form(request: AuthedHttpRequest) -> HttpResponse:
    """A referral partner refers someone in, with their key: first the key (which says whose
    needs list to offer), then the referral; a form sent whole with a working key is taken at
    once. Unknown keys count against the client's address, a known key against itself; a
    switched-off partner is told so (403)."""
    key = request.POST.get("key", "") if request.method == "POST" else ""
    partner = services.partner_by_key(key) if key else None
    if request.method == "POST" and links.rate_limited(
        request, key or "-", scope="referrals-in", known=partner is not None
    ):
        return _closed(request, "busy", status=429)
    if partner is None or not partner.active:
        key_form = PartnerKeyForm(request.POST if request.method == "POST" else None)
        status = 200
        if key_form.is_valid():
            if partner is None:
                key_form.add_error(
                    "key", _("That key does not work. Check it, or ask us for a new one.")
                )
                status = 400
            else:
                key_form.add_error("key", str(services.SWITCHED_OFF_TEXT))
                status = 403
        elif key_form.is_bound:
            status = 400
        return _partner_page(request, key_form, status=status)
    whole = "given_name" in request.POST
    form = PartnerReferralForm(
        request.POST if whole else None,
        initial={"key": key},
        needs=services.needs_of(partner.organisation),
    )
    if whole and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("key")
        try:
            services.receive(partner, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return links.private(
                render(request, "referrals/partner_thanks.html", {"partner": partner})
            )
    return _partner_page(request, form, status=form_status(request, form), partner=partner)


def _partner_page(
    request: AuthedHttpRequest, form: Form, *, status: int, partner: Partner | None = None
) -> HttpResponse:
    return links.private(
        render(
            request,
            "referrals/partner_form.html",
            {"form": form, "partner": partner},
            status=status,
        )
    )
