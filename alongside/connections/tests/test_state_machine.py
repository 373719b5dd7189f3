"""The introduction's life as a state machine (hypothesis): ask, agree, decline, let time pass,
expire, withdraw, in any order, checked after every step against the real pages.

Invariants:
- introduced exactly when every side agreed (and then never changes back);
- before that, neither side's link page nor the other side's worker's page names the other
  person, or says what they answered;
- a "no" is never visible to the other side (their link page) or their worker (the introduction
  page, the person's connections page, the person page) — they read "not going ahead" at most;
- an expired invitation cannot be answered: the link refuses and nothing changes.
"""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from alongside.access.models import Role
from alongside.connections import queries, services
from alongside.connections.models import Answer, Introduction, IntroductionSide, Status
from alongside.testing.factories import (
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    SpellFactory,
    TeamFactory,
    UserFactory,
)
from alongside.testing.helpers import reset_rate_limits

FORBIDDEN = ("declin", "said no", "refus", "rejected", "rather not")


def mentions(page: str, name: str) -> bool:
    """The name as a word: a random CSRF token on the page may hold the letters "Pat" by chance."""
    return re.search(rf"\b{re.escape(name)}\b", page) is not None


SIDES = ("Pat", "Una")
REAL_NOW = timezone.now


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _around(page: str, word: str) -> str:
    at = page.find(word)
    return page[max(0, at - 300) : at + 100]


class IntroductionMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.offset = timedelta(0)
        self.clock = mock.patch.object(timezone, "now", lambda: REAL_NOW() + self.offset)
        self.clock.start()
        n = id(self)
        org = OrganisationFactory(name="Machine Hub", slug=f"machine-{n}")
        links, food = (TeamFactory(organisation=org, name=t) for t in ("Links", "Food"))
        self.alice = MembershipFactory(
            organisation=org,
            role=Role.SUPPORTER,
            user=UserFactory(username=f"alice-{n}", first_name="Alice", last_name="Worker"),
        )
        self.colin = MembershipFactory(
            organisation=org,
            role=Role.COORDINATOR,
            team=links,
            user=UserFactory(username=f"colin-{n}", first_name="Colin", last_name="Worker"),
        )
        self.wes = MembershipFactory(
            organisation=org,
            role=Role.SUPPORTER,
            user=UserFactory(username=f"wes-{n}", first_name="Wes", last_name="Worker"),
        )
        self.people = {
            "Pat": PersonFactory(team=links, given_name="Pat", family_name="Zzpat"),
            "Una": PersonFactory(team=food, given_name="Una", family_name="Zzuna"),
        }
        SpellFactory(person=self.people["Pat"], worker=self.alice.user)
        SpellFactory(person=self.people["Una"], worker=self.wes.user)
        # Each side's workers who did not suggest it: colin (Pat's coordinator) and wes (Una's).
        # (Signed in afresh for every page: the mocked clock would otherwise end the session.)
        self.worker_users = {"Pat": self.colin.user, "Una": self.wes.user}
        self.public = Client()
        self.intro = services.propose(self.people["Pat"], by=self.alice, other=self.people["Una"])
        self.sides = {
            s.person.given_name: s
            for s in IntroductionSide.objects.for_system("test")
            .filter(introduction=self.intro)
            .select_related("person")
        }
        self.tokens: dict[str, str] = {}
        self.answers = {name: Answer.WAITING for name in SIDES}
        self.ever_introduced = False
        self.asked = False

    def teardown(self) -> None:
        self.clock.stop()
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    # helpers
    def worker(self, name: str) -> Client:
        return _client(self.worker_users[name])

    def stored(self) -> Introduction:
        return Introduction.objects.for_system("test").get(pk=self.intro.pk)

    def link_page(self, name: str, data: dict | None = None):
        reset_rate_limits()
        url = f"/connections/i/{self.tokens[name]}/"
        return self.public.post(url, data) if data is not None else self.public.get(url)

    def status(self) -> str:
        return queries.effective_status(self.stored())

    # rules
    @precondition(lambda self: not self.tokens and not self.asked)
    @rule()
    def ask(self) -> None:
        self.asked = True
        try:
            issued = services.ask(self.intro, by=self.alice)
        except services.Closed:
            assert self.status() == Status.WITHDRAWN  # only a suggestion not yet asked is asked
            return
        self.tokens = {name: issued[side.pk] for name, side in self.sides.items()}

    @precondition(lambda self: bool(self.tokens))
    @rule(name=st.sampled_from(SIDES), agree=st.booleans(), share=st.booleans())
    def answer_by_link(self, name: str, agree: bool, share: bool) -> None:
        open_before = self.status() == Status.ASKING
        waiting = self.answers[name] == Answer.WAITING
        data = {"agree": "yes" if agree else "no"}
        if share:
            data |= {"share_first_name": "on", "share_contact": "on", "contact_way": "07700 900555"}
        response = self.link_page(name, data)
        if open_before and waiting:
            assert response.status_code == 302
            self.answers[name] = Answer.AGREED if agree else Answer.DECLINED
        elif waiting:
            # Expired, withdrawn or closed by the other side: refused, nothing saved (and a
            # month after it ended the link stops working altogether).
            assert response.status_code in (404, 410)
        side = IntroductionSide.objects.for_system("test").get(pk=self.sides[name].pk)
        assert side.answer == self.answers[name]

    @precondition(lambda self: bool(self.tokens))
    @rule(days=st.integers(min_value=1, max_value=20))
    def time_passes(self, days: int) -> None:
        self.offset += timedelta(days=days)

    @rule()
    def expiry_task_runs(self) -> None:
        services.expire_due()

    @rule()
    def withdraw(self) -> None:
        try:
            services.withdraw(self.intro, by=self.alice)
        except services.Closed:
            assert self.status() not in (Status.PROPOSED, Status.ASKING)

    # invariants
    @invariant()
    def introduced_only_when_both_agreed(self) -> None:
        status = self.status()
        both = all(a == Answer.AGREED for a in self.answers.values())
        assert (status == Status.INTRODUCED) == both
        if self.ever_introduced:
            assert status == Status.INTRODUCED
        self.ever_introduced = status == Status.INTRODUCED

    @invariant()
    def nothing_about_the_other_side_before_both_agree(self) -> None:
        if self.status() == Status.INTRODUCED or not self.tokens:
            return
        for name, other in (("Pat", "Una"), ("Una", "Pat")):
            page = self.link_page(name).content.decode()
            assert not mentions(page, other) and "07700 900555" not in page
            worker_page = (
                self.worker(name)
                .get(f"/connections/introductions/{self.intro.pk}/")
                .content.decode()
            )
            assert not mentions(worker_page, other)

    @invariant()
    def a_no_is_never_visible_to_the_other_side(self) -> None:
        for name, other in (("Pat", "Una"), ("Una", "Pat")):
            if self.answers[other] != Answer.DECLINED:
                continue
            pages = [
                self.worker(name).get(f"/connections/introductions/{self.intro.pk}/"),
                self.worker(name).get(f"/connections/people/{self.people[name].pk}/"),
                self.worker(name).get(f"/people/{self.people[name].pk}/"),
            ]
            if self.tokens:
                pages.append(self.link_page(name))
            for response in pages:
                text = response.content.decode().lower()
                assert response.status_code in (200, 404, 410), response.status_code
                assert not any(word in text for word in FORBIDDEN), text


@pytest.mark.django_db
def test_introduction_state_machine() -> None:
    run_state_machine_as_test(
        IntroductionMachine,
        settings=settings(
            max_examples=20,
            stateful_step_count=8,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
