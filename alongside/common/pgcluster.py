"""A throwaway PostgreSQL cluster for the test suite: a temp dir, a unix socket, no TCP.

As root, initdb and postgres refuse to run, so the cluster is owned by the `postgres`
OS user and started with runuser; the root client connects over the socket.
"""

import atexit
import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any


def _as_postgres(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def postgres_binary(name: str) -> str:
    """PostgreSQL binaries: on PATH, or where Debian puts them (/usr/lib/postgresql/N/bin)."""
    found = shutil.which(name) or next(
        iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None
    )
    if found is None:
        raise RuntimeError(f"PostgreSQL's {name} was not found; install the postgresql package.")
    return found


def start_throwaway_cluster(port: int = 54329) -> dict[str, Any]:
    """Create and start a cluster; return a Django DATABASES entry. Stopped at exit."""
    initdb, pg_ctl = postgres_binary("initdb"), postgres_binary("pg_ctl")
    workdir = Path(tempfile.mkdtemp(prefix="alongside-pg-"))
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres", "postgres")
    data = workdir / "data"
    subprocess.run(  # noqa: S603 - fixed arguments
        _as_postgres(
            [
                initdb,
                "-D",
                str(data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "--no-sync",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]
        ),
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {workdir} -c listen_addresses='' -c fsync=off -c full_page_writes=off"
    subprocess.run(  # noqa: S603
        _as_postgres(
            [pg_ctl, "-D", str(data), "-l", str(workdir / "log"), "-w", "-o", options, "start"]
        ),
        check=True,
        capture_output=True,
    )

    def stop() -> None:
        subprocess.run(  # noqa: S603
            _as_postgres([pg_ctl, "-D", str(data), "-m", "immediate", "stop"]), capture_output=True
        )
        shutil.rmtree(workdir, ignore_errors=True)

    atexit.register(stop)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "postgres",
        "USER": "postgres",
        "HOST": str(workdir),
        "PORT": str(port),
        "TEST": {"NAME": "alongside_test"},
    }
