"""Writes for the rota and for what volunteers give.

Every function validates before it writes, runs in one transaction and records an audit event
in it. Errors are `ValidationError`s keyed by form field, in plain English.

No double booking (decisions 0076 and 0090, on decision 0004): every write that puts a member on
a shift first takes the shared diary's lock (`alongside.diary.lock`, the member's `Membership`
row — the lock an appointment booking takes too), then checks their other shifts and every other
part of their diary (appointments: `diary.busy_with`), then writes. So two sign-ups, or a sign-up and a booking, for one member at one moment are
serialised: the second sees the first. Places on a role are counted under a lock on the
`ShiftRole` row, taken after the membership's (always in that order). On PostgreSQL an
exclusion constraint refuses overlapping shifts for one member as well (migration 0002).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from alongside import diary
from alongside.access.models import Membership, Organisation
from alongside.access.services import notify
from alongside.audit import actions
from alongside.audit.services import record
from alongside.common.dates import date_problem
from alongside.rota.diary import SHIFTS
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
from alongside.spaces.models import Session, Space
from alongside.spaces.recurrence import pattern_dates
from alongside.training.models import Activity
from alongside.training.queries import unmet_requirements

REMIND_BEFORE = timedelta(hours=24)
# How far ahead a repeating shift's shifts are made, kept so by the daily task (decision 0090):
# a quarter ahead is far enough to plan and sign up, short enough that a change remakes few.
ROLL_ON_WEEKS = 12
MAX_NEEDED = 50
MAX_MINUTES_ADDED = 24 * 60
MAX_VALUE = Decimal("1000000")


def _when(shift: Shift) -> str:
    start = timezone.localtime(shift.starts_at)
    return f"{start:%a %-d %b} at {start:%H:%M}"


# Patterns and shifts ----------------------------------------------------------------------------


def _pattern_errors(
    *,
    starts_at: time,
    ends_at: time,
    ends_on: date | None,
    roles: Sequence[tuple[str, int]],
    after: date,
    after_field: str,
) -> dict[str, str]:
    """What is wrong with a pattern's times, last date and roles (shared by adding and changing)."""
    errors: dict[str, str] = {}
    if ends_at <= starts_at:
        errors["ends_at"] = _("The shift must end after it starts.")
    problem = date_problem(ends_on) if ends_on is not None else None
    if problem:
        errors["ends_on"] = problem
    elif ends_on is not None and after_field not in errors and ends_on < after:
        errors["ends_on"] = _("The last date must be on or after the first.")
    if not roles:
        errors["roles"] = _("Say which roles the shift needs and how many people, like “Desk: 2”.")
    elif any(not role.strip() or not 1 <= needed <= MAX_NEEDED for role, needed in roles):
        errors["roles"] = _("Each role needs a name and from 1 to %(max)d people.") % {
            "max": MAX_NEEDED
        }
    return errors


def create_pattern(
    organisation: Organisation,
    *,
    by: Membership,
    name: str,
    weekday: int,
    starts_at: time,
    ends_at: time,
    starts_on: date,
    roles: Sequence[tuple[str, int]],
    ends_on: date | None = None,
    every_weeks: int = 1,
    space: Space | None = None,
    place: str = "",
) -> ShiftPattern:
    """A repeating shift and the people it needs. Its shifts are made `ROLL_ON_WEEKS` ahead at
    once, and the daily task (`tasks.roll_patterns_on`) keeps them that far ahead until its last
    date (none: until it is changed)."""
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("Give the shift a name, like “Tuesday foodbank”.")
    if not 0 <= weekday <= 6:
        errors["weekday"] = _("Choose a day of the week.")
    if not 1 <= every_weeks <= 8:
        errors["every_weeks"] = _("Enter every 1 to 8 weeks.")
    problem = date_problem(starts_on)
    if problem:
        errors["starts_on"] = problem
    errors |= _pattern_errors(
        starts_at=starts_at,
        ends_at=ends_at,
        ends_on=ends_on,
        roles=roles,
        after=starts_on,
        after_field="starts_on",
    )
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
        generate_shifts(pattern, by=by, until=roll_on_until(timezone.localdate()))
        transaction.on_commit(_queue_roll_on)  # the daily task starts, if it has not yet
    return pattern


def roll_on_until(today: date) -> date:
    """The last day patterns have their shifts made for, seen from `today`."""
    return today + timedelta(weeks=ROLL_ON_WEEKS)


def _queue_roll_on() -> None:
    from alongside.rota.tasks import queue_roll_on

    queue_roll_on()


