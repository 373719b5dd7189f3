from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "alongside.learning"

    def ready(self) -> None:
        from alongside.learning import permissions  # noqa: F401 - registers the app's rules
