from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "alongside.training"

    def ready(self) -> None:
        from alongside.training import permissions  # noqa: F401 - registers the app's rules
