"""Merging two records of one person: find the other record, review what moves, merge; and the
data lead's list of merges (decision 0036). A merge that needs a second person is proposed, then
approved or declined on its own page (decision 0048)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alongside.access.decorators import require_rule
from alongside.access.http import AuthedHttpRequest, membership_of
from alongside.common.responses import form_status
from alongside.people.forms import MergeForm
from alongside.people.merging import (
    approve_merge,
    decline_merge,
    merge_people,
    propose_merge,
    review_merge,
    review_proposal,
    spheres_to_approve,
    undo_merge,
    undo_problem,
)
from alongside.people.models import MergeProposal, PersonMerge
from alongside.people.queries import (
    get_person_for_user,
    identity_of,
    merge_proposals_for,
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
    # Each merge into this record with its undo button, or in plain words why there is none
    # (a merge made before undo existed kept no ids: decision 0048).
    undoable = [
        (merge, undo_problem(merge, membership))
        for merge in PersonMerge.objects.filter(survivor=person, undone_at__isnull=True)
        .select_related("survivor", "merged", "merged_by")
        .order_by("-merged_at")[:20]
    ]
    return render(
        request,
        "people/merge_start.html",
        {
            "person": person,
            "form": form,
            "matches": [(match, second_identifier(match)) for match in matches],
            "undoable": undoable,
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
    if request.method == "POST" and "propose" in request.POST:
        try:
            proposal = propose_merge(person, other, by=membership)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("Proposed. The merge happens when it is approved."))
            return redirect("people:merge_proposal", proposal_id=proposal.pk)
    elif request.method == "POST":
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


def merge_proposals(request: AuthedHttpRequest) -> HttpResponse:
    """Merges waiting: for an approver, those waiting for them; for a coordinator, their own."""
    membership = membership_of(request)
    require_rule("people.see_merge_proposals", membership)
    return render(
        request,
        "people/merge_proposals.html",
        {"proposals": merge_proposals_for(membership)},
    )


def _proposal_for(request: AuthedHttpRequest, proposal_id: int) -> MergeProposal:
    membership = membership_of(request)
    proposal = get_object_or_404(
        MergeProposal.objects.filter(organisation_id=membership.organisation_id).select_related(
            "survivor", "merged", "proposed_by", "merge"
        ),
        pk=proposal_id,
    )
    require_rule("people.see_merge_proposal", membership, proposal)
    return proposal


def merge_proposal(request: AuthedHttpRequest, proposal_id: int) -> HttpResponse:
    """A proposed merge: the two records and the counts per kind (never content), who has
    approved, and the viewer's approve or decline."""
    membership = membership_of(request)
    proposal = _proposal_for(request, proposal_id)
    waiting = proposal.status == MergeProposal.Status.WAITING
    review, _proposer = review_proposal(proposal) if waiting else (None, None)
    mine = spheres_to_approve(proposal, review, membership) if review is not None else []
    return render(
        request,
        "people/merge_proposal.html",
        {
            "proposal": proposal,
            "review": review,
            "mine": mine,
            "survivor_identifier": second_identifier(proposal.survivor),
            "merged_identifier": second_identifier(proposal.merged),
        },
    )


@require_POST
def answer_merge_proposal(request: AuthedHttpRequest, proposal_id: int) -> HttpResponse:
    """Approve (the spheres the viewer reads) or decline a proposed merge."""
    membership = membership_of(request)
    proposal = _proposal_for(request, proposal_id)
    try:
        if request.POST.get("answer") == "approve":
            proposal = approve_merge(proposal, by=membership)
        else:
            proposal = decline_merge(proposal, by=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        words: dict[str, str] = {
            MergeProposal.Status.MERGED: _("Approved: the two records are now one."),
            MergeProposal.Status.DECLINED: _("Declined: nothing was merged."),
        }
        messages.success(
            request, words.get(proposal.status, _("Approved. It waits for another approval."))
        )
    return redirect("people:merge_proposal", proposal_id=proposal.pk)


@require_POST
def undo(request: AuthedHttpRequest, person_id: int, merge_id: int) -> HttpResponse:
    """Separate two records merged by mistake (decision 0048)."""
    membership = membership_of(request)
    person = get_person_for_user(membership, person_id)
    require_rule("people.merge", membership, person)
    merge = get_object_or_404(
        PersonMerge.objects.filter(survivor=person).select_related("survivor", "merged"),
        pk=merge_id,
    )
    try:
        undo_merge(merge, by=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("people:merge_start", person_id=person.pk)
    messages.success(
        request,
        _("The merge is undone: %(other)s has a record of their own again.")
        % {"other": merge.merged.display_name},
    )
    return redirect("people:person", person_id=person.pk)
