"""`docs/security/asvs.md` stays true: every OWASP ASVS 5.0 Level 1 and 2 requirement exactly once
with its level, totals that match the rows, only the allowed statuses, and every test, file,
symbol and documentation section it names existing (tests are found by reading the files with
`ast`, not by running them). A `todo` row must name the issue item that is fixing it."""

import ast
import re
from collections import Counter
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
TABLE = ROOT / "docs" / "security" / "asvs.md"
STATUSES = ("pass", "not applicable", "deployment", "todo")
# Every Level 1 and 2 requirement of ASVS 5.0.0 (id without the V, then its level), from the
# standard's CSV (OWASP/ASVS, 5.0/docs_en): 253 of them, 70 at Level 1.
EXPECTED = """
1.1.1:2 1.1.2:2 1.2.1:1 1.2.2:1 1.2.3:1 1.2.4:1 1.2.5:1 1.2.6:2 1.2.7:2 1.2.8:2 1.2.9:2
1.3.1:1 1.3.2:1 1.3.3:2 1.3.4:2 1.3.5:2 1.3.6:2 1.3.7:2 1.3.8:2 1.3.9:2 1.3.10:2 1.3.11:2
1.4.1:2 1.4.2:2 1.4.3:2 1.5.1:1 1.5.2:2 2.1.1:1 2.1.2:2 2.1.3:2 2.2.1:1 2.2.2:1 2.2.3:2
2.3.1:1 2.3.2:2 2.3.3:2 2.3.4:2 2.4.1:2 3.2.1:1 3.2.2:1 3.3.1:1 3.3.2:2 3.3.3:2 3.3.4:2
3.4.1:1 3.4.2:1 3.4.3:2 3.4.4:2 3.4.5:2 3.4.6:2 3.5.1:1 3.5.2:1 3.5.3:1 3.5.4:2 3.5.5:2
3.7.1:2 3.7.2:2 4.1.1:1 4.1.2:2 4.1.3:2 4.2.1:2 4.3.1:2 4.3.2:2 4.4.1:1 4.4.2:2 4.4.3:2
4.4.4:2 5.1.1:2 5.2.1:1 5.2.2:1 5.2.3:2 5.3.1:1 5.3.2:1 5.4.1:2 5.4.2:2 5.4.3:2 6.1.1:1
6.1.2:2 6.1.3:2 6.2.1:1 6.2.2:1 6.2.3:1 6.2.4:1 6.2.5:1 6.2.6:1 6.2.7:1 6.2.8:1 6.2.9:2
6.2.10:2 6.2.11:2 6.2.12:2 6.3.1:1 6.3.2:1 6.3.3:2 6.3.4:2 6.4.1:1 6.4.2:1 6.4.3:2 6.4.4:2
6.5.1:2 6.5.2:2 6.5.3:2 6.5.4:2 6.5.5:2 6.6.1:2 6.6.2:2 6.6.3:2 6.8.1:2 6.8.2:2 6.8.3:2
6.8.4:2 7.1.1:2 7.1.2:2 7.1.3:2 7.2.1:1 7.2.2:1 7.2.3:1 7.2.4:1 7.3.1:2 7.3.2:2 7.4.1:1
7.4.2:1 7.4.3:2 7.4.4:2 7.4.5:2 7.5.1:2 7.5.2:2 7.6.1:2 7.6.2:2 8.1.1:1 8.1.2:2 8.2.1:1
8.2.2:1 8.2.3:2 8.3.1:1 8.4.1:2 9.1.1:1 9.1.2:1 9.1.3:1 9.2.1:1 9.2.2:2 9.2.3:2 9.2.4:2
10.1.1:2 10.1.2:2 10.2.1:2 10.2.2:2 10.3.1:2 10.3.2:2 10.3.3:2 10.3.4:2 10.4.1:1 10.4.2:1
10.4.3:1 10.4.4:1 10.4.5:1 10.4.6:2 10.4.7:2 10.4.8:2 10.4.9:2 10.4.10:2 10.4.11:2 10.5.1:2
10.5.2:2 10.5.3:2 10.5.4:2 10.5.5:2 10.6.1:2 10.6.2:2 10.7.1:2 10.7.2:2 10.7.3:2 11.1.1:2
11.1.2:2 11.2.1:2 11.2.2:2 11.2.3:2 11.3.1:1 11.3.2:1 11.3.3:2 11.4.1:1 11.4.2:2 11.4.3:2
11.4.4:2 11.5.1:2 11.6.1:2 12.1.1:1 12.1.2:2 12.1.3:2 12.2.1:1 12.2.2:1 12.3.1:2 12.3.2:2
12.3.3:2 12.3.4:2 13.1.1:2 13.2.1:2 13.2.2:2 13.2.3:2 13.2.4:2 13.2.5:2 13.3.1:2 13.3.2:2
13.4.1:1 13.4.2:2 13.4.3:2 13.4.4:2 13.4.5:2 14.1.1:2 14.1.2:2 14.2.1:1 14.2.2:2 14.2.3:2
14.2.4:2 14.3.1:1 14.3.2:2 14.3.3:2 15.1.1:1 15.1.2:2 15.1.3:2 15.2.1:1 15.2.2:2 15.2.3:2
15.3.1:1 15.3.2:2 15.3.3:2 15.3.4:2 15.3.5:2 15.3.6:2 15.3.7:2 16.1.1:2 16.2.1:2 16.2.2:2
16.2.3:2 16.2.4:2 16.2.5:2 16.3.1:2 16.3.2:2 16.3.3:2 16.3.4:2 16.4.1:2 16.4.2:2 16.4.3:2
16.5.1:2 16.5.2:2 16.5.3:2 17.1.1:2 17.2.1:2 17.2.2:2 17.2.3:2 17.2.4:2 17.3.1:2 17.3.2:2
"""
ROW = re.compile(r"^\| (V\d+\.\d+\.\d+) \| ([^|]+?) \| ([12]) \| ([^|]+?) \| ([^|]+?) \|$")
CODE = re.compile(r"`([^`]+)`")
PATH_ROOTS = ("alongside/", "config/", "docs/", "templates/", "requirements/", ".ci/")
PATH_FILES = ("pyproject.toml", "Makefile")


