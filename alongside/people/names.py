"""Names, phone numbers, postcodes and dates as typed, made comparable. Pure: no Django.

One folding for every place that compares people's names (search, pickers, the possible-match
check on create): `fold("Mairead O'Brien") == fold("mairead obrien")`,
`fold("Aydın") == fold("AYDIN")` (`common/folding.py`). Decision 0038.
"""

import re
from datetime import date

# The one folding lives in `common` (the worker picker in `access` uses it too); imported from
# here as before.
from alongside.common.folding import fold as fold


def name_key(*parts: str) -> str:
    """The folded words of a person's names, each once, in order: what search compares with."""
    words: list[str] = []
    for part in parts:
        for word in fold(part).split():
            if word not in words:
                words.append(word)
    return " ".join(words)


def phone_digits(text: str) -> str:
    """The digits of a UK phone number as dialled at home: '+44 (0)7700 900123' -> '07700900123'."""
    digits = re.sub(r"\D", "", text)
    if text.strip().startswith("+44") or digits.startswith("0044"):
        digits = digits.removeprefix("00").removeprefix("44").removeprefix("0")
        digits = "0" + digits
    return digits


def looks_like_phone(text: str) -> bool:
    """Whether `text` is a phone number (digits, spaces, brackets, dashes, a leading +; 6 to 15
    digits), not an address or an email that happens to hold digits."""
    text = text.strip()
    return bool(re.fullmatch(r"\+?[\d\s()\-.]+", text)) and 6 <= len(re.sub(r"\D", "", text)) <= 15


_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][0-9A-Z]?)\s*([0-9][A-Z]{2})?$")


def postcode_parts(text: str) -> tuple[str, str] | None:
    """(district, full postcode) for a full UK postcode, (district, "") for a district alone
    ('LS6'), None for anything else. Full postcodes come back with one space: 'LS6 2AB'."""
    match = _POSTCODE.match(text.strip().upper())
    if match is None:
        return None
    district, sector = match.group(1), match.group(2)
    return district, f"{district} {sector}" if sector else ""


def normal_postcode(text: str) -> str:
    """A postcode as stored for search: upper case, one space ('ls62ab' -> 'LS6 2AB'); anything
    that is not a postcode, trimmed and upper-cased."""
    parts = postcode_parts(text)
    if parts is None or not parts[1]:
        return " ".join(text.upper().split())
    return parts[1]


_UK_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def typed_date(text: str) -> date | None:
    """A date typed the UK way (05/12/1970, 5.12.1970) or ISO (1970-12-05), else None."""
    text = text.strip()
    uk, iso = _UK_DATE.match(text), _ISO_DATE.match(text)
    try:
        if uk:
            return date(int(uk.group(3)), int(uk.group(2)), int(uk.group(1)))
        if iso:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    except ValueError:
        return None
    return None


def within_one_edit(a: str, b: str) -> bool:
    """Whether `b` is `a` with at most one letter changed, added, removed, or two neighbours
    swapped ('mairaed' and 'mairead')."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diffs = [i for i in range(la) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    short, long = (a, b) if la < lb else (b, a)
    i = 0
    while i < len(short) and short[i] == long[i]:
        i += 1
    return short[i:] == long[i + 1 :]


def one_edit_pieces(word: str) -> tuple[str, str]:
    """Two pieces of `word` such that any word within one edit of it contains at least one of
    them: the part before the middle letter and the part after it. Lets the database narrow
    typo-tolerant search to candidates with an ordinary substring match (indexed by trigrams
    on PostgreSQL)."""
    middle = len(word) // 2
    return word[:middle], word[middle + 1 :]


def identity_hint(born_on: date | None, postcode: str, service: str) -> str:
    """What tells two people of one name apart in a list, from fields every finder may see:
    'born 1970 · LS6 · Advice'. Never the full postcode or birthday."""
    parts = []
    if born_on is not None:
        parts.append(f"born {born_on.year}")
    district = postcode_parts(postcode)
    if district is not None:
        parts.append(district[0])
    if service:
        parts.append(service)
    return " · ".join(parts)
