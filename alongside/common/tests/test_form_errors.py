"""One error pattern on every form (issue 13, part 6; the GOV.UK error summary).

Every page in the access matrix is opened by a persona allowed to use it; every form on it that
posts and asks for something (an input marked `required`) is sent with nothing filled in. The
answer must be the form again, at once (a 400, never a save or a redirect that hides the problem
until a second submit), with:

- "Error: " at the start of the page's title;
- one error summary at the top, each message a link to a field that is on the page;
- every message in plain English ("This field is required." nowhere);
- each field with an error tied to its message by `aria-describedby`.

And on every page, "(optional)" only on a field that really is optional (its input not `required`).
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
from django.db import transaction
from django.urls import reverse

from alongside.access.tests.samples import Samples
from alongside.access.tests.test_matrix import MATRIX, url_patterns
from alongside.testing.clock import SUMMER_MIDDAY

pytestmark = pytest.mark.time_machine(SUMMER_MIDDAY)

DJANGO_DEFAULTS = (
    "This field is required.",
    "Select a valid choice.",
    "Enter a whole number.",
    "Enter a valid date.",
    "Enter a number.",
)
# Pages whose forms need a second persona or a live link to be sent at all; each is covered by its
# own tests (named here so a new page is not skipped silently).
NOT_SENT_EMPTY = {
    "access:logout",  # signs you out
    "account_email",  # allauth's address page: each button does another thing (tests in accounts)
}
# allauth's own views answer a form with mistakes with 200 (its FormView); everything else is ours.
ALLAUTH = ("account_", "mfa_")


@dataclass
class Form:
    action: str
    method: str
    hidden: dict[str, str] = field(default_factory=dict)
    required: list[str] = field(default_factory=list)


class Page(HTMLParser):
    """The ids, the forms (with their hidden values and required inputs) and the labels of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.forms: list[Form] = []
        self.required_ids: set[str] = set()
        self.labels: list[tuple[str, str]] = []  # (for, text)
        self._label: list[str] | None = None
        self._label_for = ""
        self._form: Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "form":
            self._form = Form(action=a.get("action", ""), method=a.get("method", "get").lower())
            self.forms.append(self._form)
        elif tag in ("input", "select", "textarea") and self._form is not None:
            if a.get("type") == "hidden" and a.get("name"):
                self._form.hidden[a["name"]] = a.get("value", "")
            if "required" in a:
                self._form.required.append(a.get("name", ""))
                if "id" in a:
                    self.required_ids.add(a["id"])
        elif tag == "label":
            self._label, self._label_for = [], a.get("for", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "label" and self._label is not None:
            self.labels.append((self._label_for, " ".join("".join(self._label).split())))
            self._label = None

    def handle_data(self, data: str) -> None:
        if self._label is not None:
            self._label.append(data)


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


SUMMARY = re.compile(r'<div class="error-summary"[^>]*>(.*?)</div>', re.S)
LINK = re.compile(r'<a href="#([^"]+)"')
TITLE = re.compile(r"<title>\s*(.*?)\s*</title>", re.S)
DESCRIBED = re.compile(r'<(?:input|select|textarea|fieldset)\b[^>]*aria-describedby="([^"]*)"')


@pytest.fixture
def pages(world):
    """(URL name, URL, persona, HTML) for every page a persona may open, rolled back after."""
    samples = Samples(world)
    found = []
    for name, pattern in url_patterns():
        entry = MATRIX[name]
        if entry.method != "get" or name in NOT_SENT_EMPTY:
            continue
        subject = "*" if "*" in entry.allowed else "related"
        allowed = sorted(entry.allowed[subject])
        if not allowed:
            continue
        url = reverse(name, kwargs=samples.kwargs(pattern, "related"))
        client = world.client(allowed[0])
        with transaction.atomic():
            page = client.get(url)
            transaction.set_rollback(True)
        if page.status_code == 200 and "html" in page.get("Content-Type", ""):
            found.append((name, url, allowed[0], page.content.decode()))
    assert len(found) > 80
    return found


def test_optional_is_only_said_of_fields_that_are_optional(pages):
    problems = []
    for name, _url, _persona, html in pages:
        page = parse(html)
        for for_id, text in page.labels:
            if "(optional)" in text and for_id in page.required_ids:
                problems.append(f"{name}: “{text}” is required")
    assert problems == [], "\n".join(problems)


def test_every_form_sent_empty_shows_every_error_at_once_in_plain_english(world, pages):
    problems = []
    for name, url, persona, html in pages:
        for form in parse(html).forms:
            action = urljoin(url, form.action) if form.action else url
            if form.method != "post" or not form.required or action.endswith("/logout/"):
                continue
            client = world.client(persona)
            with transaction.atomic():
                response = client.post(action, form.hidden)
                transaction.set_rollback(True)
            where = f"{name} ({action}) as {persona}"
            expected = (200, 400) if name.startswith(ALLAUTH) else (400,)
            if response.status_code not in expected:
                problems.append(f"{where}: sent empty, answered {response.status_code}")
                continue
            body = response.content.decode()
            problems += [f"{where}: says “{text}”" for text in DJANGO_DEFAULTS if text in body]
            title = TITLE.search(body)
            if title and not title.group(1).startswith("Error: "):
                problems.append(f"{where}: title “{title.group(1)}”")
            summary = SUMMARY.search(body)
            if summary is None:
                problems.append(f"{where}: no error summary")
                continue
            first_field = body.find('class="field')
            if first_field != -1 and summary.start() > first_field:
                problems.append(f"{where}: the error summary is below a field, not at the top")
            ids = parse(body).ids
            links = LINK.findall(summary.group(1))
            if not links and "<li>" not in summary.group(1):
                problems.append(f"{where}: an empty error summary")
            problems += [f"{where}: links to #{i}, not on the page" for i in links if i not in ids]
            described = " ".join(DESCRIBED.findall(body)).split()
            problems += [
                f"{where}: #{i} is not tied to its message"
                for i in links
                # A radio group's link goes to its first choice (`_0`), a picker's to its
                # search box (`_search`, common/pickers.py): the message is the field's. A field
                # whose own name ends in `_0` (a list's first row) carries its own message.
                if f"{i}-error" not in described
                and f"{i.removesuffix('_0').removesuffix('_search')}-error" not in described
            ]
    assert problems == [], "\n".join(problems)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_form_in_the_project_speaks_plain_english():
    """Every form class of ours is built on `common.forms.Form`/`ModelForm`, or mixes in
    `PlainMessages` (allauth's and Django's password forms), so a new form cannot slip back to
    "This field is required."."""
    from django import forms as django_forms

    from alongside.common.forms import PlainMessages

    ours = {
        cls
        for cls in _subclasses(django_forms.BaseForm)
        if cls.__module__.startswith("alongside.") and ".tests" not in cls.__module__
    }
    assert len(ours) > 60
    unplain = sorted(
        f"{cls.__module__}.{cls.__qualname__}" for cls in ours if not issubclass(cls, PlainMessages)
    )
    assert unplain == []


def test_a_required_field_says_what_to_do_in_words_from_its_label():
    from django import forms as django_forms

    from alongside.common.forms import Form

    class Sample(Form):
        first_name = django_forms.CharField(label="First name", max_length=5)
        how = django_forms.ChoiceField(
            label="How", choices=[("a", "A")], widget=django_forms.RadioSelect
        )
        minutes = django_forms.IntegerField(label="Minutes", max_value=720)
        own = django_forms.CharField(
            label="Own words", error_messages={"required": "Tell us their words"}
        )

    form = Sample({"first_name": "too long", "minutes": "lots"})

    assert form.errors == {
        "first_name": ["First name must be 5 characters or fewer"],
        "how": ["Choose “How”"],
        "minutes": ["Enter “Minutes” as a whole number, like 20"],
        "own": ["Tell us their words"],
    }
    assert Sample({"minutes": "900"}).errors["minutes"] == ["“Minutes” must be 720 or less"]
    assert Sample({"how": "b"}).errors["how"] == ["Choose “How” from the list"]
