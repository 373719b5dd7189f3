"""The public Open Referral UK API at `/oruk/` (ORUK OpenAPI 3.0, `docs/extras/openapi30.json`):
the services organisations here publish, so councils' directories can list them.

No sign-in, read-only, GET only. It serves only local services an organisation marked
"publish" (`queries.published_services`) and only the fields the directory models: never a
person, never a worker (not who keeps an entry), never anything kept as it came from an import.
Lists are paged as ORUK pages them (`page` from 1, `per_page` up to `MAX_PER_PAGE`) and take
ORUK's `search` and `taxonomy_term_id` filters.
"""

from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_not_required
from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from alongside.common.ids import parse_number
from alongside.directory import oruk, queries
from alongside.directory.models import Service, ServiceAtLocation, Taxonomy

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
PROFILE = "https://github.com/openreferral/uk-profile"


def _json(data: dict[str, Any], status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"  # public data, read by other directories
    return response


def _problem(message: str, status: int = 400) -> JsonResponse:
    return _json({"error": message}, status=status)


def _paging(request: HttpRequest) -> tuple[int, int] | JsonResponse:
    page = parse_number(request.GET.get("page", "1"), maximum=1_000_000)
    per_page = parse_number(request.GET.get("per_page", str(DEFAULT_PER_PAGE)), maximum=10_000)
    if not page:
        return _problem("page: a whole number from 1")
    if not per_page:
        return _problem(f"per_page: a whole number from 1 to {MAX_PER_PAGE}")
    return page, min(per_page, MAX_PER_PAGE)


def _paged(request: HttpRequest, rows: QuerySet[Any], item: Any) -> JsonResponse:
    paging = _paging(request)
    if isinstance(paging, JsonResponse):
        return paging
    number, size = paging
    total = rows.count()
    start = (number - 1) * size
    shown = list(rows[start : start + size]) if start < total else []
    return _json(oruk.page([item(row) for row in shown], total=total, number=number, size=size))


def _services(request: HttpRequest) -> QuerySet[Service]:
    rows = queries.published_services()
    # At most ten words of the first 200 characters; a NUL is no word (PostgreSQL refuses it).
    words = request.GET.get("search", "")[:200].replace("\x00", " ").split()[:10]
    for word in words:
        rows = rows.filter(name__icontains=word) | rows.filter(description__icontains=word)
    term = request.GET.get("taxonomy_term_id", "")
    if term:
        try:
            rows = rows.filter(terms__oruk_id=UUID(term))
        except ValueError:
            rows = rows.none()
    return queries.with_details(rows.distinct()).order_by("name", "id")


@login_not_required
@require_GET
def index(request: HttpRequest) -> JsonResponse:
    return _json(
        {
            "version": "3.0",
            "profile": PROFILE,
            "openapi_url": "https://raw.githubusercontent.com/openreferral/uk-profile/main/"
            "docs/extras/openapi30.json",
        }
    )


@login_not_required
@require_GET
def services(request: HttpRequest) -> JsonResponse:
    return _paged(request, _services(request), lambda row: queries.service_item(row, public=True))


@login_not_required
@require_GET
def service(request: HttpRequest, oruk_id: UUID) -> JsonResponse:
    found = queries.with_details(queries.published_services().filter(oruk_id=oruk_id)).first()
    if found is None:
        return _problem("no published service has this id", status=404)
    return _json(queries.service_item(found, public=True))


@login_not_required
@require_GET
def service_at_locations(request: HttpRequest) -> JsonResponse:
    rows = (
        ServiceAtLocation.objects.filter(service__in=queries.published_services())
        .select_related("service", "location")
        .order_by("service__name", "id")
    )

    def item(row: ServiceAtLocation) -> dict[str, Any]:
        return {
            "id": str(row.oruk_id),
            "service_id": str(row.service.oruk_id),
            "location_id": str(row.location.oruk_id),
            "location": queries.location_item(row.location, public=True),
        }

    return _paged(request, rows, item)


@login_not_required
@require_GET
def taxonomies(request: HttpRequest) -> JsonResponse:
    rows = (
        Taxonomy.objects.filter(terms__services__in=queries.published_services())
        .distinct()
        .order_by("name", "id")
    )
    return _paged(request, rows, queries.taxonomy_item)
