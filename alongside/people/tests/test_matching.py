"""The possible-match check: normalising names, phones and postcodes (pure), and the question
asked on every path that adds a person."""

import string
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alongside.people.matching import (
    Identity,
    fold,
    match_score,
    name_key,
    normalise_postcode,
    phone_key,
    rank_matches,
)

NAME_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "M", "Zs", "Pd", "Po")), max_size=40
)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (("mairead", "obrien"), ("Mairéad", "O'Brien")),
        (("Aydin", "Yilmaz"), ("Aydın", "Yılmaz")),
        (("DEAN", "PEARSON"), ("Dean", "Pearson")),
        (("Jürgen", "Gross"), ("Jurgen", "Groß")),
        (("Søren", "Kierkegaard"), ("Soren", "Kierkegaard")),
        (("Anne-Marie", "Smith Jones"), ("Annemarie", "Smith-Jones")),
        (("Zoë", "D’Souza"), ("Zoe", "dsouza")),
    ],
)
def test_names_match_whatever_the_accents_apostrophes_and_case(typed, stored):
    assert name_key(*typed) == name_key(*stored)


def test_different_names_do_not_match():
    assert name_key("Dean", "Pearson") != name_key("Dean", "Pearce")
    assert name_key("Ann", "Lee") != name_key("Anne", "Lee")


@given(NAME_TEXT, NAME_TEXT)
def test_a_name_key_is_plain_lower_ascii_and_stable(given_name, family_name):
    key = name_key(given_name, family_name)
    assert set(key) <= set(string.ascii_lowercase + string.digits + " ")
    assert key.count(" ") <= 1
    assert (
        name_key(key.split(" ")[0], key.partition(" ")[2]) == key
    )  # folding twice changes nothing


@given(NAME_TEXT)
def test_case_and_apostrophes_never_change_the_fold(text):
    assert fold(text.upper()) == fold(text.lower()) or not text.isascii()
    assert fold(text.replace("'", "")) == fold(text)


@pytest.mark.parametrize(
    "typed",
    ["07700 900123", "+44 7700 900123", "+447700900123", "0044 7700 900 123", "(07700) 900-123"],
)
def test_uk_phone_prefixes_are_one_number(typed):
    assert phone_key(typed) == "07700900123"


@given(st.text(alphabet="0123456789 +-()", max_size=30))
def test_a_phone_key_is_digits_only(typed):
    assert phone_key(typed).isdigit() or phone_key(typed) == ""


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("sw1a1aa", "SW1A 1AA"),
        ("m1 1ae", "M1 1AE"),
        (" B33  8TH ", "B33 8TH"),
        ("cr26xh", "CR2 6XH"),
    ],
)
def test_postcodes_are_written_one_way(typed, written):
    assert normalise_postcode(typed) == written


@pytest.mark.parametrize("typed", ["garbage", "12345", "SW1A", "SW1A 1AAA", "Q1 1AA1"])
def test_a_postcode_that_is_not_one_is_refused(typed):
    assert normalise_postcode(typed) is None


@given(st.text(max_size=12))
def test_a_normalised_postcode_normalises_to_itself(typed):
    written = normalise_postcode(typed)
    assert written is None or normalise_postcode(written) == written


def test_a_different_date_of_birth_means_two_people():
    dean = name_key("Dean", "Pearson")
    new = Identity(dean, date_of_birth=date(1980, 1, 2))
    assert match_score(new, Identity(dean, date_of_birth=date(1991, 5, 6))) == 0
    assert match_score(new, Identity(dean, date_of_birth=date(1980, 1, 2))) == 3
    assert match_score(new, Identity(dean)) == 1  # only the name: still worth asking


def test_the_same_phone_and_first_name_match_even_with_another_surname():
    new = Identity(name_key("Dean", ""), phone_key=phone_key("07700 900123"))
    old = Identity(name_key("Dean", "Pearson"), phone_key=phone_key("+44 7700 900123"))
    assert match_score(new, old) == 2
    assert rank_matches(new, [(5, Identity(name_key("Dan", "Pearson"))), (9, old)]) == [9]
