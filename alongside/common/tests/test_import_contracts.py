"""The import contracts in pyproject.toml hold, and they bite: a forbidden import breaks the build.

Each case copies the source tree, adds one forbidden import to the copy and runs the real
`lint-imports` against it, so the check is the one `make test` runs.
"""

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("tree")
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", "static", "templates", "migrations")
    for name in ("alongside", "config"):
        shutil.copytree(ROOT / name, copy / name, ignore=skip)
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    return copy


def lint(tree: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(  # noqa: S603 - our own console script, fixed arguments
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_code_keeps_every_contract(tree: Path) -> None:
    result = lint(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("alongside/common/suppression.py", "import django", "Pure modules import no Django"),
        (
            "alongside/people/models.py",
            "from alongside.people import queries",
            "Models import no policy, reads, writes or pages",
        ),
        (
            "alongside/visibility/people.py",
            "from alongside.support import queries",
            "The visibility policy imports models only",
        ),
        (
            "alongside/support/queries.py",
            "from alongside.support import services",
            "Queries read: they import no writes or pages",
        ),
        (
            "alongside/scheduling/planning_rounds/queries.py",
            "from alongside.scheduling.planning_rounds import services",
            "Queries read: they import no writes or pages",
        ),
        (
            "alongside/learning/services/spends.py",
            "from alongside.learning import forms",
            "Services write: they import no pages",
        ),
        (
            "alongside/relationships/queries.py",
            "from alongside.reports import models",
            "Nothing imports insights, reports or the demo",
        ),
        (
            "alongside/audit/models.py",
            "from alongside.people import models",
            "Common, access, audit, ops and the shared diary are foundations: they import no domain app",
        ),
        (
            "alongside/diary/__init__.py",
            "from alongside.rota import models",
            "Common, access, audit, ops and the shared diary are foundations: they import no domain app",
        ),
        (
            "alongside/scheduling/services.py",
            "from alongside.rota import queries",
            "The rota and scheduling share one diary (alongside.diary) and import neither the other",
        ),
        (
            "alongside/rota/services.py",
            "from alongside.scheduling import models",
            "The rota and scheduling share one diary (alongside.diary) and import neither the other",
        ),
        (
            "alongside/people/views.py",
            "from alongside.scheduling import models",
            "People shows other apps on the person page through registered panels, importing none of them",
        ),
        (
            "alongside/people/services.py",
            "from alongside.testing import factories",
            "Only tests import the test support package",
        ),
    ],
)
def test_a_forbidden_import_breaks_its_contract(
    tree: Path, module: str, line: str, contract: str
) -> None:
    path = tree / module
    original = path.read_text()
    path.write_text(f"{original}\n{line}  # noqa\n")
    try:
        result = lint(tree)
    finally:
        path.write_text(original)
    assert result.returncode == 1, result.stdout
    # lint-imports wraps long lines to the terminal's width.
    assert f"{contract} BROKEN" in " ".join(result.stdout.split())


# Imports made inside functions that cross from one app to another: each one is here with the
# reason it cannot be at module level (docs/architecture.md lists the same). Anything else
# belongs at the top of the module, where import-linter and a reader see it.
IMPORTS_INSIDE_FUNCTIONS: dict[tuple[str, str], str] = {
    ("alongside/reports/management/commands/report.py", "alongside.access.models"): (
        "`alongside report --help` answers without loading models or WeasyPrint"
    ),
    ("alongside/reports/management/commands/report.py", "alongside.common.files"): (
        "`alongside report --help` answers without loading models or WeasyPrint"
    ),
    ("alongside/conftest.py", "alongside.testing.browser"): "only browser tests load Playwright",
    ("alongside/conftest.py", "alongside.measures.builtins"): "only browser tests need them",
    ("alongside/conftest.py", "alongside.measures.models"): "only browser tests need them",
    ("alongside/audit/apps.py", "alongside.common.tasks"): (
        "an app config is imported before the models are ready: its post_migrate hook imports"
    ),
    ("alongside/insights/apps.py", "alongside.common.tasks"): (
        "an app config is imported before the models are ready: its post_migrate hook imports"
    ),
    ("alongside/cli.py", "alongside.common.request_context"): (
        "the pure subcommands (continuity, plan, match) run without importing Django"
    ),
}


def imports_inside_functions() -> set[tuple[str, str]]:
    """(module path, imported module) for every cross-app import inside a function."""
    found = set()
    for path in sorted((ROOT / "alongside").rglob("*.py")):
        relative = path.relative_to(ROOT)
        if "tests" in relative.parts or "migrations" in relative.parts:
            continue
        app = relative.parts[1].removesuffix(".py")
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for inner in ast.walk(node):
                names = []
                if isinstance(inner, ast.ImportFrom) and inner.module:
                    names = [inner.module]
                elif isinstance(inner, ast.Import):
                    names = [alias.name for alias in inner.names]
                for name in names:
                    parts = name.split(".")
                    if parts[0] == "alongside" and len(parts) > 1 and parts[1] != app:
                        found.add((str(relative), name))
    return found


def test_imports_inside_functions_are_only_the_justified_ones() -> None:
    assert imports_inside_functions() == set(IMPORTS_INSIDE_FUNCTIONS)
