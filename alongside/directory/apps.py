from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "alongside.directory"
    verbose_name = "Directory of local services"

    def ready(self) -> None:
        from alongside.directory import permissions  # noqa: F401 - registers the app's rules
