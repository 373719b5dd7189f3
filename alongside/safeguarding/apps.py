from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "alongside.safeguarding"

    def ready(self) -> None:
        from alongside.safeguarding import permissions  # noqa: F401 - registers the app's rules
