from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "alongside.imports"

    def ready(self) -> None:
        # The app's rules, and the kinds of file it takes (imports.kinds).
        from alongside.imports import (  # noqa: F401
            contacts_kind,
            people_kind,
            permissions,
            workers_kind,
        )
