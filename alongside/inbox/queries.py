"""The inbox: the work waiting for a coordinator or lead, and each worker's own "to do".

Every item is worked out from the records on each read (decision 0032): nothing is stored, so an
item goes when the work is done (a named worker chosen, a contact recorded, a review given).
Each kind is one query over what is open now (open requests, open spells, the last
FOLLOW_UP_LOOKBACK_DAYS of follow-ups, new people), through an index, so the inbox neither
grows with the organisation's history nor with the number of items: a fixed number of queries.
Each item's link is tested against the rule of the page it opens.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, overload

import rules
from django.contrib.auth.models import User
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from alongside.access.models import Membership, Role, active_membership_q
from alongside.inbox.models import LastContact
from alongside.people.models import Person
from alongside.people.queries import people_visible_to, sees_person
from alongside.referrals.queries import incoming, overdue_out
from alongside.relationships.models import (
    Contact,
    LegitimateRelationship,
    NamedWorkerSpell,
    WorkerRequest,
)
from alongside.relationships.queries import history_requests_to_review
from alongside.rights.queries import open_requests
from alongside.rota.queries import GAP_DAYS, gaps
from alongside.safeguarding.models import ConcernStatus
from alongside.safeguarding.queries import concerns_visible_to, overrides_waiting_review
from alongside.training.queries import (
    INBOX_AHEAD_DAYS,
    INBOX_BACK_DAYS,
    day_words,
    manages_training,
    running_out,
)
from alongside.volunteers.queries import waiting_on

# A request for a worker, and a new person without one, should be answered within a week.
ANSWER_WITHIN_DAYS = 7
# People new in this window, without a named worker, are listed for a coordinator.
NEW_PERSON_DAYS = 28
# Someone with a named worker and no contact for this long "stopped coming".
STOPPED_WEEKS = 8
# Follow-ups promised further back than this are history, not work (and the query stays small).
FOLLOW_UP_LOOKBACK_DAYS = 90
# A concern should be looked at within a day; a review within a week.
CONCERN_DAYS = 1
REVIEW_DAYS = 7
# Each kind shows at most this many, longest waiting first.
LIMIT = 50


class Kind:
    WORKER_REQUEST = "worker_request"
    NO_NAMED_WORKER = "no_named_worker"
    FOLLOW_UP = "follow_up"
    STOPPED_COMING = "stopped_coming"
    CONCERN = "concern"
    OVERRIDE = "override"
    HISTORY = "history"
    REFERRAL_OVERDUE = "referral_overdue"
    REFERRAL_IN = "referral_in"
    SUBJECT_ACCESS = "subject_access"
    VOLUNTEER_WAITING = "volunteer_waiting"
    SHIFT_GAPS = "shift_gaps"
    TRAINING_RUNNING_OUT = "training_running_out"


@dataclass(frozen=True)
class Item:
    """One piece of work: who (or nobody, where the viewer sees no names), since when, by when,
    and what to do about it. `detail` holds shared-sphere words only."""

    kind: str
    person: Person | None
    since: date
    due: date
    action_label: str
    action_url: str
    detail: str = ""
    named_worker: User | None = None
    # Shown when the viewer may tell the person's named worker (inbox.tell_named_worker).
    may_tell: bool = False
    # A second action, less prominent (answering a worker request "not possible").
    other_label: str = ""
    other_url: str = ""
    # Who it is about when that is not a person with a record (a volunteer's name).
    title: str = ""

    def overdue(self, today: date) -> bool:
        return self.due < today


class Items(Sequence[Item]):
    """A section's items, each worked out (its words, links and rules) only when it is read, in
    order: a page draws the first SHOWN (`inbox.views`) of up to LIMIT found and counts the rest,
    which cost only their row. `make(rows)` makes the items of a run of rows (one query for all
    of them where an item needs more than its row)."""

    def __init__(self, rows: Sequence[Any], make: Callable[[Sequence[Any]], list[Item]]) -> None:
        self.rows = rows
        self._make = make
        self._made: list[Item] = []

    def _upto(self, end: int) -> list[Item]:
        end = min(end, len(self.rows))
        if end > len(self._made):
            self._made.extend(self._make(self.rows[len(self._made) : end]))
        return self._made

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[Item]:
        return iter(self._upto(len(self.rows)))

    @overload
    def __getitem__(self, index: int) -> Item: ...
    @overload
    def __getitem__(self, index: slice) -> list[Item]: ...
    def __getitem__(self, index: int | slice) -> Item | list[Item]:
        if isinstance(index, slice):
            if (
                index.start is None
                and index.step is None
                and index.stop is not None
                and index.stop >= 0
            ):
                return self._upto(index.stop)[: index.stop]
            return self._upto(len(self.rows))[index]
        if index < 0:
            index += len(self.rows)
        if not 0 <= index < len(self.rows):
            raise IndexError(index)
        return self._upto(index + 1)[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Items | list):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]


def _nothing() -> Items:
    return Items([], lambda rows: [])


def _each(make: Callable[[Any], Item]) -> Callable[[Sequence[Any]], list[Item]]:
    return lambda rows: [make(row) for row in rows]


@dataclass
class Section:
    kind: str
    heading: str
    explanation: str
    items: Sequence[Item] = ()
    # How many items the page draws (None: all); the rest are one link away (`inbox.views`).
    shown: int | None = None

    @property
    def shown_items(self) -> Sequence[Item]:
        return self.items if self.shown is None else self.items[: self.shown]

    @property
    def hidden_count(self) -> int:
        return 0 if self.shown is None else max(len(self.items) - self.shown, 0)


@dataclass
class Inbox:
    own: bool  # a worker's own "to do" rather than a team's inbox
    sections: list[Section]
    today: date

    @property
    def count(self) -> int:
        return sum(len(section.items) for section in self.sections)


def _day(value: object) -> date:
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    return timezone.localdate(value)  # type: ignore[arg-type]


def _team_people(membership: Membership) -> QuerySet[Person]:
    """The people a coordinator looks after: their team's (everyone's, without a team)."""
    people = people_visible_to(membership)
    return people if membership.team_id is None else people.filter(team_id=membership.team_id)


def _my_people_ids(membership: Membership) -> QuerySet[NamedWorkerSpell, Any]:
    return NamedWorkerSpell.objects.filter(
        worker_id=membership.user_id,
        organisation_id=membership.organisation_id,
        ended_on__isnull=True,
    ).values("person_id")


def _named_workers(person_ids: Iterable[int]) -> dict[int, NamedWorkerSpell]:
    """Each person's open named-worker spell, with the worker (one query)."""
    ids = sorted(set(person_ids))
    if not ids:
        return {}
    spells = NamedWorkerSpell.objects.filter(person_id__in=ids, ended_on__isnull=True)
    return {spell.person_id: spell for spell in spells.select_related("worker")}


