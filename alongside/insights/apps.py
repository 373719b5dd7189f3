from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "alongside.insights"

    def ready(self) -> None:
        from alongside.insights import permissions  # noqa: F401 - registers the app's rules
