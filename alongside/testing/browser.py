"""Helpers for real-browser tests: Debian's Chromium driven by Playwright, checked with axe.

Playwright never downloads a browser here: it drives the `chromium` on PATH (`make browser`
installs it). Django's database calls refuse to run while Playwright's event loop exists, so a
test that uses `chromium_page()` together with `live_server` sets DJANGO_ALLOW_ASYNC_UNSAFE.

Set ALONGSIDE_SCREENSHOTS to a folder to have `screenshot()` save each page at 1280 and 375 px.
"""

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect, sync_playwright

from alongside.testing.totp import TEST_TOTP_SECRET, totp_code

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # tests run as root in CI containers, where the sandbox cannot start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


@contextmanager
def chromium_page() -> Iterator[Page]:
    """A page in a fresh Chromium profile at desktop width; the browser closes afterwards."""
    executable = shutil.which("chromium")
    if executable is None:
        raise RuntimeError("Chromium is not installed: run `apt-get install chromium`.")
    with sync_playwright() as playwright:
        # launch() gives every run a new temporary profile (user data dir) and removes it after.
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport=DESKTOP, locale="en-GB")
            yield context.new_page()
        finally:
            browser.close()


_axe = Axe()


def assert_no_axe_violations(page: Page) -> None:
    """axe-core finds no accessibility violations on the page as it is now.

    Text the same colour as its background is not a violation to axe but "needs review" (it
    may be hidden on purpose): a white organisation name on a white header passed that way
    (issue 13). Here it fails like a violation."""
    results = _axe.run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"
    invisible = [
        node["target"]
        for rule in results.response.get("incomplete", [])
        if rule["id"] == "color-contrast"
        for node in rule["nodes"]
        if any(check.get("data", {}).get("messageKey") == "equalRatio" for check in node["any"])
    ]
    assert invisible == [], f"{page.url}: text the colour of its background: {invisible}"


def log_in(
    page: Page,
    base_url: str,
    *,
    username: str,
    password: str,
    totp_secret: str = TEST_TOTP_SECRET,
) -> None:
    """Sign in through the sign-in page (checked with axe) and wait to leave it. Where the account
    has an authenticator app, the second step is answered with the code for `totp_secret` (the
    factories' secret unless given; checked with axe too)."""
    page.goto(f"{base_url}/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert_no_axe_violations(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    if "/2fa/authenticate/" in page.url:
        expect(page.get_by_role("heading", level=1)).to_have_text("Two-step sign-in")
        assert_no_axe_violations(page)
        page.get_by_label("Code").fill(totp_code(totp_secret))
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/2fa/authenticate/" not in url)


def screenshot(page: Page, name: str) -> None:
    """Save full-page screenshots at 1280 and 375 px wide when ALONGSIDE_SCREENSHOTS is set."""
    folder = os.environ.get("ALONGSIDE_SCREENSHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    original = page.viewport_size
    for label, size in (("1280", DESKTOP), ("375", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=Path(folder) / f"{name}-{label}.png", full_page=True)
    if original is not None:
        page.set_viewport_size(original)
