from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "alongside.reports"
