"""Time the learning report's rendering alone (HTML, PDF), from one built content, per code tree.

    # once, on the demo copy: build the 12-month report's content and keep it
    DATABASE_URL=sqlite:////tmp/large.sqlite3 DJANGO_SECRET_KEY=x DJANGO_ALLOWED_HOSTS='*' \
        .venv/bin/python bench/report_render.py <tree> --build /tmp/report-content.pickle
    # then, a fresh process per tree (old, new, old, new ...): render what was kept
    ... .venv/bin/python bench/report_render.py <tree> --render /tmp/report-content.pickle

`<tree>` is a code tree put first on the path (this checkout, or `git archive <commit> alongside
config templates | tar -x -C /tmp/base`). Rendering reads no database: the content holds its
rows. Printed, CPU seconds (`time.process_time`): the first HTML (with the imports it makes), the
first PDF after it, then the best of three of each; the resident size before and the peak after.
"""

import os
import pickle
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(sys.argv[1]).resolve()))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django  # noqa: E402 - after choosing the tree

django.setup()

from alongside.access.models import Organisation  # noqa: E402
from alongside.reports import content as report  # noqa: E402
from alongside.reports import render  # noqa: E402

START, END = date(2025, 12, 1), date(2026, 11, 30)


def status(key: str) -> int:
    return int(Path("/proc/self/status").read_text().split(key + ":")[1].split()[0]) // 1024


def cpu(function, *args):  # type: ignore[no-untyped-def]
    began = time.process_time()
    result = function(*args)
    return time.process_time() - began, result


def main() -> None:
    mode, path = sys.argv[2], Path(sys.argv[3])
    if mode == "--build":
        organisation = Organisation.objects.order_by("pk").first()
        assert organisation is not None
        seconds, built = cpu(report.build, organisation, START, END)
        path.write_bytes(pickle.dumps(built))
        print(f"built in {seconds:.2f} s CPU, {path.stat().st_size:,} bytes kept")
        return
    built = pickle.loads(path.read_bytes())  # noqa: S301 - our own file, just written
    print("before rendering: rss MB", status("VmRSS"))
    first_html, html = cpu(render.render_html, built)
    first_pdf, pdf = cpu(render.render_pdf, built)
    htmls = [cpu(render.render_html, built)[0] for _ in range(3)]
    pdfs = [cpu(render.render_pdf, built)[0] for _ in range(3)]
    print(f"html {len(html):,} bytes, pdf {len(pdf):,} bytes")
    print(f"first html {first_html:6.3f} s   first pdf {first_pdf:6.3f} s")
    print(f"html best  {min(htmls):6.3f} s   pdf best  {min(pdfs):6.3f} s")
    print("peak MB", status("VmHWM"), "rss after MB", status("VmRSS"))
    if len(sys.argv) > 4:
        Path(sys.argv[4]).write_bytes(pdf)


if __name__ == "__main__":
    main()
