"""Background work for the rota, run by Django's task framework (database backend)."""

from __future__ import annotations

from django.tasks import task
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from alongside.access.services import notify
from alongside.common.request_context import own_request_id
from alongside.rota.models import Signup, SignupStatus


@task
def remind_of_shift(signup_id: int) -> str:
    """Remind a member of a shift they are still on, in the app (and its list of messages)."""
    with own_request_id("task:"):
        signup = (
            Signup.objects.filter(pk=signup_id)
            .select_related("shift", "role", "membership__user")
            .first()
        )
        if signup is None or signup.status != SignupStatus.CONFIRMED:
            return "not on the shift any more"
        if signup.shift.cancelled_at is not None or signup.starts_at <= timezone.now():
            return "shift cancelled or started"
        start = timezone.localtime(signup.starts_at)
        notify(
            [signup.membership.user],
            organisation_id=signup.organisation_id,
            text=_("Reminder: you are on %(shift)s (%(role)s) on %(when)s.")
            % {
                "shift": signup.shift.name,
                "role": signup.role.name,
                "when": f"{start:%a %-d %b} at {start:%H:%M}",
            },
            url=reverse("rota:mine"),
        )
        return "reminded"
