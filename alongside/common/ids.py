"""Reading a number someone sent: an id or a count, in ASCII digits and in range (pure).

`str.isdigit()` is true for "²" and "٣", and `int()` of a 5,000-digit string raises; an id past
2**63 - 1 overflows SQLite. These read such input as "not a number" instead, so a page can answer
with a clear message (issue 11, part 5).
"""

MAX_ID = 2**63 - 1


def parse_number(text: str, *, maximum: int = MAX_ID) -> int | None:
    """`text` as a whole number from 0 to `maximum`, or None: ASCII digits only."""
    text = text.strip()
    if not text or not text.isascii() or not text.isdigit() or len(text) > len(str(maximum)):
        return None
    value = int(text)
    return value if value <= maximum else None


def parse_id(text: str) -> int | None:
    """`text` as a database id (1 to 2**63 - 1), or None."""
    value = parse_number(text)
    return value if value else None
