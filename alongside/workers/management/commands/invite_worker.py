"""`alongside invite_worker`: invite someone from the command line — the first data lead of a new
organisation (the admin no longer edits memberships or users, decision 0020)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from alongside.access.models import Organisation, Role, Team
from alongside.workers.services import INVITATION_DAYS, invite_worker


class Command(BaseCommand):
    help = "Invite a worker by email to an organisation (audited, as by the system)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation", required=True, help="the organisation's slug")
        parser.add_argument("--email", required=True)
        parser.add_argument("--first-name", required=True)
        parser.add_argument("--last-name", default="")
        parser.add_argument("--role", default=Role.DATA_LEAD, choices=Role.values)
        parser.add_argument("--team", default="", help="the team's name (optional)")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(slug=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"No organisation with the slug {options['organisation']!r}.")
        team = None
        if options["team"]:
            team = Team.objects.filter(organisation=organisation, name=options["team"]).first()
            if team is None:
                raise CommandError(f"No team called {options['team']!r} in {organisation.name}.")
        try:
            invite_worker(
                organisation,
                by=None,
                email=options["email"],
                first_name=options["first_name"],
                last_name=options["last_name"],
                role=options["role"],
                team=team,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            f"Invitation sent to {options['email']}: the link works for {INVITATION_DAYS} days."
        )
