from allauth.account import views as allauth_views
from django.urls import path

from alongside.access import views

app_name = "access"

urlpatterns = [
    # Signing in and out is allauth's (alongside/accounts); these keep the addresses scripts use.
    path("login/", allauth_views.login, name="login"),
    path("logout/", allauth_views.logout, name="logout"),
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/switch/", views.switch_organisation, name="switch_organisation"),
    path("notifications/", views.notifications, name="notifications"),
    path("settings/", views.organisation_settings, name="organisation_settings"),
]
