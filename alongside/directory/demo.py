"""A small synthetic directory for the demo town: the organisation's own needs list, a dozen
local services with places (invented RV postcodes, coordinates around the town's centre) and
opening times, a few published, one not checked for over a year, two imported from an invented
council feed, and that feed's last refresh with what changed.

Called by the demo builder inside its transaction. Writes rows directly (no per-row audit
events: the builder records one `demo.built` event). Deterministic; nothing about any person.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.text import slugify

from alongside.access.models import Membership, Organisation, Role
from alongside.directory.models import (
    DirectoryFeed,
    DirectoryOrganisation,
    DirectoryRefresh,
    Location,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceSource,
    Taxonomy,
    TaxonomyTerm,
)

# The demo town's centre (invented; in open country): every place is within about 3 km.
CENTRE = (53.8000, -1.5500)

NEEDS = (
    "Money and debt",
    "Food",
    "Loneliness",
    "Mental health",
    "Housing",
    "Forms and letters",
    "Getting active",
)

# name, needs, place, postcode, offset north and east of the centre (km), schedule, published
SERVICES: tuple[tuple[str, tuple[str, ...], str, str, tuple[float, float], str, bool], ...] = (
    (
        "Knit and natter",
        ("Loneliness",),
        "St Mark's church hall",
        "RV1 2AB",
        (0.4, -0.3),
        "TU 10:00-12:00",
        True,
    ),
    (
        "Help with forms at St Mark's",
        ("Forms and letters",),
        "St Mark's church hall",
        "RV1 2AB",
        (0.4, -0.3),
        "TH 14:00-16:00",
        True,
    ),
    (
        "Money advice drop-in",
        ("Money and debt", "Forms and letters"),
        "Riverside library",
        "RV2 4CD",
        (-0.8, 0.6),
        "MO,WE 09:30-12:30",
        True,
    ),
    (
        "Community pantry",
        ("Food",),
        "Canal Street community centre",
        "RV3 1EF",
        (1.2, 1.1),
        "FR 12:00-15:00",
        False,
    ),
    (
        "Walking for health",
        ("Getting active", "Mental health"),
        "Park gates, Elm Road",
        "RV4 6GH",
        (-1.5, -1.2),
        "SA 10:00-11:30",
        True,
    ),
    (
        "Men's shed",
        ("Loneliness", "Getting active"),
        "Old bus depot",
        "RV5 3JK",
        (2.1, -0.9),
        "TU,TH 10:00-15:00",
        False,
    ),
    (
        "Talking café",
        ("Mental health", "Loneliness"),
        "Riverside library",
        "RV2 4CD",
        (-0.8, 0.6),
        "1WE 18:30-20:00",
        False,
    ),
    (
        "Tenants' advice line",
        ("Housing",),
        "Riverside library",
        "RV2 4CD",
        (-0.8, 0.6),
        "MO,TU,WE,TH,FR 09:00-17:00",
        False,
    ),
)


def _minutes(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def _schedule(service: Service, spec: str) -> Schedule:
    days, hours = spec.split(" ")
    opens, closes = hours.split("-")
    monthly = days[0].isdigit()
    return Schedule(
        service=service,
        freq="MONTHLY" if monthly else "WEEKLY",
        interval=1,
        byday=days,
        opens_at=_minutes(opens),
        closes_at=_minutes(closes),
    )


def build_directory(organisation: Organisation, *, today: date) -> dict[str, int]:
    keeper = (
        Membership.objects.filter(organisation=organisation, role=Role.COORDINATOR)
        .order_by("pk")
        .first()
    )
    needs_list = Taxonomy.objects.create(
        organisation=organisation,
        name=f"{organisation.name}: needs",
        description="The words this organisation finds services by.",
        local=True,
    )
    terms = {
        name: TaxonomyTerm.objects.create(
            organisation=organisation,
            taxonomy=needs_list,
            taxonomy_name=needs_list.name,
            name=name,
            code=slugify(name).replace("-", "_"),
        )
        for name in NEEDS
    }
    own = DirectoryOrganisation.objects.create(
        organisation=organisation, name=organisation.name, extra={"own": True}
    )
    places: dict[str, Location] = {}
    count = 0
    for index, (name, needs, place, postcode, (north, east), spec, published) in enumerate(
        SERVICES
    ):
        location = places.get(place)
        if location is None:
            location = places[place] = Location.objects.create(
                organisation=organisation,
                name=place,
                address_1=place,
                city="Riverside",
                postal_code=postcode,
                latitude=round(CENTRE[0] + north / 111.0, 5),
                longitude=round(CENTRE[1] + east / 66.0, 5),
            )
        # One entry has not been checked for over a year: it is flagged.
        checked = today - timedelta(days=400 if index == 5 else 20 + 7 * index)
        service = Service.objects.create(
            organisation=organisation,
            directory_organisation=own,
            name=name,
            description=f"{name}, at {place}. Free; just come along.",
            source=ServiceSource.LOCAL,
            published=published,
            keeper=keeper,
            last_checked=checked,
        )
        service.terms.set([terms[need] for need in needs])
        ServiceAtLocation.objects.create(service=service, location=location)
        _schedule(service, spec).save()
        count += 1
    count += _imported(organisation, terms, today=today)
    return {"directory services": count}


def _imported(organisation: Organisation, terms: dict[str, TaxonomyTerm], *, today: date) -> int:
    """Two entries from an invented council feed, and its last refresh with what changed."""
    council = DirectoryOrganisation.objects.create(
        organisation=organisation,
        name="Riverside Borough Council (invented)",
        description="The council's directory of local services.",
        website="https://directory.riverside.invalid",
    )
    feed = DirectoryFeed.objects.create(
        organisation=organisation,
        name="Riverside council directory",
        url="https://directory.riverside.invalid/api/services",
        active=False,  # an invented address: switched on, it would only fail
    )
    at = timezone.make_aware(datetime.combine(today - timedelta(days=1), time(6, 0)))
    hub = Location.objects.create(
        organisation=organisation,
        name="Council customer hub",
        address_1="1 Town Hall Square",
        city="Riverside",
        postal_code="RV1 1AA",
        latitude=CENTRE[0],
        longitude=CENTRE[1],
    )
    changes = []
    for name, need, spec in (
        ("Welfare rights service", "Money and debt", "MO,TU,WE,TH,FR 09:00-17:00"),
        ("Housing options", "Housing", "MO,WE,FR 10:00-16:00"),
    ):
        service = Service.objects.create(
            organisation=organisation,
            directory_organisation=council,
            name=name,
            description=f"{name} from the council.",
            source=ServiceSource.IMPORTED,
            feed=feed,
            last_modified=at - timedelta(days=3),
        )
        service.terms.set([terms[need]])
        ServiceAtLocation.objects.create(service=service, location=hub)
        _schedule(service, spec).save()
        changes.append(
            {
                "oruk_id": str(service.oruk_id),
                "name": name,
                "change": "updated",
                "fields": ["schedules"],
            }
            if name == "Housing options"
            else {"oruk_id": str(service.oruk_id), "name": name, "change": "created"}
        )
    DirectoryRefresh.objects.create(
        organisation=organisation,
        feed=feed,
        source=feed.url,
        ran_at=at,
        created=1,
        updated=1,
        unchanged=0,
        changes=changes,
    )
    return 2
