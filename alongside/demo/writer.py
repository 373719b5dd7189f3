"""Writing a planned town to the database, fast: explicit ids and plain multi-row INSERTs.

Ids are allocated after the current maximum of each table, so parents and children can be
written without reading ids back. Tables with timestamps (`auto_now_add`) and the millions of
contacts and notes go through `Rows`, which inserts exactly the columns the model has: the ones
we give, then every other column's default. Historical timestamps stay as given (the ORM would
overwrite `auto_now_add` fields with the current time). People are written in chunks, so memory
stays flat however large the town.
"""

from collections.abc import Callable
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connections, models
from django.db.models import Max
from django.utils import timezone

from alongside.access import words as local_words
from alongside.access.models import LocalWord, Membership, Organisation, Team, TwoStepPolicy
from alongside.common.spheres import SphereQuerySet
from alongside.demo.contacts import ContactMaker
from alongside.demo.town import PersonPlan, Town
from alongside.people.matching import name_key, phone_key
from alongside.people.models import Person, search_keys
from alongside.relationships.models import Contact, Handover, NamedWorkerSpell, WorkerRequest
from alongside.support.models import SupportNote

# What the demo's organisations call a role, where it is not the default (decision 0034).
DEMO_ROLE_NAMES = {"assessor": "Foodbank desk"}
# Riverside's own words for some reasons (decision 0088): renamed, and one added, so the demo
# shows that no list is fixed. Codes stay; the second organisation keeps the starting words.
DEMO_WORDS: dict[str, dict[str, str]] = {
    "close_reason": {"moved_away": "Moved out of the area"},
    "spell_reason": {"workload": "Sharing out the caseload"},
    "failure_kind": {"sent_back": "Sent back by the council or the DWP"},
    "referral_outcome": {"no_contact": "Could not reach them"},
}
DEMO_ADDED_WORDS: dict[str, list[tuple[str, str]]] = {
    "failure_kind": [("lost_paperwork", "We lost their paperwork")],
}

TWO_STEP_POLICY = TwoStepPolicy.DEMO_DATA_LEAD_ONLY.value
PASSWORD = "alongside-demo"  # noqa: S105 - the published demo password (CONTRACTS.md)
DEMO_EMAIL_DOMAIN = "demo.alongside.invalid"  # marks demo users; .invalid never delivers mail
BATCH_SIZE = 5000
PEOPLE_PER_CHUNK = 2000
SYSTEM_REASON = "the demo builder loads and resets synthetic data"
COUNTS = (
    "organisations", "teams", "users", "people", "spells", "worker_requests", "handovers",
    "handovers_warm", "handovers_cold", "handovers_planned", "contacts", "support_notes",
)  # fmt: skip


def next_id(model: type[models.Model]) -> int:
    rows = model._base_manager.all()
    if isinstance(rows, SphereQuerySet):
        rows = rows.for_system(SYSTEM_REASON)
    return int(rows.aggregate(top=Max("pk"))["top"] or 0) + 1


class Rows:
    """INSERTs for one model: the columns we give, then every other column's default.

    Columns come from the model, so a field added later with a default still gets it. With
    `prepare`, values go through each field's `get_db_prep_save`; without it they must already
    be adapted for the database (see `Adapted`).
    """

    def __init__(self, model: type[models.Model], given: tuple[str, ...], using: str) -> None:
        connection = connections[using]
        quote = connection.ops.quote_name
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = set(given) - set(fields)
        if unknown:
            raise RuntimeError(f"{model.__name__} has no fields {sorted(unknown)}")
        rest = [
            f for name, f in fields.items()
            if name not in given and not (f.primary_key and isinstance(f, models.AutoField))
        ]  # fmt: skip
        self.given = [fields[name] for name in given]
        self.defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
        columns = [f.column for f in self.given] + [f.column for f in rest]
        # Names come from the model, quoted by the backend; values are always parameters.
        self.sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
            quote(model._meta.db_table), ", ".join(quote(c) for c in columns),
            ", ".join(["%s"] * len(columns)),
        )  # fmt: skip
        self.using = using

    def write(self, rows: list[tuple[Any, ...]], *, prepare: bool = False) -> None:
        connection = connections[self.using]
        if prepare:
            fields = self.given
            rows = [
                tuple(f.get_db_prep_save(value, connection) for f, value in zip(fields, row, strict=True))
                for row in rows
            ]  # fmt: skip
        defaults = self.defaults
        with connection.cursor() as cursor:
            for start in range(0, len(rows), BATCH_SIZE):
                batch = rows[start : start + BATCH_SIZE]
                cursor.executemany(
                    self.sql, [row + defaults for row in batch] if defaults else batch
                )


