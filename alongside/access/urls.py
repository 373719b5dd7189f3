from django.contrib.auth import views as auth_views
from django.urls import path

from alongside.access import session_views, views

app_name = "access"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Shared computers (access/sessions.py): signed out for being away, and the kiosk's unlock.
    path("signed-out/", session_views.signed_out_away, name="signed_out_away"),
    path("kiosk/unlock/", session_views.kiosk_unlock, name="kiosk_unlock"),
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/switch/", views.switch_organisation, name="switch_organisation"),
    path("notifications/", views.notifications, name="notifications"),
    path("settings/", views.organisation_settings, name="organisation_settings"),
]
