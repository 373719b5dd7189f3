from django.apps import AppConfig


class RotaConfig(AppConfig):
    name = "alongside.rota"

    def ready(self) -> None:
        from alongside.rota import permissions  # noqa: F401 - registers the app's rules
        from alongside.rota.diary import register_part

        register_part()  # its part of the shared diary (alongside.diary)