def _may(rule: str, membership: Membership, obj: object) -> bool:
    return bool(rules.test_rule(rule, membership, obj))


def _person_link(membership: Membership, person: Person) -> tuple[str, str]:
    return _("Open their page"), reverse("people:person", args=[person.pk])


def _contact_link(membership: Membership, person: Person) -> tuple[str, str]:
    if _may("relationships.record_contact", membership, person):
        return _("Record a contact"), reverse("relationships:record_contact", args=[person.pk])
    return _person_link(membership, person)


def _not_coordinated_elsewhere_q(membership: Membership) -> Q:
    """Over WorkerRequest: the person's team has no active coordinator of its own, or it is
    `membership`'s team.

    The teams with a coordinator are read first, as a list (a handful): asked per request
    (`NOT EXISTS`), PostgreSQL's planner hashed all 100,020 people of the demo to join 982 open
    requests, 22-38 ms on every coordinator's page for the navigation's count, against 4 ms."""
    coordinated = set(
        Membership.objects.filter(
            active_membership_q(),
            organisation_id=membership.organisation_id,
            role=Role.COORDINATOR,
            team_id__isnull=False,
        ).values_list("team_id", flat=True)
    )
    return Q(person__team_id=membership.team_id) | ~Q(person__team_id__in=coordinated)


