"""Benchmark: the planner against first-available, against the exact optimum, and its speed.

Usage: python bench/plan.py [--small 30] [--skip-large]

All problems come from alongside.scheduling.instances (deterministic for a seed):
  1. the 12-week service (200 workers, 4,000 people, 12 weeks): first_available() against
     plan(): requests served, named-worker share, distinct workers per person, mean wait (slot
     start - request earliest, in days), score and the proven bound;
  2. small problems (instances.small, seeds 0..N-1): plan() without its exact phase against the
     CP-SAT optimum of the full model (plan(exact=True), which proves optimality on them);
  3. speed: plan() in-process, and `python -m alongside.cli plan FILE --output OUT` end to end
     (process start, reading and checking the JSON, solving, writing), on about 3,000 requests
     (25 workers, 450 people) and about 80,000 requests (600 workers, 12,000 people);
  4. peak memory (ru_maxrss) of this process and of the command.
Exits 1 when a limit is broken: named-worker share under 10x first-available's; mean quality
under 99.5% of the optimum; 3,000 requests over 1 s or 80,000 over 30 s in-process; the
command's memory at 2 GB or more.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from alongside.scheduling import instances  # noqa: E402
from alongside.scheduling.planner.baseline import first_available  # noqa: E402
from alongside.scheduling.planner.optimiser import plan  # noqa: E402
from alongside.scheduling.planner.problem import Problem  # noqa: E402

SHARE_RATIO = 10.0
QUALITY = 0.995
SMALL_LIMIT = 1.0
LARGE_LIMIT = 30.0
MEMORY_LIMIT_MB = 2048


def to_json(problem: Problem) -> dict[str, object]:
    return {
        "workers": [
            {"id": w.id, "skills": sorted(w.skills), "languages": sorted(w.languages)}
            for w in problem.workers
        ],
        "slots": [
            {"id": s.id, "worker": s.worker, "start": s.start.isoformat(), "minutes": s.minutes}
            for s in problem.slots
        ],
        "people": [
            {
                "id": p.id,
                "language": p.language,
                "named_worker": p.named_worker,
                "seen_before": sorted(p.seen_before),
            }
            for p in problem.people
        ],
        "requests": [
            {
                "id": r.id,
                "person": r.person,
                "earliest": r.earliest.isoformat(),
                "latest": r.latest.isoformat(),
                "skill": r.skill,
            }
            for r in problem.requests
        ],
    }


def describe(problem: Problem) -> str:
    return (
        f"{len(problem.workers):,} workers, {len(problem.slots):,} slots, "
        f"{len(problem.people):,} people, {len(problem.requests):,} requests"
    )


def compare_on_service() -> float:
    """Section 1; returns the named-worker share ratio."""
    problem = instances.service(workers=200, people=4000, weeks=12, seed=1)
    print(f"1. the 12-week service: {describe(problem)}")
    began = time.perf_counter()
    baseline = first_available(problem)
    baseline_time = time.perf_counter() - began
    began = time.perf_counter()
    result = plan(problem)
    plan_time = time.perf_counter() - began
    rows = (
        ("requests served", "served", "{:,}"),
        ("named-worker share", "named_worker_share", "{:.1%}"),
        ("seen-before share", "seen_before_share", "{:.1%}"),
        ("distinct workers per person", "mean_distinct_workers", "{:.2f}"),
        ("mean wait (days)", "mean_wait_days", "{:.2f}"),
        ("score", "score", "{:,}"),
    )
    print(f"   {'':30} {'first available':>16} {'plan':>16}")
    for label, key, shape in rows:
        print(
            f"   {label:30} {shape.format(baseline.summary[key]):>16} "
            f"{shape.format(result.summary[key]):>16}"
        )
    print(f"   {'proven bound':30} {'':>16} {result.bound:>16,}")
    print(f"   {'gap to bound':30} {'':>16} {(result.bound - result.score) / result.bound:>16.3%}")
    print(f"   {'time (s)':30} {baseline_time:>16.2f} {plan_time:>16.2f}")
    share = float(result.summary["named_worker_share"])
    base_share = float(baseline.summary["named_worker_share"])
    return share / base_share if base_share else float("inf")


def compare_with_exact(count: int) -> float:
    """Section 2; returns the mean quality."""
    qualities = []
    optimal = 0
    sizes = []
    for seed in range(count):
        problem = instances.small(seed, workers=5, people=10, days=5)
        sizes.append(len(problem.requests))
        heuristic = plan(problem, exact=False)
        exact = plan(problem, exact=True)
        if exact.score != exact.bound:
            print(f"   seed {seed}: CP-SAT did not prove optimality")
        qualities.append(heuristic.score / exact.score if exact.score else 1.0)
        optimal += heuristic.score == exact.score
    print(
        f"2. small problems: {count} seeds, {min(sizes)} to {max(sizes)} requests each; "
        f"plan() without the exact phase against the CP-SAT optimum"
    )
    print(
        f"   quality: mean {statistics.fmean(qualities):.3%}, worst {min(qualities):.3%}, "
        f"optimal on {optimal} of {count}"
    )
    return statistics.fmean(qualities)


def timed_command(problem_file: Path, output: Path) -> tuple[float, float]:
    """Wall-clock seconds and peak memory (MB) of one run of the command."""
    command = [sys.executable, "-m", "alongside.cli", "plan", str(problem_file)]
    command += ["--output", str(output)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    began = time.perf_counter()
    subprocess.run(command, check=True, cwd=PROJECT_ROOT)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(before, after) / 1024


def speed(label: str, problem: Problem, limit: float, folder: Path) -> tuple[float, float]:
    """Section 3 for one size; returns the in-process time and the command's memory."""
    source = folder / f"{label}.json"
    source.write_text(json.dumps(to_json(problem)), encoding="utf-8")
    began = time.perf_counter()
    result = plan(problem)
    solve = time.perf_counter() - began
    wall, memory = timed_command(source, folder / f"{label}-plan.json")
    print(
        f"   {label}: {describe(problem)}; input {source.stat().st_size / 1e6:.1f} MB\n"
        f"      in-process plan(): {solve:.2f} s (limit {limit:.0f} s); command end to end: "
        f"{wall:.2f} s; served {result.summary['served']:,}, named share "
        f"{result.summary['named_worker_share']:.1%}, gap to bound "
        f"{(result.bound - result.score) / result.bound:.3%}"
    )
    return solve, memory


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=30, help="how many small problems")
    parser.add_argument("--skip-large", action="store_true", help="leave out 80,000 requests")
    args = parser.parse_args(argv)
    print(f"machine: {os.cpu_count()} cores, Python {platform.python_version()}")
    broken = []
    ratio = compare_on_service()
    print(f"   named-worker share ratio: {ratio:.1f}x (limit {SHARE_RATIO:.0f}x)")
    if ratio < SHARE_RATIO:
        broken.append("named-worker share ratio")
    quality = compare_with_exact(args.small)
    if quality < QUALITY:
        broken.append("quality against the optimum")
    print("3. speed")
    memory = 0.0
    with tempfile.TemporaryDirectory(prefix="bench-plan-") as folder:
        small = instances.service(workers=25, people=450, weeks=12, seed=7)
        solve, used = speed("3k", small, SMALL_LIMIT, Path(folder))
        memory = max(memory, used)
        if solve > SMALL_LIMIT:
            broken.append("3,000 requests time")
        if not args.skip_large:
            large = instances.service(workers=600, people=12000, weeks=12, seed=11)
            solve, used = speed("80k", large, LARGE_LIMIT, Path(folder))
            memory = max(memory, used)
            if solve > LARGE_LIMIT:
                broken.append("80,000 requests time")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"4. peak memory (ru_maxrss): command {memory:.0f} MB, this process {own:.0f} MB")
    if memory >= MEMORY_LIMIT_MB:
        broken.append("memory")
    if broken:
        print("limits broken: " + ", ".join(broken))
        return 1
    print("all limits kept")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
