"""Query-count guard on the notifications list: the same count with 1 message as with 3."""

from django.urls import reverse

from alongside.access.services import notify
from alongside.testing.helpers import assert_constant_queries


def test_notifications_queries_are_constant(world):
    sent = []

    def add(n):
        for _ in range(n):
            sent.append(f"Message {len(sent)} for the query count")
            notify([world.user("alice")], organisation_id=world.org.pk, text=sent[-1], url="/")

    assert_constant_queries(world.client("alice"), reverse("access:notifications"), add)
    html = world.client("alice").get(reverse("access:notifications")).content.decode()
    assert len(sent) == 3 and all(text in html for text in sent)
