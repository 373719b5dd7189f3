"""Reads of the directory: search (by need, words, place and day), one service, the ORUK items
served at `/oruk/` and written by `alongside directory export`, and what changed at each import.

Every read starts from an organisation: a directory is the organisation's own. Nothing here is
about a person, so there is no visibility policy to apply; the rules are by role
(`directory/permissions.py`). Items for the public API (`public=True`) hold only the fields the
directory models and never anything kept from an import as it came (contacts may name people).
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import time
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from alongside.access.models import Organisation
from alongside.directory import oruk
from alongside.directory.models import (
    DirectoryFeed,
    DirectoryRefresh,
    Location,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceSource,
    ServiceStatus,
    Taxonomy,
    TaxonomyTerm,
    postcode_district,
)
from alongside.spaces.models import Space

EARTH_RADIUS_KM = 6371.0
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def directory_services(organisation: Organisation) -> QuerySet[Service]:
    return Service.objects.filter(organisation=organisation)


def with_details(services: QuerySet[Service]) -> QuerySet[Service]:
    """Everything a page or an ORUK item shows, in a fixed number of queries."""
    return services.select_related("directory_organisation", "keeper__user").prefetch_related(
        "schedules",
        "service_areas",
        Prefetch(
            "at_locations",
            queryset=ServiceAtLocation.objects.select_related("location").order_by("id"),
        ),
        Prefetch("terms", queryset=TaxonomyTerm.objects.select_related("taxonomy")),
    )


def published_services(organisation: Organisation | None = None) -> QuerySet[Service]:
    """What the public `/oruk/` API serves: local services an organisation chose to publish."""
    found = Service.objects.filter(published=True, source=ServiceSource.LOCAL)
    if organisation is not None:
        found = found.filter(organisation=organisation)
    return found.order_by("name", "id")


def service_in(organisation: Organisation, pk: int) -> Service | None:
    return with_details(directory_services(organisation)).filter(pk=pk).first()


def terms_of(organisation: Organisation) -> QuerySet[TaxonomyTerm]:
    """The words services are found by: the organisation's own needs list first."""
    return (
        TaxonomyTerm.objects.filter(organisation=organisation)
        .select_related("taxonomy")
        .order_by("-taxonomy__local", "name", "id")
    )


def local_need(organisation: Organisation, value: str) -> TaxonomyTerm | None:
    """The word of the organisation's own needs list that `value` names: its code (any case)
    or its ORUK id. None for anything else, a word of an imported taxonomy included."""
    value = (value or "").strip()
    if not value or len(value) > 200:
        return None
    terms = TaxonomyTerm.objects.filter(organisation=organisation, taxonomy__local=True)
    try:
        by_id = Q(oruk_id=uuid.UUID(value))
    except ValueError:
        by_id = Q(pk__in=[])
    return terms.filter(Q(code__iexact=value) | by_id).order_by("pk").first()


def taxonomies_of(organisation: Organisation) -> QuerySet[Taxonomy]:
    return Taxonomy.objects.filter(organisation=organisation).prefetch_related("terms")


def drop_in_spaces(organisation: Organisation) -> list[tuple[Space, Service | None]]:
    """The organisation's drop-in spaces, each with its directory entry if it has one."""
    spaces = list(
        Space.objects.filter(organisation=organisation, access=Space.Access.DROP_IN).order_by(
            "name", "id"
        )
    )
    listed = {
        service.extra.get("space_id"): service
        for service in directory_services(organisation).filter(extra__has_key="space_id")
    }
    return [(space, listed.get(space.pk)) for space in spaces]


def feeds_of(organisation: Organisation) -> QuerySet[DirectoryFeed]:
    return DirectoryFeed.objects.filter(organisation=organisation)


def refreshes_of(organisation: Organisation, limit: int = 20) -> list[DirectoryRefresh]:
    """The latest imports and refreshes, newest first: counts and what changed."""
    return list(
        DirectoryRefresh.objects.filter(organisation=organisation)
        .select_related("feed", "by")
        .order_by("-ran_at", "-id")[:limit]
    )


# --- search --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """Where to search from: a postcode district, or a point and how far from it."""

    district: str = ""
    latitude: float | None = None
    longitude: float | None = None
    within_km: float | None = None


