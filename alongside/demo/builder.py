"""`build_demo`: what `alongside demo` runs. Checks, then plans the town and writes it in one transaction.

The town is planned without the database (`stories.py`, `town.py`, `contacts.py`) and written by
`writer.py`. The demo only ever goes into a database that holds nothing else: any organisation
that is not a demo, or any user who is not a demo user, makes it refuse before writing.
"""

import random
import time as clock
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections, models, router, transaction
from django.utils import timezone

from alongside.access.models import Membership, Organisation, Role
from alongside.accounts.services import add_authenticator_app, authenticator_app_secret
from alongside.audit import actions
from alongside.audit.checkpoints import set_aside
from alongside.audit.models import AuditEvent
from alongside.audit.services import record
from alongside.cli import DEMO_REFUSED
from alongside.common.links import hash_token, new_token
from alongside.common.spheres import SphereQuerySet
from alongside.connections.demo import build_connections
from alongside.demo.scheduling import build_scheduling
from alongside.demo.stories import LOGINS, MIN_PEOPLE, ORGANISATION_NAMES, plan_town
from alongside.demo.writer import (
    DEMO_EMAIL_DOMAIN,
    DEMO_ROLE_NAMES,
    PASSWORD,
    SYSTEM_REASON,
    write_town,
)
from alongside.directory.demo import build_directory
from alongside.eligibility.demo import build_foodbank
from alongside.learning.demo import build_learning
from alongside.measures.demo import build_measures
from alongside.people.models import Person
from alongside.referrals.demo import build_referrals
from alongside.relationships.demo import build_history_access
from alongside.relationships.summaries import rebuild as rebuild_summaries
from alongside.reports.demo import build_reports
from alongside.rota.demo import build_rota
from alongside.safeguarding.demo import build_holds, build_safeguarding
from alongside.spaces.demo import build_spaces
from alongside.training.demo import build_training
from alongside.visibility.roles import WORKER_ROLES
from alongside.volunteers.demo import build_volunteers
from alongside.workers.models import Invitation
from alongside.workers.services import INVITATION_DAYS

__all__ = [
    "PASSWORD",
    "URL",
    "DemoError",
    "DemoResult",
    "build_demo",
    "logins",
    "purge_demo",
    "two_step_secrets",
]

URL = "http://127.0.0.1:8000"
MAX_YEARS = 20
ELSEWHERE = "point DATABASE_URL at a new file, for example DATABASE_URL=sqlite:///var/demo.sqlite3."


class DemoError(Exception):
    """Bad input, or a database the demo must not touch. Nothing has been written."""


@dataclass
class DemoResult:
    already_loaded: bool
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def logins() -> list[tuple[str, str, str, str]]:
    """(username, role, team, organisation) of every demo login."""
    return [
        (
            username,
            DEMO_ROLE_NAMES.get(role, str(Role(role).label)),
            team or "",
            ORGANISATION_NAMES[org],
        )
        for username, org, role, team in LOGINS
    ]


def two_step_secrets() -> list[tuple[str, str]]:
    """(username, base32 TOTP secret) of each demo login that signs in in two steps: the data
    lead only (decision 0018). Gives the login an authenticator app if it has none (a demo built
    before two-step sign-in); the secret is random for each database, never published."""
    user_model = get_user_model()
    found = []
    for username, _org, role, _team in LOGINS:
        if role != Role.DATA_LEAD:
            continue
        user = user_model.objects.filter(username=username).first()
        if user is None:
            continue
        found.append((username, authenticator_app_secret(user) or add_authenticator_app(user)))
    return found