def _open_requests(membership: Membership) -> QuerySet[WorkerRequest]:
    """The open worker requests this membership answers or is named in (see worker_requests)."""
    requests = WorkerRequest.objects.filter(
        organisation_id=membership.organisation_id, status=WorkerRequest.Status.OPEN
    )
    if membership.role == Role.COORDINATOR:
        requests = requests.filter(sees_person(membership))
        if membership.team_id is not None:
            requests = requests.filter(_not_coordinated_elsewhere_q(membership))
        return requests
    if membership.role in (Role.SUPPORTER, Role.VOLUNTEER):
        return requests.filter(sees_person(membership), requested_worker_id=membership.user_id)
    return requests.none()


def worker_requests_waiting_count(membership: Membership | None) -> int:
    """The navigation's badge beside "Inbox": people waiting for a worker (two small queries)."""
    if membership is None or not membership.is_active:
        return 0
    return _open_requests(membership).count()


def worker_requests(membership: Membership, *, today: date) -> Items:
    """People waiting for a named worker they asked for (on their page, or by saying yes at the
    foodbank desk), longest waiting first. A coordinator sees their team's, and those of teams
    with no coordinator of their own (the foodbank has none); a worker sees those naming them."""
    found = list(
        _open_requests(membership)
        .select_related("person", "person__team", "requested_worker")
        .order_by("requested_on", "pk")[:LIMIT]
    )
    return Items(found, lambda requests: _worker_request_items(membership, requests))


def _worker_request_items(membership: Membership, found: Sequence[WorkerRequest]) -> list[Item]:
    spells = _named_workers([r.person_id for r in found])
    items = []
    for request in found:
        person = request.person
        spell = spells.get(person.pk)
        asked_for = request.requested_worker
        parts = []
        if asked_for is not None:
            parts.append(
                _("They asked for %(name)s.")
                % {"name": asked_for.get_full_name() or asked_for.username}
            )
        if request.in_their_words:
            parts.append(f"“{request.in_their_words}”")
        label, url = _person_link(membership, person)
        answers = membership.role == Role.COORDINATOR  # a worker asked for does not answer it
        # For the coordinator's own team the rules are worked out without a query; a request
        # from a team without a coordinator costs one or two (at most LIMIT of them).
        # The request is open, so who may choose a worker may also answer "not possible".
        may_answer = answers and _may("relationships.assign_named_worker", membership, person)
        other_label, other_url = "", ""
        if may_answer:
            other_label = _("Not possible? Say why")
            other_url = reverse("relationships:worker_request_not_possible", args=[person.pk])
        if not answers:
            pass
        elif spell is None and may_answer:
            label = _("Choose a worker with them")
            url = reverse("relationships:assign_named_worker", args=[person.pk])
        elif spell is not None and _may("relationships.plan_handover", membership, person):
            label = (
                _("Plan a handover to the worker they chose")
                if asked_for is not None
                else _("Plan a handover with them")
            )
            url = reverse("relationships:plan_handover", args=[person.pk])
        items.append(
            Item(
                kind=Kind.WORKER_REQUEST,
                person=person,
                since=request.requested_on,
                due=request.requested_on + timedelta(days=ANSWER_WITHIN_DAYS),
                action_label=label,
                action_url=url,
                detail=" ".join(parts),
                named_worker=spell.worker if spell else None,
                other_label=other_label,
                other_url=other_url,
            )
        )
    return items


def new_without_worker(membership: Membership, *, today: date) -> Items:
    """People added in the last NEW_PERSON_DAYS who have never had a named worker and have not
    asked for one (those are worker requests). Coordinators only."""
    if membership.role != Role.COORDINATOR:
        return _nothing()
    since = timezone.now() - timedelta(days=NEW_PERSON_DAYS)
    people = (
        _team_people(membership)
        .filter(created_at__gte=since)
        .exclude(Exists(NamedWorkerSpell.objects.filter(person_id=OuterRef("pk"))))
        .exclude(
            Exists(
                WorkerRequest.objects.filter(
                    person_id=OuterRef("pk"), status=WorkerRequest.Status.OPEN
                )
            )
        )
        .select_related("team")
        .order_by("created_at", "pk")[:LIMIT]
    )

    def make(person: Person) -> Item:
        label, url = _person_link(membership, person)
        if _may("relationships.assign_named_worker", membership, person):
            label = _("Choose a worker with them")
            url = reverse("relationships:assign_named_worker", args=[person.pk])
        added = _day(person.created_at)
        return Item(
            kind=Kind.NO_NAMED_WORKER,
            person=person,
            since=added,
            due=added + timedelta(days=ANSWER_WITHIN_DAYS),
            action_label=label,
            action_url=url,
            detail=person.team.name,
        )

    return Items(list(people), _each(make))


