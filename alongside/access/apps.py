from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "alongside.access"
    verbose_name = "Organisations and access"

    def ready(self) -> None:
        from alongside.access import permissions  # noqa: F401 - registers the app's rules
