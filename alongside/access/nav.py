"""The main navigation, as data: each link names the rule that guards the page it leads to.

A link is shown only when its rule allows the viewer (so no one is shown a link to a 404). An
entry that is a tuple holds alternatives: the first one allowed is shown. Rules and badge counts
are named by string, so `access` imports no other app (see docs/architecture.md).
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property

import rules
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from alongside.access.models import Membership, Role


@dataclass(frozen=True)
class Link:
    label: StrOrPromise
    url_name: str
    rule: str
    # A function (membership) -> int, by dotted path: a number shown beside the label when > 0.
    badge: str = ""
    badge_class: str = "badge"
    badge_words: StrOrPromise = ""


# Where each role's home opens (after signing in and on "/"): on its work, not a welcome page.
# Roles not listed (supporters, volunteers) stay on "/": their people, with their own to do.
# Each home's page is guarded by a rule the role passes (access/tests/test_homes.py checks).
HOMES: dict[str, str] = {
    Role.COORDINATOR: "inbox:inbox",
    Role.ASSESSOR: "eligibility:foodbank",
    Role.SAFEGUARDING_LEAD: "safeguarding:concerns",
    Role.DATA_LEAD: "inbox:inbox",
    Role.FUNDER_VIEWER: "reports:report",
}


def home_url_name(membership: Membership | None) -> str | None:
    """The URL name of this membership's home page, when it is not "/" itself."""
    return HOMES.get(membership.role) if membership is not None else None


NAV: tuple[Link | tuple[Link, ...], ...] = (
    (
        Link(
            _("Inbox"),
            "inbox:inbox",
            "inbox.team",
            badge="alongside.inbox.queries.worker_requests_waiting_count",
            badge_words=_("waiting for a worker"),
        ),
        Link(_("To do"), "inbox:inbox", "inbox.own"),
    ),
    Link(_("My people"), "relationships:my_people", "relationships.my_people"),
    Link(_("Find a person"), "people:person_list", "people.find"),
    Link(_("Diary"), "scheduling:diary", "scheduling.set_availability"),
    Link(_("Spaces"), "spaces:list", "spaces.see"),
    (
        Link(_("Rota"), "rota:rota", "rota.manage"),
        Link(_("My shifts"), "rota:mine", "rota.mine"),
    ),
    Link(_("Directory"), "directory:search", "directory.read"),
    Link(_("Plan"), "scheduling:plan_list", "scheduling.plan"),
    Link(_("Matching"), "connections:matching", "connections.match"),
    Link(_("Volunteers"), "volunteers:list", "volunteers.manage"),
    Link(
        _("My lived experience"),
        "volunteers:my_lived_experience",
        "volunteers.own_lived_experience",
    ),
    (
        Link(_("Referrals in"), "referrals:incoming", "referrals.triage"),
        Link(_("Referral partners"), "referrals:partners", "referrals.manage_partners"),
    ),
    (
        Link(_("Training"), "training:expiring", "training.manage"),
        Link(_("My training"), "training:mine", "training.own_record"),
    ),
    Link(_("Team continuity"), "insights:team_continuity", "insights.team_continuity"),
    (
        Link(_("How it feels"), "measures:my_feedback", "measures.my_feedback"),
        Link(_("Questionnaires"), "measures:instruments", "measures.manage_instruments"),
    ),
    (
        Link(_("Learning"), "learning:team", "learning.team_figures"),
        Link(_("Spends"), "learning:spends", "learning.work_with_person"),
    ),
    Link(_("Foodbank"), "eligibility:foodbank", "eligibility.use"),
    Link(_("Concerns"), "safeguarding:concerns", "safeguarding.lead"),
    Link(_("Holds"), "safeguarding:holds", "safeguarding.lead"),
    Link(
        _("Overrides"),
        "safeguarding:overrides",
        "safeguarding.review_overrides",
        badge="alongside.safeguarding.queries.overrides_waiting_count",
        badge_words=_("waiting"),
    ),
    Link(
        _("History access"),
        "relationships:history_requests",
        "relationships.review_history",
        badge="alongside.relationships.queries.history_requests_waiting_count",
        badge_words=_("waiting"),
    ),
    Link(
        _("Merges to check"),
        "people:merge_proposals",
        "people.approve_merges",
        badge="alongside.people.queries.merges_waiting_count",
        badge_words=_("waiting"),
    ),
    Link(_("Gifts"), "rota:gifts", "rota.gifts"),
    Link(_("Learning report"), "reports:report", "reports.read"),
    Link(
        _("Data rights"),
        "rights:home",
        "rights.handle",
        badge="alongside.rights.queries.requests_open_count",
        badge_words=_("to answer"),
    ),
    Link(_("Audit log"), "audit:log", "audit.read_log"),
    Link(_("Archive"), "archive:list", "archive.export"),
    Link(_("Import"), "imports:start", "imports.import"),
    Link(_("Workers"), "workers:list", "access.manage_workers"),
    Link(_("Settings"), "access:organisation_settings", "access.change_settings"),
    Link(_("Our words"), "access:words", "access.change_words"),
    Link(
        _("Messages"),
        "access:notifications",
        "access.see_notifications",
        badge="alongside.access.queries.unread_count",
        badge_class="tag tag-new",
        badge_words=_("new"),
    ),
)


@dataclass(frozen=True)
class ShownLink:
    link: Link
    membership: Membership

    @property
    def label(self) -> StrOrPromise:
        return self.link.label

    @property
    def badge_class(self) -> str:
        return self.link.badge_class

    @property
    def badge_words(self) -> StrOrPromise:
        return self.link.badge_words

    @property
    def url(self) -> str:
        return reverse(self.link.url_name)

    @cached_property
    def badge(self) -> int:
        """Counted only when the template asks, so pages without the nav pay nothing."""
        if not self.link.badge:
            return 0
        count: Callable[[Membership], int] = import_string(self.link.badge)
        return count(self.membership)


def nav_for(membership: Membership | None) -> Iterator[ShownLink]:
    """The links this membership may follow, in order."""
    if membership is None:
        return
    for entry in NAV:
        for link in entry if isinstance(entry, tuple) else (entry,):
            if rules.test_rule(link.rule, membership):
                yield ShownLink(link, membership)
                break
