"""Sample objects for every connections URL converter, per subject, for the access matrix.

`connection_samples(people, owners)` takes the matrix's subjects (`{"related": Pat,
"unrelated": Una, "other": Quinn}`) and their owners (`{"related": alice, "unrelated": wes,
"other": olly}`, users) and returns, per converter name, subject -> value:

- `introduction_id`: a person-and-group introduction suggested by the owner, not asked yet;
- `side_id`: the person's side of an introduction that has been asked (waiting for an answer);
- `introduced_side_id`: the person's side of an introduction both sides agreed to;
- `group_id`: a group (`spaces.Space`) hosted by the owner;
- `connection_token`: a fresh one-time token for the waiting side (for `connections_answer`,
  whose converter is named `token`: see the report on how the matrix chooses it).

Each subject also gets a connections profile recorded by its owner.
"""

from __future__ import annotations

from typing import Any

from alongside.access.models import Membership
from alongside.connections import services
from alongside.connections.models import IntroductionSide


def connection_samples(people: dict[str, Any], owners: dict[str, Any]) -> dict[str, dict[str, Any]]:
    from alongside.spaces.models import Space

    out: dict[str, dict[str, Any]] = {
        "introduction_id": {},
        "side_id": {},
        "introduced_side_id": {},
        "group_id": {},
        "connection_token": {},
    }
    for subject, person in people.items():
        owner = Membership.objects.get(user=owners[subject], organisation=person.organisation)
        services.save_person_profile(person, by=owner, in_their_words="Matrix profile")
        spaces = [
            Space.objects.create(
                organisation=person.organisation,
                name=f"Matrix group {subject} {n}",
                venue="The hall",
                host=owner.user,
            )
            for n in range(3)
        ]
        proposed = services.propose(person, by=owner, space=spaces[0])
        asked = services.propose(person, by=owner, space=spaces[1])
        (token,) = services.ask(asked, by=owner).values()
        introduced = services.propose(person, by=owner, space=spaces[2])
        services.ask(introduced, by=owner)
        done = IntroductionSide.objects.for_system("matrix sample").get(introduction=introduced)
        services.answer(done, agree=True)
        out["introduction_id"][subject] = proposed.pk
        out["side_id"][subject] = (
            IntroductionSide.objects.for_system("matrix sample").get(introduction=asked).pk
        )
        out["introduced_side_id"][subject] = done.pk
        out["group_id"][subject] = spaces[0].pk
        out["connection_token"][subject] = token
    return out
