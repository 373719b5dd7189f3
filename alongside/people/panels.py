"""Panels on the person page, each registered by the app it belongs to.

`people` imports none of those apps: an app adds a panel from its own `person_panels.py`
module, which `PeopleConfig.ready()` imports for every installed app (Django's
`autodiscover_modules`), by calling `register_person_panel(PersonPanel(...))`. The same module may
add entries to the person's timeline with `register_timeline_source(name, entries)`: a function
of `(membership, person)` returning `relationships.queries.TimelineEntry` values, each naming the
template that draws it (drawn with `entry` in its context).

- `order`: where it goes between the person's header and their timeline (lowest first);
- `template`: the template that draws it;
- `context(membership, person)`: what that template reads, and nothing else, as an inclusion
  tag's template does. None: the template is drawn with the page's own context (`page`, a
  `people.page.PersonPage`, `person`, `membership`, `request`), for a panel drawn by its app's
  template tag, or one that shows a part of the page's value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from alongside.access.models import Membership
    from alongside.people.models import Person

PanelContext = Callable[["Membership", "Person"], Mapping[str, Any]]
TimelineSource = Callable[["Membership", "Person"], list[Any]]


@dataclass(frozen=True)
class PersonPanel:
    name: str
    order: int
    template: str
    context: PanelContext | None = None


_panels: dict[str, PersonPanel] = {}


def register_person_panel(panel: PersonPanel) -> PersonPanel:
    """Add `panel` to the person page (a panel of the same name is replaced)."""
    _panels[panel.name] = panel
    return panel


def person_panels() -> list[PersonPanel]:
    """The registered panels in page order."""
    return sorted(_panels.values(), key=lambda panel: (panel.order, panel.name))


_timeline_sources: dict[str, TimelineSource] = {}


def register_timeline_source(name: str, entries: TimelineSource) -> TimelineSource:
    """Add an app's entries to the person's timeline (a source of the same name is replaced)."""
    _timeline_sources[name] = entries
    return entries


def timeline_sources() -> list[TimelineSource]:
    return [_timeline_sources[name] for name in sorted(_timeline_sources)]


# What a panel and a timeline source of the same app both read, read once per page (issue 17).
_page_reads: ContextVar[dict[tuple[str, int, int], Any] | None] = ContextVar(
    "person_page_reads", default=None
)


@contextmanager
def one_page() -> Iterator[None]:
    """Inside, `read_once` answers a second ask for the same read from the first (the person
    page: an app's panel and its timeline entries read the same rows). Only around a page that
    reads; outside it every call reads again."""
    token = _page_reads.set({})
    try:
        yield
    finally:
        _page_reads.reset(token)


def read_once[T](name: str, membership: Membership, person: Person, read: Callable[[], T]) -> T:
    """`read()`, or inside `one_page()` the value it gave the first time for the same name,
    viewer and person."""
    reads = _page_reads.get()
    if reads is None:
        return read()
    key = (name, membership.pk, person.pk)
    if key not in reads:
        reads[key] = read()
    value: T = reads[key]
    return value