def _tellable(membership: Membership, person: Person, spell: NamedWorkerSpell | None) -> bool:
    return (
        spell is not None
        and spell.worker_id != membership.user_id
        and _may("inbox.tell_named_worker", membership, person)
    )


def _own_follow_ups(membership: Membership, *, today: date) -> list[Contact]:
    """A worker's: their own promises and their people's, the latest promise per person; see
    `people.queries.sees_person`. Two reads, each on its own index, merged here: the worker's promises in
    the window (the worker's follow-up index) and their named people's (each person's contacts).
    As one query with `worker OR person IN (...)` PostgreSQL read every promise of the
    organisation in the window (109,000 contacts on the large demo, 0.1 s) and filtered them."""
    window = {
        "organisation_id": membership.organisation_id,
        "follow_up_on__lt": today,
        "follow_up_on__gte": today - timedelta(days=FOLLOW_UP_LOOKBACK_DAYS),
    }
    latest = ~Exists(Contact.objects.filter(person_id=OuterRef("person_id"), at__gt=OuterRef("at")))
    found: dict[int, Contact] = {}
    for whose in (Q(worker_id=membership.user_id), Q(person_id__in=_my_people_ids(membership))):
        rows = (
            Contact.objects.filter(whose, latest, sees_person(membership), **window)
            .select_related("person", "worker")
            .order_by("follow_up_on", "pk")[:LIMIT]
        )
        found.update((contact.pk, contact) for contact in rows)
    return sorted(found.values(), key=lambda c: (c.follow_up_on, c.pk))[:LIMIT]


def _team_follow_ups(membership: Membership, *, today: date) -> list[Contact]:
    """A coordinator's: the promises of the team's people's last contacts (`LastContact`,
    decision 0126), walked in date order on its index until a page of the team's is found. It
    read every contact of the organisation promising a follow-up in the window (109,000 on the
    large demo), each probed for a later contact."""
    team = _team_people(membership)
    rows = (
        LastContact.objects.filter(
            Exists(team.filter(pk=OuterRef("for_person_id"))),
            organisation_id=membership.organisation_id,
            follow_up_on__lt=today,
            follow_up_on__gte=today - timedelta(days=FOLLOW_UP_LOOKBACK_DAYS),
        )
        .select_related("contact__person", "contact__worker")
        .order_by("follow_up_on", "contact_id")[:LIMIT]
    )
    return [row.contact for row in rows if row.contact is not None]


def overdue_follow_ups(membership: Membership, *, today: date) -> Items:
    """Follow-ups promised for a day now past, with no contact since the one that promised it
    (the latest promise per person). A coordinator sees their team's; a worker their own."""
    if membership.role not in (Role.COORDINATOR, Role.SUPPORTER, Role.VOLUNTEER):
        return _nothing()
    if membership.role == Role.COORDINATOR:
        found = _team_follow_ups(membership, today=today)
    else:
        found = _own_follow_ups(membership, today=today)
    return Items(found, lambda contacts: _follow_up_items(membership, contacts))


def _follow_up_items(membership: Membership, found: Sequence[Contact]) -> list[Item]:
    spells = _named_workers([c.person_id for c in found])
    items = []
    for contact in found:
        person, spell = contact.person, spells.get(contact.person_id)
        assert contact.follow_up_on is not None
        label, url = _contact_link(membership, person)
        items.append(
            Item(
                kind=Kind.FOLLOW_UP,
                person=person,
                since=_day(contact.at),
                due=contact.follow_up_on,
                action_label=label,
                action_url=url,
                detail=_("%(name)s promised to follow up.")
                % {"name": contact.worker.get_full_name() or contact.worker.username},
                named_worker=spell.worker if spell else None,
                may_tell=_tellable(membership, person, spell),
            )
        )
    return items


