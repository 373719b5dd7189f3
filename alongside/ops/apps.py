from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "alongside.ops"
    verbose_name = "Running a server: start-up checks, health, backup and restore"

    def ready(self) -> None:
        from alongside.ops import checks  # noqa: F401 - registers the deploy check
