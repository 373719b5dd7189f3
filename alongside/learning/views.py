"""Views for learning: fetch with a check, bind, call a service, redirect. Refusals are 404."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alongside.access.decorators import require_rule
from alongside.access.http import AuthedHttpRequest, membership_of
from alongside.access.queries import chosen_team, teams_for
from alongside.common.figures import Kept, worked_out
from alongside.common.forms import add_service_errors
from alongside.common.once import submit_once
from alongside.common.responses import INVALID_FORM_STATUS, form_status
from alongside.learning import queries, services
from alongside.learning import scorecard as scorecard_queries
from alongside.learning.forms import (
    AdminTimeForm,
    CloseNeedForm,
    DecideSpendForm,
    DemandForm,
    GoalForm,
    LearningSettingsForm,
    OpenNeedForm,
    PeriodForm,
    SpendForm,
)
from alongside.learning.models import DemandWords, Spend
from alongside.people.queries import get_person_for_user
from alongside.relationships.models import Contact

# --- demand on a contact ----------------------------------------------------------------------


def contact_demand(request: AuthedHttpRequest, person_id: int, contact_id: int) -> HttpResponse:
    membership = membership_of(request)
    person = get_person_for_user(membership, person_id)
    contact = get_object_or_404(
        Contact.objects.filter(person=person).select_related("person", "worker"), pk=contact_id
    )
    require_rule("learning.mark_demand", membership, contact)
    demand = queries.demand_for_contacts([contact.pk]).get(contact.pk)
    words: DemandWords | None = None
    words_exist = False
    if demand is not None:
        words_exist = (
            DemandWords.objects.for_system("does this demand have words (yes or no)")
            .filter(demand=demand)
            .exists()
        )
        words = services.read_demand_words(membership, demand)
    may_edit_words = words is not None or not words_exist
    initial = {
        "kind": demand.kind if demand else "",
        "failure_kind": demand.failure_kind if demand else "",
        "in_their_words": words.text if words else "",
    }
    form = DemandForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        organisation_id=membership.organisation_id,
        keep=demand.failure_kind if demand else "",
    )
    if not may_edit_words:
        del form.fields["in_their_words"]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.mark_demand(
                contact,
                by=membership,
                kind=data["kind"],
                failure_kind=data.get("failure_kind") or "",
                in_their_words=data["in_their_words"] if may_edit_words else None,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Demand marked. Thank you: this is how the team learns."))
            return redirect("people:person", person_id=person.pk)
    # Its own ids: the demand form above has a field of the same name.
    need_form = OpenNeedForm(initial={"contact": contact.pk}, auto_id="need-%s")
    del need_form.fields["first_contact_on"]
    return render(
        request,
        "learning/contact_demand.html",
        {
            "person": person,
            "contact": contact,
            "demand": demand,
            "form": form,
            "need_form": need_form,
            "words_hidden": not may_edit_words,
        },
        status=form_status(request, form),
    )


# --- needs ------------------------------------------------------------------------------------


@submit_once
def person_needs(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    membership = membership_of(request)
    person = get_person_for_user(membership, person_id)
    require_rule("learning.work_with_person", membership, person)
    form = OpenNeedForm(
        request.POST if request.method == "POST" else None,
        initial={"first_contact_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        contact = None
        if data.get("contact"):
            contact = Contact.objects.filter(person=person, pk=data["contact"]).first()
            if contact is None:
                raise Http404
        try:
            need = services.open_need(
                person,
                by=membership,
                in_their_words=data["in_their_words"],
                first_contact_on=data.get("first_contact_on"),
                contact=contact,
                goal=data.get("goal") or "",
                goal_set_by=data.get("goal_set_by") or "",
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Need recorded. Close it when they tell you it's sorted."))
            return redirect("learning:need", need_id=need.pk)
    needs = services.read_needs_of_person(membership, person.pk)
    return render(
        request,
        "learning/person_needs.html",
        {"person": person, "needs": needs, "form": form},
        status=form_status(request, form),
    )


@submit_once
def need_detail(request: AuthedHttpRequest, need_id: int) -> HttpResponse:
    membership = membership_of(request)
    need = queries.get_need_for_user(membership, need_id)
    may_close = need.status == "open" and rules_allow("learning.close_need", membership, need)
    setting_goal = request.method == "POST" and request.POST.get("action") == "goal"
    if request.method == "POST":
        require_rule("learning.close_need", membership, need)
    form = CloseNeedForm(
        request.POST if request.method == "POST" and not setting_goal else None,
        initial={"on": timezone.localdate()},
        organisation_id=membership.organisation_id,
    )
    goal_form = GoalForm(
        request.POST if setting_goal else None,
        initial={"goal": need.goal, "goal_set_by": need.goal_set_by},
    )
    if setting_goal and goal_form.is_valid():
        try:
            services.set_goal(
                need,
                by=membership,
                goal=goal_form.cleaned_data["goal"],
                set_by=goal_form.cleaned_data["goal_set_by"],
            )
        except ValidationError as error:
            add_service_errors(goal_form, error)
        else:
            messages.success(request, _("Goal saved."))
            return redirect("learning:need", need_id=need.pk)
    elif request.method == "POST" and not setting_goal and form.is_valid():
        data = form.cleaned_data
        try:
            services.close_need(
                need,
                by=membership,
                on=data["on"],
                person_confirmed=data["person_confirmed"],
                reason=data["reason"],
                words=data["words"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Need closed."))
            return redirect("learning:person_needs", person_id=need.person_id)
    services.read_need(membership, need)
    return render(
        request,
        "learning/need.html",
        {
            "need": need,
            "person": need.person,
            "form": form,
            "goal_form": goal_form,
            "may_close": may_close,
            "may_set_goal": rules_allow("learning.close_need", membership, need),
        },
        status=form_status(request, form, goal_form),
    )


def rules_allow(name: str, membership: Any, obj: Any = None) -> bool:
    import rules

    return membership is not None and bool(rules.test_rule(name, membership, obj))


# --- discretionary spends ---------------------------------------------------------------------


@submit_once
def record_spend(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    membership = membership_of(request)
    person = get_person_for_user(membership, person_id)
    require_rule("learning.work_with_person", membership, person)
    settings = queries.settings_for(membership.organisation_id)
    form = SpendForm(
        request.POST if request.method == "POST" else None,
        initial={"spent_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            spend = services.record_spend(
                person,
                by=membership,
                amount=data["amount"],
                purpose=data["purpose"],
                spent_on=data["spent_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if spend.status == "made":
                messages.success(request, _("Spend recorded. It was yours to decide."))
            else:
                messages.success(
                    request,
                    _(
                        "With what was already spent for them in the last 30 days, that is "
                        "above the limit, so it waits for a coordinator of the team."
                    ),
                )
            return redirect("learning:spend", spend_id=spend.pk)
    return render(
        request,
        "learning/spend_form.html",
        {"person": person, "form": form, "settings": settings},
        status=form_status(request, form),
    )


def spend_list(request: AuthedHttpRequest) -> HttpResponse:
    membership = membership_of(request)
    require_rule("learning.work_with_person", membership)
    waiting, mine = services.read_spends(membership)
    return render(
        request,
        "learning/spends.html",
        {
            "waiting": waiting,
            "mine": mine,
            "settings": queries.settings_for(membership.organisation_id),
        },
    )


def _render_spend(
    request: AuthedHttpRequest, spend: Spend, form: DecideSpendForm, status: int = 200
) -> HttpResponse:
    membership = membership_of(request)
    services.read_spend(membership, spend)
    return render(
        request,
        "learning/spend.html",
        {
            "spend": spend,
            "form": form,
            "may_decide": spend.status == "asked" and services.may_decide(spend, membership),
        },
        status=status,
    )


def spend_detail(request: AuthedHttpRequest, spend_id: int) -> HttpResponse:
    spend = queries.get_spend_for_user(membership_of(request), spend_id)
    return _render_spend(request, spend, DecideSpendForm())


@require_POST
def decide_spend(request: AuthedHttpRequest, spend_id: int) -> HttpResponse:
    membership = membership_of(request)
    spend = queries.get_spend_for_user(membership, spend_id)
    require_rule("learning.decide_spend", membership, spend)
    form = DecideSpendForm(request.POST)
    if form.is_valid():
        try:
            services.decide_spend(
                spend,
                by=membership,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Decision recorded. The worker has been told."))
            return redirect("learning:spends")
    return _render_spend(request, spend, form, status=INVALID_FORM_STATUS)


# --- team figures, scorecard, settings -------------------------------------------------------


def _team_and_period(request: AuthedHttpRequest) -> dict[str, Any]:
    membership = membership_of(request)
    require_rule("learning.team_figures", membership)
    teams = list(teams_for(membership).order_by("name"))
    team = chosen_team(membership, request.GET.get("team"), teams)
    return {
        "teams": teams,
        "team": team,
        "team_id": team.pk if team else None,
        "can_see_all": membership.team_id is None,
        "asked": PeriodForm(request.GET or None).asked(),
    }


def _kept_figures(
    request: AuthedHttpRequest, context: dict[str, Any], compute: Callable[..., Any]
) -> Kept[Any]:
    """The figures `compute` keeps for the page's team and period (decision 0133), and the
    period they are for in the page's form."""
    org = membership_of(request).organisation_id
    kept = worked_out(compute, org, context["team_id"], *context["asked"])
    context["kept"] = kept
    context["period_form"] = PeriodForm(
        initial={"start": kept.figures.start, "end": kept.figures.end}
    )
    return kept


