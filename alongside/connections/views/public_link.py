"""The public one-time link: one side's private page, with no login and nothing about the other
side until both agree."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from alongside.access.http import AuthedHttpRequest
from alongside.common import links
from alongside.common.forms import add_service_errors
from alongside.common.responses import form_status
from alongside.connections import queries, services
from alongside.connections.forms import AnswerForm
from alongside.connections.models import Status


def _closed(
    request: AuthedHttpRequest, reason: str, organisation: object = None, status: int = 410
) -> HttpResponse:
    return links.private(
        render(
            request,
            "connections/closed.html",
            {"reason": reason, "organisation": organisation},
            status=status,
        )
    )


@login_not_required
@never_cache
def answer(request: AuthedHttpRequest, token: str) -> HttpResponse:
    """One side's private page: their first name and the organisation, nothing about the other
    side until both agreed, and then only what the other side chose to share."""
    side = queries.side_for_token(token)
    if links.rate_limited(request, token, scope="connections", known=side is not None):
        response = _closed(request, "busy", status=429)
        response["Retry-After"] = str(links.RATE_WINDOW_SECONDS)
        return response
    if side is None or not queries.link_readable(side):
        return _closed(request, "unknown", status=404)
    intro = side.introduction
    organisation = intro.organisation
    first_name = queries.first_name_of(side)
    form = None
    if side.answer == "waiting":
        status = queries.effective_status(intro)
        if status != Status.ASKING:
            return _closed(
                request, "expired" if status == Status.EXPIRED else "closed", organisation
            )
        if queries.introduction_is_held(intro):
            # The same page as a withdrawal: nothing says why.
            return _closed(request, "closed", organisation)
        form = AnswerForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.answer(
                    side,
                    agree=data["agree"],
                    share_first_name=data["share_first_name"],
                    share_in_common=data["share_in_common"],
                    share_contact=data["share_contact"],
                    contact_way=data["contact_way"],
                    request_id=request.request_id,
                )
            except services.Closed as closed:
                return _closed(request, closed.reason, organisation)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("connections:answer", token)
        if form.is_bound or request.method != "POST":
            return links.private(
                render(
                    request,
                    "connections/answer.html",
                    {
                        "form": form,
                        "first_name": first_name,
                        "organisation": organisation,
                        "kind": intro.kind,
                        "space": intro.space,
                        "sent_by": intro.proposed_by,  # bare.html shows only their first name
                    },
                    status=form_status(request),
                )
            )
    # Answered: show the outcome as this side may see it.
    status = queries.effective_status(intro)
    introduced = status in (Status.INTRODUCED, Status.FOLLOWED_UP)
    others = []
    if introduced:
        for other in queries.other_sides(side):
            lived, lived_words = queries.told_lived_experience(other, intro.organisation_id)
            others.append(
                {
                    "name": queries.first_name_of(other) if other.share_first_name else "",
                    "contact": other.contact_way if other.share_contact else "",
                    "lived": lived,
                    "lived_words": lived_words,
                }
            )
    both_share_common = (
        introduced
        and side.share_in_common
        and all(o.share_in_common for o in queries.other_sides(side))
    )
    return links.private(
        render(
            request,
            "connections/answered.html",
            {
                "first_name": first_name,
                "organisation": organisation,
                "said_yes": side.answer == "agreed",
                "introduced": introduced,
                "not_going_ahead": status in (Status.DECLINED, Status.EXPIRED, Status.WITHDRAWN),
                "others": others,
                "in_common": list(intro.in_common) if both_share_common else [],
                "kind": intro.kind,
                "space": intro.space if introduced else None,
            },
        )
    )
