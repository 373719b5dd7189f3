"""Writes from the inbox: telling a named worker that someone may need them."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alongside.access.models import Membership
from alongside.access.services import notify
from alongside.audit import actions
from alongside.audit.services import record
from alongside.people.models import Person
from alongside.relationships.models import NamedWorkerSpell

# No names and no words from any sphere: a notification is shown in lists and may be emailed.
TOLD_TEXT = gettext_lazy(
    "A coordinator asked you to get in touch with someone you are named worker for."
)


def tell_named_worker(person: Person, *, by: Membership) -> NamedWorkerSpell:
    """Tell the person's named worker, in the app, that the coordinator would like them to get in
    touch (an overdue follow-up, or they stopped coming). Side effects: one notification to the
    named worker; one `inbox.named_worker_told` audit event."""
    with transaction.atomic():
        spell = (
            NamedWorkerSpell.objects.filter(person=person, ended_on__isnull=True)
            .select_related("worker")
            .first()
        )
        if spell is None:
            raise ValidationError(_("They have no named worker to tell."))
        if spell.worker_id == by.user_id:
            raise ValidationError(_("You are their named worker."))
        notify(
            [spell.worker],
            organisation_id=person.organisation_id,
            text=TOLD_TEXT,
            url=reverse("people:person", args=[person.pk]),
        )
        record(
            person,
            action=actions.INBOX_NAMED_WORKER_TOLD,
            by=by,
            summary={"worker": spell.worker_id},
        )
    return spell
