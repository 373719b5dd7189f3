from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "alongside.imports"

    def ready(self) -> None:
        # The app's rules, and the kinds of file it takes (imports.kinds).
        from alongside.imports import contacts_kind, people_kind, permissions  # noqa: F401