def expected_levels() -> dict[str, int]:
    pairs = (token.split(":") for token in EXPECTED.split())
    return {f"V{rid}": int(level) for rid, level in pairs}


def table_lines() -> list[str]:
    return TABLE.read_text(encoding="utf-8").splitlines()


def rows() -> list[tuple[str, str, int, str, str]]:
    found = []
    for line in table_lines():
        if not line.startswith("| V"):
            continue
        match = ROW.match(line)
        assert match, f"not a row of five cells: {line[:120]}"
        rid, requirement, level, status, evidence = match.groups()
        found.append((rid, requirement, int(level), status, evidence))
    return found


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


@cache
def anchors(path: Path) -> frozenset[str]:
    found = set()
    in_fence = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_fence = not in_fence
        elif not in_fence and line.startswith("#"):
            found.add(slug(line.lstrip("#")))
    return frozenset(found)


@cache
def module(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def defined(body: list[ast.stmt], name: str) -> ast.AST | None:
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            if node.name == name:
                return node
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                return node
    return None


def problem_with(reference: str) -> str | None:
    """Why `reference` (a path, `path#section` or `path::name`) cannot be followed, or None."""
    path_part, _, symbol = reference.partition("::")
    path_part, _, anchor = path_part.partition("#")
    path = ROOT / path_part
    if not path.is_file():
        return f"no such file {path_part}"
    if anchor and anchor not in anchors(path):
        return f"no section #{anchor} in {path_part}"
    if symbol:
        if path.suffix != ".py":
            return f"{path_part} is not Python: name a section with #, not ::"
        body: list[ast.stmt] = module(path).body
        for part in symbol.split("::"):
            node = defined(body, part)
            if node is None:
                return f"{part} is not defined in {path_part}"
            body = getattr(node, "body", [])
    return None


def references(evidence: str) -> list[str]:
    return [
        code.strip()
        for code in CODE.findall(evidence)
        if code.startswith(PATH_ROOTS) or code.split("#")[0].split("::")[0] in PATH_FILES
    ]


def test_every_level_1_and_2_requirement_is_there_once_with_its_level():
    expected = expected_levels()
    assert len(expected) == 253 and sum(1 for v in expected.values() if v == 1) == 70
    found = rows()
    ids = Counter(rid for rid, *_ in found)
    assert [rid for rid, n in ids.items() if n > 1] == [], "listed twice"
    assert sorted(set(expected) - set(ids)) == [], "missing"
    assert sorted(set(ids) - set(expected)) == [], "not a Level 1 or 2 requirement"
    wrong = [(rid, level) for rid, _, level, _, _ in found if expected[rid] != level]
    assert wrong == [], "wrong level"


def test_statuses_are_the_allowed_ones_and_the_totals_match():
    found = rows()
    bad = [(rid, status) for rid, _, _, status, _ in found if status not in STATUSES]
    assert bad == [], "a requirement is pass, not applicable, deployment or (while fixed) todo"
    counts = Counter(status for _, _, _, status, _ in found)
    totals = {}
    for line in table_lines():
        match = re.match(r"^\| (pass|not applicable|deployment|todo|all) \| (\d+) \|$", line)
        if match:
            totals[match.group(1)] = int(match.group(2))
    assert totals == {**{s: counts.get(s, 0) for s in STATUSES}, "all": len(found)}


def test_every_test_file_symbol_and_section_named_exists():
    problems = []
    for rid, _, _, status, evidence in rows():
        named = references(evidence)
        if status in ("pass", "deployment") and not named:
            problems.append(f"{rid}: {status} names no test, file or section")
        if status == "deployment" and not any(r.startswith("docs/") for r in named):
            problems.append(f"{rid}: deployment names no section of the documentation")
        if status == "todo" and not re.search(r"issue \d+ item \d+", evidence):
            problems.append(f"{rid}: todo names no issue item that is fixing it")
        for reference in named:
            problem = problem_with(reference)
            if problem:
                problems.append(f"{rid}: {problem}")
    assert problems == []


def test_the_checks_bite():
    assert (
        problem_with("alongside/common/tests/test_asvs_evidence.py::test_the_checks_bite") is None
    )
    assert "not defined" in str(problem_with("alongside/common/tests/test_asvs_evidence.py::nope"))
    assert "no such file" in str(problem_with("alongside/nowhere.py"))
    assert "no section" in str(problem_with("docs/deploy.md#no-such-heading"))
    assert problem_with("config/settings.py::AUTH_PASSWORD_VALIDATORS") is None
    assert slug(" 7. HTTPS in front: Caddy (or nginx)") == "7-https-in-front-caddy-or-nginx"
    assert references("see `docs/deploy.md#8-logs` and `SESSION_COOKIE_AGE`") == [
        "docs/deploy.md#8-logs"
    ]