def _own_stopped_coming(
    membership: Membership, *, cutoff: datetime, skip: Iterable[int]
) -> list[tuple[NamedWorkerSpell, datetime | None]]:
    """A worker's people (their open spells, a caseload) with no contact since `cutoff`, with
    their last contact's time, quietest first."""
    spells = NamedWorkerSpell.objects.filter(
        organisation_id=membership.organisation_id,
        ended_on__isnull=True,
        started_on__lte=cutoff.date(),
        worker_id=membership.user_id,
    )
    last = Contact.objects.filter(person_id=OuterRef("person_id")).order_by("-at")
    found = (
        spells.exclude(
            Exists(Contact.objects.filter(person_id=OuterRef("person_id"), at__gte=cutoff))
        )
        .exclude(person_id__in=list(skip))
        .annotate(last_contact_at=Subquery(last.values("at")[:1]))
        .select_related("person", "worker")
        .order_by(F("last_contact_at").asc(nulls_first=True), "pk")[:LIMIT]
    )
    return [(spell, spell.last_contact_at) for spell in found]


def _team_stopped_coming(
    membership: Membership, *, cutoff: datetime, skip: Iterable[int]
) -> list[tuple[NamedWorkerSpell, datetime | None]]:
    """The team's people with an open spell and no contact since `cutoff`, from the maintained
    last contact (`LastContact`, decision 0126): its index walks open spells quietest first
    (never contacted, then the oldest last contact, then the spell), each asked whether the
    person is in the team (a correlated EXISTS, decision 0100), until a page is found. It read
    every open spell of the organisation (92,000 on the large demo), probing each for a contact."""
    team = _team_people(membership)
    rows = (
        LastContact.objects.filter(
            Q(contacted=False) | Q(at__lt=cutoff),
            Exists(team.filter(pk=OuterRef("for_person_id"))),
            organisation_id=membership.organisation_id,
            person_row=True,
            spell__isnull=False,
            spell_started_on__lte=cutoff.date(),
        )
        .exclude(for_person_id__in=list(skip))
        .select_related("spell__person", "spell__worker")
        .order_by("contacted", "at", "spell_id")[:LIMIT]
    )
    return [(row.spell, row.at) for row in rows if row.spell is not None]


def stopped_coming(membership: Membership, *, today: date, skip: Iterable[int] = ()) -> Items:
    """People with a named worker for longer than STOPPED_WEEKS and no contact in that time,
    longest gap first (`skip`: people already listed for an overdue follow-up)."""
    if membership.role not in (Role.COORDINATOR, Role.SUPPORTER, Role.VOLUNTEER):
        return _nothing()
    cutoff = timezone.now() - timedelta(weeks=STOPPED_WEEKS)
    if membership.role == Role.COORDINATOR:
        found = _team_stopped_coming(membership, cutoff=cutoff, skip=skip)
    else:
        found = _own_stopped_coming(membership, cutoff=cutoff, skip=skip)

    def make(row: tuple[NamedWorkerSpell, datetime | None]) -> Item:
        spell, last_at = row
        person = spell.person
        since = _day(last_at) if last_at else spell.started_on
        label, url = _contact_link(membership, person)
        return Item(
            kind=Kind.STOPPED_COMING,
            person=person,
            since=since,
            due=since + timedelta(weeks=STOPPED_WEEKS),
            action_label=label,
            action_url=url,
            detail=_("No contact since then.") if last_at else _("No contact yet."),
            named_worker=spell.worker,
            may_tell=_tellable(membership, person, spell),
        )

    return Items(found, _each(make))


