"""config.wsgi, with every URL module and view loaded before gunicorn forks (bench/served.py).

`--preload` loads this once in gunicorn's master; the workers it forks answer their first
request without importing the views, as a long-running server's workers do after their first.
"""

from django.urls import get_resolver

from config.wsgi import application

get_resolver().url_patterns  # noqa: B018 - imports the URL modules and their views

__all__ = ["application"]
