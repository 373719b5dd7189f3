"""The archive's format: its tables, their columns (type, plain words, references) and the
Frictionless Data Package that describes them (docs/archive.md, decision 0055)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import metadata
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from alongside.access.models import Organisation, Role
from alongside.archive.tables import (
    MANY_TO_MANY,
    TABLES,
    ManyToMany,
    Table,
    exported_fields,
    table_of,
    target_table,
    via_membership,
)
from alongside.imports.models import ImportedRecord
from alongside.measures.models import Instrument

if TYPE_CHECKING:
    pass

FORMAT = "alongside-archive/1"
# What datapackage.json says about the version that made it (decision 0104): the package
# version, and the last migration of each app (the database schema the columns come from).
VERSION_KEY = "alongside:version"
MIGRATIONS_KEY = "alongside:migrations"
CHUNK = 2000
READ_REASON = "the data lead's archive of the whole organisation"

# The columns of each table -----------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    # A Table Schema type: string, integer, number, boolean, date, datetime, time, object, array.
    kind: str
    words: str
    required: bool = False
    refers_to: str | None = None
    attname: str = ""
    model_field: models.Field[Any, Any] | None = None
    # A key to a membership, written as the worker (the user's `workers.id`).
    via_membership: bool = False
    # The column naming the import kind whose table this column's id is a row of.
    kind_column: str = ""


def _kind(model_field: models.Field[Any, Any]) -> str:
    if model_field.is_relation:
        return "string"
    if isinstance(model_field, models.BooleanField):
        return "boolean"
    if isinstance(model_field, models.IntegerField):
        return "integer"
    if isinstance(model_field, models.DecimalField | models.FloatField):
        return "number"
    if isinstance(model_field, models.DateTimeField):
        return "datetime"
    if isinstance(model_field, models.DateField):
        return "date"
    if isinstance(model_field, models.TimeField):
        return "time"
    if isinstance(model_field, models.JSONField):
        return "array" if model_field.default is list else "object"
    return "string"


ID = Column(
    "id", "string", "This row's id in the archive (a UUID; other tables refer to it).", True
)


def table_columns(table: Table) -> list[Column]:
    columns = [ID]
    for model_field in exported_fields(table):
        columns.append(
            Column(
                model_field.name,
                _kind(model_field),
                table.field_words(model_field),
                required=not model_field.null
                and not model_field.is_relation
                and _kind(model_field) != "string",
                refers_to=target_table(model_field),
                attname=model_field.attname,
                model_field=model_field,
                via_membership=via_membership(model_field),
                kind_column="kind"
                if table.model is ImportedRecord and model_field.name == "object_id"
                else "",
            )
        )
    if table.model is Instrument:
        columns.append(
            Column("built_in", "boolean", "True for a questionnaire built into Alongside.", True)
        )
    return columns


ORGANISATION_FIELDS = (
    "name", "slug", "allow_assessor_and_supporter", "late_record_days", "two_step_sign_in",
    "role_names", "created_at",
)  # fmt: skip


ORGANISATION_WORDS = {
    "name": "The organisation's name.",
    "slug": "The organisation's short name in addresses and on the command line.",
    "role_names": "What the organisation calls each role: role code to its own name, as JSON.",
    "created_at": "When the organisation was set up in Alongside (UTC).",
}


def _organisation_column(name: str) -> Column:
    model_field = Organisation._meta.get_field(name)
    assert isinstance(model_field, models.Field)
    label = str(model_field.verbose_name).capitalize()
    words = ORGANISATION_WORDS.get(name) or f"{label}. {model_field.help_text}".strip()
    return Column(name, _kind(model_field), words, attname=name, model_field=model_field)


ORGANISATION_COLUMNS = [_organisation_column(name) for name in ORGANISATION_FIELDS]
WORKER_COLUMNS = [
    ID,
    Column("username", "string", "The name they sign in with.", True),
    Column("first_name", "string", "Their first name."),
    Column("last_name", "string", "Their last name."),
    Column("email", "string", "Their email address."),
    Column("role", "string", "Their role, as a code: " + ", ".join(Role.values) + ".", True),
    Column("team", "string", "Their team (teams.id); or empty.", refers_to="teams"),
    Column("started_on", "date", "The day they started.", True),
    Column("left_on", "date", "The day their access was switched off; empty while it goes on."),
    Column("leaving_on", "date", "A known leaving date (their last day); or empty."),
    Column("languages", "string", "Languages they speak, in words."),
    Column("takes_new_people", "integer", "How many more people they can take.", True),
]
AUDIT_COLUMNS = [
    ID,
    Column(
        "origin", "string",
        "recorded: an event of this system's hash chain; restored: history brought in by an "
        "earlier archive, kept as it was.", True,
    ),
    Column("at", "datetime", "When it happened (UTC).", True),
    Column("worker", "string", "The worker who did it (workers.id); empty for the system.",
           refers_to="workers"),
    Column("action", "string", "What happened, as a registered action name.", True),
    Column("subject_type", "string", "The kind of record it was about (app.model).", True),
    Column("subject", "string", "The record it was about (an id in the table for that kind), "
           "when the archive holds it."),
    Column("person", "string", "The person it was about (people.id); or empty.",
           refers_to="people"),
    Column("sphere", "string", "The sphere of the record: shared, support, safeguarding, ...", True),
    Column("summary", "object", "What changed, as JSON: field names and the original system's "
           "ids, never free text."),
    Column("request_id", "string", "The web request it happened in; or empty."),
    Column("source_address", "string", "The address the request came from; or empty."),
    Column("chain_version", "integer", "The hash chain version the event was hashed under.", True),
    Column("previous_hash", "string", "The hash of the event before it in the chain.", True),
    Column("hash", "string", "The event's own hash (SHA-256, hex).", True),
]  # fmt: skip


def pair_tables(pair: ManyToMany) -> tuple[str, str]:
    """The tables a many-to-many pair's two columns refer to: the owner's, then the other's."""
    other_field = pair.owner._meta.get_field(pair.attribute)
    assert isinstance(other_field, models.ManyToManyField)
    other_table = target_table(other_field)
    owner_table = table_of(pair.owner)
    assert other_table is not None and owner_table is not None
    return owner_table, other_table


