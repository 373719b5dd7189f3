"""The range of dates a record may carry (pure: no Django).

A contact, a spend, a voucher or a period asked for on a page is dated between `EARLIEST` and
`LATEST`; year 1, 1900 or 9999 is a slip of the keyboard, and the far ends overflow date
arithmetic (a period to 9999-12-31 cannot add its last day). Dates of birth are not records and
are not bound by this (`birth_date_problem` checks them). Forms use `common.forms.RecordDateField`; services call `date_problem`.
"""

from datetime import date, datetime

EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)


def date_problem(value: date | datetime) -> str | None:
    """Why `value` is not a date a record may carry, in plain words; None when it may."""
    day = value.date() if isinstance(value, datetime) else value
    if day < EARLIEST:
        return f"Enter a date from 1 January {EARLIEST.year} onwards."
    if day > LATEST:
        return f"Enter a date before {LATEST.year + 1}."
    return None


OLDEST_AGE_YEARS = 120


def birth_date_problem(value: date, *, today: date) -> str | None:
    """Why `value` cannot be someone's date of birth, in plain words; None when it can: in the
    past, and no more than `OLDEST_AGE_YEARS` years ago."""
    if value > today:
        return "Enter a date of birth in the past."
    if value.year < today.year - OLDEST_AGE_YEARS:
        return f"Enter a date of birth after {today.year - OLDEST_AGE_YEARS}."
    return None
