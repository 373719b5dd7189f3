"""`/health/`: for a load balancer or a monitor. No sign-in, no personal data, two small queries."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from alongside.ops.health import run_checks


@login_not_required
@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """200 `{"ok": true, "checks": {...}}` when the database answers and the task queue is being
    worked; 503 with the same shape, naming the check that failed, when not."""
    checks = run_checks()
    ok = all(check.ok for check in checks)
    return JsonResponse(
        {"ok": ok, "checks": {check.name: check.as_json() for check in checks}},
        status=200 if ok else 503,
    )