def generate_shifts(pattern: ShiftPattern, *, by: Membership | None, until: date) -> int:
    """Make the pattern's shifts from today to `until` (and its last date) on the days that have
    none of its shifts yet — a day with a cancelled shift, or one kept at its old time by a
    change (`change_pattern`), is not made again — each with its own copy of the roles and
    linked to the space's session that day. Returns how many were made.

    Safe to run again and at once: the pattern's row is locked while it makes them, and a
    shift per pattern and start is unique (`rota_one_shift_per_pattern_time`)."""
    today = timezone.localdate()
    with transaction.atomic():
        locked = ShiftPattern.objects.select_for_update().filter(pk=pattern.pk).first()
        if locked is None:
            return 0
        last = min(locked.ends_on, until) if locked.ends_on is not None else until
        days = [
            day
            for day in pattern_dates(
                weekday=locked.weekday,
                every_weeks=locked.every_weeks,
                starts_on=locked.starts_on,
                ends_on=last,
            )
            if day >= today
        ]
        if not days:
            return 0
        taken = {
            timezone.localdate(starts)
            for starts in Shift.objects.filter(
                pattern=locked, starts_at__gte=_local(days[0], time.min)
            ).values_list("starts_at", flat=True)
        }
        days = [day for day in days if day not in taken]
        if not days:
            return 0
        sessions: dict[date, Session] = {}
        if locked.space_id is not None:
            for session in Session.objects.filter(
                space_id=locked.space_id,
                on__gte=days[0],
                on__lte=days[-1],
                cancelled_at__isnull=True,
            ).order_by("on", "starts_at"):
                sessions.setdefault(session.on, session)
        roles = list(locked.roles.all())
        Shift.objects.bulk_create(
            Shift(
                organisation_id=locked.organisation_id,
                pattern=locked,
                session=sessions.get(day),
                name=locked.name,
                place=locked.place,
                starts_at=_local(day, locked.starts_at),
                ends_at=_local(day, locked.ends_at),
            )
            for day in days
        )
        made = list(
            Shift.objects.filter(
                pattern=locked, starts_at__in=[_local(day, locked.starts_at) for day in days]
            )
        )
        ShiftRole.objects.bulk_create(
            ShiftRole(shift=shift, name=role.name, needed=role.needed)
            for shift in made
            for role in roles
        )
        if made and by is not None:
            record(
                locked,
                action=actions.ROTA_SHIFTS_GENERATED,
                by=by,
                person_id=None,
                summary={"shifts": len(made)},
            )
    return len(made)


def roll_on(today: date) -> int:
    """Keep every pattern still running with its shifts made `ROLL_ON_WEEKS` ahead of `today`:
    what the daily task does. Safe to run again, and twice at once (the second finds the days
    taken, or meets the unique constraint and leaves that pattern to the first). Returns how
    many shifts were made."""
    made = 0
    running = ShiftPattern.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    for pattern in running.order_by("pk"):
        try:
            made += generate_shifts(pattern, by=None, until=roll_on_until(today))
        except IntegrityError:  # another run made these at the same moment
            continue
    return made


def change_pattern(
    pattern: ShiftPattern,
    *,
    by: Membership,
    from_day: date,
    starts_at: time,
    ends_at: time,
    roles: Sequence[tuple[str, int]],
    ends_on: date | None,
) -> PatternChange:
    """Change a repeating shift's times, roles and numbers, and its last date, from `from_day` on.

    Its shifts from that day that nobody holds a place on are made again the new way. A shift
    someone is on (asked or confirmed) is never moved under them: it stays as it was, and each
    of them is told, in the app and by email, that the pattern changed and their shift did not
    (decision 0090). Cancelled shifts stay cancelled. Shifts before that day are not touched."""
    today = timezone.localdate()
    errors: dict[str, str] = {}
    problem = date_problem(from_day)
    if problem:
        errors["from_day"] = problem
    elif from_day < today:
        errors["from_day"] = _(
            "Choose today or a later date: shifts already past stay as they were."
        )
    errors |= _pattern_errors(
        starts_at=starts_at,
        ends_at=ends_at,
        ends_on=ends_on,
        roles=roles,
        after=from_day,
        after_field="from_day",
    )
    if pattern.organisation_id != by.organisation_id:
        errors["from_day"] = _("Choose a repeating shift here.")
    if errors:
        raise ValidationError(errors)
    start = max(_local(from_day, time.min), timezone.now())
    with transaction.atomic():
        locked = ShiftPattern.objects.select_for_update().get(pk=pattern.pk)
        ahead = list(
            Shift.objects.select_for_update()
            .filter(pattern=locked, starts_at__gte=start, cancelled_at__isnull=True)
            .order_by("starts_at")
        )
        holders = list(
            Signup.objects.filter(shift__in=ahead, status__in=HOLDS_PLACE)
            .select_related("membership__user", "shift")
            .order_by("starts_at", "pk")
        )
        kept_ids = {signup.shift_id for signup in holders}
        remade = [shift for shift in ahead if shift.pk not in kept_ids]
        Shift.objects.filter(pk__in=[shift.pk for shift in remade]).delete()
        locked.starts_at, locked.ends_at, locked.ends_on = starts_at, ends_at, ends_on
        locked.save(update_fields=["starts_at", "ends_at", "ends_on"])
        locked.roles.all().delete()
        PatternRole.objects.bulk_create(
            PatternRole(pattern=locked, name=role.strip(), needed=needed) for role, needed in roles
        )
        made = generate_shifts(locked, by=None, until=roll_on_until(today))
        record(
            locked,
            action=actions.ROTA_PATTERN_CHANGED,
            by=by,
            person_id=None,
            summary={
                "from": from_day.isoformat(),
                "remade": len(remade),
                "made": made,
                "kept": len(kept_ids),
            },
        )
        for signup in holders:
            notify(
                [signup.membership.user],
                organisation_id=locked.organisation_id,
                text=_(
                    "%(shift)s changes from %(day)s to %(start)s–%(end)s. Your shift on "
                    "%(when)s stays as it was: tell the coordinator if you cannot do the new "
                    "times."
                )
                % {
                    "shift": locked.name,
                    "day": f"{from_day:%a %-d %b}",
                    "start": f"{starts_at:%H:%M}",
                    "end": f"{ends_at:%H:%M}",
                    "when": _when(signup.shift),
                },
                url=reverse("rota:mine"),
                email_subject=_("A repeating shift you are on has changed"),
            )
    return PatternChange(
        remade=len(remade),
        made=made,
        kept=len(kept_ids),
        told=len({h.membership_id for h in holders}),
    )


