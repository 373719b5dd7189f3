"""`sees_person`: the correlated EXISTS that other apps filter their rows by (issue 17) sees
exactly the people `people_visible_to` lists, for every role, and never across organisations."""

import pytest

from alongside.access.models import Membership
from alongside.people.queries import people_visible_to, sees_person
from alongside.relationships.models import Contact
from alongside.testing.factories import ContactFactory, PersonFactory, SpellFactory

pytestmark = pytest.mark.time_machine("2026-06-15 12:00:00+00:00", tick=False)


@pytest.mark.django_db
def test_sees_person_keeps_the_rows_of_exactly_the_people_each_role_sees(world):
    vic = world.members["vic"]
    theirs = PersonFactory(team=world.team, given_name="Val")
    SpellFactory(person=theirs, worker=vic.user)  # the volunteer works with Val only
    merged = PersonFactory(team=world.team, given_name="Old", merged_into=world.person)
    for someone in (world.person, theirs, merged, world.other_person, PersonFactory()):
        ContactFactory(person=someone)
    left = world.members["cara"]
    Membership.objects.filter(pk=left.pk).update(left_on="2026-01-01")
    left.refresh_from_db()

    for membership in [*world.members.values(), left, None]:
        by_exists = set(
            Contact.objects.filter(sees_person(membership)).values_list("pk", flat=True)
        )
        by_list = set(
            Contact.objects.filter(person__in=people_visible_to(membership)).values_list(
                "pk", flat=True
            )
        )
        assert by_exists == by_list, membership
    supporter = set(
        Contact.objects.filter(sees_person(world.members["alice"])).values_list(
            "person_id", flat=True
        )
    )
    assert world.person.pk in supporter and world.other_person.pk not in supporter
    volunteer = set(Contact.objects.filter(sees_person(vic)).values_list("person_id", flat=True))
    assert volunteer == {theirs.pk}
    assert not Contact.objects.filter(sees_person(world.members["fern"])).exists()


@pytest.mark.django_db
def test_sees_person_can_name_another_key(world):
    people = PersonFactory._meta.model.objects.filter(sees_person(world.members["alice"], "pk"))
    assert set(people.values_list("pk", flat=True)) == set(
        people_visible_to(world.members["alice"]).values_list("pk", flat=True)
    )