class Adapted:
    """Datetimes and dates adapted for the database once each: contact times repeat a lot."""

    def __init__(self, using: str) -> None:
        self.ops = connections[using].ops
        self._moments: dict[tuple[datetime, int], Any] = {}
        self._days: dict[date, Any] = {}

    def moment(self, at: datetime, minutes_later: int = 0) -> Any:
        key = (at, minutes_later)
        value = self._moments.get(key)
        if value is None:
            later = at + timedelta(minutes=minutes_later)
            value = self._moments[key] = self.ops.adapt_datetimefield_value(later)
        return value

    def day(self, value: date | None) -> Any:
        if value is None:
            return None
        adapted = self._days.get(value)
        if adapted is None:
            adapted = self._days[value] = self.ops.adapt_datefield_value(value)
        return adapted


def write_town(town: Town, *, using: str, progress: Callable[[str], None]) -> dict[str, int]:
    """Write every row of the town. Side effects: inserts; moves PostgreSQL sequences on."""
    counts = _Writer(town, using, progress).write()
    connection = connections[using]
    written = [Organisation, Team, get_user_model(), Membership, Person, NamedWorkerSpell,
               WorkerRequest, Handover, Contact, SupportNote]  # fmt: skip
    with connection.cursor() as cursor:  # PostgreSQL: sequences must move past the ids we chose
        for statement in connection.ops.sequence_reset_sql(no_style(), written):
            cursor.execute(statement)
    return counts


