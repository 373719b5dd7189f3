"""One introduction, for workers: asking each side, withdrawing, recording an answer given to
the worker, and following up once the two have met."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from alongside.access.decorators import require_rule
from alongside.access.http import AuthedHttpRequest, membership_of
from alongside.access.models import Membership
from alongside.common.forms import add_service_errors
from alongside.common.once import submit_once
from alongside.common.responses import form_status
from alongside.connections import queries, services
from alongside.connections.forms import AnswerForm, FollowUpForm
from alongside.connections.models import Introduction, IntroductionSide


def _introduction(
    request: AuthedHttpRequest, introduction_id: int
) -> tuple[Membership, Introduction]:
    membership = membership_of(request)
    require_rule("connections.use", membership)
    found = queries.introduction_for_worker(membership, introduction_id)
    if found is None:
        raise Http404
    return membership, found


def introduction(request: AuthedHttpRequest, introduction_id: int) -> HttpResponse:
    membership, found = _introduction(request, introduction_id)
    view = services.read_introduction(membership, found)
    return render(request, "connections/introduction.html", {"view": view})


@require_POST
def ask(request: AuthedHttpRequest, introduction_id: int) -> HttpResponse:
    membership, found = _introduction(request, introduction_id)
    view = queries.view_for(membership, found)
    if not view.may_manage:
        raise Http404
    try:
        issued = services.ask(found, by=membership, request_id=request.request_id)
    except (ValidationError, services.Closed):
        messages.error(request, "They have already been asked.")
        return redirect("connections:introduction", found.pk)
    names = {s.side.pk: s.name for s in view.sides}
    links = [
        {
            "name": names.get(side_id, ""),
            "url": request.build_absolute_uri(reverse("connections:answer", args=[token])),
        }
        for side_id, token in issued.items()
    ]
    response = render(
        request,
        "connections/links.html",
        {"view": queries.view_for(membership, found), "links": links},
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def withdraw(request: AuthedHttpRequest, introduction_id: int) -> HttpResponse:
    membership, found = _introduction(request, introduction_id)
    if not queries.view_for(membership, found).may_manage:
        raise Http404
    try:
        services.withdraw(found, by=membership, request_id=request.request_id)
    except (ValidationError, services.Closed):
        messages.error(request, "It can no longer be withdrawn.")
    else:
        messages.success(request, "Withdrawn. Their links no longer work.")
    return redirect("connections:introduction", found.pk)


def _side_for_worker(
    request: AuthedHttpRequest, side_id: int
) -> tuple[Membership, IntroductionSide]:
    membership = membership_of(request)
    require_rule("connections.use", membership)
    side = (
        IntroductionSide.objects.scoped()
        .filter(
            pk=side_id,
            introduction_id__in=queries.introductions_visible_to(membership).values("pk"),
        )
        .select_related("introduction", "person", "volunteer")
        .first()
    )
    if side is None:
        raise Http404
    return membership, side


@submit_once
def record_answer(request: AuthedHttpRequest, side_id: int) -> HttpResponse:
    """The worker records a side's answer with them (the same choices as the link)."""
    membership, side = _side_for_worker(request, side_id)
    view = queries.view_for(membership, side.introduction)
    if side.pk not in {s.pk for s in view.may_answer_for}:
        raise Http404
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
                by=membership,
                request_id=request.request_id,
            )
        except services.Closed:
            messages.error(request, "This can no longer be answered.")
            return redirect("connections:introduction", side.introduction_id)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Their answer is saved.")
            return redirect("connections:introduction", side.introduction_id)
    name = next((s.name for s in view.sides if s.side.pk == side.pk), "")
    return render(
        request,
        "connections/record_answer.html",
        {"view": view, "side": side, "name": name, "form": form},
        status=form_status(request),
    )


@submit_once
def follow_up(request: AuthedHttpRequest, introduced_side_id: int) -> HttpResponse:
    membership, side = _side_for_worker(request, introduced_side_id)
    view = queries.view_for(membership, side.introduction)
    if side.pk not in {s.pk for s in view.may_follow_up}:
        raise Http404
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.follow_up(
                side,
                by=membership,
                met=data["met"],
                how=data["how"],
                in_their_words=data["in_their_words"],
                request_id=request.request_id,
            )
        except services.Closed:
            messages.error(request, "This introduction is closed.")
            return redirect("connections:introduction", side.introduction_id)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Follow-up saved.")
            return redirect("connections:introduction", side.introduction_id)
    name = next((s.name for s in view.sides if s.side.pk == side.pk), "")
    return render(
        request,
        "connections/follow_up.html",
        {"view": view, "side": side, "name": name, "form": form},
        status=form_status(request),
    )
