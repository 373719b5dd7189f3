from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "alongside.access"
    verbose_name = "Organisations and access"
