"""How each figure grows with the organisation, and what it would be at 1,000,000 people.

    .venv/bin/python bench/growth.py sqlite:////tmp/10k.sqlite3 sqlite:////tmp/30k.sqlite3 \
        sqlite:////tmp/large.sqlite3 [--sections sign_in,team_continuity,...] [--repeat 3]

Each DATABASE_URL is a demo built with `alongside demo --people N` (and migrated to this code).
For each database and section, `--repeat` fresh processes each time the section once, in-process,
as `bench/aggregates.py --run SECTION` does (pages through Django's test client as the demo's
coordinator or supporter, report sections as functions; production settings); the median CPU
time (user + system) is kept: on a shared machine it varies far less than wall-clock time.
The databases are measured in turn within each repeat, so all see the same machine load.

Then, per section, a least-squares fit of log(seconds) against log(people) over every size
gives the exponent b of cost ∝ people^b (b ≈ 0: constant, as a page sized by what it shows
should be; b ≈ 1: linear in the organisation's history), and the fitted curve is read at
1,000,000 people (about 20 million contacts at the demo's 22 a person). A fit over three sizes
on a shared machine is rough: the exponent is what to read, the extrapolated seconds are its
consequence, not a measurement.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_PEOPLE = 1_000_000
DEFAULT_SECTIONS = (
    "sign_in",
    "my_people",
    "person_page",
    "team_continuity",
    "scorecard_team",
    "report_reach",
    "report_continuity",
    "report_outcomes",
)


def run(url: str, section: str) -> dict[str, float]:
    env = os.environ | {"DATABASE_URL": url}
    env.setdefault("ALONGSIDE_VAR_DIR", str(ROOT / "var" / "bench-served"))
    command = [sys.executable, str(ROOT / "bench" / "aggregates.py"), "--run", section]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise SystemExit(f"{section} on {url}: {done.stderr.strip().splitlines()[-1:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def size(url: str) -> tuple[int, int]:
    env = os.environ | {"DATABASE_URL": url}
    env.setdefault("ALONGSIDE_VAR_DIR", str(ROOT / "var" / "bench-served"))
    done = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "bench" / "aggregates.py"), "--run", "size"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    counted = json.loads(done.stdout.strip().splitlines()[-1])
    return int(counted["people"]), int(counted["contacts"])


def fit(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Least squares of log(y) = log(a) + b·log(x); returns (a, b)."""
    xs = [math.log(x) for x, _ in points]
    ys = [math.log(y) for _, y in points]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    b = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sxx
    return math.exp(mean_y - b * mean_x), b


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("urls", nargs="+", help="DATABASE_URLs of demos of different sizes")
    parser.add_argument("--sections", default=",".join(DEFAULT_SECTIONS))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sections = args.sections.split(",")
    sizes = {url: size(url) for url in args.urls}
    for url, (people, contacts) in sizes.items():
        print(f"{url}: {people:,} people, {contacts:,} contacts", flush=True)
    seconds: dict[tuple[str, str], list[float]] = {}
    for _ in range(args.repeat):
        for section in sections:
            for url in args.urls:
                measured = run(url, section)
                seconds.setdefault((section, url), []).append(measured["cpu"])
                print(
                    f"  {section} @ {sizes[url][0]:,}: {measured['cpu']:.3f} s CPU, "
                    f"{measured['seconds']:.3f} s wall, {measured['peak_mb']:.0f} MB peak",
                    flush=True,
                )
    header = " ".join(f"{sizes[url][0]:>10,}" for url in args.urls)
    print(f"\n{'CPU s (median)':22} {header} {'exponent b':>10} {'at 1,000,000':>13}")
    for section in sections:
        medians = [statistics.median(seconds[(section, url)]) for url in args.urls]
        points = [(sizes[url][0], m) for url, m in zip(args.urls, medians, strict=True)]
        a, b = fit(points) if len(points) > 1 else (math.nan, math.nan)
        cells = " ".join(f"{m:10.3f}" for m in medians)
        print(f"{section:22} {cells} {b:10.2f} {a * TARGET_PEOPLE**b:12.2f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
