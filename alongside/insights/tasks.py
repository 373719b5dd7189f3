"""Every team's page figures worked out ahead of their first reader (decision 0138), by Django's
task framework (database backend, `alongside db_worker`).

A team page reads its figures kept (decision 0133); without this task the first reader of a team
in a day (and anyone after a team's figures were last read a day ago) waited while they were
worked out: 1.9 s for a team's scorecard on the 100,000-person demo. `keep_team_figures` works
out, for every team of every organisation and for each organisation as a whole, the figures each
team page asks for by default (its team, the last twelve months), unless fresh ones are kept;
then it queues itself again EVERY later. Queued by `alongside migrate` (so a deployment's runs
start with its first migrate and a worker) and by `alongside demo` once the demo is built.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from alongside.access.models import Organisation, Team
from alongside.common.figures import keep_ahead
from alongside.common.request_context import own_request_id
from alongside.common.tasks import queued
from alongside.insights.queries import continuity_figures
from alongside.learning.queries import team_figures
from alongside.learning.scorecard import scorecard_figures

EVERY = timedelta(hours=12)
"""Well inside `common.figures.KEEP_FOR` (a day), so what this keeps is never deleted unread."""

# The kept figures each team page asks for by default, with the arguments after the team's id:
# team continuity (`insights.views`), the team's learning and its scorecard (`learning.views`:
# the period's start and end, None for the last twelve months).
TEAM_PAGES: tuple[tuple[Callable[..., Any], tuple[None, ...]], ...] = (
    (continuity_figures, ()),
    (team_figures, (None, None)),
    (scorecard_figures, (None, None)),
)


def keep_every_team() -> int:
    """Work out what every team page of every organisation asks for by default, where what is
    kept is not fresh; how many were worked out."""
    teams: dict[int, list[int | None]] = {
        pk: [None] for pk in Organisation.objects.order_by("pk").values_list("pk", flat=True)
    }
    for organisation_id, pk in Team.objects.order_by("organisation_id", "name", "pk").values_list(
        "organisation_id", "pk"
    ):
        teams[organisation_id].append(pk)
    worked = 0
    for organisation_id, team_ids in teams.items():
        for team in team_ids:
            for compute, rest in TEAM_PAGES:
                worked += keep_ahead(compute, organisation_id, team, *rest)
    return worked


@task
def keep_team_figures() -> str:
    """Every team page's default figures worked out; then the next run queued."""
    with own_request_id("task:"):
        worked = keep_every_team()
        queue_team_figures(later=True)
        return f"{worked} worked out"


def queue_team_figures(*, later: bool = False) -> None:
    """Queue a run now (or, `later`, the next periodic one) unless one is already queued, or
    the setting `ALONGSIDE_KEEP_TEAM_FIGURES` is off."""
    if not settings.ALONGSIDE_KEEP_TEAM_FIGURES or queued(keep_team_figures, later=later):
        return
    if later:
        keep_team_figures.using(run_after=timezone.now() + EVERY).enqueue()
    else:
        keep_team_figures.enqueue()
