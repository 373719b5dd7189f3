"""Benchmark: `alongside continuity` against a plain csv scan of the same file.

Usage: python bench/continuity.py [--people 100000] [--contacts 2000000] [--repeat 5]

Writes a deterministic synthetic contacts file (seeded) to a temp folder, then times, side by side
and alternating so that all see the same machine load:
  (a) a plain scan that keeps nothing:
      `python -c "import csv, sys\nfor row in csv.reader(open(sys.argv[1], newline='')): pass" FILE`
  (b) the command: `python -m alongside.cli continuity FILE --output OUT` (the columnar engine)
  (c) the reference reader: the same with `--engine python` (for comparison only)
  (d) with --against TREE: the command run from another checkout of the project (say main's:
      `git archive main | tar -x -C TREE`) with the same interpreter, to compare two versions
      under the same load; its output must be the same, byte for byte
Process start is included in all. Prints, for wall-clock and for CPU time, the best and median
of the repeats and the ratios of the medians and of the bests; exits 1 when the median
wall-clock ratio (b)/(a) is above the limit (2). CPU time is the steadier figure on a shared
machine; wall-clock is what a user waits for (polars uses both cores, the scan one).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LIMIT = 2.0
SCAN = "import csv, sys\nfor row in csv.reader(open(sys.argv[1], newline='')): pass"


def write_contacts(path: Path, *, people: int, contacts: int, seed: int = 20261201) -> None:
    """Write a synthetic contacts file: a realistic spread, rows in no particular order.

    Most people see one named worker most of the time and a few others now and then; the number
    of contacts per person is skewed (many people with a few contacts, some with many). About half
    the people have a named worker recorded, and some of those change named worker part way.
    `at` is mostly a date-time on a quarter hour in working hours, sometimes a bare date, and now
    and then a date-time with a UTC offset, over three years.
    """
    rng = random.Random(seed)
    worker_ids = [f"w{number:04d}" for number in range(1, 601)]
    # Skewed contact counts that add up to `contacts` exactly, everyone with at least one.
    weights = [rng.lognormvariate(0.0, 1.0) for _ in range(people)]
    scale = (contacts - people) / sum(weights)
    counts = [1 + int(weight * scale) for weight in weights]
    shortfall = contacts - sum(counts)
    for index in rng.sample(range(people), shortfall) if shortfall > 0 else ():
        counts[index] += 1
    start = dt.datetime(2023, 1, 2, tzinfo=dt.UTC)
    days = 3 * 365
    rows: list[str] = []
    append = rows.append
    for person_number, count in enumerate(counts, start=1):
        person = str(person_number)
        named = rng.choice(worker_ids)
        known = rng.sample(worker_ids, 3)
        has_named = rng.random() < 0.5
        change_at = rng.randrange(count) if has_named and rng.random() < 0.3 else count
        later_named = rng.choice(worker_ids)
        first_day = rng.randrange(days)
        for contact in range(count):
            current = later_named if contact >= change_at else named
            draw = rng.random()
            if draw < 0.6:
                worker = current
            elif draw < 0.9:
                worker = rng.choice(known)
            else:
                worker = rng.choice(worker_ids)
            day = start + dt.timedelta(days=first_day + rng.randrange(days - first_day))
            shape = rng.random()
            if shape < 0.25:
                at = day.date().isoformat()
            else:
                minute = rng.randrange(9 * 60, 17 * 60, 15)
                moment = day + dt.timedelta(minutes=minute)
                if shape < 0.97:
                    at = moment.strftime("%Y-%m-%dT%H:%M")
                else:
                    at = moment.astimezone(dt.timezone(dt.timedelta(hours=1))).isoformat()
            append(f"{person},{worker},{at},{current if has_named else ''}\n")
    rng.shuffle(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("person,worker,at,named_worker\n")
        handle.writelines(rows)


def timed(command: list[str], *, cwd: Path = PROJECT_ROOT) -> tuple[float, float]:
    """Wall-clock seconds and CPU seconds (user + system) of one run, process start included."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    subprocess.run(command, check=True, cwd=cwd, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--contacts", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--no-reference", action="store_true", help="skip (c), the reference reader (slow)"
    )
    parser.add_argument("--keep", type=Path, help="write the input file here and keep it")
    parser.add_argument(
        "--against",
        type=Path,
        metavar="TREE",
        help="also time (d): the command from this other checkout of the project",
    )
    args = parser.parse_args(argv)
    if args.contacts < args.people:
        parser.error("--contacts must be at least --people (everyone has a contact)")

    with tempfile.TemporaryDirectory(prefix="bench-continuity-") as folder:
        source = args.keep or Path(folder) / "contacts.csv"
        output = Path(folder) / "continuity.csv"
        began = time.perf_counter()
        write_contacts(source, people=args.people, contacts=args.contacts)
        size = source.stat().st_size
        print(
            f"input: {args.people:,} people, {args.contacts:,} contacts, "
            f"{size / 1e6:.1f} MB (written in {time.perf_counter() - began:.1f} s)"
        )
        scan = [sys.executable, "-c", SCAN, str(source)]
        command = [sys.executable, "-m", "alongside.cli", "continuity", str(source)]
        command += ["--output", str(output)]
        reference = [*command, "--engine", "python"]
        other_output = Path(folder) / "other.csv"
        other = [*command[:-1], str(other_output)]
        scan_runs: list[tuple[float, float]] = []
        command_runs: list[tuple[float, float]] = []
        reference_runs: list[tuple[float, float]] = []
        other_runs: list[tuple[float, float]] = []
        for _ in range(args.repeat):
            scan_runs.append(timed(scan))
            command_runs.append(timed(command))
            if args.against:
                other_runs.append(timed(other, cwd=args.against.resolve()))
            if not args.no_reference:
                reference_runs.append(timed(reference))
        differs = bool(args.against) and output.read_bytes() != other_output.read_bytes()

    print(f"machine: {os.cpu_count()} cores, Python {platform.python_version()}")
    ratios: dict[int, float] = {}
    for which, label in ((0, "wall clock"), (1, "CPU time")):
        scan_times = [run[which] for run in scan_runs]
        command_times = [run[which] for run in command_runs]
        median_ratio = statistics.median(command_times) / statistics.median(scan_times)
        best_ratio = min(command_times) / min(scan_times)
        ratios[which] = median_ratio
        print(f"{label}:")
        print(f"  (a) csv scan:             {summary(scan_times)}")
        print(f"  (b) alongside continuity: {summary(command_times)}")
        print(f"  ratio (b)/(a): median {median_ratio:.2f}x, best {best_ratio:.2f}x")
        if reference_runs:
            reference_times = [run[which] for run in reference_runs]
            print(f"  (c) reference reader:     {summary(reference_times)}")
            ratio = statistics.median(reference_times) / statistics.median(scan_times)
            print(f"  ratio (c)/(a): median {ratio:.2f}x")
        if other_runs:
            other_times = [run[which] for run in other_runs]
            print(f"  (d) {args.against}: {summary(other_times)}")
            ratio = statistics.median(other_times) / statistics.median(scan_times)
            print(
                f"  ratio (d)/(a): median {ratio:.2f}x, best {min(other_times) / min(scan_times):.2f}x"
            )
    print(f"limit: {LIMIT:.0f}x on the median wall-clock ratio (b)/(a)")
    print(f"load average at the end: {' '.join(f'{load:.1f}' for load in os.getloadavg())}")
    reproduce = [
        ".venv/bin/python",
        "bench/continuity.py",
        f"--people={args.people}",
        f"--contacts={args.contacts}",
        f"--repeat={args.repeat}",
        *(["--no-reference"] if args.no_reference else []),
        *([f"--against={args.against}"] if args.against else []),
    ]
    print(f"reproduce: cd {shlex.quote(str(PROJECT_ROOT))} && {shlex.join(reproduce)}")
    if differs:
        print("(b) and (d) wrote different output")
        return 1
    if args.against:
        print("(b) and (d) wrote the same output, byte for byte")
    return 1 if ratios[0] > LIMIT else 0


def summary(times: list[float]) -> str:
    return f"best {min(times):.2f} s, median {statistics.median(times):.2f} s"


if __name__ == "__main__":
    raise SystemExit(main())
