from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "alongside.rights"

    def ready(self) -> None:
        from alongside.rights import permissions  # noqa: F401 - registers the app's rules
