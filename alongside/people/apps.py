from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "alongside.people"

    def ready(self) -> None:
        from alongside.people import permissions  # noqa: F401 - registers the app's rules
