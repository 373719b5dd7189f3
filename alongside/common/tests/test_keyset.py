"""Keyset pagination (decision 0114): every row exactly once, forwards and back, whatever the
ties; a cursor is opaque, tamper-checked and good for its own list only."""

from urllib.parse import quote

import pytest
from cryptography.fernet import Fernet

from alongside.common import keyset
from alongside.common.keyset import (
    AFTER,
    BadCursor,
    keyset_page,
    make_cursor,
    position_page,
    read_cursor,
)
from alongside.people.models import Person
from alongside.testing.factories import PersonFactory

NAMES = ["Ann", "Bea", "Ann", "Cy", "Ann", "Bea", "Åsa", "ann", "Bea", "Cy", "Ann", "Dee", "Ann"]


@pytest.fixture
def people(world):
    for i, given in enumerate(NAMES):
        PersonFactory(team=world.team, given_name=given, family_name=["Lee", "Ng"][i % 2])
    return Person.objects.filter(organisation=world.org).order_by("given_name", "family_name", "pk")


def walk(rows, size, cursor=None, *, towards="next"):
    pages = []
    while True:
        page = keyset_page(rows, cursor, size=size, scope="test")
        pages.append([p.pk for p in page])
        cursor = page.next_cursor if towards == "next" else page.previous_cursor
        if cursor is None:
            return pages, page


@pytest.mark.parametrize("size", [1, 4, 14, 20])
def test_walking_forwards_then_back_reads_every_row_once_in_order(people, size):
    everyone = list(people.values_list("pk", flat=True))
    forwards, last = walk(people, size)
    assert [pk for page in forwards for pk in page] == everyone
    assert all(len(page) == size for page in forwards[:-1])
    assert last.has_next is False
    backwards, first = walk(people, size, last.previous_cursor, towards="previous")
    if len(forwards) > 1:
        # Back from the last page: the same pages as forwards, in reverse.
        assert backwards == list(reversed(forwards[:-1]))
    assert first.has_previous is False


def test_descending_keys_and_dates_walk_too(world):
    from alongside.relationships.models import Contact
    from alongside.testing.factories import ContactFactory

    for _ in range(7):
        ContactFactory(person=world.person, worker=world.user("alice"))
    rows = Contact.objects.filter(person=world.person).order_by("-at", "-id")
    pages, _ = walk(rows, 3)
    assert [pk for page in pages for pk in page] == list(rows.values_list("pk", flat=True))


def test_a_row_added_before_the_cursor_does_not_shift_the_next_page(people, world):
    first = keyset_page(people, None, size=3, scope="test")
    second = [p.pk for p in keyset_page(people, first.next_cursor, size=3, scope="test")]
    PersonFactory(team=world.team, given_name="Aaron", family_name="Early")
    again = [p.pk for p in keyset_page(people, first.next_cursor, size=3, scope="test")]
    assert again == second  # with OFFSET, every row would move down one


def test_a_cursor_is_opaque_and_holds_no_name(people):
    page = keyset_page(people, None, size=2, scope="test")
    assert page.next_cursor is not None
    assert "Ann" not in page.next_cursor
    assert "QW5u" not in page.next_cursor  # "Ann" in base64
    assert "=" not in page.next_cursor and "%" not in quote(page.next_cursor)


@pytest.mark.parametrize(
    "change",
    [
        lambda c: c[:-1],
        lambda c: c[:-8],
        lambda c: c[:40] + ("A" if c[40] != "A" else "B") + c[41:],
        lambda c: "x" * 10,
        lambda c: "",
        lambda c: "é" + c,
        lambda c: c * 10,
    ],
)
def test_a_changed_cursor_is_refused(people, change):
    cursor = keyset_page(people, None, size=2, scope="test").next_cursor
    bad = change(cursor)
    if not bad:  # an empty cursor is the first page
        assert keyset_page(people, bad, size=2, scope="test").has_previous is False
        return
    with pytest.raises(BadCursor, match="not valid"):
        keyset_page(people, bad, size=2, scope="test")


def test_a_cursor_from_another_list_is_refused(people):
    cursor = keyset_page(people, None, size=2, scope="test").next_cursor
    with pytest.raises(BadCursor):
        keyset_page(people, cursor, size=2, scope="api.people")


def test_a_cursor_under_another_secret_is_refused(people, settings):
    cursor = keyset_page(people, None, size=2, scope="test").next_cursor
    settings.SECRET_KEY = "another secret key, another deployment" * 2
    with pytest.raises(BadCursor):
        keyset_page(people, cursor, size=2, scope="test")


def test_well_signed_nonsense_is_refused():
    fernet = keyset._fernet()
    for payload in [b"[]", b'{"s":"test","d":"x","k":[]}', b'{"s":"test","d":"a","k":[["t",1]]}']:
        with pytest.raises(BadCursor):
            read_cursor("test", fernet.encrypt(payload).decode(), 1)
    with pytest.raises(BadCursor):  # the right shape, the wrong width
        read_cursor("test", make_cursor("test", AFTER, ["Ann", 3]), 3)
    with pytest.raises(BadCursor):
        read_cursor("test", Fernet(Fernet.generate_key()).encrypt(b"{}").decode(), 1)


def test_a_list_must_be_ordered_by_its_key():
    with pytest.raises(TypeError, match="primary key"):
        keyset_page(Person.objects.order_by("given_name"), None, size=2, scope="test")


def test_position_pages_walk_a_ranked_list_both_ways():
    rows = list(range(11))
    cursor, seen = None, []
    while True:
        page = position_page(rows, cursor, size=4, scope="test")
        seen.append(list(page))
        if not page.has_next:
            break
        cursor = page.next_cursor
    assert seen == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10]]
    back = position_page(rows, page.previous_cursor, size=4, scope="test")
    assert list(back) == [4, 5, 6, 7]
    with pytest.raises(BadCursor):  # a keyset cursor is not a position
        position_page(rows, make_cursor("test", AFTER, [4]), size=4, scope="test")
