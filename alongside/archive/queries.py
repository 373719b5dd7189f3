"""The data lead's archives: the list, and one of them (their own organisation's only)."""

from django.db.models import QuerySet

from alongside.access.models import Membership
from alongside.archive.models import ArchiveExport


def archives_of(membership: Membership) -> QuerySet[ArchiveExport]:
    return ArchiveExport.objects.filter(organisation_id=membership.organisation_id).select_related(
        "requested_by"
    )


def archive_for(membership: Membership, export_id: int) -> ArchiveExport | None:
    return archives_of(membership).filter(pk=export_id).first()
