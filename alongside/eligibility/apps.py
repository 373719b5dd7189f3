from django.apps import AppConfig


class EligibilityConfig(AppConfig):
    name = "alongside.eligibility"

    def ready(self) -> None:
        from alongside.eligibility import permissions  # noqa: F401 - registers the app's rules
