"""Query-count guard on "who saw my record": the same count with 1 line as with 3."""

from django.urls import reverse

from alongside.safeguarding import services as safeguarding
from alongside.testing.factories import MembershipFactory, UserFactory
from alongside.testing.helpers import assert_constant_queries


def test_access_log_queries_are_constant(world):
    def add(n):
        for _ in range(n):
            # Each line by a different worker, so the actor and their role are read for each.
            raiser = MembershipFactory(organisation=world.org, user=UserFactory())
            safeguarding.raise_concern(
                world.person,
                by=raiser,
                category="other",
                what_happened="Something worrying",
                immediate_risk=False,
            )

    url = reverse("people:access_log", args=[world.person.pk])
    assert_constant_queries(world.client("dana"), url, add)
    html = world.client("dana").get(url).content.decode()
    assert html.count("raised a safeguarding concern") == 3
