"""The funder learning report: content, suppression, the command line, pages and PDF."""

import io
import uuid
from datetime import date, timedelta

import pypdfium2
import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from alongside.access.models import Organisation
from alongside.demo.builder import build_demo
from alongside.people.models import Person
from alongside.reports import services
from alongside.reports.content import PeriodError, build, parse_period
from alongside.reports.models import Story
from alongside.reports.render import render_html, render_pdf
from alongside.testing.factories import ContactFactory, PersonFactory, SpellFactory


def pdf_text(data: bytes) -> str:
    document = pypdfium2.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def this_year() -> tuple[date, date]:
    today = timezone.localdate()
    return today - timedelta(days=364), today


def people_with_contacts(world, n: int) -> list[Person]:
    people = []
    for i in range(n):
        person = PersonFactory(team=world.team, given_name=f"Zed{i}", family_name="Reportable")
        SpellFactory(person=person, worker=world.user("alice"))
        ContactFactory(
            person=person, worker=world.user("alice"), at=timezone.now() - timedelta(days=3)
        )
        people.append(person)
    return people


# The period ---------------------------------------------------------------------------------


def test_period_is_read_and_bad_periods_are_named():
    assert parse_period("2026-01-01..2026-06-30") == (date(2026, 1, 1), date(2026, 6, 30))
    for bad, words in [
        ("2026-01-01", "START..END"),
        ("2026-13-01..2026-06-30", "START"),
        ("2026-01-01..June", "END"),
        ("2026-06-30..2026-01-01", "before"),
        ("2020-01-01..2026-01-01", "three years"),
    ]:
        with pytest.raises(PeriodError, match=words):
            parse_period(bad)


# Suppression and content ---------------------------------------------------------------------


def test_counts_under_five_are_fewer_than_five_and_no_one_is_named(world):
    people_with_contacts(world, 3)
    html = render_html(build(world.org, *this_year()))
    assert "fewer than 5" in html
    assert "Reportable" not in html and "Pat Example" not in html
    for name in ("Alice", "Cara", "Colin"):
        assert name not in html  # never a figure per worker


def test_counts_of_five_or_more_are_shown(world):
    people_with_contacts(world, 6)
    content = build(world.org, *this_year())
    reach = {f.label: f.text for f in content.reach}
    assert reach["People we worked alongside"] == "6"
    assert reach["Conversations and meetings"] == "6"


def test_connection_section_shows_groups_with_small_numbers_withheld(world):
    from alongside.spaces.tests.helpers import attend, make_session, make_space

    people = people_with_contacts(world, 6)
    space = make_space(world.org, team=world.team, host=world.user("alice"), name="Zedclub")
    session = make_session(space, on=timezone.localdate() - timedelta(days=2))
    for person in people:
        attend(session, person)
    content = build(world.org, *this_year())
    figures = {f.label: f.value for f in content.sections["connection"].figures}
    assert figures["At a group or space"] == "6"
    assert figures["People introduced (both agreed)"] == "fewer than 5"
    html = render_html(content)
    assert "People connecting with each other" in html and "Zedclub" not in html
    assert "Reportable" not in html


def test_stories_appear_only_with_agreement_and_leave_when_withdrawn(world):
    words = "The hub was the first place that felt like a kitchen table."
    with pytest.raises(Exception) as refused:
        services.record_story(
            world.person,
            by=world.members["alice"],
            in_their_words=words,
            told_on=timezone.localdate(),
            agreed_to_share=False,
        )
    assert "agreed" in str(refused.value)
    assert not Story.objects.exists()
    story = services.record_story(
        world.person,
        by=world.members["alice"],
        in_their_words=words,
        told_on=timezone.localdate(),
        agreed_to_share=True,
    )
    assert "kitchen table" in render_html(build(world.org, *this_year()))
    services.withdraw_story(story, by=world.members["alice"])
    assert "kitchen table" not in render_html(build(world.org, *this_year()))