@dataclass(frozen=True)
class Found:
    service: Service
    distance_km: float | None
    opening_times: list[str]
    stale: bool


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def search(
    organisation: Organisation,
    *,
    words: str = "",
    term_ids: Sequence[int] = (),
    place: Place | None = None,
    day: str = "",
    include_closed: bool = False,
    limit: int = 50,
) -> list[Found]:
    """Services matching every condition given: a need (any of `term_ids`), words (each word in
    the name, description, a term or a place), a place (its postcode district, or within
    `within_km` of a point, nearest first) and a day (`MO`..`SU`: runs that day)."""
    found = directory_services(organisation)
    if not include_closed:
        found = found.filter(status=ServiceStatus.ACTIVE)
    if term_ids:
        found = found.filter(terms__in=list(term_ids))
    for word in words.split()[:10]:
        found = found.filter(
            Q(name__icontains=word)
            | Q(description__icontains=word)
            | Q(terms__name__icontains=word)
            | Q(locations__name__icontains=word)
            | Q(locations__city__icontains=word)
            | Q(directory_organisation__name__icontains=word)
        )
    if place is not None and place.district:
        found = found.filter(
            locations__postcode_district=postcode_district(place.district + " 1AA")
        )
    if day:
        found = found.filter(
            Q(schedules__byday__icontains=day) | Q(schedules__byday="", schedules__freq="")
        )
    ids = list(found.values_list("pk", flat=True).distinct()[:1000])
    services = list(with_details(Service.objects.filter(pk__in=ids)).order_by("name", "id"))
    results = []
    for service in services:
        distance = _nearest(service, place)
        within = place.within_km if place is not None else None
        if within is not None and (distance is None or distance > within):
            continue
        results.append(
            Found(
                service=service,
                distance_km=distance,
                opening_times=opening_times(service),
                stale=service.source == ServiceSource.LOCAL and service.is_stale(),
            )
        )
    if place is not None and place.latitude is not None:
        results.sort(key=lambda r: (r.distance_km is None, r.distance_km or 0, r.service.name))
    return results[:limit]


def _nearest(service: Service, place: Place | None) -> float | None:
    if place is None or place.latitude is None or place.longitude is None:
        return None
    distances = [
        distance_km(place.latitude, place.longitude, at.location.latitude, at.location.longitude)
        for at in service.at_locations.all()
        if at.location.latitude is not None
        and at.location.longitude is not None
        and -90 <= at.location.latitude <= 90
    ]
    return min(distances) if distances else None


def opening_times(service: Service) -> list[str]:
    """Each schedule of a service in plain words."""
    return [schedule_words(schedule) for schedule in service.schedules.all()]


def schedule_words(schedule: Schedule) -> str:
    return oruk.schedule_words(
        freq=schedule.freq,
        interval=schedule.interval,
        byday=schedule.byday,
        bymonthday=schedule.bymonthday,
        opens_at=schedule.opens_at,
        closes_at=schedule.closes_at,
        description=schedule.description,
    )


def stale_services(organisation: Organisation) -> list[Service]:
    """Local entries not checked for a year: someone should ring them."""
    return [
        service
        for service in directory_services(organisation)
        .filter(source=ServiceSource.LOCAL)
        .select_related("keeper__user")
        if service.is_stale()
    ]


# --- ORUK out ------------------------------------------------------------------------------------


def _set(out: dict[str, Any], key: str, value: Any) -> None:
    if value not in (None, ""):
        out[key] = value


def _clock(value: time | None) -> str | None:
    return value.strftime("%H:%M:%S") if value else None


def service_item(service: Service, *, public: bool = False) -> dict[str, Any]:
    """One service as ORUK (`schema/compiled/service.json`). With `public`, only what the
    directory models (nothing kept as it came from an import)."""
    item: dict[str, Any] = {"id": str(service.oruk_id), "name": service.name}
    for key in ("description", "url", "email", "fees", "accreditations", "alert"):
        _set(item, key, getattr(service, key))
    item["status"] = service.status
    _set(item, "minimum_age", service.minimum_age)
    _set(item, "maximum_age", service.maximum_age)
    _set(item, "assured_date", service.assured_date.isoformat() if service.assured_date else None)
    _set(item, "assurer_email", service.assurer_email)
    modified = service.last_modified or service.updated_at
    item["last_modified"] = modified.isoformat().replace("+00:00", "Z")
    owner = service.directory_organisation
    if owner is not None:
        item["organization_id"] = str(owner.oruk_id)
        item["organization"] = organisation_item(owner, public=public)
    item["schedules"] = [schedule_item(schedule) for schedule in service.schedules.all()]
    item["service_areas"] = [
        {
            key: value
            for key, value in (
                ("id", str(area.oruk_id)),
                ("name", area.name),
                ("service_area", area.description),
                ("extent", area.extent),
                ("extent_type", area.extent_type),
                ("uri", area.uri),
            )
            if value
        }
        for area in service.service_areas.all()
    ]
    item["service_at_locations"] = [
        {
            "id": str(at.oruk_id),
            "location_id": str(at.location.oruk_id),
            "location": location_item(at.location, public=public),
        }
        for at in service.at_locations.all()
    ]
    item["attributes"] = [
        {
            "id": str(term.oruk_id),
            "taxonomy_term_id": str(term.oruk_id),
            "link_type": "service",
            "taxonomy_term": term_item(term),
        }
        for term in service.terms.all()
    ]
    if not public:
        kept = service.extra.get("oruk") if isinstance(service.extra, dict) else None
        for key, value in (kept or {}).items():
            item.setdefault(key, value)
    return item


