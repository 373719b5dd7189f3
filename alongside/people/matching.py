"""Telling whether a new person may already be on the record (pure: no Django).

Names are compared (through the one folding in `people.names`) by a key that ignores case, accents, apostrophes, hyphens and spacing
("O'Brien" = "obrien", "Aydın" = "Aydin", "Groß" = "gross"); phones by their digits with the
UK's +44 and 0 prefixes made one; postcodes by their letters and digits. A possible match is
someone with the same name key, or the same phone and first name, whose date of birth does not
contradict the new one: two people with the same name but different dates of birth are two
people. Used by `people.services.create_person` on every path that adds
a person, and by `people.queries.possible_matches`.
"""

import re
from dataclasses import dataclass
from datetime import date

from alongside.people.names import fold, phone_digits

NAME_KEY_LENGTH = 200

# A UK postcode: outward code (area letters, district digits, optional letter) and inward code.
POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")


def name_key(given_name: str, family_name: str) -> str:
    """The key two spellings of the same name share: folded, without spaces inside each part."""
    given = fold(given_name).replace(" ", "")
    family = fold(family_name).replace(" ", "")
    return f"{given} {family}".strip()[:NAME_KEY_LENGTH]


def phone_key(phone: str) -> str:
    """The digits of a phone number as dialled at home (`names.phone_digits`); "" for none."""
    return phone_digits(phone)[:20]


def phone_problem(phone: str) -> str | None:
    """Why `phone` cannot be a phone number, in plain words; None when it may be one."""
    if not phone.strip():
        return None
    if re.search(r"[^0-9+()\-. ]", phone):
        return "Enter a phone number using digits, spaces and + only, like 07700 900123."
    if not 7 <= len(phone_key(phone)) <= 15:
        return "Enter a phone number with 7 to 15 digits, like 07700 900123."
    return None


def normalise_postcode(postcode: str) -> str | None:
    """A UK postcode as it is written ("SW1A 1AA"), or None when it is not one."""
    compact = re.sub(r"\s+", "", postcode).upper()
    found = POSTCODE.match(compact)
    if found is None:
        return None
    return f"{found.group(1)} {found.group(2)}"


def postcode_district(postcode: str) -> str:
    """The outward code ("SW1A"), enough to tell two people apart without the full address."""
    return postcode.split(" ")[0] if postcode else ""


@dataclass(frozen=True, slots=True)
class Identity:
    """What is known of a person for matching: keys as stored, empty when not given."""

    name_key: str
    date_of_birth: date | None = None
    postcode: str = ""
    phone_key: str = ""

    @property
    def given_key(self) -> str:
        return self.name_key.split(" ")[0] if self.name_key else ""


def contradicts(new: Identity, old: Identity) -> bool:
    """Whether the two are surely two people: both dates of birth are known and differ. A
    different postcode or phone is not enough (people move and change numbers)."""
    return (
        new.date_of_birth is not None
        and old.date_of_birth is not None
        and new.date_of_birth != old.date_of_birth
    )


def match_score(new: Identity, old: Identity) -> int:
    """How strongly `old` may be `new`: 0 for not a possible match; more for each detail that
    agrees (the name counts 1, date of birth, phone and postcode 2 each)."""
    same_name = bool(new.name_key) and new.name_key == old.name_key
    same_phone = bool(new.phone_key) and new.phone_key == old.phone_key
    if not same_name and not (same_phone and new.given_key == old.given_key):
        return 0
    if contradicts(new, old):
        return 0
    score = 1 if same_name else 0
    if new.date_of_birth is not None and new.date_of_birth == old.date_of_birth:
        score += 2
    if same_phone:
        score += 2
    if new.postcode and new.postcode == old.postcode:
        score += 2
    return score


def rank_matches(new: Identity, candidates: list[tuple[int, Identity]]) -> list[int]:
    """The ids of the candidates that may be `new`, strongest first (ties: oldest id first)."""
    scored = [(match_score(new, old), pk) for pk, old in candidates]
    return [pk for score, pk in sorted(scored, key=lambda s: (-s[0], s[1])) if score > 0]
