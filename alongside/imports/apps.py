from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "alongside.imports"

    def ready(self) -> None:
        # The app's rules, and the kinds of file it takes (imports.kinds).
        from alongside.imports import (  # noqa: F401
            attendance_kind,
            contacts_kind,
            named_workers_kind,
            people_kind,
            permissions,
            spaces_kind,
            workers_kind,
        )
