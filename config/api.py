"""The REST API, version 1 (django-ninja), mounted at /api/v1/ by `config/urls.py`.

Session authentication (`django_auth`, which checks the CSRF token on writes). Every endpoint
reads through the apps' visibility queries and writes through their services, so the API sees
exactly what the pages see: what the caller may not see is a 404, never a 403.

The schema is at /api/v1/openapi.json and the docs page at /api/v1/docs (both need a login).

To add a router: write `alongside/<app>/api.py` with `router = Router(tags=["<app>"])` and
typed `Schema`s, then add one `api.add_router("", <app>_router)` line below; paths in the router
start from the API root (`/people/...`). Test it in `alongside/<app>/tests/test_api.py`;
`alongside/people/tests/test_api_schema.py` fuzzes every GET operation it finds.
"""

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse, RawPostDataException
from django.http.multipartparser import MultiPartParserError
from django.urls import URLPattern
from ninja import NinjaAPI
from ninja.operation import Operation
from ninja.security import django_auth

from alongside.people.api import router as people_router
from alongside.referrals.api import router as referrals_router
from alongside.relationships.api import router as relationships_router


class AlongsideAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        """Short operation ids (`list_people`), not ninja's module paths; names are unique."""
        return operation.view_func.__name__


api = AlongsideAPI(
    title="Alongside API",
    version="1",
    description="Session-authenticated API for people, contacts and continuity.",
    urls_namespace="api",
    auth=django_auth,
)
api.add_router("", people_router)
api.add_router("", relationships_router)
api.add_router("", referrals_router)


@api.exception_handler(ValidationError)
def service_errors(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """A service refused the input: 422 in the same shape as ninja's own validation errors."""
    return api.create_response(request, {"detail": field_errors(error)}, status=422)


def field_errors(error: ValidationError) -> list[dict[str, Any]]:
    if not hasattr(error, "error_dict"):
        return [{"loc": ["body"], "msg": message} for message in error.messages]
    return [
        {
            "loc": ["body"] if field == NON_FIELD_ERRORS else ["body", "payload", field],
            "msg": message,
        }
        for field, messages in error.message_dict.items()
        for message in messages
    ]


@api.exception_handler(RawPostDataException)
@api.exception_handler(MultiPartParserError)
def unreadable_body(request: HttpRequest, error: Exception) -> HttpResponse:
    """A body that is not JSON (multipart, for example, read already by the CSRF check): 400."""
    return api.create_response(request, {"detail": "Send the body as JSON."}, status=400)


# Pages for people in a browser (schema, docs, root) keep the sign-in redirect.
PAGES = {"api-root", "openapi-json", "openapi-view"}

app_name = "api"
urlpatterns = api.urls[0]
for pattern in urlpatterns:
    if isinstance(pattern, URLPattern) and pattern.name not in PAGES:
        # Operations answer 401 themselves; LoginRequiredMiddleware would redirect to sign in.
        login_not_required(pattern.callback)
