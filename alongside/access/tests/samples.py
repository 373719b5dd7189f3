"""The access matrix's samples: one object of each kind for each subject (related Pat, unrelated
Una, other Quinn), so every URL in the project can be filled in (see test_matrix.py)."""

from datetime import timedelta
from typing import Any

from django.urls import URLPattern
from django.utils import timezone

from alongside.access.models import Role
from alongside.archive.tests.samples import archive_samples
from alongside.people.models import ConsentToShare
from alongside.relationships.models import Handover, WorkerRequest
from alongside.testing.factories import (
    ContactFactory,
    MembershipFactory,
    PersonFactory,
    SpellFactory,
    TeamFactory,
    UserFactory,
)


class Samples:
    """One object of each kind per subject, so every URL can be filled in."""

    def __init__(self, world: Any) -> None:
        from alongside.eligibility.models import ReferralPartner, Voucher
        from alongside.safeguarding.models import Concern, Override

        self.world = world
        now = timezone.now()
        wes = MembershipFactory(
            organisation=world.org, user=UserFactory(username="wes"), role=Role.SUPPORTER
        ).user
        wren = MembershipFactory(
            organisation=world.org, user=UserFactory(username="wren"), role=Role.SUPPORTER
        ).user
        hil = MembershipFactory(
            organisation=world.other_org, user=UserFactory(username="hil"), role=Role.SUPPORTER
        ).user
        oscar = MembershipFactory(
            organisation=world.other_org,
            user=UserFactory(username="oscar"),
            role=Role.SAFEGUARDING_LEAD,
        ).user
        foodbank = TeamFactory(organisation=world.org, name="Foodbank")
        una = PersonFactory(team=foodbank, given_name="Una", family_name="Related-to-no-one")
        SpellFactory(person=una, worker=wes)
        ContactFactory(person=world.person, worker=world.user("vic"), at=now - timedelta(days=10))
        self.people = {"related": world.person, "unrelated": una, "other": world.other_person}
        # A second record of each person, in the same service: what a merge joins.
        self.twins = {
            subject: PersonFactory(
                team=person.team, given_name=person.given_name, family_name="Twin"
            )
            for subject, person in self.people.items()
        }
        owners = {"related": world.user("alice"), "unrelated": wes, "other": world.user("olly")}
        # Pat's successor is not a persona: a planned handover is a confirmed relationship, and
        # cara must stay a colleague with none.
        wyn = MembershipFactory(
            organisation=world.org, user=UserFactory(username="wyn"), role=Role.SUPPORTER
        ).user
        successors = {"related": wyn, "unrelated": wren, "other": hil}
        leads = {"related": world.user("sam"), "unrelated": world.user("sam"), "other": oscar}
        self.contacts, self.handovers, self.consents, self.concerns, self.overrides = (
            {},
            {},
            {},
            {},
            {},
        )
        self.vouchers, self.partners = {}, {}
        self.removed: dict[str, Any] = {}
        for subject, person in self.people.items():
            owner = owners[subject]
            self.contacts[subject] = ContactFactory(
                person=person, worker=owner, at=now - timedelta(days=400)
            )
            # A contact removed as recorded on the wrong person: what "Put it back" restores.
            self.removed[subject] = ContactFactory(
                person=person,
                worker=owner,
                at=now - timedelta(days=20),
                removed_at=now,
                removed_by=owner,
                removed_reason="Matrix sample",
            )
            self.handovers[subject] = Handover.objects.create(
                organisation=person.organisation,
                person=person,
                from_worker=owner,
                to_worker=successors[subject],
                reason="workload",
                created_by=owner,
            )
            self.consents[subject] = ConsentToShare.objects.create(
                organisation=person.organisation,
                person=person,
                scope="all_support_notes",
                grantee_role="assessor",
                purpose="For the matrix",
                granted_at=now,
                expires_at=now + timedelta(days=5),
                recorded_by=owner,
            )
            self.concerns[subject] = Concern.objects.create(
                organisation=person.organisation,
                person=person,
                raised_by=owner,
                raised_at=now,
                category="other",
                what_happened="Matrix sample",
                immediate_risk=False,
            )
            self.partners[subject] = ReferralPartner.objects.create(
                organisation=person.organisation, name=f"Surgery {subject}", kind="gp"
            )
            self.vouchers[subject] = Voucher.objects.create(
                organisation=person.organisation,
                partner=self.partners[subject],
                code=f"M{subject.upper()}",
                adults=1,
                issued_on=now.date(),
                issued_by_name="Dr Sample",
                recorded_by=owner,
            )
            self.overrides[subject] = Override.objects.create(
                organisation=person.organisation,
                person=person,
                lead=leads[subject],
                reason_code="other",
                justification="A sample override for the access matrix test",
                started_at=now,
                expires_at=now + timedelta(minutes=60),
            )

        self._history_access(owners, successors)
        self._directory()
        from alongside.people.models import MergeProposal

        # A merge of each person's twin waiting for a safeguarding lead (decision 0048).
        self.proposals = {
            subject: MergeProposal.objects.create(
                organisation=person.organisation,
                survivor=person,
                merged=self.twins[subject],
                proposed_by=owners[subject],
                proposed_at=now,
                needs_safeguarding=True,
            )
            for subject, person in self.people.items()
        }
        from alongside.people.models import PersonMerge

        # A merge of each person's record that may be undone (nothing moved).
        self.merges = {
            subject: PersonMerge.objects.create(
                organisation=person.organisation,
                survivor=person,
                merged=PersonFactory(team=person.team, given_name="Merged", family_name="Once"),
                merged_by=owners[subject],
                merged_at=now,
            )
            for subject, person in self.people.items()
        }
        # Pat asked for a worker (the inbox's first kind of work); Una did not, so a coordinator
        # of another team may not answer for her (relationships.answers_open_request).
        WorkerRequest.objects.create(
            organisation=world.org,
            person=world.person,
            requested_worker=wyn,
            in_their_words="Someone who speaks Welsh",
            requested_on=now.date() - timedelta(days=2),
            recorded_by=owners["related"],
        )
        self._holds(leads)
        self._rights(owners)
        self._scheduling(owners)
        self._spaces(owners)
        self.archives = archive_samples(self.people, owners)
        from alongside.connections.tests.samples import connection_samples

        self.connections = connection_samples(self.people, owners)
        self._referrals(owners)
        self._volunteers(owners)
        self._rota()
        self._supervision(wes, wren, hil)

    def _volunteers(self, owners: dict[str, Any]) -> None:
        """A volunteer on their journey per subject, with a reference and a check waiting."""
        from alongside.volunteers.models import Check, Reference, Stage, Volunteer

        today = timezone.localdate()
        self.volunteers, self.volunteer_references, self.volunteer_checks = {}, {}, {}
        for subject, person in self.people.items():
            volunteer = Volunteer.objects.create(
                organisation=person.organisation,
                given_name="Vol",
                family_name=f"Matrix {subject}",
                email=f"vol-{subject}@example.org",
                stage=Stage.REFERENCES,
                stage_since=today,
                enquired_on=today,
            )
            self.volunteers[subject] = volunteer
            self.volunteer_references[subject] = Reference.objects.create(
                volunteer=volunteer, referee="A neighbour", asked_on=today
            )
            self.volunteer_checks[subject] = Check.objects.create(
                volunteer=volunteer, kind="dbs", requested_on=today
            )
        self.organisation_slug = {s: p.organisation.slug for s, p in self.people.items()}

    def _supervision(self, wes: Any, wren: Any, hil: Any) -> None:
        """A supervision per subject, with a held session and its note (the supervision sphere):
        related, vic supervised by alice; unrelated, wes by wren (no persona is either); other,
        olly by hil in olly's organisation."""
        from alongside.access.models import Membership
        from alongside.training import services as training

        members = self.world.members
        pairs = {
            "related": (members["vic"], members["alice"]),
            "unrelated": (
                Membership.objects.get(user=wes, organisation=self.world.org),
                Membership.objects.get(user=wren, organisation=self.world.org),
            ),
            "other": (
                members["olly"],
                Membership.objects.get(user=hil, organisation=self.world.other_org),
            ),
        }
        self.supervisions = {}
        # A course and a completion per subject (the supervisee's), to correct or remove.
        self.courses, self.completions = {}, {}
        for subject, (supervisee, supervisor) in pairs.items():
            coordinator = supervisor  # anyone in the organisation may be named as arranging it
            supervision = training.arrange_supervision(
                supervisee,
                supervisor,
                by=coordinator,
                every_weeks=6,
                started_on=timezone.localdate() - timedelta(days=60),
            )
            training.record_session(
                supervision,
                by=supervisor,
                held_on=timezone.localdate() - timedelta(days=10),
                notes=f"Matrix supervision note ({subject})",
            )
            self.supervisions[subject] = supervision
            course = training.add_course(
                supervisee.organisation,
                by=supervisor,
                name=f"Matrix course ({subject})",
                valid_for_months=12,
            )
            self.courses[subject] = course
            self.completions[subject] = training.record_completions(
                [supervisee],
                course,
                by=supervisor,
                completed_on=timezone.localdate() - timedelta(days=30),
            )[0]

    def _referrals(self, owners: dict[str, Any]) -> None:
        """A referral out (and its link), a referral partner and a referral in per subject."""
        from alongside.access.models import Membership
        from alongside.referrals import services as referrals

        self.referrals, self.incoming, self.referral_partners, self.referral_tokens = {}, {}, {}, {}
        for subject, person in self.people.items():
            by = Membership.objects.get(user=owners[subject], organisation=person.organisation)
            self.referrals[subject], self.referral_tokens[subject] = referrals.refer(
                person,
                by=by,
                service=None,
                service_name="Matrix Advice",
                service_email="",
                need="money",
                share_contact=True,
                share_note=True,
                note="Matrix sample note",
                consent_given=True,
            )
            partner, _key = referrals.add_partner(
                person.organisation, by=by, name=f"Matrix partner {subject}", email=""
            )
            self.referral_partners[subject] = partner
            self.incoming[subject] = referrals.receive(
                partner, given_name="Robin", phone="0700", need="money", agreed=True
            )

    def _rota(self) -> None:
        """A shift per subject with one role of five places; an ask waiting for vic (related),
        alice (unrelated) and olly (other); a shift offered for a swap by someone else."""
        from datetime import datetime, time

        from alongside.access.models import Membership
        from alongside.rota.models import Shift, ShiftPattern, ShiftRole, Signup, SignupStatus

        world = self.world
        day = timezone.localdate() + timedelta(days=3)
        askers = {"related": "vic", "unrelated": "alice", "other": "olly"}
        self.shifts, self.shift_roles, self.signups, self.offers = {}, {}, {}, {}
        self.shift_patterns = {}
        for hour, (subject, person) in zip((9, 12, 15), self.people.items(), strict=True):
            starts = timezone.make_aware(datetime.combine(day, time(hour)))
            org = person.organisation
            pattern = ShiftPattern.objects.create(
                organisation=org, name=f"Matrix shift {subject}", weekday=day.weekday(),
                starts_at=time(hour), ends_at=time(hour + 2), starts_on=day,
                created_by=world.user("colin"),
            )  # fmt: skip
            shift = Shift.objects.create(
                organisation=org, name=f"Matrix shift {subject}", starts_at=starts,
                ends_at=starts + timedelta(hours=2), pattern=pattern,
            )  # fmt: skip
            self.shift_patterns[subject] = pattern
            role = ShiftRole.objects.create(shift=shift, name="Desk", needed=5)
            offerer = MembershipFactory(organisation=org, role=Role.VOLUNTEER)
            member = Membership.objects.get(user=world.user(askers[subject]), organisation=org)
            fields = {"organisation": org, "shift": shift, "role": role, "starts_at": starts,
                      "ends_at": shift.ends_at}  # fmt: skip
            self.signups[subject] = Signup.objects.create(
                membership=member, status=SignupStatus.ASKED, **fields
            )
            self.offers[subject] = Signup.objects.create(
                membership=offerer, status=SignupStatus.CONFIRMED, offered_at=timezone.now(),
                **fields,
            )  # fmt: skip
            self.shifts[subject], self.shift_roles[subject] = shift, role

    def _rights(self, owners: dict[str, Any]) -> None:
        """An answered subject access request and a waiting retention review per subject."""
        from alongside.rights.models import RequestStatus, RetentionReview, SubjectAccessRequest

        today = timezone.localdate()
        self.access_requests, self.reviews = {}, {}
        for subject, person in self.people.items():
            answer = {
                "format": "alongside-subject-access/1", "organisation": "Sample",
                "produced_at": timezone.now().isoformat(),
                "request": {"id": 0, "received_on": str(today), "due_on": str(today)},
                "person": {"id": person.pk, "name": "Sample"}, "sections": [], "who_saw": [],
            }  # fmt: skip
            self.access_requests[subject] = SubjectAccessRequest.objects.create(
                organisation=person.organisation, person=person, received_on=today,
                due_on=today + timedelta(days=30), opened_by=owners[subject],
                status=RequestStatus.ANSWERED, answered_at=timezone.now(), answer=answer,
            )  # fmt: skip
            self.reviews[subject] = RetentionReview.objects.create(
                organisation=person.organisation, made_on=today
            )

    def _holds(self, leads: dict[str, Any]) -> None:
        """An open hold on matching per subject, each on a volunteer of its own (holding Pat or
        Una would close the connections samples' links)."""
        from alongside.safeguarding.models import MatchingHold

        self.holds = {}
        for subject, lead in leads.items():
            organisation = self.people[subject].organisation
            volunteer = MembershipFactory(
                organisation=organisation,
                user=UserFactory(username=f"held-{subject}"),
                role=Role.VOLUNTEER,
            ).user
            self.holds[subject] = MatchingHold.objects.create(
                organisation=organisation,
                volunteer=volunteer,
                reason="Matrix sample hold",
                started_at=timezone.now(),
                started_by=lead,
            )

    def _spaces(self, owners: dict[str, Any]) -> None:
        """A space hosted by each subject's owner, with a session today."""
        from datetime import time

        from alongside.spaces.models import Session, Space

        self.spaces: dict[str, Any] = {}
        self.space_sessions: dict[str, Any] = {}
        for subject, person in self.people.items():
            self.spaces[subject] = Space.objects.create(
                organisation=person.organisation,
                team=person.team,
                name=f"Space {subject}",
                venue="The hall",
                host=owners[subject],
            )
            self.space_sessions[subject] = Session.objects.create(
                organisation=person.organisation,
                space=self.spaces[subject],
                on=timezone.localdate(),
                starts_at=time(10),
                ends_at=time(12),
            )

    def _scheduling(self, owners: dict[str, Any]) -> None:
        """An appointment, a weekly block, days away, a plan and a leaving worker per subject."""
        from datetime import time
        from decimal import Decimal

        from alongside.access.models import Membership
        from alongside.learning.models import Need, Spend
        from alongside.measures.models import InstrumentVersion, Sitting
        from alongside.measures.services import start_sitting
        from alongside.reports.models import Story
        from alongside.scheduling.models import (
            Appointment,
            AvailabilityException,
            PlanningRound,
            WeeklyAvailability,
        )

        world = self.world
        start = timezone.now() + timedelta(days=2)
        leaver = MembershipFactory(
            organisation=world.org,
            user=UserFactory(username="leaver"),
            role=Role.SUPPORTER,
            team=world.team,
        )
        self.appointments, self.blocks, self.exceptions, self.rounds, self.leavers = (
            {},
            {},
            {},
            {},
            {},
        )
        self.stories: dict[str, Any] = {}
        self.sittings: dict[str, Any] = {}
        self.needs: dict[str, Any] = {}
        self.spends: dict[str, Any] = {}
        versions = list(InstrumentVersion.objects.filter(instrument__key="relationship_check"))
        _, self.token = start_sitting(
            self.people["related"],
            by=world.members["alice"],
            versions=versions[-1:],
            kind="link",
        )
        for subject, person in self.people.items():
            owner = owners[subject]
            membership = Membership.objects.get(user=owner, organisation=person.organisation)
            self.appointments[subject] = Appointment.objects.create(
                organisation=person.organisation,
                person=person,
                worker=owner,
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                mode="phone",
                booked_by=owner,
            )
            self.blocks[subject] = WeeklyAvailability.objects.create(
                membership=membership, weekday=0, starts_at=time(9), ends_at=time(12)
            )
            self.exceptions[subject] = AvailabilityException.objects.create(
                membership=membership,
                starts_on=start.date(),
                ends_on=start.date(),
                kind="leave",
                recorded_by=owner,
            )
            self.rounds[subject] = PlanningRound.objects.create(
                organisation=person.organisation,
                team=person.team,
                period_start=start.date(),
                period_end=start.date() + timedelta(days=7),
                description="Matrix plan",
                created_by=owner,
            )
            self.leavers[subject] = leaver if subject == "related" else membership
            self.needs[subject] = Need.objects.create(
                organisation=person.organisation,
                person=person,
                team=person.team,
                in_their_words="Matrix need",
                first_contact_on=start.date() - timedelta(days=5),
                author=owner,
            )
            self.spends[subject] = Spend.objects.create(
                organisation=person.organisation,
                team=person.team,
                person=person,
                amount=Decimal("99.00"),
                purpose="Matrix spend",
                spent_on=start.date() - timedelta(days=2),
                author=owner,
                status="asked",
                limit_at_time=Decimal("50.00"),
            )
            self.sittings[subject] = Sitting.objects.create(
                organisation=person.organisation,
                person=person,
                kind="kiosk",
                created_by=owner,
                expires_at=start,
            )
            self.stories[subject] = Story.objects.create(
                organisation=person.organisation,
                team=person.team,
                person=person,
                in_their_words="A matrix story",
                told_on=start.date(),
                agreed_to_share=True,
                recorded_by=owner,
            )
        # People management: a supporter of colin's team, one of another team, one elsewhere;
        # and a pending invitation's one-time link.
        from alongside.workers.services import invite_worker

        self.workers = {
            "related": leaver,
            "unrelated": MembershipFactory(
                organisation=world.org,
                user=UserFactory(username="fay"),
                role=Role.SUPPORTER,
                team=self.people["unrelated"].team,
            ),
            "other": world.members["olly"],
        }
        # Imports: a checked run in the organisation (two: related and unrelated) and one elsewhere.
        from alongside.imports.models import ImportRun, RunStatus

        self.import_runs = {
            subject: ImportRun.objects.create(
                organisation=org,
                started_by=world.user("dana") if org == world.org else world.user("olly"),
                kind="people",
                source="matrix",
                file_name="people.csv",
                status=RunStatus.CHECKED,
                header=["external_id", "given_name"],
                problems=[{"line": 2, "column": "given_name", "message": "x", "error": False}],
            )
            for subject, org in (
                ("related", world.org),
                ("unrelated", world.org),
                ("other", world.other_org),
            )
        }
        _, self.invitation_token = invite_worker(
            world.org,
            by=None,
            email="ivy@example.org",
            first_name="Ivy",
            last_name="Invited",
            role=Role.SUPPORTER,
            team=world.team,
        )

    def _directory(self) -> None:
        """A published local service (related), an imported one (unrelated) and one in the other
        organisation (other); a feed for each."""
        from alongside.directory.models import DirectoryFeed, Service, ServiceSource

        orgs = {
            "related": self.world.org,
            "unrelated": self.world.org,
            "other": self.world.other_org,
        }
        self.directory_services, self.feeds = {}, {}
        for subject, organisation in orgs.items():
            self.directory_services[subject] = Service.objects.create(
                organisation=organisation,
                name=f"Knit and natter ({subject})",
                source=ServiceSource.IMPORTED if subject == "unrelated" else ServiceSource.LOCAL,
                published=subject != "unrelated",
            )
            self.feeds[subject] = DirectoryFeed.objects.create(
                organisation=organisation, name=f"Council ({subject})", url="https://example.org/s"
            )

    def _history_access(self, owners: dict[str, Any], successors: dict[str, Any]) -> None:
        """An allocation and a legitimate-relationship request in force, per subject. The request
        is the successor's (never a persona), the allocation the owner's own."""
        from alongside.relationships.models import Allocation, LegitimateRelationship

        now = timezone.now()
        self.allocations, self.grants = {}, {}
        for subject, person in self.people.items():
            self.allocations[subject] = Allocation.objects.create(
                organisation=person.organisation,
                person=person,
                worker=owners[subject],
                allocated_by=owners[subject],
                allocated_at=now,
            )
            self.grants[subject] = LegitimateRelationship.objects.create(
                organisation=person.organisation,
                person=person,
                worker=successors[subject],
                reason="Covering for a colleague (matrix sample)",
                started_at=now,
                expires_at=now + timedelta(days=7),
            )

    def kwargs(self, pattern: URLPattern, subject: str) -> dict[str, Any]:
        fill = {
            "person_id": lambda: self.people[subject].pk,
            "contact_id": lambda: self.contacts[subject].pk,
            "removed_id": lambda: self.removed[subject].pk,
            "proposal_id": lambda: self.proposals[subject].pk,
            "merge_id": lambda: self.merges[subject].pk,
            "other_id": lambda: self.twins[subject].pk,
            "handover_id": lambda: self.handovers[subject].pk,
            "consent_id": lambda: self.consents[subject].pk,
            "concern_id": lambda: self.concerns[subject].pk,
            "override_id": lambda: self.overrides[subject].pk,
            "voucher_id": lambda: self.vouchers[subject].pk,
            "partner_id": lambda: self.partners[subject].pk,
            "appointment_id": lambda: self.appointments[subject].pk,
            "block_id": lambda: self.blocks[subject].pk,
            "exception_id": lambda: self.exceptions[subject].pk,
            "round_id": lambda: self.rounds[subject].pk,
            "membership_id": lambda: self.leavers[subject].pk,
            "story_id": lambda: self.stories[subject].pk,
            "archive_id": lambda: self.archives[subject].pk,
            "space_id": lambda: self.spaces[subject].pk,
            "session_id": lambda: self.space_sessions[subject].pk,
            "sitting_id": lambda: self.sittings[subject].pk,
            "need_id": lambda: self.needs[subject].pk,
            "spend_id": lambda: self.spends[subject].pk,
            "hold_id": lambda: self.holds[subject].pk,
            "request_id": lambda: self.access_requests[subject].pk,
            "review_id": lambda: self.reviews[subject].pk,
            "allocation_id": lambda: self.allocations[subject].pk,
            "grant_id": lambda: self.grants[subject].pk,
            "referral_id": lambda: self.referrals[subject].pk,
            "incoming_id": lambda: self.incoming[subject].pk,
            "referral_partner_id": lambda: self.referral_partners[subject].pk,
            "volunteer_id": lambda: self.volunteers[subject].pk,
            "reference_id": lambda: self.volunteer_references[subject].pk,
            "check_id": lambda: self.volunteer_checks[subject].pk,
            "organisation_slug": lambda: self.organisation_slug[subject],
            "supervision_id": lambda: self.supervisions[subject].pk,
            "course_id": lambda: self.courses[subject].pk,
            "completion_id": lambda: self.completions[subject].pk,
            "service_id": lambda: self.directory_services[subject].pk,
            "feed_id": lambda: self.feeds[subject].pk,
            "shift_id": lambda: self.shifts[subject].pk,
            "role_id": lambda: self.shift_roles[subject].pk,
            "signup_id": lambda: self.signups[subject].pk,
            "offer_id": lambda: self.offers[subject].pk,
            "pattern_id": lambda: self.shift_patterns[subject].pk,
            "oruk_id": lambda: self.directory_services[subject].oruk_id,
            "word_list": lambda: "close_reason",
            # Each one-time link is its own app's token.
            "token": lambda: (
                self.connections["connection_token"][subject]
                if pattern.lookup_str.startswith("alongside.connections.")
                else self.invitation_token
                if pattern.lookup_str.startswith("alongside.workers.")
                else self.referral_tokens[subject]
                if pattern.lookup_str.startswith("alongside.referrals.")
                else self.token
            ),
            "worker_id": lambda: self.workers[subject].pk,
            "run_id": lambda: self.import_runs[subject].pk,
            "introduction_id": lambda: self.connections["introduction_id"][subject],
            "side_id": lambda: self.connections["side_id"][subject],
            "introduced_side_id": lambda: self.connections["introduced_side_id"][subject],
            "group_id": lambda: self.connections["group_id"][subject],
            # allauth's emailed links (regular-expression patterns): a key that matches nothing.
            "key": lambda: "no-such-key",
            "uidb36": lambda: "1",
        }
        names = list(pattern.pattern.converters) or list(pattern.pattern.regex.groupindex)
        missing = [name for name in names if name not in fill]
        assert not missing, f"{pattern.pattern}: add a sample for {missing} to Samples.kwargs"
        return {name: fill[name]() for name in names}
