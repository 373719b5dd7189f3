"""Each gunicorn worker freezes what it has loaded out of the garbage collector's sight, after
loading every view (decision 0137), with the config file gunicorn itself reads."""

from pathlib import Path

from alongside.ops.tests.test_worker_start import GUNICORN_CONF, LOAD_GUNICORN_CONF, run_fresh

# In a process of its own: freezing is for the rest of a process's life.
CODE = (
    LOAD_GUNICORN_CONF
    + """
import gc
import config.wsgi
before = gc.get_freeze_count()
views_before = "alongside.connections.views.volunteer_matching" in sys.modules
cfg.post_worker_init(object())
print(before < 1_000, views_before, gc.get_freeze_count() > 10_000,
      "alongside.connections.views.volunteer_matching" in sys.modules)
"""
)


def test_a_worker_loads_the_views_then_freezes_them(tmp_path: Path) -> None:
    printed = run_fresh(CODE, tmp_path, str(GUNICORN_CONF))
    assert printed.split() == ["True", "False", "True", "True"]
