from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "alongside.accounts"
    verbose_name = "Sign-in and accounts"

    def ready(self) -> None:
        from alongside.accounts import (  # noqa: F401 - rules, receivers and deploy checks
            checks,
            permissions,
            signals,
        )
