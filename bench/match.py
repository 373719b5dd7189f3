"""Benchmark: the matcher's speed and memory on a service-sized problem, and what it gains.

Usage: python bench/match.py [--people 5000] [--volunteers 800] [--repeat 5] [--seed 1]

The problem is generated here, deterministically for a seed: volunteers with capacities 1 to 3;
languages with English most common (about 72% of people English only, 14% English and another,
14% another only; volunteers 80% / 15% / 5%) among en, pl, ur, pa, ar, so, ro; interests from 30
values with a skewed popularity (1 to 6 each); lived experience from 10 values (0 to 2 each);
about 3% of people exclude 1 or 2 volunteers (some of them not in the problem); weights
interests 1.0, experience 2.0.

It prints, side by side in each repeat (so the noisy shared machine affects both alike):
  - in-process `match()` on the parsed problem (the solve time, OR-Tools already imported);
  - `python -m alongside.cli match FILE --output OUT` end to end (process start, imports,
    reading and checking the JSON, solving, writing);
then best and median of each; the arcs built against all allowed pairs; the result against a
greedy baseline (people in order, each to the free allowed volunteer sharing most) and against
the same flow with every allowed pair as an arc (no pruning); and peak memory (ru_maxrss) of the
command and of this process. Exits 1 when the median in-process time is over 2 s, or when the
pruned and unpruned optimum differ.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from alongside.connections.matcher.graph import Graph  # noqa: E402
from alongside.connections.matcher.problem import (  # noqa: E402
    MatchProblem,
    Volunteer,
    parse_problem,
    result_to_json,
)
from alongside.connections.matcher.score import allowed, pair_score  # noqa: E402
from alongside.connections.matcher.solve import match  # noqa: E402

LIMIT_SECONDS = 2.0
OTHER_LANGUAGES = ("pl", "ur", "pa", "ar", "so", "ro")
INTERESTS = (
    "walking", "gardening", "cooking", "music", "football", "reading", "films", "crafts",
    "knitting", "chess", "cards", "fishing", "history", "art", "photography", "dancing",
    "singing", "birdwatching", "cricket", "swimming", "cycling", "baking", "quizzes", "faith",
    "theatre", "computers", "cars", "animals", "travel", "poetry",
)  # fmt: skip
EXPERIENCE = (
    "caring", "bereavement", "mental health", "addiction", "homelessness", "prison",
    "domestic abuse", "disability", "migration", "long-term illness",
)  # fmt: skip


def generate(people: int, volunteers: int, seed: int) -> dict[str, object]:
    """A problem as JSON data (deterministic for the arguments)."""
    rng = random.Random(seed)
    popularity = [1 / (rank + 1) ** 0.8 for rank in range(len(INTERESTS))]

    def languages(english_only: float, english_and: float) -> list[str]:
        roll = rng.random()
        if roll < english_only:
            return ["en"]
        if roll < english_only + english_and:
            return ["en", rng.choice(OTHER_LANGUAGES)]
        return [rng.choice(OTHER_LANGUAGES)]

    def interests() -> list[str]:
        chosen: set[str] = set()
        wanted = rng.randint(1, 6)
        while len(chosen) < wanted:
            chosen.add(rng.choices(INTERESTS, popularity)[0])
        return sorted(chosen)

    def experience() -> list[str]:
        return sorted(rng.sample(EXPERIENCE, rng.choice((0, 0, 1, 1, 1, 2))))

    volunteer_list = [
        {
            "id": f"v{number:04d}",
            "capacity": rng.choice((1, 1, 2, 2, 2, 3)),
            "languages": languages(0.80, 0.15),
            "attributes": {"interests": interests(), "experience": experience()},
        }
        for number in range(volunteers)
    ]
    person_list: list[dict[str, object]] = []
    for number in range(people):
        entry: dict[str, object] = {
            "id": f"p{number:05d}",
            "languages": languages(0.72, 0.14),
            "attributes": {"interests": interests(), "experience": experience()},
        }
        if rng.random() < 0.03:
            entry["exclude"] = [
                f"v{rng.randrange(volunteers + 50):04d}" for _ in range(rng.randint(1, 2))
            ]
        person_list.append(entry)
    return {
        "volunteers": volunteer_list,
        "people": person_list,
        "weights": {"interests": 1.0, "experience": 2.0},
    }


def greedy(problem: MatchProblem) -> tuple[int, float]:
    """People in order, each to the allowed volunteer with room who shares most (first wins)."""
    room = {volunteer.id: volunteer.capacity for volunteer in problem.volunteers}
    count, total = 0, 0.0
    for person in problem.people:
        best: tuple[float, Volunteer] | None = None
        for volunteer in problem.volunteers:
            if room[volunteer.id] > 0 and allowed(person, volunteer):
                score = pair_score(person, volunteer, problem.weights)
                if best is None or score > best[0]:
                    best = (score, volunteer)
        if best is not None:
            room[best[1].id] -= 1
            count += 1
            total += best[0]
    return count, total


def command(source: Path, output: Path) -> tuple[float, float]:
    """Wall-clock seconds and peak memory (MB, the largest child so far) of one run."""
    began = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "alongside.cli", "match", str(source), "--output", str(output)],
        check=True,
        cwd=PROJECT_ROOT,
    )
    wall = time.perf_counter() - began
    return wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--volunteers", type=int, default=800)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    print(f"machine: {os.cpu_count()} cores, Python {platform.python_version()}")
    data = generate(args.people, args.volunteers, args.seed)
    problem = parse_problem(data)
    capacity = sum(volunteer.capacity for volunteer in problem.volunteers)
    print(
        f"problem: {len(problem.people):,} people, {len(problem.volunteers):,} volunteers "
        f"(capacity {capacity:,}), seed {args.seed}"
    )
    broken: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-match-") as folder:
        source = Path(folder) / "problem.json"
        source.write_text(json.dumps(data), encoding="utf-8")
        print(f"input: {source.stat().st_size / 1e6:.1f} MB of JSON")
        match(problem)  # imports numpy and OR-Tools once, as a long-running process would
        inside: list[float] = []
        outside: list[float] = []
        memory = 0.0
        result = None
        for _ in range(args.repeat):
            began = time.perf_counter()
            result = match(problem)
            inside.append(time.perf_counter() - began)
            wall, memory = command(source, Path(folder) / "match.json")
            outside.append(wall)
        assert result is not None
        written = json.loads((Path(folder) / "match.json").read_text(encoding="utf-8"))
        assert written == result_to_json(result), "the command and match() differ"
    print(f"{'':34} {'best':>8} {'median':>8}")
    print(f"{'in-process match()':34} {min(inside):>7.2f}s {statistics.median(inside):>7.2f}s")
    print(
        f"{'`alongside match` end to end':34} {min(outside):>7.2f}s {statistics.median(outside):>7.2f}s"
    )
    if statistics.median(inside) > LIMIT_SECONDS:
        broken.append(f"in-process time over {LIMIT_SECONDS:.0f} s")

    graph = Graph(problem)
    pairs = int(graph.open.sum())  # per person: allowed volunteers with a capacity above 0
    print(
        f"arcs: {graph.tails.size:,} built of {pairs:,} allowed pairs with room "
        f"(each volunteer keeps at most its best {graph.keep:,} people)"
    )
    print(
        f"result: {len(result.pairs):,} matched, {len(result.unmatched):,} unmatched, "
        f"total score {result.total_score:,.1f}, bound {result.bound:,.1f}"
    )
    began = time.perf_counter()
    count, total = greedy(problem)
    greedy_time = time.perf_counter() - began
    print(f"greedy baseline: {count:,} matched, total score {total:,.1f} ({greedy_time:.1f} s)")
    original = Graph._best
    Graph._best = lambda self, share, score: share  # type: ignore[method-assign]
    try:
        began = time.perf_counter()
        unpruned = match(problem)
        unpruned_time = time.perf_counter() - began
    finally:
        Graph._best = original  # type: ignore[method-assign]
    print(
        f"without pruning: {len(unpruned.pairs):,} matched, total score "
        f"{unpruned.total_score:,.1f} in {unpruned_time:.2f} s"
    )
    if (len(unpruned.pairs), unpruned.total_score) != (len(result.pairs), result.total_score):
        broken.append("pruned and unpruned optimum differ")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (ru_maxrss): command {memory:.0f} MB, this process {own:.0f} MB")
    if broken:
        print("limits broken: " + ", ".join(broken))
        return 1
    print("all limits kept")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
