"""Writes for the rota and for what volunteers give.

Every function validates before it writes, runs in one transaction and records an audit event
in it. Errors are `ValidationError`s keyed by form field, in plain English.

No double booking (decision 0076, on decision 0004): every write that puts a member on a shift
first locks that member's `Membership` row — the same row an appointment booking locks
(`scheduling.services.book`) — then checks their other shifts and their appointments, then
writes. So two sign-ups, or a sign-up and a booking, for one member at one moment are
serialised: the second sees the first. Places on a role are counted under a lock on the
`ShiftRole` row, taken after the membership's (always in that order). On PostgreSQL an
exclusion constraint refuses overlapping shifts for one member as well (migration 0002).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from alongside.access.models import Membership, Organisation
from alongside.access.services import notify
from alongside.audit import actions
from alongside.audit.services import record
from alongside.common.dates import date_problem
from alongside.rota.models import (
    HOLDS_PLACE,
    Gift,
    GiftKind,
    GiftUnit,
    HoursEntry,
    MilestoneShare,
    PatternRole,
    Shift,
    ShiftPattern,
    ShiftRole,
    Signup,
    SignupStatus,
)
from alongside.rota.permissions import ON_SHIFTS
from alongside.rota.queries import reached_milestone_keys
from alongside.scheduling.models import HOLDS_TIME, Appointment
from alongside.spaces.models import Session, Space
from alongside.spaces.recurrence import MAX_PATTERN_DAYS, pattern_dates
from alongside.training.models import Activity
from alongside.training.queries import unmet_requirements

REMIND_BEFORE = timedelta(hours=24)
MAX_NEEDED = 50
MAX_MINUTES_ADDED = 24 * 60
MAX_VALUE = Decimal("1000000")


def _when(shift: Shift) -> str:
    start = timezone.localtime(shift.starts_at)
    return f"{start:%a %-d %b} at {start:%H:%M}"


# Patterns and shifts ----------------------------------------------------------------------------


def create_pattern(
    organisation: Organisation,
    *,
    by: Membership,
    name: str,
    weekday: int,
    starts_at: time,
    ends_at: time,
    starts_on: date,
    ends_on: date,
    roles: Sequence[tuple[str, int]],
    every_weeks: int = 1,
    space: Space | None = None,
    place: str = "",
) -> ShiftPattern:
    """A repeating shift and the people it needs. All its shifts (a year at most) are made at
    once, so people can sign up as far ahead as it runs."""
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("Give the shift a name, like “Tuesday foodbank”.")
    if not 0 <= weekday <= 6:
        errors["weekday"] = _("Choose a day of the week.")
    if ends_at <= starts_at:
        errors["ends_at"] = _("The shift must end after it starts.")
    if not 1 <= every_weeks <= 8:
        errors["every_weeks"] = _("Enter every 1 to 8 weeks.")
    for field, day in (("starts_on", starts_on), ("ends_on", ends_on)):
        problem = date_problem(day)
        if problem:
            errors[field] = problem
    if "ends_on" not in errors and ends_on < starts_on:
        errors["ends_on"] = _("The last date must be on or after the first.")
    elif (ends_on - starts_on).days > MAX_PATTERN_DAYS:
        errors["ends_on"] = _("A pattern can run for a year at most. Add another after.")
    if not roles:
        errors["roles"] = _("Say which roles the shift needs and how many people, like “Desk: 2”.")
    elif any(not role.strip() or not 1 <= needed <= MAX_NEEDED for role, needed in roles):
        errors["roles"] = _("Each role needs a name and from 1 to %(max)d people.") % {
            "max": MAX_NEEDED
        }
    if space is not None and space.organisation_id != organisation.pk:
        errors["space"] = _("Choose one of this organisation's spaces.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        pattern = ShiftPattern.objects.create(
            organisation=organisation,
            name=name.strip(),
            space=space,
            place=place.strip(),
            weekday=weekday,
            starts_at=starts_at,
            ends_at=ends_at,
            every_weeks=every_weeks,
            starts_on=starts_on,
            ends_on=ends_on,
            created_by=by.user,
        )
        PatternRole.objects.bulk_create(
            PatternRole(pattern=pattern, name=role.strip(), needed=needed) for role, needed in roles
        )
        record(pattern, action=actions.ROTA_PATTERN_CREATED, by=by, person_id=None)
        generate_shifts(pattern, by=by, until=ends_on)
    return pattern


def generate_shifts(pattern: ShiftPattern, *, by: Membership | None, until: date) -> int:
    """Make the pattern's shifts from today to `until` that do not exist yet, each with its own
    copy of the roles and linked to the space's session that day. Returns how many were made."""
    today = timezone.localdate()
    days = pattern_dates(
        weekday=pattern.weekday,
        every_weeks=pattern.every_weeks,
        starts_on=pattern.starts_on,
        ends_on=min(pattern.ends_on, until),
    )
    days = [d for d in days if d >= today]
    if not days:
        return 0
    with transaction.atomic():
        existing = set(
            Shift.objects.filter(
                pattern=pattern, starts_at__gte=_local(days[0], time.min)
            ).values_list("starts_at", flat=True)
        )
        sessions: dict[date, Session] = {}
        if pattern.space_id is not None:
            for session in Session.objects.filter(
                space_id=pattern.space_id,
                on__gte=days[0],
                on__lte=days[-1],
                cancelled_at__isnull=True,
            ).order_by("on", "starts_at"):
                sessions.setdefault(session.on, session)
        roles = list(pattern.roles.all())
        made = []
        for day in days:
            starts = _local(day, pattern.starts_at)
            if starts in existing:
                continue
            made.append(
                Shift(
                    organisation_id=pattern.organisation_id,
                    pattern=pattern,
                    session=sessions.get(day),
                    name=pattern.name,
                    place=pattern.place,
                    starts_at=starts,
                    ends_at=_local(day, pattern.ends_at),
                )
            )
        Shift.objects.bulk_create(made)
        made = list(
            Shift.objects.filter(pattern=pattern, starts_at__in=[s.starts_at for s in made])
        )
        ShiftRole.objects.bulk_create(
            ShiftRole(shift=shift, name=role.name, needed=role.needed)
            for shift in made
            for role in roles
        )
        if made and by is not None:
            record(
                pattern,
                action=actions.ROTA_SHIFTS_GENERATED,
                by=by,
                person_id=None,
                summary={"shifts": len(made)},
            )
    return len(made)


