"""Merging two records of one person: find the other record, review what moves, merge; and the
data lead's list of merges (decision 0036)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from alongside.access.decorators import require_rule
from alongside.access.http import AuthedHttpRequest, membership_of
from alongside.common.responses import form_status
from alongside.people.forms import MergeForm
from alongside.people.merging import merge_people, review_merge
from alongside.people.queries import (
    get_person_for_user,
    identity_of,
    merges_in,
    possible_matches,
    second_identifier,
)


def merge_start(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    """Records that may be this person, to review merging; or a record number typed."""
    membership = membership_of(request)
    person = get_person_for_user(membership, person_id)
    require_rule("people.merge", membership, person)
    form = MergeForm(request.GET if "other" in request.GET else None)
    if form.is_valid():
        other = form.cleaned_data["other"]
        return redirect("people:merge_review", person_id=person.pk, other_id=other)
    matches = possible_matches(membership, identity_of(person), exclude_id=person.pk)
    return render(
        request,
        "people/merge_start.html",
        {
            "person": person,
            "form": form,
            "matches": [(match, second_identifier(match)) for match in matches],
        },
        status=form_status(request, form) if "other" in request.GET else 200,
    )


def merge_review(request: AuthedHttpRequest, person_id: int, other_id: int) -> HttpResponse:
    """What merging `other` into this person moves, and the merge itself (POST)."""
    membership = membership_of(request)
    person = get_person_for_user(membership, person_id)
    require_rule("people.merge", membership, person)
    other = get_person_for_user(membership, other_id)
    require_rule("people.merge", membership, other)
    errors: list[str] = []
    if request.method == "POST":
        try:
            merge_people(person, other, by=membership)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(
                request,
                _("%(other)s's record is now part of this one.") % {"other": other.display_name},
            )
            return redirect("people:person", person_id=person.pk)
    review = review_merge(person, other, by=membership)
    return render(
        request,
        "people/merge_review.html",
        {
            "person": person,
            "other": other,
            "review": review,
            "errors": errors,
            "person_identifier": second_identifier(person),
            "other_identifier": second_identifier(other),
        },
        status=400 if errors else 200,
    )


def merges(request: AuthedHttpRequest) -> HttpResponse:
    """Every merge in the organisation, newest first: for the data lead to review."""
    membership = membership_of(request)
    require_rule("people.review_merges", membership)
    return render(request, "people/merges.html", {"merges": merges_in(membership)})
