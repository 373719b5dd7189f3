from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "alongside.audit"

    def ready(self) -> None:
        from alongside.audit import checks, permissions  # noqa: F401 - registers rules and checks
