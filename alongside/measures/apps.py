from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "alongside.measures"

    def ready(self) -> None:
        # The app's rules, and the baseline rows' refresh that a merge of two people runs.
        from alongside.measures import baselines, permissions  # noqa: F401
