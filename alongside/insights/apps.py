from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class InsightsConfig(AppConfig):
    name = "alongside.insights"

    def ready(self) -> None:
        from alongside.insights import permissions  # noqa: F401 - registers the app's rules

        post_migrate.connect(_start_keeping_team_figures, sender=self)


def _start_keeping_team_figures(using: str = "default", **kwargs: Any) -> None:
    """After `alongside migrate`: queue the team pages' figures worked out ahead of their first
    reader (`tasks.keep_team_figures`, decision 0138) unless a run is queued; it then queues
    itself every twelve hours, so a deployment's runs start with its first migrate and a worker.
    """

    from alongside.common.tasks import queue_is_ready
    from alongside.insights.tasks import queue_team_figures

    if queue_is_ready(using):
        queue_team_figures()
