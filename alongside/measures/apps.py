from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "alongside.measures"
