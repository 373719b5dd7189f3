from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class PeopleConfig(AppConfig):
    name = "alongside.people"

    def ready(self) -> None:
        from alongside.people import permissions  # noqa: F401 - registers the app's rules

        # Each app's person_panels.py registers its panels on the person page (people.panels).
        autodiscover_modules("person_panels")
