from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "alongside.archive"
    verbose_name = "The whole organisation's archive: export and restore (docs/archive.md)"

    def ready(self) -> None:
        from alongside.archive import permissions  # noqa: F401 - registers the rules
