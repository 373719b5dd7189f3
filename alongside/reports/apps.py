from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "alongside.reports"

    def ready(self) -> None:
        from alongside.reports import permissions  # noqa: F401 - registers the app's rules