def team_learning(request: AuthedHttpRequest) -> HttpResponse:
    context = _team_and_period(request)
    figures = _kept_figures(request, context, queries.team_figures).figures
    context |= {"demand": figures.demand, "needs": figures.needs, "discretion": figures.discretion}
    return render(request, "learning/team.html", context)


def scorecard(request: AuthedHttpRequest) -> HttpResponse:
    context = _team_and_period(request)
    context["scorecard"] = _kept_figures(
        request, context, scorecard_queries.scorecard_figures
    ).figures
    return render(request, "learning/scorecard.html", context)


def learning_settings(request: AuthedHttpRequest) -> HttpResponse:
    membership = membership_of(request)
    require_rule("learning.settings", membership)
    current = queries.settings_for(membership.organisation_id)
    form = LearningSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={"discretion_limit": current.discretion_limit, "currency": current.currency},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_learning_settings(
                membership.organisation,
                by=membership,
                discretion_limit=form.cleaned_data["discretion_limit"],
                currency=form.cleaned_data["currency"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("learning:settings")
    return render(
        request, "learning/settings.html", {"form": form}, status=form_status(request, form)
    )


# --- a worker's own admin time ------------------------------------------------------------------


@submit_once
def my_time(request: AuthedHttpRequest) -> HttpResponse:
    membership = membership_of(request)
    require_rule("learning.work_with_person", membership)
    weeks = queries.recordable_weeks(timezone.localdate())
    teams = list(teams_for(membership).order_by("name"))
    form = AdminTimeForm(
        request.POST if request.method == "POST" else None,
        weeks=weeks,
        teams=teams,
        initial={"week": weeks[0].isoformat(), "team": teams[0].pk if teams else None},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_admin_time(
                membership,
                team=next((t for t in teams if t.pk == data["team"]), None),
                week=data["week"],
                hours=data["hours"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Admin time saved for that week."))
            return redirect("learning:my_time")
    return render(
        request,
        "learning/my_time.html",
        {
            "form": form,
            "rows": queries.admin_time_of(membership),
            "several_teams": len(teams) > 1,
        },
        status=form_status(request, form),
    )
