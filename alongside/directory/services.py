"""Writes to the directory: imports (a file, a folder of CSV tables, a feed), local services,
checking an entry, feeds and the organisation's own needs list. Each is one transaction with
its audit event inside it; an import that finds any problem writes nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify

from alongside.access.models import Membership, Organisation
from alongside.audit import actions
from alongside.audit.services import record
from alongside.directory import oruk
from alongside.directory.models import (
    DirectoryFeed,
    DirectoryOrganisation,
    DirectoryRefresh,
    Location,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceSource,
    Taxonomy,
    TaxonomyTerm,
)
from alongside.directory.sources import Opener, public_fetch, read_source
from alongside.spaces.models import SessionPattern, Space

# RRULE day codes by `spaces.Weekday` (Monday is 0).
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


class ImportRefused(Exception):
    """The source could not be imported; nothing was written. `problems` says every reason."""

    def __init__(self, problems: list[oruk.Problem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    changes: list[dict[str, Any]] = field(default_factory=list)
    refresh: DirectoryRefresh | None = None

    def counts(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


def import_source(
    organisation: Organisation,
    source: str,
    *,
    by: Membership | None = None,
    feed: DirectoryFeed | None = None,
    opener: Opener | None = None,
) -> ImportResult:
    """Read `source` (file, folder or URL) and import it; ImportRefused (nothing written) if any
    record or the source itself has a problem. A refused feed refresh is noted for the
    coordinator (`DirectoryRefresh` with `ok` false)."""
    if opener is None and feed is not None and not settings.ALONGSIDE_DIRECTORY_PRIVATE_FEEDS:
        opener = public_fetch  # an address typed into a web page: public ones only
    try:
        items = read_source(source, opener)
    except (oruk.SourceError, OSError) as error:
        problem = oruk.Problem("the source", "(all)", str(error))
        _note_refused(organisation, source, feed, [problem])
        raise ImportRefused([problem]) from None
    return import_services(organisation, items, by=by, source=source, feed=feed)


def import_services(
    organisation: Organisation,
    items: list[Any],
    *,
    by: Membership | None = None,
    source: str = "",
    feed: DirectoryFeed | None = None,
) -> ImportResult:
    """Import ORUK services (JSON values) into `organisation`'s directory, by ORUK id."""
    problems = oruk.check_services(items)
    if problems:
        _note_refused(organisation, source, feed, problems)
        raise ImportRefused(problems)
    result = ImportResult()
    with transaction.atomic():
        seen: set[str] = set()
        for item in oruk.one_per_id(items):
            seen.add(str(item["id"]).lower())
            _import_one(organisation, item, feed, result)
        if feed is not None:
            gone = (
                Service.objects.filter(organisation=organisation, feed=feed)
                .exclude(status="defunct")
                .order_by("name")
            )
            for service in gone:
                if str(service.oruk_id) not in seen:
                    result.changes.append(
                        {"oruk_id": str(service.oruk_id), "name": service.name, "change": "gone"}
                    )
        refresh = DirectoryRefresh.objects.create(
            organisation=organisation,
            feed=feed,
            source=source[:500],
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
            changes=result.changes,
            by=by.user if by is not None else None,
        )
        record(
            refresh,
            action=actions.DIRECTORY_IMPORTED,
            by=by,
            summary={
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "feed": feed.pk if feed else None,
            },
        )
        result.refresh = refresh
    return result


def _note_refused(
    organisation: Organisation,
    source: str,
    feed: DirectoryFeed | None,
    problems: list[oruk.Problem],
) -> None:
    if feed is not None:
        DirectoryRefresh.objects.create(
            organisation=organisation,
            feed=feed,
            source=source[:500],
            ok=False,
            problems=[str(problem) for problem in problems[:200]],
        )


def _import_one(
    organisation: Organisation,
    item: dict[str, Any],
    feed: DirectoryFeed | None,
    result: ImportResult,
) -> None:
    parts = oruk.part_fingerprints(item)
    service = Service.objects.filter(organisation=organisation, oruk_id=item["id"]).first()
    if service is not None and service.extra.get("fingerprints") == parts:
        result.unchanged += 1
        return
    change: dict[str, Any] = {"oruk_id": str(item["id"]), "name": oruk.text(item, "name")}
    if service is None:
        service = Service(organisation=organisation, oruk_id=item["id"])
        service.source = ServiceSource.IMPORTED
        change["change"] = "created"
        result.created += 1
    else:
        before = service.extra.get("fingerprints") or {}
        change["change"] = "updated"
        change["fields"] = sorted(
            key for key in set(before) | set(parts) if before.get(key) != parts.get(key)
        )
        result.updated += 1
    result.changes.append(change)
    _fill_service(service, item)
    service.feed = feed if feed is not None else service.feed
    service.directory_organisation = _organisation(organisation, item)
    service.extra = {
        "oruk": {key: value for key, value in item.items() if key not in oruk.MODELLED},
        "fingerprints": parts,
    }
    service.updated_at = timezone.now()
    service.save()
    _children(organisation, service, item)


