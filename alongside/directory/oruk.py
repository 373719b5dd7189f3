"""Open Referral UK (HSDS 3.0 UK profile) in and out, as plain data (pure: no Django).

In: `services_from_json` takes what an ORUK source holds (one service, a list of services, or a
page of the API `{"contents": [...], "total_items": ...}`); `services_from_csv` joins the HSDS
CSV tables into the same nested services. `check_services` validates each against the compiled
schema `oruk_schema/service.json` (copied from the ORUK repository) and then against what the
directory can hold (dates, times, ages, lengths), and returns every problem by record and
field; `normalise` turns one valid service into plain values for `directory.services`.
The same id twice in one source is one service (the last one wins).

Out: `page` wraps items as an ORUK paginated list; `schedule_words` says a schedule in plain
English ("Tuesdays and Thursdays, 10am to 12pm").
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator, FormatChecker

SCHEMA_DIR = Path(__file__).resolve().parent / "oruk_schema"

# The largest number of pages an import follows, and of services it takes in one go.
MAX_PAGES = 500
MAX_SERVICES = 20_000

# Lengths the directory's models hold (alongside/directory/models.py); longer text is refused.
SERVICE_LENGTHS = {
    "name": 300,
    "description": 10_000,
    "url": 500,
    "email": 254,
    "fees": 1000,
    "accreditations": 1000,
    "alert": 1000,
    "assurer_email": 254,
}
ORGANISATION_LENGTHS = {
    "name": 300,
    "description": 5000,
    "email": 254,
    "website": 500,
    "uri": 500,
    "logo": 500,
}
LOCATION_LENGTHS = {"name": 300, "description": 5000}
ADDRESS_LENGTHS = {
    "address_1": 300,
    "address_2": 300,
    "city": 200,
    "region": 200,
    "postal_code": 20,
}
SCHEDULE_LENGTHS = {
    "byday": 100,
    "bymonthday": 100,
    "description": 2000,
    "attending_type": 500,
    "notes": 2000,
    "schedule_link": 500,
}
AREA_LENGTHS = {"name": 1000, "service_area": 2000, "extent": 20_000, "extent_type": 50, "uri": 500}
TERM_LENGTHS = {
    "name": 200,
    "description": 2000,
    "term": 200,
    "term_uri": 500,
    "taxonomy": 200,
}
MAX_AGE = 150

# The parts of a service the directory's models hold; the rest is kept as it came (`extra`).
MODELLED = frozenset(
    {
        "id",
        "organization_id",
        "organization",
        "name",
        "description",
        "url",
        "email",
        "status",
        "fees",
        "accreditations",
        "minimum_age",
        "maximum_age",
        "assured_date",
        "assurer_email",
        "alert",
        "last_modified",
        "schedules",
        "service_areas",
        "service_at_locations",
        "attributes",
    }
)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing refused: which record, which field (a path such as `schedules[0].opens_at`)."""

    record: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.record}: {self.field}: {self.message}"


class SourceError(ValueError):
    """The source as a whole cannot be read (not JSON, not services, a table missing)."""


@cache
def schema(name: str = "service") -> dict[str, Any]:
    with (SCHEMA_DIR / f"{name}.json").open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = json.load(handle)
    return loaded


@cache
def validator(name: str = "service") -> Draft7Validator:
    return Draft7Validator(schema(name), format_checker=FormatChecker())


# --- reading -------------------------------------------------------------------------------------


def is_page(data: object) -> bool:
    return isinstance(data, dict) and isinstance(data.get("contents"), list)


def services_from_json(data: object) -> list[Any]:
    """The services in an ORUK JSON value: one service, a list of them, or an API page."""
    if is_page(data):
        assert isinstance(data, dict)
        items: list[Any] = data["contents"]
    elif isinstance(data, list):
        items = data
    elif isinstance(data, dict):
        items = [data]
    else:
        raise SourceError("expected a service, a list of services or a page of services")
    if len(items) > MAX_SERVICES:
        raise SourceError(f"more than {MAX_SERVICES} services in one source")
    return items


