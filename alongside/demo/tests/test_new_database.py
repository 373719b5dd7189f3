"""CONTRACTS.md: `DATABASE_URL=sqlite:///other.sqlite3 alongside demo` builds a separate demo
(and `alongside migrate` works on a new database).

Run as a script would run it: the console script in a process of its own, on a database file
that does not exist yet (it used to end in a traceback, "no such table: access_organisation").
"""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
ALONGSIDE = Path(sys.executable).parent / "alongside"


def alongside(tmp_path: Path, database: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ALONGSIDE_"))}
    env |= {
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{database}",
        "ALONGSIDE_VAR_DIR": str(tmp_path),
    }
    return subprocess.run(  # noqa: S603 - the project's own console script
        [str(ALONGSIDE), *arguments], cwd=ROOT, env=env, capture_output=True, text=True
    )


def tables(database: Path) -> set[str]:
    if not database.exists():
        return set()
    with sqlite3.connect(database) as db:
        return {name for (name,) in db.execute("select name from sqlite_master where type='table'")}


def test_a_new_database_gets_its_tables_and_the_demo_after_bad_options_wrote_nothing(
    tmp_path: Path,
) -> None:
    database = tmp_path / "other.sqlite3"

    refused = alongside(tmp_path, database, "demo", "--people", "3")
    assert refused.returncode == 2
    assert "--people must be at least" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert tables(database) == set()  # refused before the tables were made

    built = alongside(tmp_path, database, "demo", "--people", "40", "--years", "1")
    assert built.returncode == 0, built.stderr
    assert "creating its tables" in built.stderr
    assert "Logins (password for every one: alongside-demo)" in built.stdout
    with sqlite3.connect(database) as db:
        (people,) = db.execute("select count(*) from people_person").fetchone()
        (demo,) = db.execute("select count(*) from access_organisation where is_demo").fetchone()
    assert people >= 40
    assert demo >= 1


def test_a_database_behind_the_code_is_refused_with_the_command_that_brings_it_up_to_date(
    tmp_path: Path,
) -> None:
    database = tmp_path / "behind.sqlite3"
    with sqlite3.connect(database) as db:  # one migration applied, every other one still to come
        db.execute(
            "create table django_migrations (id integer primary key, app varchar(255) not null, "
            "name varchar(255) not null, applied datetime not null)"
        )
        db.execute(
            "insert into django_migrations (app, name, applied) "
            "values ('contenttypes', '0001_initial', '2026-01-01 00:00:00')"
        )
    before = tables(database)

    refused = alongside(tmp_path, database, "demo")
    assert refused.returncode == 2
    assert "migrations behind the code: run `alongside migrate` first" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert tables(database) == before  # left alone: it may hold more than a demo


def test_a_new_database_can_be_migrated_one_app_at_a_time(tmp_path: Path) -> None:
    """`alongside migrate contenttypes` first: the audit checkpoint is queued by the later migrate
    that makes the task queue's table (it used to fail, "no such table")."""
    database = tmp_path / "stepwise.sqlite3"
    done = alongside(tmp_path, database, "migrate", "contenttypes", "--verbosity", "0")
    assert done.returncode == 0, done.stderr
    assert "django_content_type" in tables(database)
    assert "django_tasks_database_dbtaskresult" not in tables(database)