def _fill_service(service: Service, item: dict[str, Any]) -> None:
    for name in oruk.SERVICE_LENGTHS:
        setattr(service, name, oruk.text(item, name))
    service.status = item["status"]
    service.minimum_age = oruk.whole(item, "minimum_age")
    service.maximum_age = oruk.whole(item, "maximum_age")
    service.assured_date = oruk.parse_date(item.get("assured_date"))
    service.last_modified = oruk.parse_datetime(item.get("last_modified"))


def _described[M: (DirectoryOrganisation, Location)](
    model: type[M], organisation: Organisation, given: object, oruk_id: Any
) -> tuple[M | None, dict[str, Any] | None]:
    """The row with this ORUK id and what the source says of it: a new row when the source
    describes one we do not have; the row we have (or None) and no description when the source
    only names it by id."""
    if not oruk_id:
        return None, None
    found = model.objects.filter(organisation=organisation, oruk_id=oruk_id).first()
    if not isinstance(given, dict):
        return found, None
    return found or model(organisation=organisation, oruk_id=oruk_id), given


def _organisation(organisation: Organisation, item: dict[str, Any]) -> DirectoryOrganisation | None:
    given = item.get("organization")
    oruk_id = given.get("id") if isinstance(given, dict) else item.get("organization_id")
    found, data = _described(DirectoryOrganisation, organisation, given, oruk_id)
    if found is None or data is None:
        return found
    for name in oruk.ORGANISATION_LENGTHS:
        setattr(found, name, oruk.text(data, name))
    found.name = found.name or "(no name given)"
    found.parent_oruk_id = data.get("parent_organization_id") or None
    found.extra = {
        key: value
        for key, value in data.items()
        if key not in oruk.ORGANISATION_LENGTHS and key not in ("id", "parent_organization_id")
    }
    found.save()
    return found


def _children(organisation: Organisation, service: Service, item: dict[str, Any]) -> None:
    """Schedules, areas, places and terms: replaced with what the source says now."""
    service.schedules.all().delete()
    Schedule.objects.bulk_create(
        Schedule(
            service=service,
            oruk_id=data.get("id") or _new_id(),
            freq=oruk.text(data, "freq"),
            interval=oruk.whole(data, "interval"),
            byday=oruk.text(data, "byday"),
            bymonthday=oruk.text(data, "bymonthday"),
            opens_at=oruk.parse_time(data.get("opens_at")),
            closes_at=oruk.parse_time(data.get("closes_at")),
            valid_from=oruk.parse_date(data.get("valid_from")),
            valid_to=oruk.parse_date(data.get("valid_to")),
            dtstart=oruk.parse_date(data.get("dtstart")),
            description=oruk.text(data, "description"),
            attending_type=oruk.text(data, "attending_type"),
            notes=oruk.text(data, "notes"),
            schedule_link=oruk.text(data, "schedule_link"),
        )
        for data in item.get("schedules") or []
    )
    service.service_areas.all().delete()
    ServiceArea.objects.bulk_create(
        ServiceArea(
            service=service,
            oruk_id=data.get("id") or _new_id(),
            name=oruk.text(data, "name"),
            description=oruk.text(data, "service_area"),
            extent=oruk.text(data, "extent"),
            extent_type=oruk.text(data, "extent_type"),
            uri=oruk.text(data, "uri"),
        )
        for data in item.get("service_areas") or []
    )
    service.at_locations.all().delete()
    for data in item.get("service_at_locations") or []:
        location = _location(organisation, data)
        if location is not None:
            ServiceAtLocation.objects.get_or_create(
                service=service,
                location=location,
                defaults={"oruk_id": data.get("id") or _new_id()},
            )
    terms = [
        _term(organisation, attribute["taxonomy_term"])
        for attribute in item.get("attributes") or []
        if isinstance(attribute.get("taxonomy_term"), dict)
    ]
    service.terms.set(terms)


def _new_id() -> uuid.UUID:
    return uuid.uuid4()


