from django.urls import path

from alongside.accounts import views

app_name = "accounts"

urlpatterns = [
    # Under /account/, beside allauth's pages: reachable before two-step sign-in is set up.
    path("account/", views.account, name="account"),
    path("account/two-step-needed/", views.two_step_needed, name="two_step_needed"),
    path("account/sessions/", views.sessions, name="sessions"),
    path("account/sessions/end/", views.end_sessions, name="end_sessions"),
    # The data lead's page: behind two-step sign-in like every other page.
    path("sign-ins/", views.organisation_sign_ins, name="organisation_sign_ins"),
]
