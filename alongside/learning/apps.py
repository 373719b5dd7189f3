from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "alongside.learning"

    def ready(self) -> None:
        from alongside.learning import permissions  # noqa: F401 - registers the app's rules
        from alongside.learning.services.demand import register_contact_days

        register_contact_days()  # demand marks copy their contact's local day (decision 0110)