def _location(organisation: Organisation, data: dict[str, Any]) -> Location | None:
    given = data.get("location")
    oruk_id = given.get("id") if isinstance(given, dict) else data.get("location_id")
    location, described = _described(Location, organisation, given, oruk_id)
    if location is None or described is None:
        return location
    given = described
    location.location_type = given.get("location_type") or "physical"
    location.name = oruk.text(given, "name")
    location.description = oruk.text(given, "description")
    location.latitude = oruk.number(given, "latitude")
    location.longitude = oruk.number(given, "longitude")
    addresses = given.get("addresses") or []
    address = addresses[0] if addresses else {}
    for name in oruk.ADDRESS_LENGTHS:
        setattr(location, name, oruk.text(address, name))
    location.country = oruk.text(address, "country")[:2]
    accessibility = given.get("accessibility") or []
    location.accessibility = "\n".join(
        oruk.text(entry, "description") for entry in accessibility if entry.get("description")
    )[:2000]
    location.extra = {
        key: value
        for key, value in given.items()
        if key not in ("id", "location_type", "name", "description", "latitude", "longitude")
    }
    location.save()
    return location


def _term(organisation: Organisation, data: dict[str, Any]) -> TaxonomyTerm:
    term = TaxonomyTerm.objects.filter(organisation=organisation, oruk_id=data["id"]).first()
    term = term or TaxonomyTerm(organisation=organisation, oruk_id=data["id"])
    term.name = oruk.text(data, "name")
    term.description = oruk.text(data, "description")
    term.code = oruk.text(data, "term")
    term.term_uri = oruk.text(data, "term_uri")
    term.taxonomy_name = oruk.text(data, "taxonomy")
    term.parent_oruk_id = data.get("parent_id") or None
    if data.get("taxonomy_id"):
        taxonomy, _ = Taxonomy.objects.get_or_create(
            organisation=organisation,
            oruk_id=data["taxonomy_id"],
            defaults={"name": term.taxonomy_name or "Imported taxonomy"},
        )
        term.taxonomy = taxonomy
    term.save()
    return term


# --- local services and the organisation's own words ----------------------------------------------


def save_service(
    membership: Membership, service: Service, changed: list[str], *, checked: bool = True
) -> Service:
    """Add or change a local service (the form has filled `service`). Saving it counts as
    checking it, unless `checked` is false."""
    adding = service.pk is None
    with transaction.atomic():
        service.organisation = membership.organisation
        if adding:
            service.source = ServiceSource.LOCAL
            service.keeper = service.keeper or membership
        if checked:
            service.last_checked = timezone.localdate()
        service.updated_at = timezone.now()
        service.save()
        record(
            service,
            action=actions.DIRECTORY_SERVICE_ADDED if adding else actions.DIRECTORY_SERVICE_CHANGED,
            by=membership,
            summary={"fields": sorted(changed)},
        )
    return service


def mark_checked(membership: Membership, service: Service) -> None:
    """Someone confirmed the entry is still right today."""
    with transaction.atomic():
        service.last_checked = timezone.localdate()
        service.save(update_fields=["last_checked"])
        record(service, action=actions.DIRECTORY_SERVICE_CHECKED, by=membership)


def add_schedule(membership: Membership, service: Service, schedule: Schedule) -> Schedule:
    """A regular time a local service runs (weekly or monthly, every time)."""
    with transaction.atomic():
        schedule.service = service
        schedule.interval = schedule.interval or 1
        schedule.save()
        record(
            service,
            action=actions.DIRECTORY_SERVICE_CHANGED,
            by=membership,
            summary={"fields": ["schedules"]},
        )
    return schedule


def save_feed(membership: Membership, feed: DirectoryFeed, changed: list[str]) -> DirectoryFeed:
    adding = feed.pk is None
    with transaction.atomic():
        feed.organisation = membership.organisation
        feed.save()
        record(
            feed,
            action=actions.DIRECTORY_FEED_ADDED if adding else actions.DIRECTORY_FEED_CHANGED,
            by=membership,
            summary={"fields": sorted(changed)},
        )
    return feed


# The words a needs list starts with when it has none (each organisation changes and adds to
# them). Their codes are what referrals carried before needs were the organisation's own words
# (referrals migration 0003), so a partner's script that sends "money" keeps working.
STARTING_NEEDS = (
    ("money", "Money, debt or benefits"),
    ("housing", "Housing"),
    ("food", "Food"),
    ("mental_health", "Mental health and wellbeing"),
    ("connection", "Company, groups and activities"),
    ("health", "Physical health"),
    ("forms", "Help with forms and letters"),
    ("other", "Something else"),
)


def local_needs_list(organisation: Organisation) -> Taxonomy:
    """The organisation's own needs list (made the first time it is asked for, with
    `STARTING_NEEDS` as its first words)."""
    found = Taxonomy.objects.filter(organisation=organisation, local=True).first()
    if found is not None:
        return found
    with transaction.atomic():
        taxonomy = Taxonomy.objects.create(
            organisation=organisation,
            name=f"{organisation.name}: needs",
            description="The words this organisation finds services by.",
            local=True,
        )
        _starting_words(taxonomy)
    return taxonomy