def _many_columns(pair: ManyToMany) -> list[Column]:
    owner_table, other_table = pair_tables(pair)
    through = getattr(pair.owner, pair.attribute).through
    owner_key, other_key = (through._meta.get_field(name) for name in through_fields(pair))
    return [
        Column(
            pair.owner_column, "string", f"The row in {owner_table}.", True, owner_table,
            via_membership=via_membership(owner_key),
        ),
        Column(
            pair.other_column, "string", f"The row in {other_table}.", True, other_table,
            via_membership=via_membership(other_key),
        ),
    ]  # fmt: skip


def all_columns() -> dict[str, list[Column]]:
    """Every table of the archive, in restore order, with its columns."""
    columns: dict[str, list[Column]] = {
        "organisation": ORGANISATION_COLUMNS,
        "teams": table_columns(TABLES[0]),
        "workers": WORKER_COLUMNS,
    }
    for table in TABLES[1:]:
        columns[table.name] = table_columns(table)
    for pair in MANY_TO_MANY:
        columns[pair.name] = _many_columns(pair)
    columns["audit_events"] = AUDIT_COLUMNS
    return columns


TITLES: dict[str, tuple[str, str]] = {
    "organisation": ("The organisation", "Its settings, as one row."),
    "workers": ("Workers", "Everyone with a role in the organisation: their account and role."),
    "audit_events": (
        "Audit log",
        "Every audit event of the organisation, oldest first: history an earlier restore "
        "brought in, then this system's own hash chain.",
    ),
    **{table.name: (table.title, table.description) for table in TABLES},
    **{pair.name: (pair.title, pair.description) for pair in MANY_TO_MANY},
}


