"""Equality monitoring (decision 0037): the person's answers, with their confirmed worker; the
data lead's totals."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from alongside.access.decorators import require_rule
from alongside.access.http import AuthedHttpRequest, membership_of
from alongside.common.responses import form_status
from alongside.people import services
from alongside.people.forms import EqualityForm
from alongside.people.queries import equality_of, equality_totals, get_person_for_user


def equality(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    """Ask the equality questions with the person; each optional, each with "Prefer not to say"."""
    membership = membership_of(request)
    person = get_person_for_user(membership, person_id)
    require_rule("people.record_equality", membership, person)
    form = EqualityForm(
        request.POST if request.method == "POST" else None, instance=equality_of(person)
    )
    if request.method == "POST" and form.is_valid():
        services.record_equality(
            person,
            by=membership,
            **{name: form.cleaned_data[name] for name in services.EQUALITY_FIELDS},
        )
        messages.success(request, _("Their answers are saved. Thank you."))
        return redirect("people:person", person_id=person.pk)
    return render(
        request,
        "people/equality_form.html",
        {"person": person, "form": form},
        status=form_status(request, form),
    )


def totals(request: AuthedHttpRequest) -> HttpResponse:
    """How many people gave each answer, never fewer than 5 shown: for the data lead."""
    membership = membership_of(request)
    require_rule("people.equality_totals", membership)
    return render(request, "people/equality_totals.html", {"totals": equality_totals(membership)})