def _starting_words(taxonomy: Taxonomy) -> None:
    TaxonomyTerm.objects.bulk_create(
        TaxonomyTerm(
            organisation_id=taxonomy.organisation_id,
            taxonomy=taxonomy,
            taxonomy_name=taxonomy.name,
            name=name,
            code=code,
        )
        for code, name in STARTING_NEEDS
    )


def local_needs(organisation: Organisation) -> QuerySet[TaxonomyTerm]:
    """The words of the organisation's own needs list: what its referrals out and in are for
    and what its report counts them by. A list with no words yet is given `STARTING_NEEDS`."""
    with transaction.atomic():
        taxonomy = local_needs_list(organisation)
        terms = TaxonomyTerm.objects.filter(organisation=organisation, taxonomy=taxonomy)
        if not terms.exists():
            _starting_words(taxonomy)
    return terms.order_by("name", "pk")


def need_code(organisation: Organisation, name: str) -> str:
    """A code for a new word of the needs list, unique in it: what a partner's script sends
    (`/api/v1/referrals/needs` lists them)."""
    base = slugify(name).replace("-", "_")[:60] or "need"
    taken = set(
        TaxonomyTerm.objects.filter(
            organisation=organisation, taxonomy__local=True, code__startswith=base
        ).values_list("code", flat=True)
    )
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base}_{n}"
    return code


def add_term(membership: Membership, name: str, description: str = "") -> TaxonomyTerm:
    """Add a word to the organisation's own needs list, with a code of its own."""
    with transaction.atomic():
        taxonomy = local_needs_list(membership.organisation)
        term = TaxonomyTerm.objects.create(
            organisation=membership.organisation,
            taxonomy=taxonomy,
            taxonomy_name=taxonomy.name,
            name=name,
            description=description,
            code=need_code(membership.organisation, name),
        )
        record(term, action=actions.DIRECTORY_TERM_ADDED, by=membership)
    return term


def own_directory_organisation(organisation: Organisation) -> DirectoryOrganisation:
    """The organisation itself as the ORUK organisation that runs its local services."""
    found = DirectoryOrganisation.objects.filter(organisation=organisation, extra__own=True).first()
    if found is not None:
        return found
    return DirectoryOrganisation.objects.create(
        organisation=organisation, name=organisation.name, extra={"own": True}
    )


def add_place(membership: Membership, service: Service, location: Location) -> Location:
    """Where a local service runs: a new place, linked to the service."""
    with transaction.atomic():
        location.organisation = membership.organisation
        location.save()
        ServiceAtLocation.objects.create(service=service, location=location)
        record(
            service,
            action=actions.DIRECTORY_SERVICE_CHANGED,
            by=membership,
            summary={"fields": ["service_at_locations"]},
        )
    return location


def list_space(membership: Membership, space: Space) -> Service:
    """A drop-in space as a local service (made the first time, brought up to date after): its
    name, what happens there, its venue and its repeating sessions as opening times. Not
    published until someone chooses to."""
    organisation = membership.organisation
    today = timezone.localdate()
    with transaction.atomic():
        service = Service.objects.filter(
            organisation=organisation, extra__space_id=space.pk
        ).first()
        adding = service is None
        if service is None:
            service = Service(
                organisation=organisation,
                source=ServiceSource.LOCAL,
                keeper=membership,
                directory_organisation=own_directory_organisation(organisation),
                extra={"space_id": space.pk},
            )
        service.name = space.name[:300]
        service.description = space.about[:10_000]
        service.url = space.online_link[:500]
        service.last_checked = today
        service.updated_at = timezone.now()
        service.save()
        service.at_locations.all().delete()
        if space.venue:
            place = Location.objects.filter(
                organisation=organisation, name=space.venue[:300]
            ).first()
            place = place or Location.objects.create(
                organisation=organisation, name=space.venue[:300], address_1=space.venue[:300]
            )
            ServiceAtLocation.objects.create(service=service, location=place)
        service.schedules.all().delete()
        patterns = SessionPattern.objects.filter(space=space, ends_on__gte=today).order_by(
            "weekday", "starts_at", "id"
        )
        Schedule.objects.bulk_create(
            Schedule(
                service=service,
                freq="WEEKLY",
                interval=pattern.every_weeks,
                byday=DAY_CODES[pattern.weekday],
                opens_at=pattern.starts_at,
                closes_at=pattern.ends_at,
                valid_from=pattern.starts_on,
                valid_to=pattern.ends_on,
            )
            for pattern in patterns
        )
        record(
            service,
            action=actions.DIRECTORY_SERVICE_ADDED if adding else actions.DIRECTORY_SERVICE_CHANGED,
            by=membership,
            summary={"space": space.pk},
        )
    return service
