"""Copy a demo database from SQLite into PostgreSQL, for benchmarks on PostgreSQL.

    .venv/bin/python bench/to_postgres.py SQLITE_FILE POSTGRES_URL

Both databases must be migrated to the same code first (`alongside migrate` on each): this
copies rows, not the schema. Every table of the PostgreSQL database except `django_migrations`
is emptied, then filled from the SQLite table of the same name with COPY (foreign key checks
off for the session, as `session_replication_role = replica` does), identity sequences are moved
past the largest id, and the tables are analysed. Building the 100,000-person demo with `alongside
demo` directly on PostgreSQL makes about 100 people a second on this machine under load; the
copy moves the whole file in minutes.

SQLite keeps what PostgreSQL types more strictly as text or integers (Django's own encodings):
date-times as UTC text, booleans as 0/1, UUIDs as 32 hex digits; PostgreSQL's COPY reads each of
them as they are, with the session's time zone UTC.
"""

from __future__ import annotations

import sqlite3
import sys
import time

import psycopg
from dj_database_url import parse


def main(sqlite_path: str, url: str) -> int:
    settings = parse(url)
    target = psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"] or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        autocommit=False,
    )
    source = sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True)
    began = time.perf_counter()
    with target.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("SET TimeZone = 'UTC'")
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
        )
        tables = [name for (name,) in cursor.fetchall() if name != "django_migrations"]
        in_sqlite = {
            name for (name,) in source.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        missing = [name for name in tables if name not in in_sqlite]
        if missing:
            raise SystemExit(f"not in the SQLite file (migrate both first): {missing}")
        cursor.execute(
            "TRUNCATE " + ", ".join(f'"{name}"' for name in tables) + " RESTART IDENTITY CASCADE"
        )
        total = 0
        for name in tables:
            cursor.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = 'public' AND table_name = %s ORDER BY ordinal_position",
                [name],
            )
            columns = [column for (column,) in cursor.fetchall()]
            quoted = ", ".join(f'"{column}"' for column in columns)
            rows = source.execute(f'SELECT {quoted} FROM "{name}"')  # noqa: S608 - catalogue names
            count = 0
            with cursor.copy(f'COPY "{name}" ({quoted}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            total += count
            if count > 100_000:
                print(f"{name}: {count:,} rows ({time.perf_counter() - began:.0f} s)", flush=True)
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND is_identity = 'YES'"
        )
        for table, column in cursor.fetchall():
            cursor.execute(
                f'SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE(MAX("{column}"), 0) + 1, '  # noqa: S608
                f'false) FROM "{table}"',
                [f'"{table}"', column],
            )
        target.commit()
    target.autocommit = True
    target.execute("ANALYZE")
    print(f"copied {total:,} rows in {time.perf_counter() - began:.0f} s")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    raise SystemExit(main(sys.argv[1], sys.argv[2]))