def open_concerns(membership: Membership, *, today: date) -> list[Item]:
    """Safeguarding concerns open or being looked into, oldest first: what kind, never what
    happened. Safeguarding leads only (`concerns_visible_to`)."""
    concerns = concerns_visible_to(membership)
    if concerns.query.is_empty():
        return []
    found = list(
        concerns.filter(status__in=[ConcernStatus.OPEN, ConcernStatus.BEING_LOOKED_INTO])
        .select_related("person")
        .order_by("raised_at", "pk")[:LIMIT]
    )
    items = []
    for concern in found:
        raised = _day(concern.raised_at)
        words = [str(concern.get_category_display()), str(concern.get_status_display()).lower()]
        if concern.immediate_risk:
            words.append(_("someone was at risk of harm now"))
        items.append(
            Item(
                kind=Kind.CONCERN,
                person=concern.person,
                since=raised,
                due=raised + timedelta(days=0 if concern.immediate_risk else CONCERN_DAYS),
                action_label=_("Open the concern"),
                action_url=reverse("safeguarding:concern", args=[concern.pk]),
                detail=", ".join(words),
            )
        )
    return items


def overrides_to_review(membership: Membership, *, today: date) -> list[Item]:
    """Safeguarding overrides nobody has reviewed, oldest first (not the reviewer's own). The
    data lead sees no names."""
    shows_names = membership.role != Role.DATA_LEAD
    found = list(overrides_waiting_review(membership).exclude(lead_id=membership.user_id)[:LIMIT])
    items = []
    for override in found:
        started = _day(override.started_at)
        items.append(
            Item(
                kind=Kind.OVERRIDE,
                person=override.person if shows_names else None,
                since=started,
                due=started + timedelta(days=REVIEW_DAYS),
                action_label=_("Review it"),
                action_url=reverse("safeguarding:override", args=[override.pk]),
                detail=_("Started by %(name)s.")
                % {"name": override.lead.get_full_name() or override.lead.username},
            )
        )
    return items


def history_to_review(membership: Membership, *, today: date) -> list[Item]:
    """Legitimate-relationship requests waiting for a review (/history-access/), oldest first;
    never the reviewer's own. The data lead sees no names; the reason is on the review page."""
    shows_names = membership.role != Role.DATA_LEAD
    waiting: list[LegitimateRelationship] = [
        grant
        for grant in history_requests_to_review(membership, limit=LIMIT)
        if grant.reviewed_at is None and grant.worker_id != membership.user_id
    ]
    items = []
    for grant in sorted(waiting, key=lambda g: (g.started_at, g.pk)):
        started = _day(grant.started_at)
        items.append(
            Item(
                kind=Kind.HISTORY,
                person=grant.person if shows_names else None,
                since=started,
                due=started + timedelta(days=REVIEW_DAYS),
                action_label=_("Review it"),
                action_url=reverse("relationships:review_history_access", args=[grant.pk]),
                detail=_("%(name)s asked to read their history.")
                % {"name": grant.worker.get_full_name() or grant.worker.username},
            )
        )
    return items


def overdue_referrals(membership: Membership, *, today: date) -> list[Item]:
    """Referrals out with no answer by the day one was expected, longest overdue first: the
    service, never the note."""
    found = list(
        overdue_out(membership, today=today)
        .select_related("person")
        .order_by("answer_by", "pk")[:LIMIT]
    )
    return [
        Item(
            kind=Kind.REFERRAL_OVERDUE,
            person=referral.person,
            since=_day(referral.referred_at),
            due=referral.answer_by,
            action_label=_("Open the referral"),
            action_url=reverse("referrals:referral", args=[referral.pk]),
            detail=_("Referred to %(service)s; no answer yet.")
            % {"service": referral.service_name},
        )
        for referral in found
    ]


def referrals_in(membership: Membership, *, today: date) -> list[Item]:
    """Referrals from partners waiting for triage and a named worker (coordinators)."""
    found = list(incoming(membership).order_by("received_at", "pk")[:LIMIT])
    items = []
    for referral in found:
        received = _day(referral.received_at)
        items.append(
            Item(
                kind=Kind.REFERRAL_IN,
                person=None,
                since=received,
                due=received + timedelta(days=ANSWER_WITHIN_DAYS),
                action_label=_("Decide and allocate"),
                action_url=reverse("referrals:incoming_one", args=[referral.pk]),
                detail=_("%(name)s, from %(partner)s: %(need)s.")
                % {
                    "name": f"{referral.given_name} {referral.family_name}".strip(),
                    "partner": referral.partner.name,
                    "need": referral.need.name,
                },
            )
        )
    return items


