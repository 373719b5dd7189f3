from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "alongside.referrals"

    def ready(self) -> None:
        from alongside.referrals import permissions  # noqa: F401 - registers the app's rules
