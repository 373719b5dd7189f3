"""`alongside mfa_keys new` prints a new key for the two-step secrets; `alongside mfa_keys rotate`
re-encrypts every stored secret with the first key in ALONGSIDE_MFA_KEY (decision 0029; the
steps are in docs/security/crypto.md). Exit 2 when the keys are missing or wrong."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction


class Command(BaseCommand):
    help = (
        "Keys for the two-step sign-in secrets. `new` prints a new Fernet key; `rotate` "
        "re-encrypts every TOTP secret and recovery-code seed with the first key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sub.add_parser("new", help="Print a new key (put it first in ALONGSIDE_MFA_KEY).")
        sub.add_parser(
            "rotate",
            help="Re-encrypt every stored secret with the first key in ALONGSIDE_MFA_KEY; "
            "afterwards the other keys may be removed.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from allauth.mfa.models import Authenticator

        from alongside.accounts.keys import MFAKeyError, new_key, reencrypt_all

        if options["action"] == "new":
            self.stdout.write(new_key())
            return
        try:
            with transaction.atomic():
                changed = reencrypt_all(Authenticator)
        except MFAKeyError as error:
            raise CommandError(str(error), returncode=2) from None
        self.stdout.write(
            f"Re-encrypted the secrets of {changed} authenticators with the first key."
        )
