"""The pages of shared-computer safety: signed out for being away, and unlocking the kiosk
(`access/sessions.py`, decision 0013). Both use the bare layout: no navigation, no names."""

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.translation import gettext_lazy as _

from alongside.access.sessions import go_to, kiosk_locked, safe_next, unlock, with_next
from alongside.common.forms import Form


class UnlockForm(Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


@login_not_required
def signed_out_away(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:  # opened again after signing in: nothing to say
        return redirect(settings.LOGIN_REDIRECT_URL)
    sign_in = with_next(
        resolve_url(settings.LOGIN_URL), safe_next(request, request.GET.get("next"))
    )
    return render(
        request,
        "access/signed_out_away.html",
        {"sign_in": sign_in, "minutes": settings.ALONGSIDE_SESSION_IDLE_MINUTES},
    )


def kiosk_unlock(request: HttpRequest) -> HttpResponse:
    next_path = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    back_to = next_path or resolve_url(settings.LOGIN_REDIRECT_URL)
    if not kiosk_locked(request):
        return redirect(back_to)
    form = UnlockForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            outcome = unlock(request, form.cleaned_data["password"])
            if outcome is True:
                return go_to(request, back_to)
            if outcome is None:  # too many wrong passwords: the session is over
                return go_to(request, resolve_url(settings.LOGIN_URL))
            form.add_error("password", _("That password is not right. Try again."))
    return render(
        request,
        "access/kiosk_unlock.html",
        {"form": form, "next": next_path or ""},
        status=status,
    )
