"""How each figure grows with the organisation, and what it would be at 1,000,000 people.

    .venv/bin/python bench/growth.py sqlite:////tmp/10k.sqlite3 sqlite:////tmp/30k.sqlite3 \
        sqlite:////tmp/large.sqlite3 [--sections sign_in,team_continuity,...] [--repeat 3] \
        [--tree /tmp/base] [--json growth.jsonl]
    .venv/bin/python bench/growth.py --table growth.jsonl [more.jsonl ...]

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

Every section `bench/aggregates.py` knows is measured unless `--sections` names some. `--tree`
is the code to measure (a `git archive` of another commit, run with this checkout's virtualenv,
as `aggregates.py --old` does); its static files are collected once before the first section.
A section that fails at one size is reported as failed and left out of the fit; the others go
on. `--json` appends each measurement as a line as soon as it is taken, so a run cut short keeps
what it measured; `--table` prints the table from such files (several runs' lines are pooled:
the median per section and size) without measuring anything.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from aggregates import SECTIONS  # bench/ is this script's directory, first on sys.path

ROOT = Path(__file__).resolve().parent.parent
TARGET_PEOPLE = 1_000_000


def _env(url: str) -> dict[str, str]:
    env = os.environ | {"DATABASE_URL": url}
    env.setdefault("ALONGSIDE_VAR_DIR", str(ROOT / "var" / "bench-served"))
    return env


def run(url: str, section: str, tree: Path) -> dict[str, float] | str:
    """One fresh process timing `section` of `tree`'s code on `url`: its figures, or the last
    line of its error."""
    command = [
        sys.executable, str(ROOT / "bench" / "aggregates.py"), "--run", section, "--tree", str(tree),
    ]  # fmt: skip
    done = subprocess.run(command, env=_env(url), capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        return " ".join(done.stderr.strip().splitlines()[-1:]) or f"exit {done.returncode}"
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def size(url: str, tree: Path) -> tuple[int, int]:
    counted = run(url, "size", tree)
    if isinstance(counted, str):
        raise SystemExit(f"counting {url}: {counted}")
    return int(counted["people"]), int(counted["contacts"])


def fit(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Least squares of log(y) = log(a) + b·log(x); returns (a, b)."""
    xs = [math.log(x) for x, _ in points]
    ys = [math.log(y) for _, y in points]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    b = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sxx
    return math.exp(mean_y - b * mean_x), b


def table(lines: list[dict[str, object]]) -> None:
    """The fit per section over every size measured, as text and as a Markdown table."""
    sizes = sorted({int(str(line["people"])) for line in lines})
    sections = list(dict.fromkeys(str(line["section"]) for line in lines))
    found: dict[tuple[str, int], list[dict[str, object]]] = {}
    for line in lines:
        found.setdefault((str(line["section"]), int(str(line["people"]))), []).append(line)
    people = " | ".join(f"{n:,}" for n in sizes)
    print(f"\n| section (CPU s, median) | {people} | b | at 1,000,000 | peak MB at {sizes[-1]:,} |")
    print("|---|" + "---|" * (len(sizes) + 3))
    for section in sections:
        cells, points, peak = [], [], "—"
        for n in sizes:
            taken = found.get((section, n), [])
            good = [float(str(t["cpu"])) for t in taken if "cpu" in t]
            if good and len(good) == len(taken):
                median = statistics.median(good)
                cells.append(f"{median:.3f}")
                points.append((float(n), max(median, 1e-6)))
                if n == sizes[-1]:
                    peak = f"{statistics.median(float(str(t['peak_mb'])) for t in taken):.0f}"
            else:
                cells.append("failed" if taken else "—")
        if len(points) == len(sizes) > 1:
            a, b = fit(points)
            fitted = f"{b:.2f} | {a * TARGET_PEOPLE**b:.2f} s"
        else:
            fitted = "— | —"
        print(f"| {section} | {' | '.join(cells)} | {fitted} | {peak} |")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("urls", nargs="*", help="DATABASE_URLs of demos of different sizes")
    parser.add_argument("--sections", default=",".join(SECTIONS))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--tree", type=Path, default=ROOT, help="the code to measure")
    parser.add_argument("--json", type=Path, help="append each measurement to this file")
    parser.add_argument("--table", type=Path, nargs="+", help="only print the table of these")
    args = parser.parse_args()
    if args.table:
        lines = [json.loads(t) for path in args.table for t in path.read_text().splitlines() if t]
        table(lines)
        return 0
    tree = args.tree.resolve()
    sections = args.sections.split(",")
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        raise SystemExit(f"unknown sections: {sorted(unknown)}")
    os.environ.setdefault("ALONGSIDE_VAR_DIR", tempfile.mkdtemp(prefix="alongside-growth-"))
    collected = run(args.urls[0], "collectstatic", tree)  # the manifest production settings need
    if isinstance(collected, str):
        raise SystemExit(f"collectstatic: {collected}")
    sizes = {url: size(url, tree) for url in args.urls}
    for url, (people, contacts) in sizes.items():
        print(f"{url}: {people:,} people, {contacts:,} contacts", flush=True)
    lines: list[dict[str, object]] = []
    for _ in range(args.repeat):
        for section in sections:
            for url in args.urls:
                measured = run(url, section, tree)
                people, contacts = sizes[url]
                line: dict[str, object] = {
                    "section": section, "url": url, "people": people, "contacts": contacts,
                    "tree": str(tree), "load": os.getloadavg()[0],
                }  # fmt: skip
                if isinstance(measured, str):
                    line["error"] = measured
                    print(f"  {section} @ {people:,}: FAILED {measured}", flush=True)
                else:
                    line |= measured
                    print(
                        f"  {section} @ {people:,}: {measured['cpu']:.3f} s CPU, "
                        f"{measured['seconds']:.3f} s wall, {measured['peak_mb']:.0f} MB peak, "
                        f"load {line['load']:.1f}",
                        flush=True,
                    )
                lines.append(line)
                if args.json:
                    with args.json.open("a") as out:
                        out.write(json.dumps(line) + "\n")
    table(lines)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
