"""Showing a form again: one status for a form sent with mistakes (docs/decisions/0008)."""

from typing import Any

from django import forms as django_forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

# Swapped by htmx like a 2xx response (`responseHandling` in templates/base.html).
INVALID_FORM_STATUS = 400


def form_status(request: HttpRequest, *forms: django_forms.BaseForm) -> int:
    """400 when a POST came back with mistakes (in any of `forms`, when given); 200 otherwise,
    e.g. when the page is first opened or a POST shows a summary to confirm."""
    if request.method != "POST":
        return 200
    if forms and not any(form.errors for form in forms):
        return 200
    return INVALID_FORM_STATUS


def render_invalid(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """The page or fragment again, with what to fix: always 400."""
    return render(request, template, context, status=INVALID_FORM_STATUS)


def bad_cursor(request: HttpRequest, error: Exception) -> HttpResponse:
    """A link to a page of a list that the list did not make (`common.keyset.BadCursor`): 400,
    saying so in plain words, with the way back to the list's first page."""
    return render(
        request,
        "bad_cursor.html",
        {"message": str(error), "first_page": request.path},
        status=400,
    )