def subject_access_to_answer(membership: Membership, *, today: date) -> list[Item]:
    """Requests to see a record still to answer, for the data lead, soonest due first. No
    names here (the inbox links to the person page, which the data lead does not open); the
    request's page names them."""
    if membership.role != Role.DATA_LEAD:
        return []
    return [
        Item(
            kind=Kind.SUBJECT_ACCESS,
            person=None,
            since=request.received_on,
            due=request.due_on,
            action_label=_("Review it"),
            action_url=reverse("rights:request", args=[request.pk]),
            detail=_("Asked to see their record: the answer is due by %(day)s.")
            % {"day": f"{request.due_on:%-d %B %Y}"},
        )
        for request in open_requests(membership).order_by("due_on", "pk")[:LIMIT]
    ]


def volunteers_waiting(membership: Membership, *, today: date) -> list[Item]:
    """Volunteers whose journey waits on something (a reply, a reference, a check), for the
    coordinator: three queries, longest waiting first within what is due soonest."""
    if not _may("volunteers.manage", membership, None):
        return []
    return [
        Item(
            kind=Kind.VOLUNTEER_WAITING,
            person=None,
            title=waiting.volunteer.name,
            since=waiting.since,
            due=waiting.due,
            action_label=_("Open their volunteer page"),
            action_url=reverse("volunteers:volunteer", args=[waiting.volunteer.pk]),
            detail=waiting.what,
        )
        for waiting in waiting_on(membership, today=today, limit=LIMIT)
    ]


def shift_gaps(membership: Membership, *, today: date) -> list[Item]:
    """Roles on shifts in the next GAP_DAYS days with fewer people than they need (coordinators;
    one query), soonest first."""
    if membership.role != Role.COORDINATOR:
        return []
    items = []
    for role in gaps(membership.organisation_id, today=today)[:LIMIT]:
        start = timezone.localtime(role.shift.starts_at)
        items.append(
            Item(
                kind=Kind.SHIFT_GAPS,
                person=None,
                since=today,
                due=start.date(),
                action_label=_("Ask someone"),
                action_url=reverse("rota:shift", args=[role.shift_id]),
                detail=_("%(shift)s, %(when)s: %(role)s has %(filled)d of %(needed)d people.")
                % {
                    "shift": role.shift.name,
                    "when": f"{start:%a %-d %b %H:%M}",
                    "role": role.name,
                    "filled": role.filled,  # type: ignore[attr-defined]
                    "needed": role.needed,
                },
            )
        )
    return items


def training_running_out(membership: Membership, *, today: date) -> Items:
    """Training running out soon or lately run out and not renewed (one query): for a
    coordinator, everyone's in the organisation, each with "Record a completion" for that member
    and course; for anyone else with a training record, their own, with a link to it."""
    everyone = manages_training(membership)
    if not everyone and not _may("training.own_record", membership, None):
        return _nothing()

    def make(completion: Any) -> Item:
        assert completion.expires_on is not None
        user = completion.membership.user
        words = {"course": completion.course.name, "day": day_words(completion.expires_on)}
        ran_out = completion.expires_on < today
        if everyone:
            detail = (
                _("%(course)s ran out on %(day)s.")
                if ran_out
                else _("%(course)s runs out on %(day)s.")
            ) % words
            label, url = (
                _("Record a completion"),
                reverse("training:record")
                + f"?member={completion.membership_id}&course={completion.course_id}",
            )
        else:
            detail = (
                _(
                    "Your %(course)s training ran out on %(day)s: ask your coordinator about the next course."
                )
                if ran_out
                else _(
                    "Your %(course)s training runs out on %(day)s: ask your coordinator about the next course."
                )
            ) % words
            label, url = _("See your training"), reverse("training:mine")
        return Item(
            kind=Kind.TRAINING_RUNNING_OUT,
            person=None,
            title=(user.get_full_name() or user.get_username())
            if everyone
            else completion.course.name,
            since=completion.expires_on - timedelta(days=INBOX_AHEAD_DAYS),
            due=completion.expires_on,
            action_label=label,
            action_url=url,
            detail=detail,
        )

    return Items(list(running_out(membership, today, everyone=everyone, limit=LIMIT)), _each(make))


