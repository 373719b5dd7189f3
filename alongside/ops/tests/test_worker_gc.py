"""Each gunicorn worker freezes what it has loaded out of the garbage collector's sight, after
loading every view (decision 0137), with the config file gunicorn itself reads."""

from pathlib import Path

from alongside.ops.tests.test_worker_start import run_fresh

ROOT = Path(__file__).resolve().parents[3]
CONF = ROOT / "config" / "gunicorn.conf.py"

# In a process of its own: freezing is for the rest of a process's life.
CODE = """
import gc, runpy, sys
from gunicorn.config import Config
import config.wsgi
cfg = Config()
for name, value in runpy.run_path(sys.argv[1]).items():
    if name in cfg.settings:
        cfg.set(name, value)
before = gc.get_freeze_count()
views_before = "alongside.connections.views.volunteer_matching" in sys.modules
cfg.post_worker_init(object())
print(before < 1_000, views_before, gc.get_freeze_count() > 10_000,
      "alongside.connections.views.volunteer_matching" in sys.modules)
"""


def test_a_worker_loads_the_views_then_freezes_them(tmp_path: Path) -> None:
    printed = run_fresh(CODE, tmp_path, str(CONF))
    assert printed.split() == ["True", "False", "True", "True"]
