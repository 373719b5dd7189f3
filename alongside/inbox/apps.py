from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "alongside.inbox"

    def ready(self) -> None:
        from alongside.inbox import permissions  # noqa: F401 - registers the app's rules