def organisation_item(owner: Any, *, public: bool = False) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": str(owner.oruk_id),
        "name": owner.name,
        "description": owner.description,
    }
    for key in ("email", "website", "uri", "logo"):
        _set(item, key, getattr(owner, key))
    if owner.parent_oruk_id:
        item["parent_organization_id"] = str(owner.parent_oruk_id)
    if not public:
        for key, value in (owner.extra or {}).items():
            if key != "own":  # marks the organisation's own entry (services.own_directory_…)
                item.setdefault(key, value)
    return item


def schedule_item(schedule: Schedule) -> dict[str, Any]:
    item: dict[str, Any] = {"id": str(schedule.oruk_id)}
    _set(item, "freq", schedule.freq)
    _set(item, "interval", schedule.interval)
    for key in ("byday", "bymonthday", "description", "attending_type", "notes", "schedule_link"):
        _set(item, key, getattr(schedule, key))
    _set(item, "opens_at", _clock(schedule.opens_at))
    _set(item, "closes_at", _clock(schedule.closes_at))
    for key in ("valid_from", "valid_to", "dtstart"):
        value = getattr(schedule, key)
        _set(item, key, value.isoformat() if value else None)
    return item


def location_item(location: Location, *, public: bool = False) -> dict[str, Any]:
    item: dict[str, Any] = {"id": str(location.oruk_id), "location_type": location.location_type}
    _set(item, "name", location.name)
    _set(item, "description", location.description)
    _set(item, "latitude", location.latitude)
    _set(item, "longitude", location.longitude)
    extra = location.extra if isinstance(location.extra, dict) and not public else {}
    if location.address_1 or location.city or location.postal_code:
        kept = extra.get("addresses") or [{}]
        first = dict(kept[0]) if isinstance(kept[0], dict) else {}
        first.update(
            {
                "address_1": location.address_1,
                "city": location.city,
                "state_province": first.get("state_province") or location.region,
                "postal_code": location.postal_code,
                "country": location.country or "GB",
            }
        )
        _set(first, "address_2", location.address_2)
        _set(first, "region", location.region)
        first.setdefault("id", str(uuid.uuid5(location.oruk_id, "address")))
        first.setdefault("address_type", "physical")
        item["addresses"] = [first, *kept[1:]]
    if location.accessibility and "accessibility" not in extra:
        item["accessibility"] = [
            {
                "id": str(uuid.uuid5(location.oruk_id, "accessibility")),
                "description": location.accessibility,
            }
        ]
    for key, value in extra.items():
        if key != "addresses":
            item.setdefault(key, value)
    return item


def term_item(term: TaxonomyTerm) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": str(term.oruk_id),
        "name": term.name,
        "description": term.description,
    }
    _set(item, "term", term.code)
    _set(item, "term_uri", term.term_uri)
    _set(item, "taxonomy", term.taxonomy.name if term.taxonomy else term.taxonomy_name)
    if term.taxonomy is not None:
        item["taxonomy_id"] = str(term.taxonomy.oruk_id)
    if term.parent_oruk_id:
        item["parent_id"] = str(term.parent_oruk_id)
    return item


def taxonomy_item(taxonomy: Taxonomy) -> dict[str, Any]:
    item: dict[str, Any] = {"id": str(taxonomy.oruk_id), "name": taxonomy.name}
    _set(item, "description", taxonomy.description)
    _set(item, "uri", taxonomy.uri)
    _set(item, "version", taxonomy.version)
    return item


def export_items(organisation: Organisation) -> list[dict[str, Any]]:
    """The organisation's whole directory as ORUK services (`alongside directory export`)."""
    services = with_details(directory_services(organisation)).order_by("name", "id")
    return [service_item(service) for service in services]


def items(services: Iterable[Service], *, public: bool) -> list[dict[str, Any]]:
    return [service_item(service, public=public) for service in services]
