"""Views for planning a period and planning handovers when a worker leaves (coordinators)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from alongside.access.decorators import require_rule
from alongside.access.http import AuthedHttpRequest, membership_of
from alongside.access.models import Membership, Skill
from alongside.access.queries import teams_for
from alongside.common.forms import add_service_errors
from alongside.common.ids import parse_id
from alongside.common.once import submit_once
from alongside.common.responses import INVALID_FORM_STATUS, form_status
from alongside.scheduling import handovers, services
from alongside.scheduling.forms import AdjustForm, NewPlanForm, WorkerDetailsForm
from alongside.scheduling.models import PlanningRound
from alongside.scheduling.planning_rounds import queries as round_queries
from alongside.scheduling.planning_rounds import services as round_services
from alongside.scheduling.queries import worker_memberships


def _coordinator(request: AuthedHttpRequest) -> Membership:
    membership = membership_of(request)
    require_rule("scheduling.plan", membership, None)
    assert membership is not None
    return membership


@submit_once
def plan_list(request: AuthedHttpRequest) -> HttpResponse:
    membership = _coordinator(request)
    teams = teams_for(membership)
    today = timezone.localdate()
    form = NewPlanForm(
        request.POST or None,
        teams=teams,
        skills=Skill.objects.filter(organisation_id=membership.organisation_id),
        initial={
            "period_start": today + timedelta(days=1),
            "period_end": today + timedelta(days=28),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            planning_round = round_services.create_round(
                by=membership,
                team=form.cleaned_data["team"],
                period_start=form.cleaned_data["period_start"],
                period_end=form.cleaned_data["period_end"],
                every_days=form.cleaned_data["every_days"],
                window_days=form.cleaned_data["window_days"],
                skill=form.cleaned_data["skill"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("scheduling:plan_detail", planning_round.pk)
    rounds = PlanningRound.objects.filter(
        organisation_id=membership.organisation_id, team__in=teams
    ).select_related("team")[:20]
    leaving = (
        Membership.objects.filter(
            organisation_id=membership.organisation_id,
            left_on__isnull=True,
            leaving_on__isnull=False,
            team__in=teams,
        )
        .select_related("user", "team")
        .order_by("leaving_on")
    )
    return render(
        request,
        "scheduling/plan_list.html",
        {"form": form, "rounds": rounds, "leaving": leaving},
        status=form_status(request),
    )


def _round(request: AuthedHttpRequest, round_id: int) -> tuple[Membership, PlanningRound]:
    membership = _coordinator(request)
    planning_round = (
        PlanningRound.objects.filter(
            pk=round_id,
            organisation_id=membership.organisation_id,
            team__in=teams_for(membership),
        )
        .select_related("team")
        .first()
    )
    if planning_round is None:
        raise Http404
    return membership, planning_round


def _plan_page(
    request: AuthedHttpRequest, planning_round: PlanningRound, *, status: int = 200
) -> HttpResponse:
    rows = round_queries.proposal_rows(planning_round)
    proposal = planning_round.proposal
    return render(
        request,
        "scheduling/plan_detail.html",
        {
            "round": planning_round,
            "rows": rows,
            "figures": proposal.get("figures", {}),
            "baseline": proposal.get("baseline", {}),
            "bound": proposal.get("bound"),
            "draft": planning_round.status == PlanningRound.Status.DRAFT,
        },
        status=status,
    )


def plan_detail(request: AuthedHttpRequest, round_id: int) -> HttpResponse:
    _, planning_round = _round(request, round_id)
    return _plan_page(request, planning_round)


@require_POST
def adjust_plan(request: AuthedHttpRequest, round_id: int) -> HttpResponse:
    membership, planning_round = _round(request, round_id)
    form = AdjustForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a request and a time.")
        return _plan_page(request, planning_round, status=INVALID_FORM_STATUS)
    try:
        round_services.adjust(
            planning_round,
            by=membership,
            request_id=form.cleaned_data["request"],
            slot=form.cleaned_data["slot"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _plan_page(request, planning_round, status=INVALID_FORM_STATUS)
    messages.success(request, "Changed. The figures below are worked out again.")
    return redirect("scheduling:plan_detail", planning_round.pk)


@require_POST
def accept_plan(request: AuthedHttpRequest, round_id: int) -> HttpResponse:
    membership, planning_round = _round(request, round_id)
    try:
        booked = round_services.accept(planning_round, by=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _plan_page(request, planning_round, status=409)
    messages.success(request, f"Booked {booked} appointments. Reminders go out a day before each.")
    return redirect("scheduling:plan_detail", planning_round.pk)


@require_POST
def discard_plan(request: AuthedHttpRequest, round_id: int) -> HttpResponse:
    membership, planning_round = _round(request, round_id)
    try:
        round_services.discard(planning_round, by=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _plan_page(request, planning_round, status=409)
    messages.success(request, "The proposal has been set aside. Nothing was booked.")
    return redirect("scheduling:plan_list")


def leaving_worker(request: AuthedHttpRequest, membership_id: int) -> HttpResponse:
    membership = _coordinator(request)
    leaving = (
        Membership.objects.filter(
            pk=membership_id,
            organisation_id=membership.organisation_id,
            left_on__isnull=True,
            team__in=teams_for(membership),
        )
        .select_related("user", "team")
        .first()
    )
    if leaving is None:
        raise Http404
    proposals = handovers.handover_proposals(leaving)
    error = ""
    if request.method == "POST":
        choices: dict[int, tuple[int, str]] = {}
        for proposal in proposals:
            pid = proposal.person.pk
            if request.POST.get(f"hand_over_{pid}") != "on":
                continue
            successor = request.POST.get(f"successor_{pid}", "")
            slot = request.POST.get(f"slot_{pid}", "")
            successor_id = parse_id(successor)
            if successor_id is None:
                error = f"Choose who takes over from {leaving.user.get_full_name()} for {proposal.person.display_name}."
                break
            choices[pid] = (successor_id, slot)
        if not error:
            try:
                count = handovers.plan_handovers(leaving, by=membership, choices=choices)
            except ValidationError as problem:
                error = " ".join(problem.messages)
            else:
                messages.success(
                    request,
                    f"Planned {count} handovers and booked the introductions. Each new worker "
                    "takes over when the introduction is recorded as having happened.",
                )
                return redirect("scheduling:leaving_worker", leaving.pk)
    # Each row offers the proposed successors, never every worker of the team (there may be
    # thousands); "Someone else" opens the handover page, whose worker picker finds anyone.
    successors = sorted({p.successor_id for p in proposals if p.successor_id is not None})
    names = {
        m.user_id: m.user.get_full_name()
        for m in worker_memberships(membership.organisation_id, team_id=leaving.team_id).filter(
            user_id__in=successors
        )
        if m.pk != leaving.pk
    }
    return render(
        request,
        "scheduling/leaving_worker.html",
        {"leaving": leaving, "proposals": proposals, "names": names, "error": error},
        status=INVALID_FORM_STATUS if error else 200,
    )


def worker_details(request: AuthedHttpRequest, membership_id: int) -> HttpResponse:
    """A coordinator records a worker's skills, languages and how many more people they can take."""
    membership = _coordinator(request)
    worker = (
        worker_memberships(membership.organisation_id)
        .filter(pk=membership_id, team__in=teams_for(membership))
        .first()
    )
    if worker is None:
        raise Http404
    skills = Skill.objects.filter(organisation_id=membership.organisation_id)
    form = WorkerDetailsForm(
        request.POST or None,
        skills=skills,
        initial={
            "skills": list(worker.skills.all()),
            "languages": worker.languages,
            "takes_new_people": worker.takes_new_people,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_worker_details(
                worker,
                by=membership,
                skills=list(form.cleaned_data["skills"]),
                languages=form.cleaned_data["languages"],
                takes_new_people=form.cleaned_data["takes_new_people"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved {worker.user.get_full_name()}'s details.")
            return redirect("scheduling:team_capacity")
    return render(
        request,
        "scheduling/worker_details.html",
        {"worker": worker, "form": form},
        status=form_status(request),
    )
