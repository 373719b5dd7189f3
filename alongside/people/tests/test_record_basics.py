"""Record basics (date of birth, postcode, phone, email, emergency contact), the possible-match
question on every path that adds a person, and closing and reopening involvement."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from alongside.audit.models import AuditEvent
from alongside.people import services
from alongside.people.models import Person
from alongside.people.queries import possible_matches, second_identifier
from alongside.relationships.queries import my_people
from alongside.spaces.models import Attendance
from alongside.spaces.tests.helpers import make_session, make_space
from alongside.testing.factories import PersonFactory

pytestmark = pytest.mark.time_machine("2026-03-10 10:00:00+00:00", tick=False)

FORM = {
    "given_name": "Mairead",
    "family_name": "O'Brien",
    "team": None,
    "contact_preference": "text",
    "phone": "+44 7700 900123",
    "postcode": "m1 1ae",
    "date_of_birth": "1984-05-06",
    "email": "mairead@example.org",
}


def _form(world, **changes):
    data = {**FORM, "team": world.team.pk, **changes}
    return {key: value for key, value in data.items() if value is not None}


def test_the_basics_are_saved_written_one_way(world):
    response = world.client("colin").post(reverse("people:person_create"), _form(world))
    assert response.status_code == 302
    person = Person.objects.get(family_name="O'Brien")
    assert (person.postcode, person.phone, person.phone_key) == (
        "M1 1AE",
        "+44 7700 900123",
        "07700900123",
    )
    assert person.date_of_birth == date(1984, 5, 6)
    assert person.name_key == "mairead obrien"
    assert second_identifier(person) == "born 1984 · M1 · phone ending 123 · Link workers"


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("postcode", "not a postcode", "Enter a UK postcode, like SW1A 1AA."),
        ("date_of_birth", "2027-01-01", "Enter a date of birth in the past."),
        ("date_of_birth", "1850-01-01", "Enter a date of birth after 1906."),
        ("phone", "call me maybe", "Enter a phone number using digits"),
        ("phone", "123", "Enter a phone number with 7 to 15 digits"),
        ("email", "not-an-email", "Enter a valid email address."),
    ],
)
def test_wrong_basics_are_refused_in_plain_words_on_their_field(world, field, value, words):
    response = world.client("colin").post(
        reverse("people:person_create"), _form(world, **{field: value})
    )
    assert response.status_code == 400
    assert words in response.content.decode()
    assert f'id="id_{field}-error"' in response.content.decode()
    assert not Person.objects.filter(family_name="O'Brien").exists()


def test_adding_someone_who_may_be_on_the_record_asks_first(world):
    PersonFactory(team=world.team, given_name="Mairéad", family_name="OBrien", postcode="M1 1AE")
    client = world.client("colin")
    response = client.post(reverse("people:person_create"), _form(world, given_name="mairead"))
    assert response.status_code == 409
    html = response.content.decode()
    assert "Is this the same person?" in html and "M1 · Link workers" in html
    assert Person.objects.filter(name_key="mairead obrien").count() == 1

    response = client.post(
        reverse("people:person_create"), _form(world, given_name="mairead", confirm_new="1")
    )
    assert response.status_code == 302
    assert Person.objects.filter(name_key="mairead obrien").count() == 2
    event = AuditEvent.objects.filter(action="people.person.created").latest("id")
    assert event.summary["possible_matches_set_aside"]


def test_the_same_name_with_another_date_of_birth_is_not_asked_about(world):
    PersonFactory(
        team=world.team, given_name="Mairead", family_name="O'Brien", date_of_birth=date(1990, 1, 1)
    )
    response = world.client("colin").post(reverse("people:person_create"), _form(world))
    assert response.status_code == 302


def test_a_volunteer_is_never_asked_about_people_they_cannot_see(world):
    hidden = PersonFactory(team=world.team, given_name="Mo", family_name="")
    assert possible_matches(world.members["vic"], services.identity_for("Mo", "", {})) == []
    assert possible_matches(world.members["alice"], services.identity_for("Mo", "", {})) == [hidden]


def test_possible_matches_is_one_query(world, django_assert_num_queries):
    for _ in range(3):
        PersonFactory(team=world.team, given_name="Dean", family_name="Pearson")
    with django_assert_num_queries(1):
        found = possible_matches(
            world.members["alice"], services.identity_for("dean", "pearson", {})
        )
    assert len(found) == 3


def test_new_here_on_a_register_asks_then_marks_the_existing_person(world):
    session = make_session(make_space(world.org, team=world.team, host=world.user("vic")))
    mo = PersonFactory(team=world.team, given_name="Mo", family_name="", phone="07700 900123")
    url = reverse("spaces:new_here", args=[session.pk])
    client = world.client("alice")
    response = client.post(url, {"given_name": "mo", "contact_details": "+447700900123"})
    assert response.status_code == 409
    assert "phone ending 123" in response.content.decode()
    response = client.post(url, {"given_name": "mo", "use_person": mo.pk})
    assert response.status_code == 302
    assert Attendance.objects.filter(session=session, person=mo).exists()
    assert Person.objects.filter(name_key="mo").count() == 1


def test_the_services_refuse_a_wrong_postcode_on_every_path(world):
    with pytest.raises(ValidationError) as refused:
        services.create_person(
            by=world.members["colin"], team=world.team, given_name="Ann", postcode="zzz"
        )
    assert "postcode" in refused.value.message_dict


def test_closing_and_reopening_involvement(world):
    client = world.client("alice")
    url = reverse("people:close_involvement", args=[world.person.pk])
    refused = client.post(url, {"closed_on": "2026-03-10", "closed_reason": ""})
    assert refused.status_code == 400 and "Say why, in their words." in refused.content.decode()
    assert [row.person for row in my_people(world.members["alice"])] == [world.person]

    response = client.post(url, {"closed_on": "2026-03-10", "closed_reason": "Benefits sorted"})
    assert response.status_code == 302
    world.person.refresh_from_db()
    assert (world.person.closed_on, world.person.closed_reason) == (
        date(2026, 3, 10),
        "Benefits sorted",
    )
    assert my_people(world.members["alice"]) == []
    assert len(my_people(world.members["alice"], include_closed=True)) == 1
    page = client.get(reverse("people:person", args=[world.person.pk])).content.decode()
    assert "Involvement closed on 10 Mar 2026" in page

    assert client.post(url, {"reopen": "1"}).status_code == 302
    world.person.refresh_from_db()
    assert world.person.closed_on is None
    assert list(
        AuditEvent.objects.filter(person=world.person, action__startswith="people.involvement")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["people.involvement.closed", "people.involvement.reopened"]


def test_closing_is_refused_to_roles_that_do_not_change_people(world):
    url = reverse("people:close_involvement", args=[world.person.pk])
    for name in ("amir", "sam", "dana", "fern", "olly"):
        assert world.client(name).get(url).status_code == 404, name
