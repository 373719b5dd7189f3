"""Team continuity for coordinators: how well people keep the workers they know."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alongside.access.decorators import rule_required
from alongside.access.http import AuthedHttpRequest, membership_of
from alongside.access.models import Membership, Team
from alongside.access.queries import chosen_team as pick_team
from alongside.access.queries import teams_for
from alongside.common.figures import forget, worked_out
from alongside.common.forms import add_service_errors
from alongside.common.keyset import BadCursor
from alongside.common.pickers import offer_pickers
from alongside.common.responses import INVALID_FORM_STATUS, bad_cursor
from alongside.insights.charts import bar_chart, line_chart
from alongside.insights.forms import LeavingForm
from alongside.insights.queries import at_risk_page, continuity_figures, team_continuity
from alongside.relationships.services import set_leaving_date

AT_RISK_PAGE_SIZE = 50


def chosen_team(
    request: AuthedHttpRequest, membership: Membership, teams: list[Team] | None = None
) -> Team | None:
    """The team for this page: see `access.queries.chosen_team`."""
    return pick_team(membership, request.GET.get("team"), teams)


def _render(
    request: AuthedHttpRequest, leaving_form: LeavingForm, status: int = 200
) -> HttpResponse:
    membership = membership_of(request)
    teams = list(teams_for(membership))
    team = chosen_team(request, membership, teams)
    kept = worked_out(continuity_figures, membership.organisation_id, team.pk if team else None)
    report = team_continuity(team, organisation_id=membership.organisation_id, figures=kept.figures)
    try:
        at_risk = at_risk_page(report, request.GET.get("cursor"), size=AT_RISK_PAGE_SIZE)
    except BadCursor as error:
        return bad_cursor(request, error)
    labels = [q.label for q in report.trend]
    trend_chart = line_chart(
        title=_("Continuity by quarter"),
        chart_id="trend",
        labels=labels,
        series=[
            (
                _("Contacts with the named worker"),
                [q.summary.person_weighted["named_share"] for q in report.trend],
            ),
            (
                _("Contacts with their usual worker (UPC)"),
                [q.summary.person_weighted["upc"] for q in report.trend],
            ),
        ],
    )
    distribution_chart = bar_chart(
        title=_("People by share of contacts with their named worker, last 12 months"),
        chart_id="distribution",
        labels=[label for label, _count in report.distribution],
        counts=[count for _label, count in report.distribution],
    )
    return render(
        request,
        "insights/team_continuity.html",
        {
            "teams": teams,
            "team": team,
            "can_see_all": membership.team_id is None,
            "report": report,
            "kept": kept,
            "at_risk": at_risk,
            "team_query": f"team={team.pk}"
            if team
            else "team=all"
            if membership.team_id is None
            else "",
            "trend_chart": trend_chart,
            "distribution_chart": distribution_chart,
            "leaving_form": leaving_form,
        },
        status=status,
    )


@rule_required("insights.team_continuity")
def team_continuity_page(request: AuthedHttpRequest) -> HttpResponse:
    membership = membership_of(request)
    form = LeavingForm(membership=membership)
    offer_pickers(form, membership, request)
    return _render(request, form)


@rule_required("insights.team_continuity")
@require_POST
def set_leaving(request: AuthedHttpRequest) -> HttpResponse:
    membership = membership_of(request)
    form = LeavingForm(request.POST, membership=membership)
    offer_pickers(form, membership, request, path=reverse("insights:team_continuity"))
    if form.is_valid():
        try:
            set_leaving_date(
                form.cleaned_data["worker"],
                by=membership,
                leaving_on=form.cleaned_data["leaving_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # Its people are at risk now: the kept count must show them (decision 0133).
            forget(continuity_figures, membership.organisation_id)
            messages.success(
                request,
                _("Leaving date saved. Their people are listed below until handovers are planned."),
            )
            return redirect("insights:team_continuity")
    return _render(request, form, status=INVALID_FORM_STATUS)