@dataclass(frozen=True)
class PatternChange:
    """What a change did: shifts made again the new way, shifts made in all (the remade ones and
    any new days), shifts kept because people are on them, and how many people were told."""

    remade: int
    made: int
    kept: int
    told: int


def cancel_shift(shift: Shift, *, by: Membership, reason: str) -> int:
    """Cancel a shift still to come. Everyone on it (asked or confirmed) is off it, their time
    free again, and told why, in the app and by email. The reason is kept on the shift. Returns
    how many people were told."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Say why, in a few words: the people on the shift are told.")}
        )
    if shift.organisation_id != by.organisation_id:
        raise ValidationError({"reason": _("Choose a shift here.")})
    with transaction.atomic():
        current = Shift.objects.select_for_update().get(pk=shift.pk)
        if current.cancelled_at is not None:
            raise ValidationError({"reason": _("This shift is already cancelled.")})
        if current.starts_at <= timezone.now():
            raise ValidationError({"reason": _("This shift has already started.")})
        holders = list(
            Signup.objects.select_for_update()
            .filter(shift=current, status__in=HOLDS_PLACE)
            .select_related("membership__user")
        )
        now = timezone.now()
        Signup.objects.filter(pk__in=[s.pk for s in holders]).update(
            status=SignupStatus.CANCELLED, offered_at=None, changed_at=now
        )
        current.cancelled_at, current.cancelled_by, current.cancel_reason = now, by, reason
        current.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason"])
        record(
            current,
            action=actions.ROTA_SHIFT_CANCELLED,
            by=by,
            person_id=None,
            summary={"told": len(holders)},
        )
        notify(
            [s.membership.user for s in holders],
            organisation_id=current.organisation_id,
            text=_("%(shift)s on %(when)s is cancelled: %(reason)s")
            % {"shift": current.name, "when": _when(current), "reason": reason},
            url=reverse("rota:mine"),
            email_subject=_("A shift you were on is cancelled"),
        )
    shift.refresh_from_db()
    return len(holders)


def mark_attendance(signup: Signup, *, came: bool, by: Membership) -> None:
    """A coordinator marks someone on a shift that has started as "did not come" (its hours are
    then not counted as given), or undoes it. Marking what is already marked changes nothing."""
    with transaction.atomic():
        current = Signup.objects.select_for_update().get(pk=signup.pk)
        if current.organisation_id != by.organisation_id:
            raise ValidationError({"signup": _("Choose someone on a shift here.")})
        if current.status != SignupStatus.CONFIRMED:
            raise ValidationError({"signup": _("Only someone who was on the shift can be marked.")})
        if current.starts_at > timezone.now():
            raise ValidationError(
                {"signup": _("Mark who did not come once the shift has started.")}
            )
        if current.did_not_come == (not came):
            return
        current.did_not_come = not came
        current.save(update_fields=["did_not_come", "changed_at"])
        record(
            current,
            action=actions.ROTA_SIGNUP_ATTENDANCE,
            by=by,
            person_id=None,
            summary={"did_not_come": current.did_not_come},
        )
    signup.refresh_from_db()


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
    busy = diary.busy_with(  # appointments, and any other part of the shared diary
        membership.user_id,
        membership.organisation_id,
        shift.starts_at,
        shift.ends_at,
        besides=SHIFTS,
    )
    if busy:
        raise ValidationError({field: f"{name} {busy} then."})


def _lock(membership: Membership, role: ShiftRole) -> tuple[Membership, ShiftRole]:
    """Lock the member's diary, then the role's places: always in this order."""
    locked = diary.lock(membership.pk)
    place = ShiftRole.objects.select_for_update().select_related("shift").filter(pk=role.pk).first()
    if place is None:  # its repeating shift was changed meanwhile and the shift made again
        raise ValidationError({"role": _("This shift has just changed. Look at the rota again.")})
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
