"""Demo stories (shared with agreement, synthetic) and what each team learned, for the report."""

from __future__ import annotations

import random
from datetime import date, timedelta

from alongside.access.models import Membership, Organisation, Role, Team
from alongside.people.models import Person
from alongside.reports.models import Story, TeamLearning

STORIES = (
    "I came in about a food voucher and ended up talking for an hour. Nobody had asked me how I "
    "was for months. I still come on Thursdays.",
    "Seeing the same person every time meant I didn't have to start from the beginning again. "
    "She remembered my son's name.",
    "I was sent from one office to another for weeks. Here someone rang the council with me and "
    "it was sorted in a day.",
    "I didn't think I'd use the walking group. Now I'm the one who brings the flask.",
    "They didn't make me prove anything before they listened. That made it easier to say what "
    "was really going on.",
    "When my worker was leaving she brought the new one to meet me. It felt like being handed "
    "over carefully, not passed on.",
)
LEARNED = (
    "People who saw the same worker came back to us sooner when things went wrong, instead of "
    "waiting for a crisis. Most failure demand was people chasing progress on referrals we had "
    "made to other services.",
    "Booking the named worker first, every time, and planning handovers with an introduction.",
)
WILL_CHANGE = (
    "We will agree a date with each service we refer to and ring the person ourselves before it "
    "passes, so they do not have to chase.",
    "We will keep two afternoons a week free of bookings for people who drop in.",
)


def build_reports(*, organisation: Organisation, seed: int, today: date) -> dict[str, int]:
    """A few stories people agreed to share, and each team's learning for the last quarter."""
    rng = random.Random(f"reports-{seed}")
    people = list(
        Person.objects.filter(organisation=organisation, contacts__isnull=False)
        .distinct()
        .order_by("pk")
        .values_list("pk", "team_id")
    )
    workers = list(
        Membership.objects.filter(
            organisation=organisation, role__in=[Role.SUPPORTER, Role.COORDINATOR]
        )
        .order_by("pk")
        .values_list("user_id", flat=True)
    )
    chosen = rng.sample(people, min(len(STORIES), len(people)))
    Story.objects.bulk_create(
        Story(
            organisation=organisation,
            team_id=team_id,
            person_id=person_id,
            in_their_words=words,
            told_on=today - timedelta(days=rng.randint(5, 170)),
            agreed_to_share=True,
            recorded_by_id=rng.choice(workers),
        )
        for (person_id, team_id), words in zip(chosen, STORIES, strict=False)
    )
    coordinators = dict(
        Membership.objects.filter(organisation=organisation, role=Role.COORDINATOR)
        .exclude(team=None)
        .values_list("team_id", "user_id")
    )
    quarter_end = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1) - timedelta(days=1)
    quarter_start = date(quarter_end.year, quarter_end.month - 2, 1)
    teams = list(Team.objects.filter(organisation=organisation, pk__in=list(coordinators)))
    TeamLearning.objects.bulk_create(
        TeamLearning(
            organisation=organisation,
            team=team,
            period_start=quarter_start,
            period_end=quarter_end,
            learned=LEARNED[i % len(LEARNED)],
            will_change=WILL_CHANGE[i % len(WILL_CHANGE)],
            written_by_id=coordinators[team.pk],
        )
        for i, team in enumerate(teams)
    )
    return {"stories": min(len(STORIES), len(people)), "team_learning": len(teams)}
