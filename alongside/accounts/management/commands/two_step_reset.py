"""`alongside two_step_reset USERNAME --confirmed-by DATA_LEAD`: remove the authenticator app and
recovery codes of someone who lost both, after their organisation's data lead has confirmed who
they are (docs/access-and-audit.md, "A lost authenticator app"). Exit 2 on a refusal."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Remove the two-step sign-in (app and recovery codes) of USERNAME, who lost them, once "
        "a data lead of their organisation has confirmed who they are. Audited; ends their "
        "sessions; they set up a new app at their next sign-in."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--confirmed-by",
            required=True,
            metavar="DATA_LEAD",
            help="the username of the data lead who confirmed who they are",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from alongside.accounts.services import TwoStepResetRefused, reset_two_step

        users = get_user_model().objects
        try:
            user = users.get(username__iexact=options["username"])
            lead = users.get(username__iexact=options["confirmed_by"])
        except users.model.DoesNotExist:
            raise CommandError("no such user", returncode=2) from None
        try:
            removed = reset_two_step(user, confirmed_by=lead)
        except TwoStepResetRefused as refused:
            raise CommandError(f"refused: {refused}", returncode=2) from None
        self.stdout.write(
            f"Removed {removed} authenticators of {user.get_username()}; they set up a new app "
            "at their next sign-in."
        )
