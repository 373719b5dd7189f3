"""People management: invite, change role and team, leaving dates, switch off and on.

Every write checks the rules in `access/permissions.py` again (a page hides what a manager may not
do; the service refuses it), runs in one transaction and writes one audit event in it. Mistakes
are `ValidationError`s on the field to fix, and nothing is saved.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import rules
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from alongside.access.models import Membership, Organisation, Role, Skill, Team
from alongside.access.services import end_sessions_of, notify
from alongside.audit import actions
from alongside.audit.services import record
from alongside.common.links import hash_token, new_token
from alongside.relationships.services import set_leaving_date
from alongside.visibility.roles import WORKER_ROLES
from alongside.workers import queries
from alongside.workers.models import Invitation

INVITATION_DAYS = 7
BAD_EMAIL = gettext_lazy("Enter an email address like name@example.org.")


def _role_words(role: str, organisation: Organisation) -> str:
    """The role as the organisation names it (decision 0034), in a sentence: lower case unless
    the organisation chose its own name."""
    name = organisation.role_name(role)
    return name.lower() if name == str(Role(role).label) else name


def _check_role_and_team(
    by: Membership | None, organisation: Organisation, role: str, team: Team | None
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if role not in Role.values:
        errors["role"] = _("Choose a role from the list.")
    elif by is not None and not rules.test_rule("access.give_role", by, role):
        errors["role"] = _(
            "You can't make someone a %(role)s. Only the data lead gives that role."
        ) % {"role": _role_words(role, organisation)}
    if team is not None and team.organisation_id != organisation.pk:
        errors["team"] = _("Choose one of your organisation's teams.")
    elif by is not None and not rules.test_rule("access.place_in_team", by, team):
        errors["team"] = (
            _("Choose your own team: you can add people to it only.")
            if team is not None
            else _("Choose a team.")
        )
    return errors


def _invitation_email(invitation: Invitation, token: str, inviter: str) -> tuple[str, str]:
    user = invitation.membership.user
    link = settings.ALONGSIDE_BASE_URL + reverse("workers:accept", kwargs={"token": token})
    subject = _("You are invited to Alongside at %(organisation)s") % {
        "organisation": invitation.organisation.name
    }
    body = _(
        "Hello %(name)s,\n\n%(inviter)s has invited you to use Alongside at %(organisation)s.\n\n"
        "Choose your password here. The link works once, until %(until)s:\n\n%(link)s\n\n"
        "You then sign in with your email address, %(email)s.\n\n"
        "If you were not expecting this, you can ignore this email."
    ) % {
        "name": user.first_name or user.email,
        "inviter": inviter,
        "organisation": invitation.organisation.name,
        "until": timezone.localtime(invitation.expires_at).strftime("%d %B %Y, %H:%M"),
        "link": link,
        "email": user.email,
    }
    return subject, body


def _send_on_commit(invitation: Invitation, token: str, by: Membership | None) -> None:
    inviter = (by.user.get_full_name() or by.user.username) if by is not None else ""
    subject, body = _invitation_email(invitation, token, inviter or invitation.organisation.name)
    address = invitation.membership.user.email
    transaction.on_commit(lambda: send_mail(subject, body, None, [address]))


def _new_link(invitation: Invitation) -> str:
    token = new_token()
    invitation.token_hash = hash_token(token)
    invitation.sent_at = timezone.now()
    invitation.expires_at = invitation.sent_at + timedelta(days=INVITATION_DAYS)
    return token


def invite_worker(
    organisation: Organisation,
    *,
    by: Membership | None,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    team: Team | None,
) -> tuple[Invitation, str]:
    """Create the worker's account (no password, not active until they accept), their membership
    and an invitation, and email them a one-time link to choose a password.

    `by` is None only from the command line (the first data lead of a new organisation).
    Returns the invitation and the link's token (shown nowhere else: only its hash is kept).
    Side effects: a User, a Membership, an Invitation; one audit event; one email on commit.
    """
    email = email.strip().lower()
    errors = _check_role_and_team(by, organisation, role, team)
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = str(BAD_EMAIL)
    else:
        if len(email) > 150:
            errors["email"] = _("This email address is too long: use one under 150 characters.")
        elif User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).exists():
            errors["email"] = _(
                "Someone already has an account with this email address. Search the list for them."
            )
    if not first_name.strip():
        errors["first_name"] = _("Enter their first name.")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            user = User(
                username=email,
                email=email,
                first_name=first_name.strip(),
                last_name=last_name.strip(),
                is_active=False,
            )
            user.set_unusable_password()
            user.save()
            membership = Membership.objects.create(
                organisation=organisation,
                user=user,
                role=role,
                team=team,
                started_on=timezone.localdate(),
            )
            invitation = Invitation(
                organisation=organisation,
                membership=membership,
                sent_by=by.user if by is not None else None,
            )
            token = _new_link(invitation)
            invitation.save()
            record(
                membership,
                action=actions.ACCESS_WORKER_INVITED,
                by=by,
                summary={"membership": membership.pk, "role": role, "team": team and team.pk},
            )
            _send_on_commit(invitation, token, by)
    except IntegrityError:  # the same address invited twice at once
        raise ValidationError(
            {"email": _("Someone already has an account with this email address.")}
        ) from None
    return invitation, token


def _pending_invitation(membership: Membership) -> Invitation:
    invitation: Invitation | None = getattr(membership, "invitation", None)
    if invitation is None or invitation.accepted_at is not None:
        raise ValidationError(_("They have already set their password: there is no invitation."))
    return invitation


def resend_invitation(membership: Membership, *, by: Membership | None) -> tuple[Invitation, str]:
    """Send a new link (the old one stops working); brings back a withdrawn invitation.

    Side effects: saves the invitation (and clears the membership's `left_on`); one audit event;
    one email on commit.
    """
    invitation = _pending_invitation(membership)
    with transaction.atomic():
        token = _new_link(invitation)
        invitation.times_sent += 1
        invitation.withdrawn_at = None
        invitation.save()
        if membership.left_on is not None:
            membership.left_on = None
            membership.save(update_fields=["left_on"])
        record(
            membership,
            action=actions.ACCESS_INVITATION_RESENT,
            by=by,
            summary={"membership": membership.pk, "times_sent": invitation.times_sent},
        )
        _send_on_commit(invitation, token, by)
    return invitation, token


def withdraw_invitation(membership: Membership, *, by: Membership) -> Invitation:
    """Stop the link working and end the membership. Side effects: one audit event."""
    invitation = _pending_invitation(membership)
    with transaction.atomic():
        invitation.withdrawn_at = timezone.now()
        invitation.save(update_fields=["withdrawn_at"])
        membership.left_on = timezone.localdate()
        membership.save(update_fields=["left_on"])
        record(
            membership,
            action=actions.ACCESS_INVITATION_WITHDRAWN,
            by=by,
            summary={"membership": membership.pk},
        )
    return invitation


def accept_invitation(invitation: Invitation, *, password: str) -> User:
    """Set the password the worker chose (already checked by Django's validators) and open their
    account. Refused unless the invitation is still usable; single use under concurrency too
    (the row is locked and read again). Side effects: saves the user; one audit event."""
    with transaction.atomic():
        fresh = (
            Invitation.objects.select_for_update()
            .select_related("membership__user")
            .get(pk=invitation.pk)
        )
        membership = fresh.membership
        if not fresh.is_usable or membership.left_on is not None:
            raise ValidationError(_("This link has been used, has expired or was withdrawn."))
        user = membership.user
        user.set_password(password)
        user.is_active = True
        user.save(update_fields=["password", "is_active"])
        fresh.accepted_at = timezone.now()
        fresh.save(update_fields=["accepted_at"])
        record(
            membership,
            action=actions.ACCESS_INVITATION_ACCEPTED,
            by=user,
            summary={"membership": membership.pk},
        )
    return user


def _refuse_unless_manages(by: Membership, membership: Membership) -> None:
    if not rules.test_rule("access.manage_worker", by, membership):
        raise PermissionError("this membership is not one `by` manages")


def change_role(
    membership: Membership, *, by: Membership, role: str, team: Team | None
) -> Membership:
    """Give a worker another role or team, within the rules (see access/permissions.py):

    - only roles and teams `by` may give (`access.give_role`, `access.place_in_team`);
    - the organisation keeps at least one active data lead;
    - someone who is still a named worker keeps a role that holds relationships: an assessor
      checks eligibility, and people speak more freely to a supporter who does not decide what
      they get (separation of roles), so hand their people over first.

    Side effects: saves the membership; one audit event (old and new role and team).
    """
    _refuse_unless_manages(by, membership)
    errors = _check_role_and_team(by, membership.organisation, role, team)
    if (
        not errors
        and membership.role == Role.DATA_LEAD
        and role != Role.DATA_LEAD
        and queries.other_data_leads(membership) == 0
    ):
        errors["role"] = _(
            "%(name)s is the organisation's only data lead. Make someone else data lead "
            "first: an organisation always needs one."
        ) % {"name": membership.user.get_full_name() or membership.user.username}
    if not errors and role not in WORKER_ROLES and membership.role in WORKER_ROLES:
        held = queries.open_spells_count(membership)
        if held:
            words = {"n": held, "role": _role_words(role, membership.organisation)}
            if role == Role.ASSESSOR:
                message = ngettext(
                    "They are still the named worker for %(n)s person. Someone who supports a "
                    "person does not also check their eligibility: plan a handover first.",
                    "They are still the named worker for %(n)s people. Someone who supports a "
                    "person does not also check their eligibility: plan handovers first.",
                    held,
                )
            else:
                message = ngettext(
                    "They are still the named worker for %(n)s person, and a %(role)s does not "
                    "hold relationships: plan a handover first.",
                    "They are still the named worker for %(n)s people, and a %(role)s does not "
                    "hold relationships: plan handovers first.",
                    held,
                )
            errors["role"] = message % words
    if errors:
        raise ValidationError(errors)
    before = {"role": membership.role, "team": membership.team_id}
    after = {"role": role, "team": team.pk if team is not None else None}
    if before == after:
        return membership
    with transaction.atomic():
        membership.role = role
        membership.team = team
        membership.save(update_fields=["role", "team"])
        record(
            membership,
            action=actions.ACCESS_MEMBERSHIP_ROLE_CHANGED,
            by=by,
            summary={"membership": membership.pk, "before": before, "after": after},
        )
    return membership


def mark_leaving(membership: Membership, *, by: Membership, leaving_on: date | None) -> Membership:
    """Record (or clear) the worker's last day, and start planning warm handovers: the team's
    coordinators are told in the app, with a link to plan for the leaver's people.

    Access ends by itself when the day has passed (`access.models.active_membership_q`).
    Side effects: the membership and its audit event (`relationships.set_leaving_date`); one
    notification per coordinator of their team when a date is set.
    """
    _refuse_unless_manages(by, membership)
    with transaction.atomic():
        set_leaving_date(membership, by=by, leaving_on=leaving_on)
        if leaving_on is not None and membership.team_id is not None:
            coordinators = (
                Membership.objects.active()
                .filter(organisation_id=membership.organisation_id, role=Role.COORDINATOR)
                .filter(Q(team_id=membership.team_id) | Q(team__isnull=True))
                .exclude(user_id=membership.user_id)
                .select_related("user")
            )
            name = membership.user.get_full_name() or membership.user.username
            notify(
                [coordinator.user for coordinator in coordinators],
                organisation_id=membership.organisation_id,
                text=_("%(name)s is leaving on %(date)s: plan warm handovers for their people.")
                % {"name": name, "date": leaving_on.strftime("%d %B %Y")},
                url=reverse("scheduling:leaving_worker", kwargs={"membership_id": membership.pk}),
            )
    return membership


def switch_off(membership: Membership, *, by: Membership) -> Membership:
    """End the worker's access now: the membership ends today, the account cannot sign in
    (unless it still works in another organisation) and every session of theirs ends at once.
    Their records and the audit trail stay. Side effects: saves the membership and perhaps the
    user; deletes their sessions; one audit event."""
    _refuse_unless_manages(by, membership)
    if membership.pk == by.pk:
        raise ValidationError(_("You can't switch off your own account. Ask another data lead."))
    if membership.left_on is not None:
        return membership
    if membership.role == Role.DATA_LEAD and queries.other_data_leads(membership) == 0:
        raise ValidationError(_("The organisation's only data lead can't be switched off."))
    with transaction.atomic():
        membership.left_on = timezone.localdate()
        membership.save(update_fields=["left_on"])
        user = membership.user
        if user.is_active and not queries.has_other_active_membership(membership):
            user.is_active = False
            user.save(update_fields=["is_active"])
        ended = end_sessions_of(user.pk)
        record(
            membership,
            action=actions.ACCESS_MEMBERSHIP_SWITCHED_OFF,
            by=by,
            summary={"membership": membership.pk, "sessions_ended": ended},
        )
    return membership


def switch_on(membership: Membership, *, by: Membership) -> Membership:
    """Give a switched-off (or departed) worker their access back. A worker who never accepted
    their invitation gets a new invitation instead. Side effects: saves the membership and the
    user; one audit event."""
    _refuse_unless_manages(by, membership)
    invitation: Invitation | None = getattr(membership, "invitation", None)
    if invitation is not None and invitation.accepted_at is None:
        raise ValidationError(_("They never set a password: send the invitation again instead."))
    if membership.is_active:
        return membership
    with transaction.atomic():
        membership.left_on = None
        if membership.has_left:
            membership.leaving_on = None
        membership.save(update_fields=["left_on", "leaving_on"])
        user = membership.user
        if not user.is_active:
            user.is_active = True
            user.save(update_fields=["is_active"])
        record(
            membership,
            action=actions.ACCESS_MEMBERSHIP_SWITCHED_ON,
            by=by,
            summary={"membership": membership.pk},
        )
    return membership


# --- workers brought in by an import (imports/workers_kind.py) ----------------------------------


@dataclass(frozen=True, slots=True)
class NewWorker:
    email: str
    first_name: str
    last_name: str
    role: str
    team_id: int | None
    started_on: date
    leaving_on: date | None = None
    languages: str = ""
    skills: list[Skill] = field(default_factory=list)


def add_imported_workers(by: Membership, workers: Sequence[NewWorker]) -> list[Membership]:
    """Accounts and memberships for workers an import brings in, already checked by the importer
    (role, team, email not taken). Each account has no usable password and is not active; each
    membership has an invitation that was never sent (`times_sent` 0, already expired), so
    nobody is emailed: the data lead sends it from the worker's page (`resend_invitation`).
    Side effects: Users, Memberships, Invitations, skills; the caller audits, in its transaction.
    """
    if not workers:
        return []
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("imported workers are written inside the import's transaction")
    users = []
    for worker in workers:
        user = User(
            username=worker.email,
            email=worker.email,
            first_name=worker.first_name,
            last_name=worker.last_name,
            is_active=False,
        )
        user.set_unusable_password()
        users.append(user)
    User.objects.bulk_create(users)
    memberships = Membership.objects.bulk_create(
        Membership(
            organisation_id=by.organisation_id,
            user=user,
            role=worker.role,
            team_id=worker.team_id,
            started_on=worker.started_on,
            leaving_on=worker.leaving_on,
            languages=worker.languages,
        )
        for user, worker in zip(users, workers, strict=True)
    )
    now = timezone.now()
    Invitation.objects.bulk_create(
        Invitation(
            organisation_id=by.organisation_id,
            membership=membership,
            token_hash=hash_token(new_token()),  # a link nobody has: it was never sent
            sent_at=now,
            expires_at=now,
            times_sent=0,
            sent_by=by.user,
        )
        for membership in memberships
    )
    Membership.skills.through.objects.bulk_create(
        Membership.skills.through(membership_id=membership.pk, skill_id=skill.pk)
        for membership, worker in zip(memberships, workers, strict=True)
        for skill in worker.skills
    )
    return memberships


def update_imported_workers(
    by: Membership,
    changes: dict[int, dict[str, Any]],
    *,
    skills: dict[int, list[Skill]],
) -> list[Membership]:
    """Apply a later file's changes to workers an import brought in before: membership id ->
    {field: value} (role, team_id, started_on, leaving_on, languages, first_name, last_name), and
    membership id -> their skills now. Checked by the importer. Side effects: saves them; the
    caller audits, in its transaction."""
    found = (
        Membership.objects.filter(organisation_id=by.organisation_id, pk__in=changes)
        .select_related("user")
        .in_bulk()
    )
    membership_fields: set[str] = set()
    user_fields: set[str] = set()
    for pk, values in changes.items():
        membership = found[pk]
        for name, value in values.items():
            if name in ("first_name", "last_name"):
                setattr(membership.user, name, value)
                user_fields.add(name)
            else:
                setattr(membership, name, value)
                membership_fields.add(name)
    members = [found[pk] for pk in changes]
    if membership_fields:
        Membership.objects.bulk_update(members, sorted(membership_fields))
    if user_fields:
        User.objects.bulk_update([m.user for m in members], sorted(user_fields))
    for pk, chosen in skills.items():
        found[pk].skills.set(chosen)
    if "role" in membership_fields:  # a changed role takes effect at their next sign-in
        for membership in members:
            end_sessions_of(membership.user_id)
    return members