def build_demo(
    *,
    seed: int = 1,
    people: int = 400,
    years: int = 2,
    canary: str | None = None,
    reset: bool = False,
    today: date | None = None,
    progress: Callable[[str], None] | None = None,
) -> DemoResult:
    """Load the demo town unless it is there already; `reset` deletes it and builds it again.

    `today` anchors the history (default: today in the configured time zone), so the same seed
    on the same day builds the same town. Raises DemoError, having written nothing, for bad
    options or a database that holds other data.
    Side effects: organisations, teams, users, memberships, people, named-worker spells, worker
    requests, handovers, contacts and support notes; skills, availability, days away and booked
    appointments; the data lead's authenticator app (two-step sign-in); one `demo.built` audit
    event.
    """
    if not settings.ALONGSIDE_DEMO:
        raise DemoError(DEMO_REFUSED)
    started = clock.monotonic()
    check_options(people=people, years=years, canary=canary)
    today = today or timezone.localdate()
    using = router.db_for_write(Organisation)
    with transaction.atomic(using=using):
        _refuse_other_data()
        loaded = Organisation.objects.filter(is_demo=True).exists()
        if loaded and not reset:
            return DemoResult(already_loaded=True, counts=_existing_counts())
        if loaded and _audit_log_is_append_only(using):
            raise DemoError(
                "--reset cannot delete the demo here: this database keeps its audit log "
                "append-only, so the demo's audit events cannot be deleted. Build the demo into "
                "a new database instead (a new DATABASE_URL)."
            )
        try:
            town = plan_town(seed=seed, people=people, years=years, today=today, canary=canary)
        except ValueError as error:
            raise DemoError(str(error)) from None
        if loaded:
            purge_demo()
            # The old demo's events are gone on purpose: keep its checkpoints, but set them aside.
            transaction.on_commit(lambda: set_aside("demo-reset"), using=using)
        counts = write_town(town, using=using, progress=progress or (lambda message: None))
        riverside = Organisation.objects.get(slug="riverside", is_demo=True)
        counts |= _build_spheres(riverside, seed=seed, canary=canary, today=today)
        counts |= build_scheduling(seed=seed, today=today)
        counts |= build_measures(organisation=riverside, seed=seed, today=today, canary=canary)
        counts |= build_learning(organisation=riverside, seed=seed, today=today, canary=canary)
        counts |= build_reports(organisation=riverside, seed=seed, today=today)
        counts |= build_spaces(organisation=riverside, seed=seed, today=today, canary=canary)
        counts |= build_connections(organisation=riverside, seed=seed, today=today, canary=canary)
        counts |= build_holds(riverside, canary=canary)
        counts |= build_history_access(riverside, today=today)
        counts |= build_directory(riverside, today=today)
        counts |= build_referrals(organisation=riverside, seed=seed, today=today, canary=canary)
        counts |= build_volunteers(organisation=riverside, seed=seed, today=today, canary=canary)
        counts |= build_rota(organisation=riverside, seed=seed, today=today)
        counts |= build_training(organisation=riverside, seed=seed, today=today, canary=canary)
        counts |= _build_invitation(riverside)
        rebuild_summaries()  # contacts and spells were written in bulk, past the services
        two_step_secrets()  # the data lead's authenticator app: the demo is whole however it is built
        record(riverside, action=actions.DEMO_BUILT, by=None, summary={'seed': seed, 'years': years, **counts})  # fmt: skip
    # Fresh planner statistics after a bulk load, so queries pick the selective indexes.
    with connections[using].cursor() as cursor:
        cursor.execute("ANALYZE")
    return DemoResult(already_loaded=False, counts=counts, seconds=clock.monotonic() - started)


def _build_spheres(
    riverside: Organisation, *, seed: int, canary: str | None, today: date
) -> dict[str, int]:
    """Foodbank vouchers (eligibility sphere) and safeguarding concerns and overrides."""

    rng = random.Random(f"{seed}:spheres")
    users = get_user_model()._base_manager
    people = Person.objects.filter(organisation=riverside).order_by("pk")
    counts = build_foodbank(
        riverside,
        rng=rng,
        people=list(people.filter(team__name="Foodbank").values_list("pk", flat=True)),
        assessor=users.get(username="assessor"),
        today=today,
    )
    workers = (
        Membership.objects.filter(
            organisation=riverside, role__in=sorted(WORKER_ROLES), left_on__isnull=True
        )
        .select_related("user")
        .order_by("pk")
    )
    counts |= build_safeguarding(
        riverside,
        rng=rng,
        people=list(people[:300]),
        workers=list(workers[:50]),
        lead=users.get(username="safeguarding"),
        today=today,
        canary=canary,
    )
    return counts


