"""An app server process starts without importing SciPy (issue 17: 0.6 s per gunicorn worker),
matplotlib or numpy (the report's charts).

`alongside.measures.stats` imports SciPy where a quantile is computed, not at import, and
`alongside.reports.charts` imports matplotlib (and with it numpy) where a chart is drawn; every
URL and view module is loaded here as a worker loads them on its first request.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
# gunicorn's config file, read as gunicorn reads it into `cfg` (argument 1), for code run fresh.
GUNICORN_CONF = ROOT / "config" / "gunicorn.conf.py"
LOAD_GUNICORN_CONF = """
import runpy, sys
from gunicorn.config import Config
cfg = Config()
for name, value in runpy.run_path(sys.argv[1]).items():
    if name in cfg.settings:
        cfg.set(name, value)
"""
CODE = """
import sys
import config.wsgi
from django.urls import get_resolver
get_resolver().url_patterns  # every URL module and the views they import
print(sorted({"scipy", "matplotlib", "numpy"} & sys.modules.keys()))
"""


def run_fresh(code: str, tmp_path: Path, *arguments: str) -> str:
    """What `code` prints, run by this interpreter in a process of its own, with the app's
    settings on an unused SQLite file."""
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        "ALONGSIDE_VAR_DIR": str(tmp_path),
    }
    done = subprocess.run(  # noqa: S603 - this interpreter, fixed code
        [sys.executable, "-c", code, *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_loading_the_app_does_not_import_scipy_matplotlib_or_numpy(tmp_path: Path) -> None:
    assert run_fresh(CODE, tmp_path).strip() == "[]"


def test_the_statistics_still_use_scipy_when_asked() -> None:
    from alongside.measures.stats import paired_change  # noqa: PLC0415 - after the check above

    change = paired_change([(1.0, 2.0), (2.0, 4.0), (3.0, 3.5), (1.0, 1.0), (2.0, 5.0)])
    assert change.ci_low is not None
    assert "scipy" in sys.modules


def test_the_report_still_draws_its_charts_with_matplotlib() -> None:
    from alongside.reports.charts import line_chart  # noqa: PLC0415 - after the check above

    svg = line_chart(["Jan", "Feb"], [("People", [3.0, None])], y_label="n", chart_id="c")
    assert svg.startswith("<svg")
    assert 'id="c-' in svg
    assert "matplotlib" in sys.modules
