"""Views for spaces, sessions, registers, engagement and ties: fetch with a check, bind, call a
service, redirect. Refusals are 404."""

from __future__ import annotations

from typing import Any

import rules
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from alongside.access.decorators import require_rule
from alongside.access.http import AuthedHttpRequest, membership_of
from alongside.common.forms import add_service_errors
from alongside.common.ids import parse_id
from alongside.common.once import submit_once
from alongside.common.pickers import offer_pickers
from alongside.common.responses import INVALID_FORM_STATUS, form_status
from alongside.people.queries import get_person_for_user, second_identifier
from alongside.people.services import PossibleMatch
from alongside.spaces import queries, services
from alongside.spaces.forms import (
    FindForm,
    InviteForm,
    PatternForm,
    SessionForm,
    SpaceForm,
    StoppingReasonForm,
    TiesForm,
    WelcomeForm,
)
from alongside.spaces.models import Space
from alongside.spaces.regularity import RULE_TEXT


def space_list(request: AuthedHttpRequest) -> HttpResponse:
    membership = membership_of(request)
    require_rule("spaces.see", membership)
    today = timezone.localdate()
    return render(
        request,
        "spaces/space_list.html",
        {
            "spaces": queries.spaces_visible_to(membership)
            .filter(is_active=True)
            .select_related("host", "team"),
            "sessions": queries.upcoming_sessions(membership, today=today),
            "today": today,
            "may_create": rules.test_rule("spaces.manage_space", membership, None),
            "may_see_outcomes": rules.test_rule("spaces.see_outcomes", membership),
        },
    )


def _space_form_page(
    request: AuthedHttpRequest, form: SpaceForm, space: Space | None, status: int = 200
) -> HttpResponse:
    return render(request, "spaces/space_form.html", {"form": form, "space": space}, status=status)


