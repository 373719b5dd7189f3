"""The demo's referrals: some out (answered, waiting, overdue, one withdrawn) and some in from a
partner (waiting, accepted onto a record with a named worker, not suitable), for `alongside demo`.

Trusted system code: it writes with `bulk_create` and no audit events (the demo builder records
one `demo.built` event for the whole town). Deterministic for a given seed. Every note and reason
(support sphere) holds `canary` when given, so leak tests can look for it. The demo partner's key
is published here (like the demo's password): `DEMO_PARTNER_KEY`.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from alongside.access.models import Membership, Organisation, Role
from alongside.common.links import hash_token, new_token
from alongside.directory.models import Service, TaxonomyTerm
from alongside.directory.services import local_needs
from alongside.people.models import ConsentScope, ConsentToShare, Person
from alongside.referrals.models import InStatus, OutStatus, Partner, ReferralIn, ReferralOut
from alongside.referrals.services import ANSWER_DAYS, LINK_DAYS, what_is_shared
from alongside.relationships.models import NamedWorkerSpell

DEMO_PARTNER_KEY = "riverside-medical-centre-demo-key"
# The demo directory's own services (`directory.demo`), so each referral links to its entry.
# Each need is a word of the demo's own needs list (`directory.demo.NEEDS`).
SERVICES = (
    ("Money advice drop-in", "Money and debt"),
    ("Knit and natter", "Loneliness"),
    ("Tenants' advice line", "Housing"),
    ("Talking café", "Mental health"),
    ("Walking for health", "Getting active"),
    ("Help with forms at St Mark's", "Forms and letters"),
    ("Community pantry", "Food"),
)
# (days ago it was sent, what came back): three months of referrals, the older mostly answered,
# some recent ones still waiting (those older than ANSWER_DAYS are overdue), one withdrawn.
_OLD_ANSWERS = (
    OutStatus.SEEN,
    OutStatus.ACCEPTED,
    OutStatus.SEEN,
    OutStatus.NOT_SUITABLE,
    OutStatus.SEEN,
    OutStatus.NO_CONTACT,
    OutStatus.SENT,
)
OUT = tuple(
    (days_ago, OutStatus.SENT if days_ago < 12 else _OLD_ANSWERS[n % len(_OLD_ANSWERS)])
    for n, days_ago in enumerate(range(95, 1, -3))
) + ((33, OutStatus.WITHDRAWN),)
IN = (
    ("Robin", "Newcombe", "Loneliness", InStatus.WAITING, 2),
    ("Alex", "Marsh", "Money and debt", InStatus.WAITING, 4),
    ("Jo", "Pennington", "Mental health", InStatus.WAITING, 9),
    ("Sam", "Okoro", "Housing", InStatus.NOT_SUITABLE, 40),
    ("Lee", "Carver", "Forms and letters", InStatus.NOT_SUITABLE, 25),
)
ACCEPTED_IN = 4  # referrals in accepted onto existing records, with their named worker


def _at(today: date, days_ago: int, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(today - timedelta(days=days_ago), time(hour)))


def build_referrals(
    *, organisation: Organisation, seed: int, today: date, canary: str | None = None
) -> dict[str, int]:
    rng = random.Random(f"{seed}:referrals")
    suffix = f" {canary}" if canary else ""
    spells = list(
        NamedWorkerSpell.objects.filter(organisation=organisation, ended_on__isnull=True)
        .select_related("person", "worker")
        .order_by("pk")
    )
    # The demo supporter's own people first, so their to do shows an overdue referral.
    spells.sort(key=lambda spell: (spell.worker.username != "supporter", spell.pk))
    directory = {
        s.name: s for s in Service.objects.filter(organisation=organisation).order_by("pk")
    }
    words = list(local_needs(organisation))
    by_name = {term.name: term for term in words}

    def word(name: str) -> TaxonomyTerm:
        return by_name.get(name) or words[0]

    needs = {name: word(name) for _service, name in SERVICES}
    consents, outs = [], []
    chosen = spells[: len(OUT)]
    for index, ((days_ago, status), spell) in enumerate(zip(OUT, chosen, strict=False)):
        name, need_name = SERVICES[index % len(SERVICES)]
        need = needs[need_name]
        sent = _at(today, days_ago, 10 + index % 6)
        share_note = index % 3 != 2
        consents.append(
            ConsentToShare(
                organisation=organisation,
                person=spell.person,
                scope=ConsentScope.REFERRAL,
                purpose=what_is_shared(
                    spell.person,
                    service_name=name,
                    need=need,
                    share_contact=True,
                    share_note=share_note,
                ),
                granted_at=sent,
                expires_at=sent + timedelta(days=LINK_DAYS),
                recorded_by=spell.worker,
            )
        )
        answered = status not in (OutStatus.SENT, OutStatus.WITHDRAWN)
        outs.append(
            ReferralOut(
                organisation=organisation,
                person=spell.person,
                service=directory.get(name),
                service_name=name,
                service_email="",
                need=need,
                share_contact=True,
                share_note=share_note,
                note=(
                    f"Would like someone to go with them the first time.{suffix}"
                    if share_note
                    else ""
                ),
                referred_by=spell.worker,
                referred_at=sent,
                answer_by=sent.date() + timedelta(days=ANSWER_DAYS),
                token_hash=hash_token(new_token()),
                link_expires_at=sent + timedelta(days=LINK_DAYS),
                status=status,
                answered_at=sent + timedelta(days=rng.randint(2, 9)) if answered else None,
                answer_reason=(
                    f"We only see people over 25; try the youth service.{suffix}"
                    if status == OutStatus.NOT_SUITABLE
                    else ""
                ),
            )
        )
    ConsentToShare.objects.bulk_create(consents)
    for consent, referral in zip(consents, outs, strict=True):
        referral.consent = consent
    ReferralOut.objects.bulk_create(outs)

    partner = Partner.objects.create(
        organisation=organisation,
        name="Riverside Medical Centre (social prescribing)",
        email="social.prescribing@riverside-medical.example.org",
        key_hash=hash_token(DEMO_PARTNER_KEY),
        key_set_at=_at(today, 100, 9),
    )
    coordinator = _coordinator(organisation)
    ins = [
        ReferralIn(
            organisation=organisation,
            partner=partner,
            received_at=_at(today, days_ago, 11),
            their_reference=f"RMC-{1040 + n}",
            given_name=given,
            family_name=family,
            phone=f"07700 900{100 + n:03d}",
            need=word(need),
            reason=f"Has been on their own since the winter and would like company.{suffix}",
            status=status,
            decided_by=None if status == InStatus.WAITING else coordinator,
            decided_at=None if status == InStatus.WAITING else _at(today, days_ago - 1, 15),
        )
        for n, (given, family, need, status, days_ago) in enumerate(IN)
    ]
    # Accepted ones: people now on the record with a named worker.
    for n, spell in enumerate(spells[len(OUT) : len(OUT) + ACCEPTED_IN]):
        person: Person = spell.person
        ins.append(
            ReferralIn(
                organisation=organisation,
                partner=partner,
                received_at=_at(today, 60 + 7 * n, 11),
                their_reference=f"RMC-{1000 + n}",
                given_name=person.given_name,
                family_name=person.family_name,
                phone=person.phone or f"07700 900{200 + n:03d}",
                need=needs["Loneliness" if n % 2 else "Money and debt"],
                reason=f"Finding it hard since losing their job.{suffix}",
                status=InStatus.ACCEPTED,
                person=person,
                allocated_to=spell.worker,
                decided_by=coordinator,
                decided_at=_at(today, 59 + 7 * n, 15),
            )
        )
    ReferralIn.objects.bulk_create(ins)
    return {"referrals out": len(outs), "referrals in": len(ins)}


def _coordinator(organisation: Organisation) -> User | None:
    membership = (
        Membership.objects.filter(organisation=organisation, role=Role.COORDINATOR)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None
