"""In Chromium: the data lead imports the demo's "previous system" export (Windows-1252, mixed
date forms, possible duplicates, unknown workers): dry run, match the columns, confirm. Every
page passes axe."""

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from alongside.conftest import World
from alongside.demo.previous_system import MAPPING, SOURCE, write_previous_system_export
from alongside.imports.models import ImportedRecord
from alongside.testing.browser import assert_no_axe_violations, log_in, screenshot
from alongside.testing.factories import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.time_machine("2026-12-06 10:00:00+00:00", tick=True)]
PASSWORD = "a long test password"
ROWS = 3000


def test_the_data_lead_imports_a_previous_systems_export(
    live_server, world: World, browser_page: Page, tmp_path
) -> None:
    for n in range(20):
        PersonFactory(team=world.team, date_of_birth=date(1960, 1, 1 + n))
    export = write_previous_system_export(world.org, tmp_path / "casebook.csv", rows=ROWS)
    assert b"\xeb" in export.read_bytes()  # Windows-1252's ë, not UTF-8's
    page = browser_page
    dana = world.user("dana")
    dana.set_password(PASSWORD)
    dana.save()
    log_in(page, live_server.url, username="dana", password=PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Import").click()
    expect(page.get_by_role("heading", name="Import records")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("File", exact=True).set_input_files(str(export))
    page.get_by_label("What the file holds").select_option("people")
    page.get_by_label("System it comes from").fill(SOURCE)
    page.get_by_role("button", name="Check the file").click()
    # Its columns are named its own way: match them once for this source.
    expect(page.get_by_role("heading", name="Errors")).to_be_visible()
    for position, column in enumerate(MAPPING):
        page.locator(f"#id_column_{position}").select_option(MAPPING[column])
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Save and check again").click()
    expect(page.get_by_role("button", name="Confirm the import")).to_be_visible()
    expect(page.get_by_role("heading", name="Check these")).to_be_visible()
    expect(page.get_by_text("May be the same person").first).to_be_visible()
    expect(page.get_by_text("No worker called").first).to_be_visible()
    assert not ImportedRecord.objects.exists()  # the dry run wrote nothing
    assert_no_axe_violations(page)
    screenshot(page, "import-dry-run")
    page.get_by_role("button", name="Confirm the import").click()
    expect(page.get_by_role("heading", name="What was imported")).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "import-done")
    created = ImportedRecord.objects.filter(source=SOURCE).count()
    assert 2800 < created < ROWS  # the possible duplicates were skipped