def _space_fields(form: SpaceForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    return data


@submit_once
def space_create(request: AuthedHttpRequest) -> HttpResponse:
    membership = membership_of(request)
    require_rule("spaces.see", membership)
    require_rule("spaces.manage_space", membership, None)
    form = SpaceForm(request.POST or None, membership=membership)
    offer_pickers(form, membership, request)
    if request.method == "POST" and form.is_valid():
        try:
            space = services.create_space(by=membership, **_space_fields(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Space added. Now add its sessions.")
            return redirect("spaces:space", space.pk)
    return _space_form_page(request, form, None, status=form_status(request))


def space_edit(request: AuthedHttpRequest, space_id: int) -> HttpResponse:
    membership = membership_of(request)
    space = queries.get_space_for_user(membership, space_id)
    require_rule("spaces.manage_space", membership, space)
    initial = {name: getattr(space, name) for name in services.SPACE_FIELDS}
    form = SpaceForm(request.POST or None, membership=membership, initial=initial)
    offer_pickers(form, membership, request)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_space(space, by=membership, **_space_fields(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Space changed.")
            return redirect("spaces:space", space.pk)
    return _space_form_page(request, form, space, status=form_status(request))


def space_detail(request: AuthedHttpRequest, space_id: int) -> HttpResponse:
    membership = membership_of(request)
    space = queries.get_space_for_user(membership, space_id)
    today = timezone.localdate()
    may_register = rules.test_rule("spaces.take_register", membership, space)
    return render(
        request,
        "spaces/space_detail.html",
        {
            "space": space,
            "upcoming": queries.upcoming_sessions(membership, today=today, days=42, space=space),
            "recent": queries.recent_sessions(space, today=today),
            "today": today,
            "may_manage": rules.test_rule("spaces.manage_space", membership, space),
            "may_sessions": rules.test_rule("spaces.manage_sessions", membership, space),
            "may_register": may_register,
            # Who comes, by name: for those who take its register.
            "engagement": queries.space_engagement(space, today=today) if may_register else None,
            "rule": RULE_TEXT,
        },
    )


@submit_once
def space_repeat(request: AuthedHttpRequest, space_id: int) -> HttpResponse:
    membership = membership_of(request)
    space = queries.get_space_for_user(membership, space_id)
    require_rule("spaces.manage_sessions", membership, space)
    form = PatternForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _, added = services.add_pattern(space, by=membership, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{added} sessions added.")
            return redirect("spaces:space", space.pk)
    return render(
        request,
        "spaces/pattern_form.html",
        {"space": space, "form": form},
        status=form_status(request),
    )


@submit_once
def space_add_session(request: AuthedHttpRequest, space_id: int) -> HttpResponse:
    membership = membership_of(request)
    space = queries.get_space_for_user(membership, space_id)
    require_rule("spaces.manage_sessions", membership, space)
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_session(space, by=membership, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Session added.")
            return redirect("spaces:space", space.pk)
    return render(
        request,
        "spaces/session_form.html",
        {"space": space, "form": form},
        status=form_status(request),
    )


@require_POST
def session_cancel(request: AuthedHttpRequest, session_id: int) -> HttpResponse:
    membership = membership_of(request)
    session = queries.get_session_for_user(membership, session_id)
    require_rule("spaces.manage_sessions", membership, session)
    try:
        services.cancel_session(session, by=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Session cancelled.")
    return redirect("spaces:space", session.space_id)


# --- the register -------------------------------------------------------------------------------


def _register_session(request: AuthedHttpRequest, session_id: int) -> Any:
    membership = membership_of(request)
    session = queries.get_session_for_user(membership, session_id)
    require_rule("spaces.take_register", membership, session)
    return session


def _register_page(
    request: AuthedHttpRequest,
    session: Any,
    *,
    welcome_form: WelcomeForm | None = None,
    error: str = "",
    status: int = 200,
    matches: list[tuple[Any, str]] | None = None,
) -> HttpResponse:
    membership = membership_of(request)
    find = FindForm(request.GET or None)
    rows = queries.register_rows(session)
    listed = {row.person.pk for row in rows}
    found = []
    if find.is_valid() and find.cleaned_data["q"]:
        found = [
            queries.RegisterRow(person=p)
            for p in queries.find_for_register(membership, find.cleaned_data["q"])
            if p.pk not in listed
        ]
    today = timezone.localdate()
    return render(
        request,
        "spaces/register.html",
        {
            "session": session,
            "space": session.space,
            "rows": rows,
            "present": sum(1 for row in rows if row.present),
            "found": found,
            "find": find,
            "welcome_form": welcome_form or WelcomeForm(),
            "matches": matches or [],
            "markable": not session.is_cancelled and session.on <= today,
            "error": error,
        },
        status=status,
    )


def session_register(request: AuthedHttpRequest, session_id: int) -> HttpResponse:
    return _register_page(request, _register_session(request, session_id))


def _mark(
    request: AuthedHttpRequest, session_id: int, person_id: int, *, present: bool
) -> HttpResponse:
    membership = membership_of(request)
    session = _register_session(request, session_id)
    person = queries.get_register_person(membership, session, person_id)
    try:
        if present:
            services.mark_present(session, person, by=membership)
        else:
            services.mark_absent(session, person, by=membership)
    except ValidationError as error:
        if request.htmx:
            row = queries.register_row(session, person)
            return render(
                request,
                "spaces/partials/register_row.html",
                {"row": row, "session": session, "markable": False, "error": error.messages[0]},
            )
        return _register_page(
            request, session, error=" ".join(error.messages), status=INVALID_FORM_STATUS
        )
    if request.htmx:
        return render(
            request,
            "spaces/partials/register_row.html",
            {"row": queries.register_row(session, person), "session": session, "markable": True},
        )
    return redirect(f"{reverse('spaces:register', args=[session.pk])}#person-{person.pk}")


@require_POST
def mark_present(request: AuthedHttpRequest, session_id: int, person_id: int) -> HttpResponse:
    return _mark(request, session_id, person_id, present=True)


@require_POST
def mark_absent(request: AuthedHttpRequest, session_id: int, person_id: int) -> HttpResponse:
    return _mark(request, session_id, person_id, present=False)


@submit_once
def new_here(request: AuthedHttpRequest, session_id: int) -> HttpResponse:
    membership = membership_of(request)
    session = _register_session(request, session_id)
    use_person = parse_id(request.POST.get("use_person", ""))
    if request.method == "POST" and use_person is not None:
        # "Yes, it is them" on the possible-match question: mark that person here instead.
        return _mark(request, session_id, use_person, present=True)
    form = WelcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.welcome_at_door(session, by=membership, **form.cleaned_data)
        except PossibleMatch as question:
            matches = [(person, second_identifier(person)) for person in question.people]
            return _register_page(request, session, welcome_form=form, matches=matches, status=409)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Welcome, {person.given_name}: marked here.")
            return redirect(f"{reverse('spaces:register', args=[session.pk])}#person-{person.pk}")
        return _register_page(request, session, welcome_form=form, status=INVALID_FORM_STATUS)
    if request.method == "POST":
        return _register_page(request, session, welcome_form=form, status=INVALID_FORM_STATUS)
    return redirect(f"{reverse('spaces:register', args=[session.pk])}#new-here")


@require_POST
def close_register(request: AuthedHttpRequest, session_id: int) -> HttpResponse:
    membership = membership_of(request)
    session = _register_session(request, session_id)
    try:
        services.close_register(session, by=membership)
    except ValidationError as error:
        return _register_page(
            request, session, error=" ".join(error.messages), status=INVALID_FORM_STATUS
        )
    messages.success(request, "Register saved. Thank you.")
    return redirect("spaces:space", session.space_id)


# --- a person's spaces, reasons and ties --------------------------------------------------------


def _person(request: AuthedHttpRequest, person_id: int) -> Any:
    membership = membership_of(request)
    person = get_person_for_user(membership, person_id)
    require_rule("spaces.see", membership, person)
    return person


def person_spaces(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    membership = membership_of(request)
    person = _person(request, person_id)
    in_sphere = rules.test_rule("spaces.support_sphere", membership, person)
    reasons = []
    if in_sphere:
        reasons = services.read_stopping_reasons(membership, person)
    return render(
        request,
        "spaces/person_spaces.html",
        {
            "person": person,
            "rows": queries.person_engagement(person, today=timezone.localdate()),
            "in_sphere": in_sphere,
            "reasons": reasons,
            "welcomed": getattr(person, "door_welcome", None),
            "rule": RULE_TEXT,
        },
    )


@submit_once
def person_invite(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    membership = membership_of(request)
    person = _person(request, person_id)
    spaces = queries.spaces_visible_to(membership).filter(is_active=True)
    form = InviteForm(request.POST or None, spaces=spaces)
    if request.method == "POST" and form.is_valid():
        space = form.cleaned_data["space"]
        try:
            _, created = services.invite(space, person, by=membership)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Invited to {space.name}." if created else f"Already invited to {space.name}.",
            )
            return redirect("spaces:person", person.pk)
    return render(
        request,
        "spaces/invite_form.html",
        {"person": person, "form": form},
        status=form_status(request),
    )


def _support_person(request: AuthedHttpRequest, person_id: int) -> Any:
    membership = membership_of(request)
    person = get_person_for_user(membership, person_id)
    require_rule("spaces.support_sphere", membership, person)
    return person


@submit_once
def person_stopped(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    membership = membership_of(request)
    person = _support_person(request, person_id)
    came_to = [
        space.pk for space, _ in queries.person_engagement(person, today=timezone.localdate())
    ]
    spaces = queries.spaces_visible_to(membership).filter(pk__in=came_to)
    form = StoppingReasonForm(request.POST or None, spaces=spaces)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_stopping_reason(person, by=membership, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Thank you: recorded.")
            return redirect("spaces:person", person.pk)
    return render(
        request,
        "spaces/stopped_form.html",
        {"person": person, "form": form},
        status=form_status(request),
    )


@submit_once
def person_ties(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    membership = membership_of(request)
    person = _support_person(request, person_id)
    visible = queries.ties_visible_to(membership).filter(person=person)
    open_ties = list(visible.filter(ended_on__isnull=True))
    form = TiesForm(request.POST or None, open_ties=open_ties)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_ties(person, by=membership, added=form.added(), ended=form.ended_ids())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Ties recorded and counted.")
            return redirect("spaces:ties", person.pk)
    ended = list(visible.filter(ended_on__isnull=False))
    services.read_ties(membership, person, [*open_ties, *ended])
    return render(
        request,
        "spaces/ties.html",
        {
            "person": person,
            "form": form,
            "open_ties": open_ties,
            "ended": ended,
            "history": list(queries.tie_counts_visible_to(membership).filter(person=person)),
        },
        status=form_status(request),
    )


def outcomes(request: AuthedHttpRequest) -> HttpResponse:
    membership = membership_of(request)
    require_rule("spaces.see_outcomes", membership)
    if membership.role == "coordinator" and membership.team_id is None:
        scope = "your organisation"
    elif membership.role == "coordinator" and membership.team is not None:
        scope = f"the {membership.team.name} team"
    else:
        scope = "your organisation"
    return render(
        request,
        "spaces/outcomes.html",
        {
            "scope": scope,
            "spaces": queries.space_outcomes(membership, today=timezone.localdate()),
            "ties": queries.tie_outcomes(membership),
            "rule": RULE_TEXT,
        },
    )
