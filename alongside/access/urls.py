from allauth.account import views as allauth_views
from django.urls import path

from alongside.access import session_views, views, words_views

app_name = "access"

urlpatterns = [
    # Signing in and out is allauth's (alongside/accounts); these keep the addresses scripts use.
    path("login/", allauth_views.login, name="login"),
    path("logout/", allauth_views.logout, name="logout"),
    # Shared computers (access/sessions.py): signed out for being away, and the kiosk's unlock.
    path("signed-out/", session_views.signed_out_away, name="signed_out_away"),
    path("kiosk/unlock/", session_views.kiosk_unlock, name="kiosk_unlock"),
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/switch/", views.switch_organisation, name="switch_organisation"),
    path("notifications/", views.notifications, name="notifications"),
    path("settings/", views.organisation_settings, name="organisation_settings"),
    path("settings/words/", words_views.words_home, name="words"),
    path("settings/words/services/", words_views.edit_services, name="services"),
    path("settings/words/<slug:word_list>/", words_views.edit_words, name="edit_words"),
]
