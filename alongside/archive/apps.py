from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "alongside.archive"
    verbose_name = "The whole organisation's archive: export and restore (docs/archive.md)"

    def ready(self) -> None:
        # The rules, and the old system's audit history shown by the audit pages.
        from alongside.archive import history, permissions  # noqa: F401