def test_no_target_versus_actual_tables(world):
    people_with_contacts(world, 6)
    html = render_html(build(world.org, *this_year())).lower()
    assert "target" not in html.replace("not for targets", "")


def test_the_pdf_draws_its_charts_as_images_as_weasyprint_draws_them_inline(world):
    """The PDF's charts go to WeasyPrint as `data:` URLs of their SVG (decision 0135): the PDF
    is the one the same document with the charts inline gives, page by page, charts included."""
    from weasyprint import HTML  # noqa: PLC0415 - as `render_pdf` imports it

    people_with_contacts(world, 6)
    content = build(world.org, *this_year())
    html = render_html(content, charts_as_images=True)
    assert html.count('<img src="data:image/svg+xml;base64,') == 3
    assert "<svg" not in html
    inline = pypdfium2.PdfDocument(HTML(string=render_html(content)).write_pdf())
    images = pypdfium2.PdfDocument(render_pdf(content))
    try:
        assert len(images) == len(inline)
        for drawn, expected in zip(images, inline, strict=True):
            assert drawn.get_textpage().get_text_range() == expected.get_textpage().get_text_range()
            assert drawn.render().to_pil().tobytes() == expected.render().to_pil().tobytes()
    finally:
        inline.close()
        images.close()
    assert "Number" in pdf_text(render_pdf(content))  # the activity chart's axis, in no table


# The command line ------------------------------------------------------------------------------


def _report(*args, **kwargs) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out, stderr=io.StringIO(), **kwargs)
    return out.getvalue()


def test_command_writes_html_and_pdf(world, tmp_path):
    people_with_contacts(world, 6)
    start, end = this_year()
    html = _report(period=f"{start}..{end}", organisation=world.org.slug)
    assert "what we learned" in html and "<html" in html
    target = tmp_path / "report.pdf"
    _report(period=f"{start}..{end}", format="pdf", output=str(target), organisation=world.org.slug)
    data = target.read_bytes()
    assert data.startswith(b"%PDF")
    assert "Who we worked alongside" in pdf_text(data)


def test_command_line_report_skips_the_system_checks(world, tmp_path):
    """From the command line a command runs Django's system checks first unless it says not to;
    they load every URL module (6 s of CPU on the large demo) and the report needs none of them.
    A check that always fails stops `alongside check`, not the report."""
    from django.core import checks
    from django.core.management.base import SystemCheckError

    from alongside.reports.management.commands.report import Command

    def always_fails(**kwargs):
        return [checks.Error("a failing check", id="reports.T001")]

    checks.register(always_fails)
    try:
        with pytest.raises(SystemCheckError, match="a failing check"):
            call_command("check")
        people_with_contacts(world, 6)
        start, end = this_year()
        target = tmp_path / "report.html"
        # As `run_from_argv` runs a command from the command line (call_command skips the
        # checks whatever the command says), without its closing the test's connection.
        command = Command()
        options = command.create_parser("alongside", "report").parse_args(
            [f"--period={start}..{end}", f"--output={target}", f"--organisation={world.org.slug}"]
        )
        command.execute(**vars(options))
        assert "Who we worked alongside" in target.read_text()
    finally:
        checks.registry.registry.registered_checks.discard(always_fails)


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"period": "2026-06-30..2026-01-01"}, "--period"),
        ({"period": "yesterday"}, "--period"),
        ({"period": "2026-01-01..2026-02-01", "organisation": "no-such-place"}, "--organisation"),
    ],
)
def test_command_refuses_bad_input_with_exit_2_and_writes_nothing(world, tmp_path, options, field):
    target = tmp_path / "report.html"
    with pytest.raises(CommandError) as error:
        _report(output=str(target), **options)
    assert error.value.returncode == 2
    assert field in str(error.value)
    assert not target.exists()


# The demo: reproducible, and free of support-sphere text -----------------------------------------


