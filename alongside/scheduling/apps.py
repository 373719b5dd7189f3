from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "alongside.scheduling"

    def ready(self) -> None:
        from alongside.scheduling import permissions  # noqa: F401 - registers the app's rules
