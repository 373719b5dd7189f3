"""The inbox page (a coordinator's or lead's; a worker's own "to do") and telling a named worker."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alongside.access.decorators import require_rule, rule_required
from alongside.access.http import AuthedHttpRequest, membership_of
from alongside.inbox.queries import inbox_for
from alongside.inbox.services import tell_named_worker
from alongside.people.queries import get_person_for_user

# Each section draws this many items, and links to the rest (`?all=<kind>`): a coordinator's
# inbox on the 100,000-person demo was 146 KB with up to 50 items in each section (issue 17).
SHOWN = 10


@rule_required("inbox.see")
def inbox(request: AuthedHttpRequest) -> HttpResponse:
    membership = membership_of(request)
    found = inbox_for(membership)
    every = request.GET.get("all", "")
    for section in found.sections:
        section.shown = None if section.kind == every else SHOWN
    return render(request, "inbox/inbox.html", {"inbox": found})


@require_POST
def tell(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    membership = membership_of(request)
    person = get_person_for_user(membership, person_id)
    require_rule("inbox.tell_named_worker", membership, person)
    try:
        spell = tell_named_worker(person, by=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        name = spell.worker.get_full_name() or spell.worker.username
        messages.success(request, _("%(name)s has been told.") % {"name": name})
    return redirect("inbox:inbox")
