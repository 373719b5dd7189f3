"""Reads of import runs: only the organisation's own, for a membership that may import."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from alongside.access.models import Membership
from alongside.imports.models import ImportRun


def runs_for(membership: Membership) -> QuerySet[ImportRun]:
    return ImportRun.objects.filter(organisation_id=membership.organisation_id).select_related(
        "started_by"
    )


def run_for(membership: Membership, run_id: int) -> ImportRun:
    """One of the organisation's runs, or 404."""
    return get_object_or_404(runs_for(membership), pk=run_id)
