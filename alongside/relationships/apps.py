from django.apps import AppConfig


class RelationshipsConfig(AppConfig):
    name = "alongside.relationships"

    def ready(self) -> None:
        from alongside.relationships import permissions  # noqa: F401 - registers the app's rules
