"""Views for the learning report and what goes into it: fetch with a check, bind, call a service."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from alongside.access.decorators import require_rule
from alongside.access.http import AuthedHttpRequest, membership_of
from alongside.access.queries import teams_for
from alongside.common.forms import add_service_errors
from alongside.common.once import submit_once
from alongside.common.responses import INVALID_FORM_STATUS, form_status
from alongside.people.queries import get_person_for_user, sees_person
from alongside.reports import services
from alongside.reports.content import build
from alongside.reports.forms import LearningForm, PeriodForm, RateForm, StoryForm, default_period
from alongside.reports.models import (
    DEFAULT_VOLUNTEER_HOUR_RATE,
    ReportSettings,
    Story,
    TeamLearning,
)
from alongside.reports.render import context, render_html, render_pdf


def _period(request: AuthedHttpRequest) -> tuple[PeriodForm, tuple[date, date] | None]:
    start, end = default_period()
    given = request.GET.get("start") or request.GET.get("end")
    form = PeriodForm(request.GET if given else None, initial={"start": start, "end": end})
    if not given:
        return form, (start, end)
    if form.is_valid():
        return form, (form.cleaned_data["start"], form.cleaned_data["end"])
    return form, None


def report(request: AuthedHttpRequest) -> HttpResponse:
    membership = membership_of(request)
    require_rule("reports.read", membership)
    form, period = _period(request)
    data = {"form": form}
    if period is not None:
        content = build(membership.organisation, *period)
        data |= context(content) | {"query": f"start={period[0]}&end={period[1]}"}
    return render(
        request, "reports/report.html", data, status=200 if period else INVALID_FORM_STATUS
    )


def download(request: AuthedHttpRequest) -> HttpResponse:
    membership = membership_of(request)
    require_rule("reports.read", membership)
    kind = request.GET.get("format", "pdf")
    form, period = _period(request)
    if period is None or kind not in ("html", "pdf"):
        raise Http404
    content = build(membership.organisation, *period)
    name = f"learning-report-{period[0]}-{period[1]}.{kind}"
    if kind == "pdf":
        response = HttpResponse(render_pdf(content), content_type="application/pdf")
    else:
        response = HttpResponse(render_html(content), content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@submit_once
def record_story(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    membership = membership_of(request)
    person = get_person_for_user(membership, person_id)
    require_rule("reports.record_story", membership, person)
    form = StoryForm(request.POST or None, initial={"told_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_story(person, by=membership, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Kept for learning reports, without their name.")
            return redirect("people:person", person.pk)
    stories = Story.objects.filter(person=person).order_by("-told_on", "-id")
    return render(
        request,
        "reports/story_form.html",
        {"person": person, "form": form, "stories": stories},
        status=form_status(request),
    )


@require_POST
def withdraw_story(request: AuthedHttpRequest, story_id: int) -> HttpResponse:
    membership = membership_of(request)
    story = Story.objects.filter(sees_person(membership), pk=story_id).first()
    if story is None:
        raise Http404
    require_rule("reports.record_story", membership, story.person)
    try:
        services.withdraw_story(story, by=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Withdrawn: it will not appear in any report made from now on.")
    return redirect("reports:record_story", story.person_id)


@submit_once
def team_learning(request: AuthedHttpRequest) -> HttpResponse:
    membership = membership_of(request)
    require_rule("reports.write_learning", membership)
    teams = teams_for(membership)
    start, end = default_period()
    form = LearningForm(
        request.POST or None, teams=teams, initial={"period_start": start, "period_end": end}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.write_learning(
                form.cleaned_data.pop("team"), by=membership, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved. It appears in learning reports for that period.")
            return redirect("reports:team_learning")
    entries = TeamLearning.objects.filter(team__in=teams).select_related("team", "written_by")
    return render(
        request,
        "reports/team_learning.html",
        {"form": form, "entries": entries},
        status=form_status(request),
    )


def report_settings(request: AuthedHttpRequest) -> HttpResponse:
    membership = membership_of(request)
    require_rule("reports.change_settings", membership)
    current = ReportSettings.objects.filter(organisation_id=membership.organisation_id).first()
    form = RateForm(
        request.POST or None,
        initial={
            "volunteer_hour_rate": current.volunteer_hour_rate
            if current
            else DEFAULT_VOLUNTEER_HOUR_RATE
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_volunteer_hour_rate(
                membership.organisation,
                by=membership,
                rate=form.cleaned_data["volunteer_hour_rate"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("reports:report_settings")
    return render(
        request,
        "reports/settings.html",
        {"form": form},
        status=form_status(request),
    )