def test_report_is_reproducible_from_a_demo_seed(db):
    start, end = this_year()
    # Build, report, and roll the build back (the audit log refuses deletes on PostgreSQL,
    # so `--reset` is not available there), then build again from the same seed.
    with transaction.atomic():
        build_demo(people=60, seed=11)
        first = render_html(build(Organisation.objects.order_by("pk").first(), start, end))
        transaction.set_rollback(True)
    assert not Organisation.objects.exists()
    build_demo(people=60, seed=11)
    second = render_html(build(Organisation.objects.order_by("pk").first(), start, end))
    assert second == first
    assert "Who we worked alongside" in first


def test_report_never_holds_support_sphere_text(db):
    token = f"CANARY{uuid.uuid4().hex[:12]}"
    build_demo(people=60, canary=token)
    for organisation in Organisation.objects.all():
        content = build(organisation, *this_year())
        html = render_html(content)
        assert token not in html
        assert token not in pdf_text(render_pdf(content))
        for person in Person.objects.filter(organisation=organisation)[:50]:
            assert person.display_name not in html


# Pages and personas --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["colin", "dana", "fern"])
def test_report_readers_see_the_page_and_pdf(world, name):
    client = world.client(name)
    assert client.get(reverse("reports:report")).status_code == 200
    response = client.get(reverse("reports:report_download") + "?format=pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


@pytest.mark.parametrize("name", ["alice", "cara", "vic", "amir", "sam", "olly"])
def test_other_roles_cannot_read_reports(world, name):
    client = world.client(name)
    assert client.get(reverse("reports:report")).status_code == 404
    assert client.get(reverse("reports:report_download")).status_code == 404


def test_bad_period_on_the_page_is_answered(world):
    response = world.client("fern").get(
        reverse("reports:report") + "?start=2026-06-30&end=2026-01-01"
    )
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()


def test_story_page_records_with_agreement_only(world):
    client = world.client("alice")
    url = reverse("reports:record_story", args=[world.person.pk])
    today = timezone.localdate().isoformat()
    refused = client.post(url, {"in_their_words": "Words", "told_on": today})
    assert refused.status_code == 400 and not Story.objects.exists()
    done = client.post(url, {"in_their_words": "Words", "told_on": today, "agreed_to_share": "on"})
    assert done.status_code == 302 and Story.objects.count() == 1
    assert world.client("amir").get(url).status_code == 404
    assert world.client("olly").get(url).status_code == 404


def test_team_learning_and_settings_pages(world):
    start, end = this_year()
    response = world.client("colin").post(
        reverse("reports:team_learning"),
        {
            "team": world.team.pk,
            "period_start": start.isoformat(),
            "period_end": end.isoformat(),
            "learned": "People came back when they saw the same face.",
            "will_change": "Book the named worker first, every time.",
        },
    )
    assert response.status_code == 302
    assert "same face" in render_html(build(world.org, start, end))
    assert world.client("alice").get(reverse("reports:team_learning")).status_code == 404
    bad = world.client("dana").post(
        reverse("reports:report_settings"), {"volunteer_hour_rate": "-3"}
    )
    assert bad.status_code == 400
    ok = world.client("dana").post(
        reverse("reports:report_settings"), {"volunteer_hour_rate": "12.60"}
    )
    assert ok.status_code == 302
    assert world.client("colin").get(reverse("reports:report_settings")).status_code == 404


def test_new_people_are_those_without_an_earlier_contact_counted_once(world):
    """Reach counts people, not contacts: earlier contacts of one person count them once."""
    people = people_with_contacts(world, 7)
    start, end = this_year()
    for person in people[:2]:
        for days in (400, 500, 600):
            ContactFactory(
                person=person, worker=world.user("alice"), at=timezone.now() - timedelta(days)
            )
    content = build(world.org, start, end)
    reach = {f.label: f.text for f in content.reach}
    assert reach["People we worked alongside"] == "7"
    assert reach["Of them, new to us in this period"] == "5"
    assert reach["Conversations and meetings"] == "7"
    people_seen = dict(content.activity[0].points)
    assert sum(value or 0 for value in people_seen.values()) == 7
