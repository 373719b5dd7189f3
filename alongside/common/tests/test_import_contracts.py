"""The import contracts in pyproject.toml hold, and they bite: a forbidden import breaks the build.

Each case copies the source tree, adds one forbidden import to the copy and runs the real
`lint-imports` against it, so the check is the one `make test` runs.
"""

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
            "alongside/learning/services.py",
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
            "Common, access and audit are foundations: they import no domain app",
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
    assert f"{contract} BROKEN" in result.stdout