class _Writer:
    PERSON = (
        "id", "organisation_id", "team_id", "given_name", "family_name", "preferred_name",
        "pronouns", "languages", "access_needs", "contact_preference", "contact_details",
        "what_matters", "created_at", "date_of_birth", "postcode", "phone", "search_key",
        "phone_digits", "postcode_key", "name_key", "phone_key",
    )  # fmt: skip
    SPELL = (
        "id", "organisation_id", "person_id", "worker_id", "started_on", "ended_on", "reason",
        "chosen_by_person", "note", "created_by_id", "created_at",
    )  # fmt: skip
    HANDOVER = (
        "id", "organisation_id", "person_id", "from_worker_id", "to_worker_id", "reason", "status",
        "introduce_by", "cold_reason", "created_by_id", "created_at", "completed_on",
    )  # fmt: skip
    CONTACT = (
        "id", "organisation_id", "person_id", "at", "worker_id", "others_present", "mode", "minutes",
        "initiated_by", "follow_up_on", "handover_id", "recorded_by_id", "recorded_at", "updated_at",
        "version",
    )  # fmt: skip
    NOTE = (
        "id", "organisation_id", "person_id", "contact_id", "asked_for", "text", "author_id",
        "created_at", "updated_at", "version",
    )  # fmt: skip

    def __init__(self, town: Town, using: str, progress: Callable[[str], None]) -> None:
        self.town, self.using, self.progress = town, using, progress
        self.zone: tzinfo = timezone.get_default_timezone()
        self.adapted = Adapted(using)
        self.user_base = next_id(get_user_model())
        self.person_base = next_id(Person)
        self.handover_base = next_id(Handover)
        self.next_spell = next_id(NamedWorkerSpell)
        self.next_request = next_id(WorkerRequest)
        self.next_contact = next_id(Contact)
        self.next_note = next_id(SupportNote)
        self.people = Rows(Person, self.PERSON, using)
        self.spells = Rows(NamedWorkerSpell, self.SPELL, using)
        self.handovers = Rows(Handover, self.HANDOVER, using)
        self.contacts = Rows(Contact, self.CONTACT, using)
        self.together = Rows(Contact.also_present.through, ("contact_id", "user_id"), using)
        self.notes = Rows(SupportNote, self.NOTE, using)
        self.org_ids: dict[str, int] = {}
        self.team_ids: dict[tuple[str, str], int] = {}
        self.counts = dict.fromkeys(COUNTS, 0)

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=self.zone)

    def user_id(self, worker: int) -> int:
        return self.user_base + worker

    def write(self) -> dict[str, int]:
        self._organisations()
        self._workers()
        people, maker = self.town.people, ContactMaker(self.town, self.zone)
        for start in range(0, len(people), PEOPLE_PER_CHUNK):
            chunk = people[start : start + PEOPLE_PER_CHUNK]
            self._people(chunk)
            self._contacts(chunk, maker)
            if len(people) > PEOPLE_PER_CHUNK:
                done = start + len(chunk)
                self.progress(
                    f"{done:,} of {len(people):,} people, {self.counts['contacts']:,} contacts"
                )
        return self.counts

    def _organisations(self) -> None:
        next_org, next_team = next_id(Organisation), next_id(Team)
        organisations, teams = [], []
        founded = self.at(self.town.calendar.start - timedelta(days=365), 9)
        for org in self.town.organisations:
            self.org_ids[org.slug] = next_org
            # Two-step sign-in for the data lead only, so the other published logins stay
            # password-only (CONTRACTS.md; decision 0018).
            organisations.append((next_org, org.name, org.slug, True, TWO_STEP_POLICY, founded))
            for team in org.teams:
                self.team_ids[(org.slug, team)] = next_team
                teams.append(Team(pk=next_team, organisation_id=next_org, name=team))
                next_team += 1
            next_org += 1
        given = ("id", "name", "slug", "is_demo", "two_step_sign_in", "created_at")
        Rows(Organisation, given, self.using).write(organisations, prepare=True)
        # Riverside calls its voucher checkers by what they do (decision 0034); the login stays
        # `assessor` and the role code `assessor` (CONTRACTS.md).
        Organisation.objects.using(self.using).filter(slug="riverside", is_demo=True).update(
            role_names=DEMO_ROLE_NAMES
        )
        Team.objects.bulk_create(teams)
        self.counts["organisations"], self.counts["teams"] = len(organisations), len(teams)
        if "riverside" in self.org_ids:
            self._local_words(self.org_ids["riverside"])

    def _local_words(self, organisation_id: int) -> None:
        rows = []
        for key, renamed in DEMO_WORDS.items():
            listed = [(w.code, w.label) for w in local_words.words(organisation_id, key)]
            listed += DEMO_ADDED_WORDS.get(key, [])
            rows += [
                LocalWord(
                    organisation_id=organisation_id, word_list=key, code=code,
                    label=renamed.get(code, label), position=position,
                )
                for position, (code, label) in enumerate(listed)
            ]  # fmt: skip
        LocalWord.objects.using(self.using).bulk_create(rows)

    def _workers(self) -> None:
        password = make_password(PASSWORD)  # hashed once: every demo user shares it
        user_model = get_user_model()
        users, memberships = [], []
        next_membership = next_id(Membership)
        for worker in self.town.workers:
            users.append(user_model(
                pk=self.user_id(worker.index), username=worker.username, first_name=worker.first_name,
                last_name=worker.last_name, email=f"{worker.username}@{DEMO_EMAIL_DOMAIN}",
                password=password, is_active=worker.left_on is None,
                date_joined=self.at(worker.started_on, 9),
            ))  # fmt: skip
            memberships.append(Membership(
                pk=next_membership, organisation_id=self.org_ids[worker.org],
                user_id=self.user_id(worker.index), role=worker.role,
                team_id=self.team_ids[(worker.org, worker.team)] if worker.team else None,
                started_on=worker.started_on, left_on=worker.left_on, leaving_on=worker.leaving_on,
            ))  # fmt: skip
            next_membership += 1
        user_model.objects.bulk_create(users, batch_size=BATCH_SIZE)
        Membership.objects.bulk_create(memberships, batch_size=BATCH_SIZE)
        self.counts["users"] = len(users)

    def _people(self, chunk: list[PersonPlan]) -> None:
        people, spells, requests, handovers = [], [], [], []
        for plan in chunk:
            org_id, person_id = self.org_ids[plan.org], self.person_base + plan.index
            people.append((
                person_id, org_id, self.team_ids[(plan.org, plan.team)], plan.given_name,
                plan.family_name, plan.preferred_name, plan.pronouns, plan.languages,
                plan.access_needs, plan.contact_preference, plan.contact_details, plan.what_matters,
                self.at(plan.first_day, 9), plan.date_of_birth, plan.postcode, plan.phone,
                *search_keys(plan.given_name, plan.family_name, plan.preferred_name,
                             plan.phone or plan.contact_details, plan.postcode),
                name_key(plan.given_name, plan.family_name), phone_key(plan.phone),
            ))  # fmt: skip
            for spell in plan.spells:
                spells.append((
                    self.next_spell, org_id, person_id, self.user_id(spell.worker), spell.started_on,
                    spell.ended_on, spell.reason, spell.chosen_by_person, "",
                    self.user_id(spell.created_by), self.at(spell.started_on, 8, 45),
                ))  # fmt: skip
                self.next_spell += 1
            for request in plan.requests:
                requests.append(WorkerRequest(
                    pk=self.next_request, organisation_id=org_id, person_id=person_id,
                    requested_worker_id=(None if request.requested_worker is None
                                         else self.user_id(request.requested_worker)),
                    in_their_words=request.in_their_words, status=request.status,
                    requested_on=request.requested_on, answered_on=request.answered_on,
                    recorded_by_id=self.user_id(request.recorded_by),
                ))  # fmt: skip
                self.next_request += 1
            for handover in plan.handovers:
                handovers.append((
                    self.handover_base + handover.index, org_id, person_id,
                    self.user_id(handover.from_worker), self.user_id(handover.to_worker),
                    handover.reason, handover.status, handover.introduce_by, handover.cold_reason,
                    self.user_id(handover.created_by), self.at(handover.planned_on, 11),
                    handover.completed_on,
                ))  # fmt: skip
                self.counts[f"handovers_{handover.status}"] += 1
        self.people.write(people, prepare=True)
        self.spells.write(spells, prepare=True)
        WorkerRequest.objects.bulk_create(requests, batch_size=BATCH_SIZE)
        self.handovers.write(handovers, prepare=True)
        self.counts["people"] += len(people)
        self.counts["spells"] += len(spells)
        self.counts["worker_requests"] += len(requests)
        self.counts["handovers"] += len(handovers)

    def _contacts(self, chunk: list[PersonPlan], maker: ContactMaker) -> None:
        """The millions of rows: tuples of values adapted once each, through `executemany`."""
        contacts, joined, notes = [], [], []
        moment, day = self.adapted.moment, self.adapted.day
        for plan in chunk:
            org_id, person_id = self.org_ids[plan.org], self.person_base + plan.index
            for contact in maker.contacts_of(plan):
                worker_id, contact_id = self.user_id(contact.worker), self.next_contact
                recorded_at = moment(contact.at, contact.minutes + 10)
                handover = contact.handover
                contacts.append((
                    contact_id, org_id, person_id, moment(contact.at), worker_id,
                    contact.others_present, contact.mode, contact.minutes, contact.initiated_by,
                    day(contact.follow_up_on),
                    None if handover is None else self.handover_base + handover, worker_id,
                    recorded_at, recorded_at, 1,
                ))  # fmt: skip
                if contact.also_present is not None:
                    joined.append((contact_id, self.user_id(contact.also_present)))
                if contact.asked_for is not None:
                    notes.append((
                        self.next_note, org_id, person_id, contact_id, contact.asked_for,
                        contact.text, worker_id, recorded_at, recorded_at, 1,
                    ))  # fmt: skip
                    self.next_note += 1
                self.next_contact += 1
        self.contacts.write(contacts)
        self.together.write(joined)
        self.notes.write(notes)
        self.counts["contacts"] += len(contacts)
        self.counts["support_notes"] += len(notes)
