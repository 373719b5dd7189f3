from django.contrib.auth import views as auth_views
from django.urls import path

from alongside.access import views

app_name = "access"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/switch/", views.switch_organisation, name="switch_organisation"),
    path("notifications/", views.notifications, name="notifications"),
    path("settings/", views.organisation_settings, name="organisation_settings"),
]
