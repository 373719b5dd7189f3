from typing import Any

from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_out
from django.http import HttpRequest

from alongside.common.translations import without_empty_fallbacks


def _mark_signed_out(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    """Whatever signs a user out (the sign-out page, allauth's, the idle sign-out), the answer
    tells the browser to forget the site (`middleware.NoStoreMiddleware`)."""
    if request is not None:
        request.alongside_signed_out = True  # type: ignore[attr-defined]


class CommonConfig(AppConfig):
    name = "alongside.common"

    def ready(self) -> None:
        user_logged_out.connect(_mark_signed_out, dispatch_uid="alongside.common.signed_out")
        without_empty_fallbacks()
