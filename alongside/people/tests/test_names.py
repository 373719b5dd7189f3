"""The pure folding and matching behind search (names.py)."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alongside.people.names import (
    fold,
    identity_hint,
    looks_like_phone,
    name_key,
    normal_postcode,
    one_edit_pieces,
    phone_digits,
    postcode_parts,
    typed_date,
    within_one_edit,
)


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("Mairead O'Brien", "mairead obrien"),
        ("O’Brien", "obrien"),
        ("Aydın", "aydin"),
        ("AYDIN", "aydin"),
        ("Zoë Łukasz-Nowak", "zoe lukasznowak"),
        ("Große Ørsted", "grosse orsted"),
        ("Đorđe  Æsir", "dorde aesir"),
        ("  José,  María ", "jose maria"),
    ],
)
def test_fold_makes_spellings_of_one_name_equal(typed, folded):
    assert fold(typed) == folded


def test_name_key_keeps_each_word_once_in_order():
    assert name_key("Tom", "O'Brien", "Tom") == "tom obrien"


@pytest.mark.parametrize(
    ("a", "b", "near"),
    [
        ("mairead", "mairaed", True),  # two neighbours swapped
        ("mairead", "mairad", True),  # one removed
        ("mairead", "mairreadd", False),  # two added
        ("aydin", "aydim", True),
        ("aydin", "ayden", True),
        ("aydin", "adyn", False),
        ("smith", "smith", True),
    ],
)
def test_within_one_edit(a, b, near):
    assert within_one_edit(a, b) is near
    assert within_one_edit(b, a) is near


letters = st.text(alphabet="abcdefghij", min_size=5, max_size=12)


@given(letters, st.integers(min_value=0, max_value=20), st.sampled_from("xyz"), st.integers(0, 3))
def test_a_word_one_edit_away_contains_a_piece(word, at, letter, kind):
    at %= len(word)
    if kind == 0:
        typo = word[:at] + letter + word[at + 1 :]
    elif kind == 1:
        typo = word[:at] + word[at + 1 :]
    elif kind == 2:
        typo = word[:at] + letter + word[at:]
    else:
        at = min(at, len(word) - 2)
        typo = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    assert within_one_edit(word, typo)
    left, right = one_edit_pieces(word)
    assert left in typo or right in typo


@pytest.mark.parametrize(
    ("typed", "digits"),
    [
        ("07700 900123", "07700900123"),
        ("+44 7700 900123", "07700900123"),
        ("+44 (0)7700-900-123", "07700900123"),
        ("0044 7700 900123", "07700900123"),
    ],
)
def test_phone_digits(typed, digits):
    assert looks_like_phone(typed)
    assert phone_digits(typed) == digits


def test_addresses_and_emails_are_not_phones():
    assert not looks_like_phone("12 Mill Lane, Riverside")
    assert not looks_like_phone("sam.k12@example.org")


def test_postcodes_full_and_district():
    assert postcode_parts("ls6 2ab") == ("LS6", "LS6 2AB")
    assert postcode_parts("LS62AB") == ("LS6", "LS6 2AB")
    assert postcode_parts("SW1A 1AA") == ("SW1A", "SW1A 1AA")
    assert postcode_parts("ls6") == ("LS6", "")
    assert postcode_parts("obrien") is None
    assert normal_postcode(" rv3 4ab") == "RV3 4AB"


def test_typed_dates_uk_and_iso():
    assert typed_date("05/12/1970") == date(1970, 12, 5)
    assert typed_date("5.12.1970") == date(1970, 12, 5)
    assert typed_date("1970-12-05") == date(1970, 12, 5)
    assert typed_date("31/02/1970") is None
    assert typed_date("1970") is None


def test_identity_hint_gives_year_and_district_never_the_full_values():
    assert identity_hint(date(1970, 12, 5), "LS6 2AB", "Advice") == "born 1970 · LS6 · Advice"
    assert identity_hint(None, "", "Advice") == "Advice"
