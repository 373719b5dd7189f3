"""`alongside dbroles`: the PostgreSQL grants that let the app only add and read audit events.

Prints the SQL (default), runs it (`--apply`, connected as the owner), or checks the role the app
connects as (`--check`: exit 0 when it may only INSERT and SELECT audit events, 1 naming what else
it may do). Exit 2 on a bad role name or when the database is not PostgreSQL.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "PostgreSQL roles for Alongside: print (or --apply) the grants that let the app's role use "
        "every table but only INSERT and SELECT on the audit log; --check the role in use."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--app", metavar="ROLE", help="the role the app connects as")
        parser.add_argument(
            "--owner",
            metavar="ROLE",
            help="the role that owns the tables and runs migrations (default: the one connected)",
        )
        parser.add_argument("--schema", default="public", help="the schema (default: public)")
        parser.add_argument(
            "--apply", action="store_true", help="run the statements (connected as the owner)"
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="check the connected role may only INSERT and SELECT audit events",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from django.db import connection, transaction

        from alongside.audit.dbroles import grants_sql, problems

        if options["check"]:
            self._postgresql_only(connection.vendor, "--check")
            found = problems(connection)
            if found:
                self.stderr.write(
                    "The app's role can change the audit log: " + "; ".join(found) + "."
                )
                raise SystemExit(1)
            self.stdout.write("The connected role may only add and read audit events.")
            return
        if not options["app"]:
            raise CommandError("--app: name the role the app connects as", returncode=2)
        try:
            statements = grants_sql(
                options["app"], owner=options["owner"], schema=options["schema"]
            )
        except ValueError as error:
            raise CommandError(str(error), returncode=2) from None
        if not options["apply"]:
            self.stdout.write(";\n".join(statements) + ";")
            return
        self._postgresql_only(connection.vendor, "--apply")
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        self.stdout.write(
            f"Granted {options['app']} what the app needs; audit events: INSERT and SELECT only."
        )

    @staticmethod
    def _postgresql_only(vendor: str, option: str) -> None:
        if vendor != "postgresql":
            raise CommandError(
                f"{option}: the database is {vendor}, not PostgreSQL: roles are PostgreSQL's "
                "(on SQLite the chain and the checkpoints guard the log)",
                returncode=2,
            )
