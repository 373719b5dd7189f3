"""Who works where, and the people whose stories every demo login needs to see.

`plan_town` builds the whole town (without contacts). The `supporter` login's caseload is written
by hand so that "my people" shows every priority; everyone else comes from `town.generic_person`.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from alongside.access.models import Role
from alongside.demo import names
from alongside.demo.town import (
    ADVICE,
    FOODBANK,
    HILLSIDE,
    HILLSIDE_TEAM,
    LINK,
    POD_SIZE,
    RANDOM_FOLLOW_UP,
    RIVERSIDE,
    Calendar,
    HandoverPlan,
    OrgPlan,
    PersonPlan,
    RequestPlan,
    SpellPlan,
    Town,
    WorkerPlan,
    generic_person,
    hand_over,
    identity,
    new_person,
    role_capacity,
    username_width,
)
from alongside.relationships.models import Handover, SpellReason, WorkerRequest

# username, organisation, role, team
LOGINS: tuple[tuple[str, str, str, str | None], ...] = (
    ("supporter", RIVERSIDE, Role.SUPPORTER, LINK),
    ("volunteer", RIVERSIDE, Role.VOLUNTEER, LINK),
    ("coordinator", RIVERSIDE, Role.COORDINATOR, LINK),
    ("assessor", RIVERSIDE, Role.ASSESSOR, FOODBANK),
    ("safeguarding", RIVERSIDE, Role.SAFEGUARDING_LEAD, None),
    ("datalead", RIVERSIDE, Role.DATA_LEAD, None),
    ("funder", RIVERSIDE, Role.FUNDER_VIEWER, None),
    ("outsider", HILLSIDE, Role.SUPPORTER, HILLSIDE_TEAM),
)
ORGANISATION_NAMES = {RIVERSIDE: "Riverside Community Hub", HILLSIDE: "Hillside Advice Centre"}
TOWN_NAMES = {RIVERSIDE: "Riverside", HILLSIDE: "Hillside"}
SUPPORTER_ROUTINE = 11  # plus 11 people with a particular story: a caseload of 22
VOLUNTEER_CASELOAD = 5
LEAVING_CASELOAD = 3
STORY_PEOPLE = 11 + SUPPORTER_ROUTINE + VOLUNTEER_CASELOAD + LEAVING_CASELOAD
MIN_PEOPLE = 40
HILLSIDE_PEOPLE = 20
TEAM_WEIGHTS = {FOODBANK: 0.2, ADVICE: 0.35, LINK: 0.45}


@dataclass
class Cast:
    """The workers the stories are about."""

    supporter: int
    volunteer: int
    coordinator: int
    recent_leaver: int  # left a week ago; their people were handed over in the last weeks
    earlier_leaver: int
    leaving: int  # leaves in three weeks
    stable: list[int] = field(default_factory=list)  # Link workers who stay throughout


def plan_town(
    *, seed: int, people: int, years: int, today: date, canary: str | None = None
) -> Town:
    """The whole town without its contacts. Raises ValueError for sizes it cannot build."""
    if people < MIN_PEOPLE:
        raise ValueError(f"--people must be at least {MIN_PEOPLE}")
    if years < 1:
        raise ValueError("--years must be at least 1")
    calendar = Calendar(today, years)
    rng = random.Random(f"{seed}:town")
    riverside = OrgPlan(RIVERSIDE, ORGANISATION_NAMES[RIVERSIDE], (FOODBANK, ADVICE, LINK),
                        tuple(TEAM_WEIGHTS[t] for t in (FOODBANK, ADVICE, LINK)))  # fmt: skip
    hillside = OrgPlan(HILLSIDE, ORGANISATION_NAMES[HILLSIDE], (HILLSIDE_TEAM,), (1.0,))
    town = Town(seed, calendar, canary, [riverside, hillside], workers=[])
    cast = _hire(town, rng, people)
    town.index_pools()
    plans = _stories(town, riverside, cast)
    plans += [generic_person(town, riverside, str(i), TOWN_NAMES[RIVERSIDE])
              for i in range(people - STORY_PEOPLE)]  # fmt: skip
    plans += [generic_person(town, hillside, str(i), TOWN_NAMES[HILLSIDE])
              for i in range(HILLSIDE_PEOPLE)]  # fmt: skip
    plans.sort(key=lambda p: (p.first_day, p.org, p.stream))  # ids follow the order people came
    for index, person in enumerate(plans):
        person.index = index
        for handover in person.handovers:
            handover.index = len(town.handovers)
            town.handovers.append(handover)
    town.people = plans
    if canary:
        _check_canary_stays_out_of_shared_texts(town, canary)
    return town


def _check_canary_stays_out_of_shared_texts(town: Town, canary: str) -> None:
    token = canary.lower()
    texts = [*names.SHARED_TEXTS, *ORGANISATION_NAMES.values(), *TOWN_NAMES.values()]
    texts += [t for org in town.organisations for t in org.teams]
    texts += [t for w in town.workers for t in (w.username, w.first_name, w.last_name)]
    clash = any(token in text.lower() for text in texts) or any(
        token in text.lower() for person in town.people for text in person.shared_texts()
    )
    if clash:
        raise ValueError(
            "--canary must not occur in the demo's shared texts (names, what matters...): "
            "choose a longer, more unusual token"
        )


def _hire(town: Town, rng: random.Random, people: int) -> Cast:
    """Demo logins, ~1 worker per 20 people, leavers with their replacements, pods of colleagues."""
    cal = town.calendar

    def hire(username: str, org: str, role: str, team: str | None, started_on: date,
             capacity: float | None = None) -> WorkerPlan:  # fmt: skip
        who = identity(rng)
        worker = WorkerPlan(
            len(town.workers), username, org, who.given_name, who.family_name, role, team, started_on,
            capacity=role_capacity(role) if capacity is None else capacity,
        )  # fmt: skip
        town.workers.append(worker)
        return worker

    for username, org, role, team in LOGINS:
        days_before = {"supporter": 400, "volunteer": 60}.get(username, rng.randint(300, 2500))
        # The supporter's and volunteer's caseloads are written by hand (see _stories).
        capacity = 0.0 if username in ("supporter", "volunteer") else None
        worker = hire(username, org, role, team, cal.start - timedelta(days=days_before), capacity)
        town.logins[username] = worker.index

    generic = max(16, round(people / 20) - 4)
    teams = [FOODBANK, ADVICE]  # their coordinators
    given = dict.fromkeys(TEAM_WEIGHTS, 0)
    for position in range(generic - 2):  # spread by weight, deterministically
        team = max(TEAM_WEIGHTS, key=lambda t: TEAM_WEIGHTS[t] * (position + 1) - given[t])
        given[team] += 1
        teams.append(team)
    roles, seen = [], dict.fromkeys(TEAM_WEIGHTS, 0)
    for position, team in enumerate(teams):
        if position < 2:
            roles.append(Role.COORDINATOR)
            continue
        roles.append(Role.VOLUNTEER if seen[team] % 8 == 7 else Role.SUPPORTER)
        seen[team] += 1
    supporters = [i for i, role in enumerate(roles) if role == Role.SUPPORTER]
    link_supporters = [i for i in supporters if teams[i] == LINK]
    leaver_count = max(2, round(0.12 * len(supporters)))
    width = username_width(generic + leaver_count)
    base = len(town.workers)
    for position, (team, role) in enumerate(zip(teams, roles, strict=True)):
        started = cal.start - timedelta(days=rng.randint(30, 2500))
        hire(f"worker{position + 1:0{width}d}", RIVERSIDE, role, team, started)
    riverside = town.org(RIVERSIDE)
    riverside.coordinators = {LINK: town.logins["coordinator"], FOODBANK: base, ADVICE: base + 1}

    recent, earlier, leaving = link_supporters[-1], link_supporters[-2], link_supporters[0]
    others = [i for i in supporters if i not in (recent, earlier, leaving, link_supporters[1])]
    leavers = sorted([recent, earlier, *rng.sample(others, leaver_count - 2)])
    _assign_pods(town, only_org=RIVERSIDE)
    for number, position in enumerate(leavers):
        leaver = town.workers[base + position]
        if position == recent:
            leaver.left_on = town.today - timedelta(days=7)
        elif position == earlier:
            leaver.left_on = cal.at_fraction(0.45)
        else:
            leaver.left_on = cal.between(rng, cal.start + timedelta(days=90),
                                         town.today - timedelta(days=45))  # fmt: skip
        joiner = hire(
            f"worker{generic + number + 1:0{width}d}", RIVERSIDE, Role.SUPPORTER, leaver.team,
            leaver.left_on - timedelta(days=rng.randint(14, 35)),
        )  # fmt: skip
        joiner.pod = leaver.pod
        leaver.successor = joiner.index
    town.workers[base + leaving].leaving_on = town.today + timedelta(days=21)

    hire("hillside01", HILLSIDE, Role.SUPPORTER, HILLSIDE_TEAM, cal.start - timedelta(days=900))
    hire("hillside02", HILLSIDE, Role.VOLUNTEER, HILLSIDE_TEAM, cal.start - timedelta(days=200))
    _assign_pods(town, only_org=HILLSIDE)
    stable = [base + i for i in link_supporters if i not in leavers and i != leaving]
    return Cast(
        supporter=town.logins["supporter"], volunteer=town.logins["volunteer"],
        coordinator=town.logins["coordinator"], recent_leaver=base + recent,
        earlier_leaver=base + earlier, leaving=base + leaving, stable=stable,
    )  # fmt: skip


def _assign_pods(town: Town, only_org: str | None = None) -> None:
    next_pod = 1 + max((w.pod for w in town.workers), default=-1)
    for org in town.organisations:
        if only_org and org.slug != only_org:
            continue
        for team in org.teams:
            members = [
                w for w in town.workers
                if w.org == org.slug and w.team == team and w.pod < 0
                and w.role in (Role.SUPPORTER, Role.COORDINATOR)
            ]  # fmt: skip
            for position, worker in enumerate(members):
                worker.pod = next_pod + position // POD_SIZE
            next_pod += (len(members) + POD_SIZE - 1) // POD_SIZE


def rhythm(rng: random.Random, first: date, gap: float, last: date) -> list[date]:
    """Contact days from `first`, every `gap` days give or take, ending exactly on `last`."""
    last = Calendar.back(last)
    days, day = [], first
    while day < last - timedelta(days=max(2, int(gap * 0.5))):
        days.append(day)
        day = Calendar.forward(day + timedelta(days=max(1, round(gap * rng.uniform(0.6, 1.4)))))
    return [*days, last]


# The supporter's first routine people carry the names search must forgive: "obrien",
# "Aydin", "Mairaed" (issue 13).
SEARCH_CASES = (("Mairead", "O'Brien", ""), ("Elif", "Aydın", ""))


def _stories(town: Town, org: OrgPlan, cast: Cast) -> list[PersonPlan]:
    """The supporter's caseload (one of each priority), the volunteer's and the leaving worker's."""
    cal, today, seed = town.calendar, town.today, town.seed
    supporter, plans = cast.supporter, []

    def story(key: str, *, first: date, gap: float, last: date, worker: int, style: str | None = None,
              days: list[date] | None = None) -> tuple[PersonPlan, random.Random]:  # fmt: skip
        rng = random.Random(f"{seed}:story:{key}")
        fixed = days if days is not None else rhythm(rng, first, gap, last)
        person = new_person(rng, stream=f"story-{key}", org=org.slug, team=LINK, style=style,
                            first_day=fixed[0], gap_days=gap, stop_day=fixed[-1],
                            town_name=TOWN_NAMES[org.slug])  # fmt: skip
        person.fixed_days = tuple(fixed)
        person.last_follow_up = None
        person.spells.append(SpellPlan(worker, fixed[0], None, SpellReason.FIRST, False, worker))
        town.loads[worker] += 1
        plans.append(person)
        return person, rng

    person, _ = story("follow-up-overdue", first=cal.at_fraction(0.2), gap=14, last=cal.ago(12),
                      worker=supporter)  # fmt: skip
    person.last_follow_up = today - timedelta(days=4)
    story(
        "longer-than-usual", first=cal.at_fraction(0.55), gap=10, last=cal.ago(50), worker=supporter
    )
    handover_day = cal.ago(12)
    person, rng = story("recent-handover", first=cal.at_fraction(0.3), gap=18,
                        last=handover_day - timedelta(days=9), worker=cast.recent_leaver)  # fmt: skip
    hand_over(town, org, person, rng, to_worker=supporter, day=handover_day,
              reason=SpellReason.WORKER_LEFT, status=Handover.Status.WARM)  # fmt: skip
    person.last_follow_up = handover_day + timedelta(days=14)
    one = cal.ago(15)
    story("one-contact", first=one, gap=30, last=one, worker=supporter, days=[one])[0].p_named = 1.0
    lo, hi = 2, len(cal.days) - 3
    fifty = sorted({cal.days[round(lo + i * (hi - lo) / 49)] for i in range(50)})
    story("fifty-contacts", first=fifty[0], gap=14, last=fifty[-1], worker=supporter, days=fifty)
    person, _ = story("asks-to-change", first=cal.at_fraction(0.35), gap=21, last=cal.ago(9),
                      worker=supporter)  # fmt: skip
    wanted = cast.stable[0]
    person.requests.append(RequestPlan(
        wanted, names.CHANGE_WORKER[0].format(name=town.workers[wanted].first_name),
        WorkerRequest.Status.OPEN, cal.ago(4), None, supporter,
    ))  # fmt: skip
    before = cast.stable[-1]
    person, rng = story("chose-supporter", first=cal.at_fraction(0.05), gap=16, last=cal.ago(6),
                        worker=before)  # fmt: skip
    hand_over(town, org, person, rng, to_worker=supporter, day=cal.at_fraction(0.6),
              reason=SpellReason.PERSON_CHOSE, status=Handover.Status.WARM)  # fmt: skip
    person, _ = story("follow-up-soon", first=cal.at_fraction(0.4), gap=14, last=cal.ago(5),
                      worker=supporter)  # fmt: skip
    person.last_follow_up = today + timedelta(days=3)
    person, _ = story("many-workers", first=cal.at_fraction(0.5), gap=7, last=cal.ago(2),
                      worker=supporter)  # fmt: skip
    person.scattered = True
    leaver = town.workers[cast.earlier_leaver]
    assert leaver.left_on is not None
    for status in (Handover.Status.COLD, Handover.Status.WARM):
        person, rng = story(f"from-earlier-leaver-{status}", first=cal.at_fraction(0.02), gap=20,
                            last=cal.ago(10), worker=cast.earlier_leaver)  # fmt: skip
        hand_over(town, org, person, rng, to_worker=supporter, day=cal.back(leaver.left_on - timedelta(3)),
                  reason=SpellReason.WORKER_LEFT, status=status)  # fmt: skip
    for number in range(SUPPORTER_ROUTINE):
        rng = random.Random(f"{seed}:story:routine-shape-{number}")
        gap = rng.uniform(10, 35)
        first = rng.choice(cal.days[: int(len(cal.days) * 0.85)])
        last = max(first, cal.ago(rng.randint(1, int(gap * 0.8))))
        person, rng = story(f"routine-{number}", first=first, gap=gap, last=last, worker=supporter)
        if number < len(SEARCH_CASES):  # names the search must find however they are typed
            person.given_name, person.family_name, person.preferred_name = SEARCH_CASES[number]
            person.pronouns = ""
        person.p_named = rng.uniform(0.75, 0.95)
        if rng.random() < 0.3:
            person.last_follow_up = today + timedelta(days=rng.randint(8, 20))

    volunteer = town.workers[cast.volunteer]
    for number in range(VOLUNTEER_CASELOAD):
        rng = random.Random(f"{seed}:story:befriending-shape-{number}")
        first = cal.between(rng, max(cal.at_fraction(0.5), volunteer.started_on), cal.ago(60))
        person, _ = story(f"befriending-{number}", first=first, gap=rng.uniform(8, 14),
                          last=cal.ago(rng.randint(1, 8)), worker=cast.volunteer,
                          style="befriending")  # fmt: skip
        person.p_named = 0.95
    for number in range(LEAVING_CASELOAD):
        rng = random.Random(f"{seed}:story:leaving-shape-{number}")
        person, _ = story(f"leaving-{number}", first=cal.at_fraction(rng.uniform(0.05, 0.5)),
                          gap=rng.uniform(14, 28), last=cal.ago(rng.randint(1, 10)),
                          worker=cast.leaving)  # fmt: skip
        person.last_follow_up = RANDOM_FOLLOW_UP
        if number == 0:
            person.handovers.append(HandoverPlan(
                from_worker=cast.leaving, to_worker=cast.stable[0], reason=SpellReason.WORKER_LEFT,
                status=Handover.Status.PLANNED, planned_on=cal.ago(3),
                introduce_by=today + timedelta(days=10), completed_on=None, cold_reason="",
                created_by=cast.coordinator,
            ))  # fmt: skip
    return plans
