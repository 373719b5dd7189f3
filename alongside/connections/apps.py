from django.apps import AppConfig


class ConnectionsConfig(AppConfig):
    name = "alongside.connections"

    def ready(self) -> None:
        from alongside.connections import permissions  # noqa: F401 - registers the app's rules
