from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "alongside.measures"

    def ready(self) -> None:
        from alongside.measures import permissions  # noqa: F401 - registers the app's rules