def through_fields(pair: ManyToMany) -> tuple[str, str]:
    """The names of the through model's two keys: to the owner, then to the other side."""
    many = pair.owner._meta.get_field(pair.attribute)
    assert isinstance(many, models.ManyToManyField)
    return many.m2m_field_name(), many.m2m_reverse_field_name()


def datapackage(organisation: Organisation, rows: dict[str, int]) -> dict[str, Any]:
    """The Frictionless Tabular Data Package describing the archive (datapackage.json)."""
    resources = []
    for name, columns in all_columns().items():
        title, description = TITLES[name]
        schema: dict[str, Any] = {
            "fields": [_schema_field(column) for column in columns],
            "missingValues": [""],
        }
        if columns[0] is ID:
            schema["primaryKey"] = ["id"]
        foreign_keys = [
            {"fields": [column.name], "reference": {"resource": column.refers_to, "fields": ["id"]}}
            for column in columns
            if column.refers_to
        ]
        if foreign_keys:
            schema["foreignKeys"] = foreign_keys
        resources.append(
            {
                "name": name,
                "path": f"{name}.csv",
                "profile": "tabular-data-resource",
                "title": title,
                "description": description,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"delimiter": ",", "doubleQuote": True, "header": True},
                "schema": schema,
                "alongside:rows": rows.get(name, 0),
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": "alongside-organisation-archive",
        "title": f"{organisation.name}: the whole organisation's records",
        "created": timezone.now().isoformat(),
        "alongside:format": FORMAT,
        VERSION_KEY: package_version(),
        MIGRATIONS_KEY: schema_migrations(),
        "alongside:organisation": organisation.slug,
        "licenses": [],
        "resources": resources,
    }


def package_version() -> str:
    try:
        return metadata.version("alongside")
    except metadata.PackageNotFoundError:  # pragma: no cover - always installed here
        return "unknown"


@functools.cache
def schema_migrations() -> dict[str, str]:
    """Each app's last migration on disk (`app label -> migration name`): the schema this
    version's tables have. Read from the code, not the database, once per process."""
    leaves = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes()
    return dict(sorted(leaves))


@functools.cache
def known_migrations() -> frozenset[tuple[str, str]]:
    """Every migration this version has, as (app label, name)."""
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)


def _schema_field(column: Column) -> dict[str, Any]:
    out: dict[str, Any] = {"name": column.name, "type": column.kind, "description": column.words}
    constraints: dict[str, Any] = {}
    if column.required:
        constraints["required"] = True
    model_field = column.model_field
    if model_field is not None and not model_field.is_relation:
        if getattr(model_field, "choices", None):
            constraints["enum"] = [str(value) for value, _label in model_field.flatchoices]
        max_length = getattr(model_field, "max_length", None)
        if column.kind == "string" and max_length:
            constraints["maxLength"] = max_length
    if constraints:
        out["constraints"] = constraints
    return out


README = """\
{name}: the whole organisation's records, exported by Alongside.

Format {format}: a Frictionless Tabular Data Package (https://specs.frictionlessdata.io/).
datapackage.json lists every table (one CSV file each), every column with its type and plain
words, and which columns refer to which table's "id". It also says which version of Alongside
made it: alongside:version, and alongside:migrations (each part's last database migration). A
later version restores this archive: columns and tables added since take their defaults.

- CSV: UTF-8, comma-separated, a header row, fields quoted where needed.
- Ids are UUIDs made for this archive; they are the same in every archive of this
  organisation, and never the database's own numbers.
- Dates are YYYY-MM-DD; times are UTC, written 2026-12-05T09:30:00Z; JSON columns hold JSON.
- A text cell starting with = + - @, a tab or a carriage return (or with ') is written with
  one more ' in front, so a spreadsheet shows it as text. Take one leading ' off any text
  cell that has one to get the words back.
- audit_events.csv holds the audit log, oldest first. Summaries name the original system's
  record numbers.

This archive holds support, safeguarding and personal records of the people the
organisation supports. Keep it as safely as the system itself, and delete it when it has
served its purpose. `alongside archive restore FILE --organisation SLUG` reads it back into an
empty organisation.
"""
