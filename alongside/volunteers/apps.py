from django.apps import AppConfig


class VolunteersConfig(AppConfig):
    name = "alongside.volunteers"

    def ready(self) -> None:
        from alongside.volunteers import permissions  # noqa: F401 - registers the app's rules
