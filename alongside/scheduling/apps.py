from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "alongside.scheduling"

    def ready(self) -> None:
        from alongside.scheduling import permissions  # noqa: F401 - registers the app's rules
        from alongside.scheduling.diary import register_part

        register_part()  # its part of the shared diary (alongside.diary)