def _local(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


# Putting a member on a shift --------------------------------------------------------------------


def _refusals(membership: Membership, shift: Shift, *, field: str) -> None:
    """Raise when this member may not be on this shift: training, dates, and every other shift
    or appointment that overlaps it. Call with the membership row locked."""
    name = membership.user.get_full_name() or membership.user.username
    if shift.cancelled_at is not None:
        raise ValidationError({field: _("This shift has been cancelled.")})
    if shift.starts_at <= timezone.now():
        raise ValidationError({field: _("This shift has already started.")})
    if membership.role not in ON_SHIFTS or not membership.is_active:
        raise ValidationError({field: _("%(name)s does not do shifts here.") % {"name": name}})
    day = timezone.localdate(shift.starts_at)
    if membership.leaving_on is not None and day > membership.leaving_on:
        raise ValidationError({field: _("%(name)s has left by then.") % {"name": name}})
    reasons = unmet_requirements(membership, activity=Activity.SHIFTS, on=day)
    if reasons:
        raise ValidationError({field: " ".join(reasons)})
    other = (
        Signup.objects.filter(
            membership=membership,
            status__in=HOLDS_PLACE,
            starts_at__lt=shift.ends_at,
            ends_at__gt=shift.starts_at,
        )
        .select_related("shift")
        .first()
    )
    if other is not None:
        raise ValidationError(
            {
                field: _("%(name)s is already on %(shift)s then.")
                % {"name": name, "shift": other.shift.name}
            }
        )
    busy = Appointment.objects.filter(
        Q(worker_id=membership.user_id) | Q(with_worker_id=membership.user_id),
        organisation_id=membership.organisation_id,
        status__in=HOLDS_TIME,
        starts_at__lt=shift.ends_at,
        ends_at__gt=shift.starts_at,
    ).exists()
    if busy:
        raise ValidationError({field: _("%(name)s has an appointment then.") % {"name": name}})


def _lock(membership: Membership, role: ShiftRole) -> tuple[Membership, ShiftRole]:
    """Lock the member's diary, then the role's places: always in this order."""
    locked = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    place = ShiftRole.objects.select_for_update().select_related("shift").get(pk=role.pk)
    return locked, place


def _place_free(role: ShiftRole, *, field: str) -> None:
    taken = Signup.objects.filter(role=role, status__in=HOLDS_PLACE).count()
    if taken >= role.needed:
        raise ValidationError(
            {field: _("The places for %(role)s are all taken.") % {"role": role.name}}
        )


def _new_signup(
    membership: Membership, role: ShiftRole, *, status: str, asked_by: Membership | None = None
) -> Signup:
    shift = role.shift
    return Signup.objects.create(
        organisation_id=shift.organisation_id,
        shift=shift,
        role=role,
        membership=membership,
        status=status,
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
        asked_by=asked_by,
    )


def _taken_meanwhile() -> ValidationError:
    return ValidationError(
        {"role": _("Someone has just taken this time or place. Look at the rota again.")}
    )


def sign_up(role: ShiftRole, *, by: Membership) -> Signup:
    """A member puts themselves on a shift in a role. Refused, with the reason, when they lack
    in-date training, are busy then, or the places are taken."""
    if role.shift.organisation_id != by.organisation_id:
        raise ValidationError({"role": _("Choose a shift here.")})
    try:
        with transaction.atomic():
            member, place = _lock(by, role)
            _refusals(member, place.shift, field="role")
            _place_free(place, field="role")
            signup = _new_signup(member, place, status=SignupStatus.CONFIRMED)
            record(signup, action=actions.ROTA_SIGNUP_MADE, by=by, person_id=None)
            transaction.on_commit(lambda: queue_reminder(signup))
    except IntegrityError as error:  # PostgreSQL's exclusion constraint: someone was quicker
        raise _taken_meanwhile() from error
    return signup


def ask(role: ShiftRole, *, member: Membership, by: Membership) -> Signup:
    """A coordinator asks a member to do a shift; the place is held until they answer."""
    if (
        role.shift.organisation_id != by.organisation_id
        or member.organisation_id != by.organisation_id
    ):
        raise ValidationError({"member": _("Choose someone who works here.")})
    try:
        with transaction.atomic():
            locked, place = _lock(member, role)
            _refusals(locked, place.shift, field="member")
            _place_free(place, field="role")
            signup = _new_signup(locked, place, status=SignupStatus.ASKED, asked_by=by)
            record(
                signup,
                action=actions.ROTA_SIGNUP_ASKED,
                by=by,
                person_id=None,
                summary={"membership": locked.pk},
            )
            notify(
                [locked.user],
                organisation_id=by.organisation_id,
                text=_("You are asked to do %(shift)s (%(role)s) on %(when)s. Say yes or no.")
                % {"shift": place.shift.name, "role": place.name, "when": _when(place.shift)},
                url=reverse("rota:mine"),
            )
    except IntegrityError as error:
        raise _taken_meanwhile() from error
    return signup


def answer(signup: Signup, *, accept: bool, by: Membership) -> None:
    """The member says yes or no to being asked. Yes is checked again (training, time)."""
    with transaction.atomic():
        member, place = _lock(by, signup.role)
        current = Signup.objects.select_for_update().get(pk=signup.pk)
        if current.membership_id != member.pk or current.status != SignupStatus.ASKED:
            raise ValidationError({"answer": _("This ask has already been answered.")})
        if accept:
            current.status = SignupStatus.DECLINED  # out of the way while checking the time
            current.save(update_fields=["status", "changed_at"])
            _refusals(member, place.shift, field="answer")
        current.status = SignupStatus.CONFIRMED if accept else SignupStatus.DECLINED
        current.save(update_fields=["status", "changed_at"])
        record(
            current,
            action=actions.ROTA_SIGNUP_ANSWERED,
            by=by,
            person_id=None,
            summary={"status": current.status},
        )
        if accept:
            transaction.on_commit(lambda: queue_reminder(current))
    signup.refresh_from_db()


def _change_own(
    signup: Signup,
    *,
    allowed: Callable[[Signup], bool],
    refusal: str,
    action: actions.Action,
    by: Membership,
    **changes: object,
) -> None:
    """A change a member makes to their own signup before the shift starts: locked, checked
    (`allowed` on the locked row, else `refusal`), changed and audited in one transaction."""
    with transaction.atomic():
        current = Signup.objects.select_for_update().get(pk=signup.pk)
        if not allowed(current):
            raise ValidationError({"signup": refusal})
        if current.starts_at <= timezone.now():
            raise ValidationError({"signup": _("This shift has already started.")})
        for name, value in changes.items():
            setattr(current, name, value)
        current.save(update_fields=[*changes, "changed_at"])
        record(current, action=action, by=by, person_id=None)
    signup.refresh_from_db()


def withdraw(signup: Signup, *, by: Membership) -> None:
    """A member comes off a shift still to come; the place is free again at once."""
    _change_own(
        signup,
        allowed=lambda current: current.status in HOLDS_PLACE,
        refusal=_("You are not on this shift any more."),
        action=actions.ROTA_SIGNUP_WITHDRAWN,
        by=by,
        status=SignupStatus.WITHDRAWN,
        offered_at=None,
    )


def offer_swap(signup: Signup, *, by: Membership) -> None:
    """A member offers their shift for someone else to take; they stay on it until someone does."""
    _change_own(
        signup,
        allowed=lambda current: (
            current.status == SignupStatus.CONFIRMED and current.offered_at is None
        ),
        refusal=_("This shift is not yours to offer now."),
        action=actions.ROTA_SWAP_OFFERED,
        by=by,
        offered_at=timezone.now(),
    )


def take_swap(signup: Signup, *, by: Membership) -> Signup:
    """Another member takes a shift on offer: they are on it, the first member is off it."""
    try:
        with transaction.atomic():
            member, place = _lock(by, signup.role)
            current = Signup.objects.select_for_update().get(pk=signup.pk)
            if current.status != SignupStatus.CONFIRMED or current.offered_at is None:
                raise ValidationError({"signup": _("Someone has already taken this shift.")})
            _refusals(member, place.shift, field="signup")
            current.status = SignupStatus.SWAPPED
            current.save(update_fields=["status", "changed_at"])
            taken = _new_signup(member, place, status=SignupStatus.CONFIRMED)
            current.swapped_to = taken
            current.save(update_fields=["swapped_to", "changed_at"])
            record(
                taken,
                action=actions.ROTA_SWAP_TAKEN,
                by=by,
                person_id=None,
                summary={"from": current.pk},
            )
            notify(
                [current.membership.user],
                organisation_id=by.organisation_id,
                text=_("%(name)s took your shift %(shift)s on %(when)s.")
                % {
                    "name": member.user.get_full_name(),
                    "shift": place.shift.name,
                    "when": _when(place.shift),
                },
                url=reverse("rota:mine"),
            )
            transaction.on_commit(lambda: queue_reminder(taken))
    except IntegrityError as error:
        raise _taken_meanwhile() from error
    return taken


def queue_reminder(signup: Signup) -> None:
    """Queue the reminder a day before the shift (or now, when it is sooner)."""
    from alongside.rota.tasks import remind_of_shift

    run_after = max(signup.starts_at - REMIND_BEFORE, timezone.now())
    remind_of_shift.using(run_after=run_after).enqueue(signup.pk)


# Hours, gifts, milestones -----------------------------------------------------------------------


def add_hours(membership: Membership, *, what: str, on: date, minutes: int) -> HoursEntry:
    """Time a member gave that the rota and their contacts do not show."""
    errors: dict[str, str] = {}
    if not what.strip():
        errors["what"] = _("Say what you did.")
    problem = date_problem(on)
    if problem:
        errors["on"] = problem
    elif on > timezone.localdate():
        errors["on"] = _("Add hours once you have given them: choose today or earlier.")
    if not 1 <= minutes <= MAX_MINUTES_ADDED:
        errors["hours"] = _("Enter how long, from a few minutes to 24 hours.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        entry = HoursEntry.objects.create(
            organisation_id=membership.organisation_id,
            membership=membership,
            what=what.strip(),
            on=on,
            minutes=minutes,
        )
        record(
            entry,
            action=actions.ROTA_HOURS_ADDED,
            by=membership,
            person_id=None,
            summary={"minutes": minutes},
        )
    return entry


def record_gift(
    organisation: Organisation,
    *,
    by: Membership,
    kind: str,
    description: str,
    received_on: date,
    quantity: Decimal | None = None,
    unit: str = "",
    value: Decimal | None = None,
    donor: str = "",
) -> Gift:
    """One line in the gifts ledger. A blank donor is an anonymous gift."""
    errors: dict[str, str] = {}
    if kind not in GiftKind.values:
        errors["kind"] = _("Choose what kind of gift it was.")
    if not description.strip():
        errors["description"] = _("Say what it was, like “tins and pasta” or “hall on Fridays”.")
    problem = date_problem(received_on)
    if problem:
        errors["received_on"] = problem
    elif received_on > timezone.localdate():
        errors["received_on"] = _("Record a gift once it has arrived: choose today or earlier.")
    if quantity is not None and not Decimal("0") < quantity < MAX_VALUE:
        errors["quantity"] = _("Enter how much as a number above 0.")
    elif quantity is not None and unit not in GiftUnit.values:
        errors["unit"] = _("Say whether that is kilograms, items or hours.")
    elif quantity is None and unit:
        errors["quantity"] = _("Enter how much, or leave “in” empty.")
    if value is not None and not Decimal("0") < value < MAX_VALUE:
        errors["value"] = _("Enter the value in pounds, above £0 and under £1,000,000.")
    elif value is None and kind == GiftKind.MONEY:
        errors["value"] = _("Enter how much money was given.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        gift = Gift.objects.create(
            organisation=organisation,
            kind=kind,
            description=description.strip(),
            quantity=quantity,
            unit=unit if quantity is not None else "",
            value=value,
            donor=donor.strip(),
            received_on=received_on,
            recorded_by=by.user,
        )
        record(
            gift,
            action=actions.ROTA_GIFT_RECORDED,
            by=by,
            person_id=None,
            summary={"kind": kind, "anonymous": not gift.donor},
        )
    return gift


def share_milestone(membership: Membership, *, milestone: str, shared: bool) -> None:
    """A member chooses whether a milestone they reached is shared with the team."""
    if milestone not in reached_milestone_keys(membership, today=timezone.localdate()):
        raise ValidationError({"milestone": _("That is not a milestone you have reached.")})
    with transaction.atomic():
        choice, _created = MilestoneShare.objects.update_or_create(
            membership=membership,
            milestone=milestone,
            defaults={"organisation_id": membership.organisation_id, "shared": shared},
        )
        record(
            choice,
            action=actions.ROTA_MILESTONE_SHARED,
            by=membership,
            person_id=None,
            summary={"milestone": milestone, "shared": shared},
        )
