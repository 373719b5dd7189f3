from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from alongside.access.middleware import SESSION_KEY
from alongside.access.queries import active_memberships


def organisations(request: HttpRequest) -> HttpResponse:
    return render(
        request, "access/organisations.html", {"memberships": active_memberships(request.user)}
    )


@require_POST
def switch_organisation(request: HttpRequest) -> HttpResponse:
    try:
        organisation_id = int(request.POST.get("organisation", ""))
    except ValueError:
        raise Http404 from None
    if not active_memberships(request.user).filter(organisation_id=organisation_id).exists():
        raise Http404
    request.session[SESSION_KEY] = organisation_id
    return redirect("home")
