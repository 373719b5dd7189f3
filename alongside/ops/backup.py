"""`alongside backup` and `alongside restore`: the whole database in one encrypted file (decision 0022).

A backup is a tar stream, encrypted by `crypto.py`, holding `manifest.json` (format, engine, when,
the row count of every table and the latest migration of every app) and the database itself:
`database.pgdump` (pg_dump's custom format, taken in the same snapshot as the counts) or
`database.sqlite3` (SQLite's online-backup API: a consistent copy while the server runs).
Restore goes to an empty database (or, with `replace`, over the existing one) in one step that
either completes or changes nothing, then checks every table's count against the manifest and
walks the audit chain. Plain (unencrypted) copies exist only in a private temporary folder
(mode 0700) for as long as the command runs.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from alongside.audit.verify import verify_chain
from alongside.common.pgcluster import postgres_binary
from alongside.ops.crypto import BackupCryptoError, DecryptingReader, EncryptingWriter

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
MIN_PASSPHRASE = 12
PASSPHRASE_FILE_VARIABLE = "ALONGSIDE_BACKUP_PASSPHRASE_FILE"  # noqa: S105 - a name
PASSPHRASE_VARIABLE = "ALONGSIDE_BACKUP_PASSPHRASE"  # noqa: S105 - a name


class BackupError(Exception):
    """Bad input, said in words naming the file or setting: the command exits 2, nothing written."""


@dataclass(frozen=True, slots=True)
class Manifest:
    engine: str
    created: str
    tables: dict[str, int]
    migrations: dict[str, str]

    def as_json(self) -> bytes:
        return json.dumps(
            {"format": FORMAT, "engine": self.engine, "created": self.created,
             "tables": self.tables, "migrations": self.migrations},
            indent=1, sort_keys=True,
        ).encode()  # fmt: skip

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        try:
            data = json.loads(raw)
            if data["format"] != FORMAT:
                raise BackupError(f"backup format {data['format']} is not known to this version")
            return cls(data["engine"], data["created"], dict(data["tables"]), data["migrations"])
        except (ValueError, KeyError, TypeError) as error:
            raise BackupError(f"the backup's {MANIFEST} is not readable ({error})") from None


@dataclass(frozen=True, slots=True)
class RestoreReport:
    manifest: Manifest
    tables: dict[str, int]
    audit_events: int
    audit_problem: str | None


# --- the passphrase -------------------------------------------------------------------------


def read_passphrase(passphrase_file: str | None, *, for_backup: bool) -> bytes:
    """From --passphrase-file, else the file named by ALONGSIDE_BACKUP_PASSPHRASE_FILE, else
    ALONGSIDE_BACKUP_PASSPHRASE. One trailing newline is not part of it."""
    path = passphrase_file or os.environ.get(PASSPHRASE_FILE_VARIABLE)
    if path:
        try:
            value = Path(path).read_bytes().removesuffix(b"\n").removesuffix(b"\r")
        except OSError as error:
            raise BackupError(
                f"{path}: the passphrase file cannot be read ({error.strerror})"
            ) from None
        source = path
    elif os.environ.get(PASSPHRASE_VARIABLE):
        value, source = os.environ[PASSPHRASE_VARIABLE].encode(), PASSPHRASE_VARIABLE
    else:
        raise BackupError(
            f"no backup passphrase: pass --passphrase-file FILE, or set {PASSPHRASE_FILE_VARIABLE} "
            f"(or {PASSPHRASE_VARIABLE})"
        )
    if for_backup and len(value) < MIN_PASSPHRASE:
        raise BackupError(f"{source}: the passphrase must be at least {MIN_PASSPHRASE} characters")
    return value


# --- what is in the database ----------------------------------------------------------------


def engine(db: BaseDatabaseWrapper = connection) -> str:
    if db.vendor not in DATABASE_MEMBER:
        raise BackupError(f"backups of a {db.vendor} database are not supported")
    return db.vendor


def table_counts(db: BaseDatabaseWrapper = connection) -> dict[str, int]:
    counts = {}
    with db.cursor() as cursor:
        for table in sorted(db.introspection.table_names(cursor)):
            if table.startswith("sqlite_"):
                continue  # SQLite's own (statistics from ANALYZE), not data
            cursor.execute(f"SELECT COUNT(*) FROM {db.ops.quote_name(table)}")  # noqa: S608 - names from the catalogue
            counts[table] = int(cursor.fetchone()[0])
    return counts


def latest_migrations(db: BaseDatabaseWrapper = connection) -> dict[str, str]:
    with db.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
        return {app: name for app, name in cursor.fetchall()}


@contextmanager
def private_folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="alongside-backup-") as folder:  # mode 0700
        yield Path(folder)


# --- PostgreSQL -----------------------------------------------------------------------------


def _libpq(settings: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """A conninfo string for pg_dump/pg_restore, and the environment holding the password."""
    parts = {
        "dbname": settings.get("NAME"), "user": settings.get("USER"),
        "host": settings.get("HOST"), "port": settings.get("PORT"),
        "sslmode": settings.get("OPTIONS", {}).get("sslmode"),
    }  # fmt: skip
    conninfo = " ".join(
        f"{key}='{str(value).replace(chr(92), chr(92) * 2).replace(chr(39), chr(92) + chr(39))}'"
        for key, value in parts.items()
        if value
    )
    env = dict(os.environ)
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    return conninfo, env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603 - fixed program, our arguments
    if result.returncode != 0:
        raise RuntimeError(f"{what} failed (exit {result.returncode}): {result.stderr.strip()}")


def _dump_postgresql(target: Path) -> dict[str, int]:
    """pg_dump in the snapshot the counts were taken in, so the two agree to the row."""
    conninfo, env = _libpq(connection.settings_dict)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        counts = table_counts()
        _run(
            [postgres_binary("pg_dump"), "--format=custom", f"--snapshot={snapshot}",
             f"--file={target}", f"--dbname={conninfo}"],
            env, "pg_dump",
        )  # fmt: skip
    return counts


def _restore_postgresql(dump: Path, *, replace: bool) -> None:
    conninfo, env = _libpq(connection.settings_dict)
    connection.close()  # hold nothing while pg_restore replaces the tables
    clean = ["--clean", "--if-exists"] if replace else []
    _run(
        [postgres_binary("pg_restore"), "--single-transaction", "--exit-on-error", *clean,
         f"--dbname={conninfo}", str(dump)],
        env, "pg_restore",
    )  # fmt: skip


# --- SQLite ---------------------------------------------------------------------------------


def _dump_sqlite(target: Path) -> dict[str, int]:
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)  # a consistent copy, even while others write
        copy.execute("PRAGMA journal_mode=DELETE")  # one standalone file
    finally:
        copy.close()
    return _sqlite_counts(target)


def _sqlite_counts(path: Path) -> dict[str, int]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {
            name: int(db.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0])  # noqa: S608
            for name in names
        }
    finally:
        db.close()


def _restore_sqlite(copy: Path) -> None:
    source = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    try:
        if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError("the database in the backup fails SQLite's integrity check")
        connection.ensure_connection()
        source.backup(connection.connection)  # one step: the old content or the new, never half
    finally:
        source.close()


# --- backup and restore ---------------------------------------------------------------------


def default_output(var_dir: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return var_dir / "backups" / f"alongside-{engine()}-{stamp}.backup"


def create_backup(output: Path, passphrase: bytes) -> Manifest:
    """Write the encrypted backup to `output` (mode 0600), whole or not at all."""
    kind = engine()
    if output.exists():
        raise BackupError(f"{output}: the file exists already; name a new file")
    output.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with private_folder() as folder:
        database = folder / DATABASE_MEMBER[kind]
        counts = _dump_sqlite(database) if kind == "sqlite" else _dump_postgresql(database)
        manifest = Manifest(
            kind, datetime.now(UTC).isoformat(timespec="seconds"), counts, latest_migrations()
        )
        (folder / MANIFEST).write_bytes(manifest.as_json())
        handle, partial = tempfile.mkstemp(
            dir=output.parent, prefix=f".{output.name}.", suffix=".partial"
        )
        try:
            with os.fdopen(handle, "wb") as out:
                writer = EncryptingWriter(out, passphrase)
                with tarfile.open(fileobj=writer, mode="w|") as tar:  # type: ignore[call-overload]
                    tar.add(folder / MANIFEST, arcname=MANIFEST)
                    tar.add(database, arcname=database.name)
                writer.close()
                out.flush()
                os.fsync(out.fileno())
            os.replace(partial, output)  # mkstemp made it 0600
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
    return manifest


def _unpack(source: Path, passphrase: bytes, folder: Path) -> tuple[Manifest, Path]:
    try:
        with source.open("rb") as raw:
            reader = DecryptingReader(raw, passphrase)
            with tarfile.open(fileobj=reader, mode="r|") as tar:  # type: ignore[call-overload]
                names = []
                for member in tar:
                    if not member.isfile() or member.name not in {
                        MANIFEST,
                        *DATABASE_MEMBER.values(),
                    }:
                        raise BackupError(
                            f"{source}: unexpected entry {member.name!r} in the backup"
                        )
                    tar.extract(member, folder, filter="data")
                    names.append(member.name)
    except OSError as error:
        raise BackupError(f"{source}: cannot be read ({error.strerror or error})") from None
    except BackupCryptoError as error:
        raise BackupError(f"{source}: {error}") from None
    except tarfile.TarError as error:
        raise BackupError(f"{source}: the backup's contents are damaged ({error})") from None
    if MANIFEST not in names:
        raise BackupError(f"{source}: the backup has no {MANIFEST}")
    manifest = Manifest.from_json((folder / MANIFEST).read_bytes())
    database = folder / DATABASE_MEMBER.get(manifest.engine, "?")
    if manifest.engine not in DATABASE_MEMBER or not database.exists():
        raise BackupError(f"{source}: the backup holds no {manifest.engine} database")
    return manifest, database


def restore_backup(source: Path, passphrase: bytes, *, replace: bool = False) -> RestoreReport:
    """Restore into the configured database: decrypt and check everything first, then one step."""
    kind = engine()
    with private_folder() as folder:
        manifest, database = _unpack(source, passphrase, folder)
        if manifest.engine != kind:
            raise BackupError(
                f"{source}: this is a backup of a {manifest.engine} database, but DATABASE_URL "
                f"names a {kind} one; restore it into a {manifest.engine} database"
            )
        existing = connection.introspection.table_names()
        if existing and not replace:
            raise BackupError(
                f"the configured database is not empty ({len(existing)} tables): restore into a "
                "new, empty database, or pass --replace to replace everything in it"
            )
        if kind == "sqlite":
            _restore_sqlite(database)
        else:
            _restore_postgresql(database, replace=replace)
    counts = table_counts()
    chain = verify_chain()
    return RestoreReport(manifest, counts, chain.events, chain.first_problem)