def _build_invitation(riverside: Organisation) -> dict[str, int]:
    """One worker invited by the data lead who has not yet chosen a password, so the Workers page
    shows the mix a real team has (active, leaving, left, invited). Written directly, like the
    rest of the town (the build records one audit event); its link's token is thrown away, so a
    tester sends the invitation again from the Workers page to see the email."""
    lead = Membership.objects.get(organisation=riverside, user__username="datalead")
    user = get_user_model()(
        username=f"rowan.hale@{DEMO_EMAIL_DOMAIN}",
        email=f"rowan.hale@{DEMO_EMAIL_DOMAIN}",
        first_name="Rowan",
        last_name="Hale",
        is_active=False,
    )
    user.set_unusable_password()
    user.save()
    membership = Membership.objects.create(
        organisation=riverside,
        user=user,
        role=Role.VOLUNTEER,
        team=riverside.teams.order_by("name").first(),
        started_on=timezone.localdate(),
    )
    sent = timezone.now() - timedelta(days=2)
    Invitation.objects.create(
        organisation=riverside,
        membership=membership,
        token_hash=hash_token(new_token()),
        sent_at=sent,
        expires_at=sent + timedelta(days=INVITATION_DAYS),
        sent_by=lead.user,
    )
    return {"invitations": 1}


def check_options(*, people: int, years: int, canary: str | None) -> None:
    if people < MIN_PEOPLE:
        raise DemoError(f"--people must be at least {MIN_PEOPLE} (got {people})")
    if not 1 <= years <= MAX_YEARS:
        raise DemoError(f"--years must be between 1 and {MAX_YEARS} (got {years})")
    if canary is not None and (not canary.strip() or canary != canary.strip()):
        raise DemoError(
            "--canary needs a token without surrounding spaces, for example CANARY-7f3a"
        )


def _refuse_other_data() -> None:
    other = Organisation.objects.filter(is_demo=False).order_by("pk").first()
    if other is not None:
        raise DemoError(
            f"This database holds an organisation that is not the demo ({other.name!r}). "
            f"alongside demo only loads into a database with no other data: {ELSEWHERE}"
        )
    users = get_user_model()._base_manager.exclude(email__endswith=f"@{DEMO_EMAIL_DOMAIN}")
    stranger = users.order_by("pk").first()
    if stranger is not None:
        raise DemoError(
            f"This database holds a user who is not a demo user ({stranger.get_username()!r}). "
            f"alongside demo only loads into a database with no other data: {ELSEWHERE}"
        )


def _existing_counts() -> dict[str, int]:
    return {
        "organisations": Organisation.objects.filter(is_demo=True).count(),
        "people": Person.objects.filter(organisation__is_demo=True).count(),
    }


def _audit_log_is_append_only(using: str) -> bool:
    """PostgreSQL refuses to delete audit events while the audit app's trigger is enabled."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal "
            "AND tgenabled <> 'D'",
            [AuditEvent._meta.db_table],
        )
        return cursor.fetchone() is not None


def purge_demo() -> None:
    """Delete the demo organisations and demo users with everything that refers to them.

    Raw deletes, deepest dependents first, found from the models' relations (so models added
    later are covered). Django's delete collector would load millions of rows, and it raises
    UnscopedSphereRead when it reaches a fail-closed sphere model such as SupportNote.
    Side effects: deletes rows, including the demo's audit events; the caller has checked the
    database holds nothing else.
    """
    _delete_with_dependents(Organisation._base_manager.filter(is_demo=True))
    users = get_user_model()._base_manager.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}")
    _delete_with_dependents(users)


def _delete_with_dependents(rows: models.QuerySet[Any], depth: int = 0) -> None:
    if depth > 10:
        raise RuntimeError(f"dependents of {rows.model.__name__} nest too deeply to reset")
    for relation in rows.model._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete):
            continue
        if not (relation.one_to_many or relation.one_to_one):
            continue
        fk = relation.field
        dependents = relation.related_model._base_manager.filter(
            **{f"{fk.attname}__in": rows.values(fk.target_field.attname)}
        )
        if isinstance(dependents, SphereQuerySet):
            dependents = dependents.for_system(SYSTEM_REASON)
        if relation.related_model is rows.model and fk.null:
            # A pointer within the same table (a person merged into another): let go of it
            # rather than follow it round, since those rows go too.
            dependents.update(**{fk.attname: None})
            continue
        _delete_with_dependents(dependents, depth + 1)
    rows._raw_delete(rows.db)
