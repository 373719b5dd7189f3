"""PostgreSQL roles: the app may only INSERT and SELECT audit events; the owner migrates.

The role that owns the tables (and runs `alongside migrate`) could disable the append-only
trigger, so the app must not run as it. `grants_sql` is what the owner runs after every migrate
to let the app's role use every table, and the audit table only to add and read events;
`problems` says what is wrong with the role a connection uses (docs/access-and-audit.md).
"""

import re
from typing import Any

from alongside.audit.models import AuditEvent

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
# The triggers of migration audit/0002 that refuse UPDATE, DELETE and TRUNCATE.
TRIGGERS = ("audit_event_no_update_or_delete", "audit_event_no_truncate")


def _role(name: str, option: str) -> str:
    if not ROLE_NAME.match(name):
        raise ValueError(
            f"{option}: {name!r} is not a role name this command accepts (lower-case letters, "
            "digits and _, starting with a letter or _, at most 63)"
        )
    return f'"{name}"'


def grants_sql(app: str, *, owner: str | None = None, schema: str = "public") -> list[str]:
    """The statements, in order, that the owner runs so that `app` uses the database as the app
    does, except that it may only INSERT and SELECT on the audit table. Raises ValueError for a
    bad role name."""
    app_role = _role(app, "--app")
    schema_name = _role(schema, "--schema")
    table = f"{schema_name}.{AuditEvent._meta.db_table}"
    for_owner = f"FOR ROLE {_role(owner, '--owner')} " if owner else ""
    return [
        f"GRANT USAGE ON SCHEMA {schema_name} TO {app_role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema_name} TO {app_role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema_name} TO {app_role}",
        f"REVOKE ALL ON TABLE {table} FROM PUBLIC",
        f"REVOKE ALL ON TABLE {table} FROM {app_role}",
        f"GRANT SELECT, INSERT ON TABLE {table} TO {app_role}",
        f"ALTER DEFAULT PRIVILEGES {for_owner}IN SCHEMA {schema_name} "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app_role}",
        f"ALTER DEFAULT PRIVILEGES {for_owner}IN SCHEMA {schema_name} "
        f"GRANT USAGE, SELECT ON SEQUENCES TO {app_role}",
    ]


def problems(connection: Any) -> list[str]:
    """What lets the role of `connection` change or remove audit events (empty when nothing)."""
    table = AuditEvent._meta.db_table
    found = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, r.rolsuper, r.rolbypassrls, "
            "pg_has_role(current_user, c.relowner, 'USAGE'), "
            "has_table_privilege(c.oid, 'UPDATE'), has_table_privilege(c.oid, 'DELETE'), "
            "has_table_privilege(c.oid, 'TRUNCATE'), has_table_privilege(c.oid, 'TRIGGER'), "
            "has_table_privilege(c.oid, 'INSERT'), has_table_privilege(c.oid, 'SELECT') "
            "FROM pg_class c, pg_roles r WHERE c.oid = %s::regclass AND r.rolname = current_user",
            [table],
        )
        row = cursor.fetchone()
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND tgenabled <> 'D'",
            [table],
        )
        enabled = {name for (name,) in cursor.fetchall()}
    user, superuser, _bypass, owns, *privileges = row
    update, delete, truncate, trigger, insert, select = privileges
    if superuser:
        found.append(f"{user} is a superuser: it can do anything, including disable the triggers")
    elif owns:
        found.append(
            f"{user} owns {table} (or is a member of its owner): it can disable the trigger"
        )
    for name, has in (
        ("UPDATE", update),
        ("DELETE", delete),
        ("TRUNCATE", truncate),
        ("TRIGGER", trigger),
    ):
        if has:
            found.append(f"{user} may {name} on {table}")
    for name, has in (("INSERT", insert), ("SELECT", select)):
        if not has:
            found.append(f"{user} may not {name} on {table}: the app cannot write its audit log")
    for name in TRIGGERS:
        if name not in enabled:
            found.append(f"the trigger {name} on {table} is missing or disabled")
    return found
