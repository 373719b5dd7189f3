from django.apps import AppConfig


class SpacesConfig(AppConfig):
    name = "alongside.spaces"

    def ready(self) -> None:
        from alongside.spaces import permissions  # noqa: F401 - registers the app's rules
