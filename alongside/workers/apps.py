from django.apps import AppConfig


class WorkersConfig(AppConfig):
    name = "alongside.workers"
    label = "workers"
    verbose_name = "Workers"
