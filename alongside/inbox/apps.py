from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "alongside.inbox"

    def ready(self) -> None:
        from alongside.inbox import (
            last_contact,  # noqa: F401 - keeps its rows in step
            permissions,  # noqa: F401 - registers the app's rules
        )
