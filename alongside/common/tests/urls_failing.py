"""A URL whose view fails, for the test that an unexpected error shows nothing of the inside."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

INSIDE = "inside detail: SELECT secret FROM somewhere"


@login_not_required
def failing(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(INSIDE)


urlpatterns = [path("fails/", failing)]
