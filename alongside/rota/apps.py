from django.apps import AppConfig


class RotaConfig(AppConfig):
    name = "alongside.rota"

    def ready(self) -> None:
        from alongside.rota import permissions  # noqa: F401 - registers the app's rules
