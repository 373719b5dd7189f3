from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "alongside.imports"

    def ready(self) -> None:
        from alongside.imports import (
            people_kind,  # noqa: F401 - registers the people kind
            permissions,  # noqa: F401 - registers the app's rules
        )