def inbox_for(membership: Membership, *, today: date | None = None) -> Inbox:
    """Everything waiting for this membership, by kind, in a fixed number of queries."""
    today = today or timezone.localdate()
    own = membership.role in (Role.SUPPORTER, Role.VOLUNTEER)
    follow_ups = overdue_follow_ups(membership, today=today)
    listed = [contact.person_id for contact in follow_ups.rows]
    sections = [
        Section(
            Kind.WORKER_REQUEST,
            _("Asked for you as their worker") if own else _("Waiting for a named worker"),
            _(
                "They asked for a worker, on their page or at the foodbank desk. They choose: ask who they would like, and offer who is free."
            )
            if not own
            else _("A coordinator will talk with you about it."),
            worker_requests(membership, today=today),
        ),
        Section(
            Kind.NO_NAMED_WORKER,
            _("New people with no named worker"),
            _("Added in the last %(days)d days.") % {"days": NEW_PERSON_DAYS},
            new_without_worker(membership, today=today),
        ),
        Section(
            Kind.FOLLOW_UP,
            _("Follow-ups overdue"),
            _("A follow-up was promised and no one has been in touch since."),
            follow_ups,
        ),
        Section(
            Kind.STOPPED_COMING,
            _("Stopped coming"),
            _("They have a named worker and no contact in %(weeks)d weeks.")
            % {"weeks": STOPPED_WEEKS},
            stopped_coming(membership, today=today, skip=listed),
        ),
        Section(
            Kind.CONCERN,
            _("Safeguarding concerns open"),
            _("Look at each the day it is raised."),
            open_concerns(membership, today=today),
        ),
        Section(
            Kind.OVERRIDE,
            _("Overrides waiting for review"),
            _("Another lead or the data lead reviews every override."),
            overrides_to_review(membership, today=today),
        ),
        Section(
            Kind.HISTORY,
            _("History access waiting for review"),
            _("A worker opened someone's history for themselves, saying why."),
            history_to_review(membership, today=today),
        ),
        Section(
            Kind.REFERRAL_IN,
            _("Referrals in from partners"),
            _(
                "Decide whether we can help, find or add their record, and choose their named worker."
            ),
            referrals_in(membership, today=today),
        ),
        Section(
            Kind.REFERRAL_OVERDUE,
            _("Referrals out with no answer"),
            _(
                "The service has not said what happened by the day we expected. Ring them, or ask the person."
            ),
            overdue_referrals(membership, today=today),
        ),
        Section(
            Kind.SUBJECT_ACCESS,
            _("Requests to see a record"),
            _("The law gives one month from the day each request arrived."),
            subject_access_to_answer(membership, today=today),
        ),
        Section(
            Kind.VOLUNTEER_WAITING,
            _("Volunteers waiting on something"),
            _(
                "An enquiry to answer, a reference or a check not back. Chase it, then move them on."
            ),
            volunteers_waiting(membership, today=today),
        ),
        Section(
            Kind.SHIFT_GAPS,
            _("Shifts short of people in the next %(days)d days") % {"days": GAP_DAYS},
            _("Ask someone who is free and trained, from the shift's page."),
            shift_gaps(membership, today=today),
        ),
        Section(
            Kind.TRAINING_RUNNING_OUT,
            _("Training running out"),
            _(
                "Runs out in the next %(ahead)d days, or ran out in the last %(back)d and was not renewed. Record the new completion when it is done."
            )
            % {"ahead": INBOX_AHEAD_DAYS, "back": INBOX_BACK_DAYS}
            if manages_training(membership)
            else _("Your training that runs out in the next %(ahead)d days, or has run out.")
            % {"ahead": INBOX_AHEAD_DAYS},
            training_running_out(membership, today=today),
        ),
    ]
    return Inbox(own=own, sections=[s for s in sections if s.items], today=today)
