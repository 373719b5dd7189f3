from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "alongside.support"
    verbose_name = "Support sphere"
