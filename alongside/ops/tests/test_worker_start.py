"""An app server process starts without importing SciPy (issue 17: 0.6 s per gunicorn worker).

`alongside.measures.stats` imports it where a quantile is computed, not at import; every URL
and view module is loaded here as a worker loads them on its first request.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
CODE = """
import sys
import config.wsgi
from django.urls import get_resolver
get_resolver().url_patterns  # every URL module and the views they import
print("scipy" in sys.modules)
"""


def test_loading_the_app_does_not_import_scipy(tmp_path: Path) -> None:
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        "ALONGSIDE_VAR_DIR": str(tmp_path),
    }
    done = subprocess.run(  # noqa: S603 - this interpreter, fixed code
        [sys.executable, "-c", CODE], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"


def test_the_statistics_still_use_scipy_when_asked() -> None:
    from alongside.measures.stats import paired_change  # noqa: PLC0415 - after the check above

    change = paired_change([(1.0, 2.0), (2.0, 4.0), (3.0, 3.5), (1.0, 1.0), (2.0, 5.0)])
    assert change.ci_low is not None
    assert "scipy" in sys.modules
