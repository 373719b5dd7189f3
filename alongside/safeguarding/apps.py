from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "alongside.safeguarding"