def last_page(data: Mapping[str, Any], page_number: int) -> bool:
    """Whether an API page is the last one (by `last_page`, else `total_pages`, else empty)."""
    if data.get("last_page") is True or not data.get("contents"):
        return True
    total_pages = data.get("total_pages")
    if isinstance(total_pages, int) and not isinstance(total_pages, bool):
        return page_number >= total_pages
    return data.get("last_page") is not False


def record_label(item: object, index: int) -> str:
    """How a problem names its record: `service 3 (id …)` or `service 3 ("name")`."""
    if isinstance(item, dict):
        if isinstance(item.get("id"), str) and item["id"]:
            return f"service {index + 1} (id {item['id'][:60]})"
        if isinstance(item.get("name"), str) and item["name"]:
            return f'service {index + 1} ("{item["name"][:60]}")'
    return f"service {index + 1}"


def _path(parts: Iterable[str | int]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(the record)"


def _schema_message(error: Any) -> str:
    if error.validator == "required":
        return str(error.message).replace("is a required property", "is missing")
    if error.validator == "enum":
        allowed = ", ".join(str(value) for value in error.validator_value)
        return f"{error.instance!r} is not one of: {allowed}"
    if error.validator == "type":
        return f"{error.instance!r} is not a {error.validator_value}"
    if error.validator == "format":
        return f"{str(error.instance)[:80]!r} is not a valid {error.validator_value}"
    return str(error.message)[:200]


def check_services(items: Sequence[Any]) -> list[Problem]:
    """Every problem in every service: against the ORUK schema, then against what we hold."""
    problems: list[Problem] = []
    for index, item in enumerate(items):
        label = record_label(item, index)
        errors = sorted(validator().iter_errors(item), key=lambda e: list(map(str, e.path)))
        for error in errors:
            field = _path(error.path)
            if error.validator == "required" and isinstance(error.instance, dict):
                missing = str(error.message).split("'")[1] if "'" in error.message else ""
                field = _path([*error.path, missing]) if missing else field
            problems.append(Problem(label, field, _schema_message(error)))
        if not errors:
            problems.extend(Problem(label, field, message) for field, message in _fits(item))
    return problems


def _too_long(
    data: Mapping[str, Any], lengths: Mapping[str, int], prefix: str
) -> Iterable[tuple[str, str]]:
    for key, limit in lengths.items():
        value = data.get(key)
        if isinstance(value, str) and len(value) > limit:
            yield f"{prefix}{key}", f"is longer than {limit} characters"


def _fits(item: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    """What the schema allows but the directory cannot hold, by field."""
    yield from _too_long(item, SERVICE_LENGTHS, "")
    for key in ("minimum_age", "maximum_age"):
        value = item.get(key)
        if value is not None and not _whole_in(value, 0, MAX_AGE):
            yield key, f"{value!r} is not a whole number of years from 0 to {MAX_AGE}"
    if item.get("assured_date") is not None and parse_date(item["assured_date"]) is None:
        yield "assured_date", f"{item['assured_date']!r} is not a date (YYYY-MM-DD)"
    if item.get("last_modified") is not None and parse_datetime(item["last_modified"]) is None:
        yield "last_modified", f"{item['last_modified']!r} is not a date and time"
    organisation = item.get("organization")
    if isinstance(organisation, dict):
        yield from _too_long(organisation, ORGANISATION_LENGTHS, "organization.")
    for i, schedule in enumerate(item.get("schedules") or []):
        prefix = f"schedules[{i}]."
        yield from _too_long(schedule, SCHEDULE_LENGTHS, prefix)
        for key in ("opens_at", "closes_at"):
            if schedule.get(key) is not None and parse_time(schedule[key]) is None:
                yield f"{prefix}{key}", f"{schedule[key]!r} is not a time (HH:MM)"
        for key in ("valid_from", "valid_to", "dtstart"):
            if schedule.get(key) is not None and parse_date(schedule[key]) is None:
                yield f"{prefix}{key}", f"{schedule[key]!r} is not a date (YYYY-MM-DD)"
        interval = schedule.get("interval")
        if interval is not None and not _whole_in(interval, 1, 52):
            yield f"{prefix}interval", f"{interval!r} is not a whole number from 1 to 52"
    for i, area in enumerate(item.get("service_areas") or []):
        yield from _too_long(area, AREA_LENGTHS, f"service_areas[{i}].")
    for i, at_location in enumerate(item.get("service_at_locations") or []):
        location = at_location.get("location")
        prefix = f"service_at_locations[{i}].location."
        if not isinstance(location, dict):
            if at_location.get("location_id") is None:
                yield f"service_at_locations[{i}].location", "is missing"
            continue
        if "id" not in location:
            yield f"{prefix}id", "is missing"
        yield from _too_long(location, LOCATION_LENGTHS, prefix)
        for key in ("latitude", "longitude"):
            value = location.get(key)
            if value is not None and not math.isfinite(value):
                yield f"{prefix}{key}", f"{value!r} is not a number"
        for j, address in enumerate(location.get("addresses") or []):
            yield from _too_long(address, ADDRESS_LENGTHS, f"{prefix}addresses[{j}].")
    for i, attribute in enumerate(item.get("attributes") or []):
        term = attribute.get("taxonomy_term")
        if isinstance(term, dict):
            if "id" not in term:
                yield f"attributes[{i}].taxonomy_term.id", "is missing"
            elif "name" not in term:
                yield f"attributes[{i}].taxonomy_term.name", "is missing"
            yield from _too_long(term, TERM_LENGTHS, f"attributes[{i}].taxonomy_term.")


def _whole_in(value: float, low: int, high: int) -> bool:
    return math.isfinite(value) and value == int(value) and low <= value <= high


def one_per_id(items: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same id twice in one source is one service: the last one, in the first one's place."""
    by_id: dict[str, dict[str, Any]] = {}
    for item in items:
        by_id[str(item["id"]).lower()] = item
    return list(by_id.values())


# --- values --------------------------------------------------------------------------------------

_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")


def parse_date(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10]) if len(value) >= 10 else None
    except ValueError:
        return None


def parse_datetime(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed


def parse_time(value: object) -> time | None:
    """ "10:00", "10:00:00", "09:00Z" or "09:00-05:00" as a time of day (the offset is dropped:
    services here give local times)."""
    if not isinstance(value, str):
        return None
    match = _TIME.match(value.strip())
    if not match:
        return None
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return time(hour, minute, second)


def fingerprint(value: object) -> str:
    """A short stable hash of a JSON value: the same content, the same fingerprint."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def part_fingerprints(item: Mapping[str, Any]) -> dict[str, str]:
    """One fingerprint per top-level field of a service: an update names what changed."""
    return {key: fingerprint(value) for key, value in sorted(item.items())}


def text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    return value.strip() if isinstance(value, str) else ""


def number(data: Mapping[str, Any], key: str) -> float | None:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def whole(data: Mapping[str, Any], key: str) -> int | None:
    value = number(data, key)
    return None if value is None else int(value)


# --- CSV -----------------------------------------------------------------------------------------

# Each table's file names in the HSDS CSV form (singular and plural both occur).
TABLES = {
    "services": ("services.csv", "service.csv"),
    "organizations": ("organizations.csv", "organization.csv"),
    "locations": ("locations.csv", "location.csv"),
    "service_at_locations": ("service_at_location.csv", "service_at_locations.csv"),
    "addresses": ("addresses.csv", "address.csv"),
    "schedules": ("schedules.csv", "schedule.csv"),
    "service_areas": ("service_areas.csv", "service_area.csv"),
    "taxonomy_terms": ("taxonomy_terms.csv", "taxonomy_term.csv"),
    "taxonomies": ("taxonomies.csv", "taxonomy.csv"),
    "attributes": ("attributes.csv", "attribute.csv"),
    "accessibility": ("accessibility.csv", "accessibility_for_disabilities.csv"),
    "contacts": ("contacts.csv", "contact.csv"),
    "funding": ("funding.csv",),
    "cost_options": ("cost_options.csv", "cost_option.csv"),
    "languages": ("languages.csv", "language.csv"),
    "organization_identifiers": ("organization_identifiers.csv",),
}
NUMBERS = frozenset({"minimum_age", "maximum_age", "latitude", "longitude", "interval", "amount"})
CsvTables = Mapping[str, Sequence[Mapping[str, str]]]


def _row(row: Mapping[str, str], drop: Iterable[str] = ()) -> dict[str, Any]:
    """A CSV row as a JSON object: empty cells left out, numbers as numbers, foreign keys kept
    out of nested objects."""
    out: dict[str, Any] = {}
    dropped = set(drop)
    for key, value in row.items():
        if key is None or key in dropped or value is None or value == "":
            continue
        if key in NUMBERS:
            try:
                number_value = float(value)
            except ValueError:
                out[key] = value  # the schema check names it
                continue
            out[key] = int(number_value) if number_value.is_integer() else number_value
        else:
            out[key] = value
    return out


def _group(rows: Sequence[Mapping[str, str]], key: str) -> dict[str, list[Mapping[str, str]]]:
    grouped: dict[str, list[Mapping[str, str]]] = {}
    for row in rows:
        if row.get(key):
            grouped.setdefault(row[key], []).append(row)
    return grouped


def services_from_csv(tables: CsvTables) -> list[dict[str, Any]]:
    """Nested ORUK services from the HSDS CSV tables (table name as in `TABLES` → rows)."""
    if "services" not in tables:
        raise SourceError("no services.csv in the folder")
    organisations = {row.get("id", ""): row for row in tables.get("organizations", [])}
    identifiers = _group(tables.get("organization_identifiers", []), "organization_id")
    locations = {row.get("id", ""): row for row in tables.get("locations", [])}
    addresses = _group(tables.get("addresses", []), "location_id")
    accessibility = _group(tables.get("accessibility", []), "location_id")
    at_locations = _group(tables.get("service_at_locations", []), "service_id")
    schedules = _group(tables.get("schedules", []), "service_id")
    areas = _group(tables.get("service_areas", []), "service_id")
    terms = {row.get("id", ""): row for row in tables.get("taxonomy_terms", [])}
    attributes = _group(tables.get("attributes", []), "link_id")
    by_service = {
        name: _group(tables.get(name, []), "service_id")
        for name in ("contacts", "funding", "cost_options", "languages")
    }
    services: list[dict[str, Any]] = []
    for row in tables["services"]:
        service = _row(row)
        service_id = row.get("id", "")
        organisation = organisations.get(row.get("organization_id", ""))
        if organisation is not None:
            service["organization"] = _row(organisation)
            found = identifiers.get(organisation.get("id", ""), [])
            if found:
                service["organization"]["organization_identifiers"] = [
                    _row(identifier, ["organization_id"]) for identifier in found
                ]
        service["schedules"] = [
            _row(schedule, ["service_id", "location_id", "service_at_location_id"])
            for schedule in schedules.get(service_id, [])
        ]
        service["service_areas"] = [
            _row(area, ["service_id"]) for area in areas.get(service_id, [])
        ]
        service["service_at_locations"] = []
        for link in at_locations.get(service_id, []):
            entry = _row(link, ["service_id"])
            location_row = locations.get(link.get("location_id", ""))
            if location_row is not None:
                location = _row(location_row)
                location_id = location_row.get("id", "")
                location["addresses"] = [
                    _row(address, ["location_id"]) for address in addresses.get(location_id, [])
                ]
                location["accessibility"] = [
                    _row(access, ["location_id"]) for access in accessibility.get(location_id, [])
                ]
                entry["location"] = location
            service["service_at_locations"].append(entry)
        service["attributes"] = []
        for attribute in attributes.get(service_id, []):
            entry = _row(attribute, ["link_id"])
            term = terms.get(attribute.get("taxonomy_term_id", ""))
            if term is not None:
                entry["taxonomy_term"] = _row(term)
            service["attributes"].append(entry)
        for name, grouped in by_service.items():
            found_rows = grouped.get(service_id, [])
            if found_rows:
                service[name] = [_row(found, ["service_id"]) for found in found_rows]
        services.append(service)
    return services


# --- out -----------------------------------------------------------------------------------------


def page(items: Sequence[dict[str, Any]], *, total: int, number: int, size: int) -> dict[str, Any]:
    """An ORUK paginated list: `items` are page `number` (from 1) of `total`, `size` a page."""
    total_pages = max(1, math.ceil(total / size)) if size else 1
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": number,
        "size": len(items),
        "first_page": number == 1,
        "last_page": number >= total_pages,
        "empty": not items,
        "contents": list(items),
    }


DAYS = {
    "MO": "Monday",
    "TU": "Tuesday",
    "WE": "Wednesday",
    "TH": "Thursday",
    "FR": "Friday",
    "SA": "Saturday",
    "SU": "Sunday",
}
_BYDAY = re.compile(r"^([+-]?\d)?(MO|TU|WE|TH|FR|SA|SU)$")
ORDINALS = {"1": "first", "2": "second", "3": "third", "4": "fourth", "5": "fifth", "-1": "last"}


def clock_words(value: time) -> str:
    """10:00 -> "10am", 13:30 -> "1:30pm", 12:00 -> "12pm"."""
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}{suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d}{suffix}"


def _and(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def ordinal(day: int) -> str:
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def schedule_words(
    *,
    freq: str,
    interval: int | None,
    byday: str,
    bymonthday: str,
    opens_at: time | None,
    closes_at: time | None,
    description: str = "",
) -> str:
    """A schedule in plain words: "Tuesdays and Thursdays, 10am to 12pm"; "The first Monday of
    every month, 7pm to 9pm"; "Every other week on Wednesdays". Falls back to the description."""
    days: list[str] = []
    nth: list[str] = []
    for token in (part.strip().upper() for part in byday.split(",") if part.strip()):
        match = _BYDAY.match(token)
        if not match:
            continue
        name = DAYS[match[2]]
        if match[1]:
            nth.append(f"the {ORDINALS.get(match[1].lstrip('+'), match[1])} {name}")
        else:
            days.append(f"{name}s")
    month_days = [
        ordinal(int(part))
        for part in bymonthday.split(",")
        if part.strip().isascii() and part.strip().isdigit() and 1 <= int(part) <= 31
    ]
    every = interval or 1
    when = ""
    if freq == "WEEKLY":
        if days == [f"{DAYS[d]}s" for d in ("MO", "TU", "WE", "TH", "FR")]:
            when = "Weekdays"
        elif days:
            when = _and(days)
        else:
            when = "Every week"
        on = "weekdays" if when == "Weekdays" else when
        if every == 2:
            when = f"Every other week on {on}" if days else "Every other week"
        elif every > 2:
            when = f"Every {every} weeks on {on}" if days else f"Every {every} weeks"
    elif freq == "MONTHLY":
        period = "month" if every == 1 else f"{every} months"
        if nth:
            when = f"{_and(nth)} of every {period}"
        elif month_days:
            when = f"The {_and(month_days)} of every {period}"
        else:
            when = f"Every {period}"
        when = when[0].upper() + when[1:]
    elif days:
        when = _and(days)
    hours = ""
    if opens_at and closes_at:
        hours = f"{clock_words(opens_at)} to {clock_words(closes_at)}"
    elif opens_at:
        hours = f"from {clock_words(opens_at)}"
    words = ", ".join(part for part in (when, hours) if part)
    return words or description.strip()
