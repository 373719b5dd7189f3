"""A stateful test: an assessor reads a support note only while a consent is in force, and a
safeguarding lead only while an override of theirs is in force, whatever the order of events.

Rules: grant (to the assessor's role or to them by name), revoke, reassign the named worker,
start an override, let time pass (consents and overrides expire). The model keeps its own
simple picture of what should be readable and compares it with the real query after each step.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from alongside.people.consent import grant_consent, revoke_consent
from alongside.people.models import ConsentToShare
from alongside.relationships.models import NamedWorkerSpell
from alongside.support.models import SupportNote
from alongside.support.queries import support_notes_visible_to


def _override_model():
    from django.apps import apps

    try:
        return apps.get_model("safeguarding", "Override")
    except LookupError:
        return None


def _overrides():
    manager = _override_model().objects
    return manager.for_system("stateful test") if hasattr(manager, "for_system") else manager.all()


@pytest.mark.django_db
class TestVisibility:
    def test_reads_follow_consent_and_override(self, world):
        machine = make_machine(world)
        settings_ = settings(
            max_examples=25,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        from hypothesis.stateful import run_state_machine_as_test

        run_state_machine_as_test(machine, settings=settings_)


def make_machine(world):
    class Visibility(RuleBasedStateMachine):
        @initialize()
        def start(self):
            ConsentToShare.objects.all().delete()
            Override = _override_model()
            if Override is not None:
                _overrides().delete()
            NamedWorkerSpell.objects.filter(person=world.person).delete()
            NamedWorkerSpell.objects.create(
                organisation=world.org,
                person=world.person,
                worker=world.user("alice"),
                started_on=timezone.localdate() - timedelta(days=100),
                reason="first",
            )
            SupportNote.objects.for_system("test reset").filter(person=world.person).delete()
            self.note = SupportNote.objects.create(
                organisation=world.org,
                person=world.person,
                asked_for="what they told us",
                author=world.user("alice"),
            )
            self.now = timezone.now()
            self.consents = {}  # pk -> (expires_at, revoked)
            self.overrides = {}  # pk -> expires_at

        @rule(days=st.integers(min_value=1, max_value=20), by_name=st.booleans())
        def grant(self, days, by_name):
            consent = grant_consent(
                world.person,
                by=world.members["alice"],
                scope="all_support_notes",
                note_id=None,
                grantee_role="" if by_name else "assessor",
                grantee_user=world.user("amir") if by_name else None,
                purpose="For their housing application",
                expires_on=self.now + timedelta(days=days),
                now=self.now,
            )
            self.consents[consent.pk] = [consent.expires_at, False]

        @rule(data=st.data())
        def revoke(self, data):
            live = sorted(pk for pk, (_, revoked) in self.consents.items() if not revoked)
            if not live:
                return
            pk = data.draw(st.sampled_from(live))
            revoke_consent(
                ConsentToShare.objects.get(pk=pk), by=world.members["alice"], now=self.now
            )
            self.consents[pk][1] = True

        @rule(to=st.sampled_from(["cara", "alice"]))
        def reassign(self, to):
            spell = NamedWorkerSpell.objects.get(person=world.person, ended_on__isnull=True)
            if spell.worker.username == to:
                return
            spell.ended_on = timezone.localdate()
            spell.save()
            NamedWorkerSpell.objects.create(
                organisation=world.org,
                person=world.person,
                worker=world.user(to),
                started_on=timezone.localdate(),
                reason="workload",
            )

        @rule()
        def override(self):
            Override = _override_model()
            if Override is None:
                return
            from alongside.safeguarding import services

            if any(expires > timezone.now() for expires in self.overrides.values()):
                return  # one in force at a time for a lead and person
            started = services.start_override(
                world.person,
                by=world.members["sam"],
                reason_code=Override._meta.get_field("reason_code").choices[0][0],
                justification="Serious risk of harm reported by a neighbour today",
            )
            self.overrides[started.pk] = started.expires_at

        @rule(minutes=st.integers(min_value=1, max_value=24 * 60 * 30))
        def time_passes(self, minutes):
            # Move every consent and override back in time instead of moving the clock forward.
            shift = timedelta(minutes=minutes)
            for pk in self.consents:
                ConsentToShare.objects.filter(pk=pk).update(
                    granted_at=ConsentToShare.objects.get(pk=pk).granted_at - shift,
                    expires_at=ConsentToShare.objects.get(pk=pk).expires_at - shift,
                )
                self.consents[pk][0] -= shift
            for pk in self.overrides:
                row = _overrides().get(pk=pk)
                _overrides().filter(pk=pk).update(
                    started_at=row.started_at - shift, expires_at=row.expires_at - shift
                )
                self.overrides[pk] -= shift

        @invariant()
        def assessor_reads_only_under_consent(self):
            now = timezone.now()
            expected = any(
                expires > now and not revoked for expires, revoked in self.consents.values()
            )
            assert (
                support_notes_visible_to(world.members["amir"]).filter(pk=self.note.pk).exists()
                == expected
            )

        @invariant()
        def safeguarding_lead_reads_only_under_override(self):
            now = timezone.now()
            expected = any(expires > now for expires in self.overrides.values())
            assert (
                support_notes_visible_to(world.members["sam"]).filter(pk=self.note.pk).exists()
                == expected
            )

        @invariant()
        def funder_and_data_lead_never_read(self):
            for name in ("fern", "dana"):
                assert not support_notes_visible_to(world.members[name]).exists()

    return Visibility
