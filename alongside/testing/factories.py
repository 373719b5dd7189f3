"""factory_boy factories for tests. Synthetic people only."""

from datetime import date, timedelta
from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from alongside.access.models import Membership, Organisation, Role, Team
from alongside.accounts.policy import has_authenticator_app, two_step_required
from alongside.accounts.services import add_authenticator_app
from alongside.people.models import Person
from alongside.relationships.models import Contact, Initiator, Mode, NamedWorkerSpell, SpellReason
from alongside.relationships.summaries import refresh_people
from alongside.testing.totp import TEST_TOTP_SECRET

# Fixed name lists rather than Faker: tests assert that a name is *absent* from a page, and a random
# surname such as "Patel" would contain the test person "Pat" one run in a few dozen. None of these
# contains a name the tests use (Pat, Una, Wes, Ray, Jo, Mo, Sol, Val, Uma, Ivy, Zed, Quinn, ...).
GIVEN_NAMES = ("Bryony", "Dafydd", "Eira", "Farah", "Gethin", "Hana", "Idris", "Kemi", "Leif")
FAMILY_NAMES = (
    "Adeyemi",
    "Nowak",
    "Hughes",
    "Ferreira",
    "Kowalski",
    "Mensah",
    "Lindqvist",
    "Byrne",
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Iterator(GIVEN_NAMES)
    last_name = factory.Iterator(FAMILY_NAMES)
    password = factory.django.Password("pw-for-tests")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.SUPPORTER
    started_on = factory.LazyFunction(lambda: date(2024, 1, 1))

    @factory.post_generation
    def authenticator_app(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        """A worker whose role needs two-step sign-in has set up an authenticator app (with
        TEST_TOTP_SECRET), as they must before reaching any page; `authenticator_app=False`
        makes one who has not yet (sent to set it up), `True` gives one to anyone."""
        wanted = two_step_required(self) if extracted is None else extracted
        if create and wanted and not has_authenticator_app(self.user):
            add_authenticator_app(self.user, TEST_TOTP_SECRET)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    team = factory.SubFactory(TeamFactory)
    organisation = factory.SelfAttribute("team.organisation")
    given_name = factory.Iterator(GIVEN_NAMES[::-1])
    family_name = factory.Iterator(FAMILY_NAMES[::-1])


class _Summarised(factory.django.DjangoModelFactory):
    """Contacts and spells made by a factory keep the continuity summary in step, as the
    services do (`relationships.summaries.refresh_people`)."""

    class Meta:
        abstract = True

    @classmethod
    def _after_postgeneration(cls, instance: Any, create: bool, results: Any = None) -> None:
        super()._after_postgeneration(instance, create, results)
        if create:
            refresh_people([instance.person_id])


class SpellFactory(_Summarised):
    class Meta:
        model = NamedWorkerSpell

    person = factory.SubFactory(PersonFactory)
    organisation = factory.SelfAttribute("person.organisation")
    worker = factory.SubFactory(UserFactory)
    started_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=200))
    reason = SpellReason.FIRST


class ContactFactory(_Summarised):
    class Meta:
        model = Contact

    person = factory.SubFactory(PersonFactory)
    organisation = factory.SelfAttribute("person.organisation")
    worker = factory.SubFactory(UserFactory)
    recorded_by = factory.SelfAttribute("worker")
    at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=3))
    mode = Mode.IN_PERSON
    minutes = 30
    initiated_by = Initiator.PERSON
