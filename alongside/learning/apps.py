from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "alongside.learning"
