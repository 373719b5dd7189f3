"""Consent to share: a question page, a plain-words check, then confirm. And taking it back."""

from datetime import datetime, time

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alongside.access.decorators import require_rule
from alongside.access.http import AuthedHttpRequest, membership_of
from alongside.common.forms import add_service_errors
from alongside.common.once import submit_once
from alongside.common.pickers import offer_pickers
from alongside.common.responses import form_status
from alongside.people import consent as consent_service
from alongside.people.forms import ConsentForm
from alongside.people.models import ConsentToShare
from alongside.people.queries import get_person_for_user
from alongside.support.queries import support_notes_visible_to


@submit_once
def grant(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    membership = membership_of(request)
    person = get_person_for_user(membership, person_id)
    require_rule("people.record_consent", membership, person)
    notes = list(
        support_notes_visible_to(membership).filter(person=person).order_by("-created_at")[:50]
    )
    form = ConsentForm(
        request.POST if request.method == "POST" else None, membership=membership, notes=notes
    )
    offer_pickers(form, membership, request)
    summary = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {
            "scope": data["scope"],
            "note_id": data["note"],
            "grantee_role": data["grantee_role"],
            "grantee_user": data["grantee_user"],
            "purpose": data["purpose"],
            "expires_on": timezone.make_aware(datetime.combine(data["expires_on"], time.max)),
        }
        try:
            if request.POST.get("confirm") == "yes":
                consent_service.grant_consent(person, by=membership, **fields)
                messages.success(request, _("Consent recorded. It can be taken back at any time."))
                return redirect("people:person", person_id=person.pk)
            draft = consent_service.build_consent(person, by=membership, **fields)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            name = consent_service.grantee_name(
                role=draft.grantee_role,
                user=draft.grantee_user,
                organisation=person.organisation,
            )
            summary = consent_service.describe(draft, person=person, grantee_name=name)
    return render(
        request,
        "people/consent_form.html",
        {"person": person, "form": form, "summary": summary},
        status=form_status(request, form),
    )


@require_POST
def revoke(request: AuthedHttpRequest, person_id: int, consent_id: int) -> HttpResponse:
    membership = membership_of(request)
    person = get_person_for_user(membership, person_id)
    require_rule("people.record_consent", membership, person)
    consent = get_object_or_404(ConsentToShare.objects.filter(person=person), pk=consent_id)
    try:
        consent_service.revoke_consent(consent, by=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Consent taken back. It has stopped."))
    return redirect("people:person", person_id=person.pk)
