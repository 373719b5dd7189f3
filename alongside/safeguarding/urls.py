"""Safeguarding URLs, included at /safeguarding/. Every name starts `safeguarding_`."""

from django.urls import path

from alongside.safeguarding import views

app_name = "safeguarding"

urlpatterns = [
    path(
        "people/<int:person_id>/concerns/new/",
        views.raise_concern,
        name="raise_concern",
    ),
    path(
        "people/<int:person_id>/override/",
        views.start_override,
        name="start_override",
    ),
    path(
        "people/<int:person_id>/hold/",
        views.hold_person,
        name="hold_person",
    ),
    path("holds/", views.hold_list, name="holds"),
    path("holds/volunteer/", views.hold_volunteer, name="hold_volunteer"),
    path("holds/<int:hold_id>/lift/", views.lift_hold, name="lift_hold"),
    path("concerns/", views.concern_list, name="concerns"),
    path("concerns/<int:concern_id>/", views.concern_detail, name="concern"),
    path(
        "concerns/<int:concern_id>/raised/",
        views.concern_raised,
        name="concern_raised",
    ),
    path("overrides/", views.override_list, name="overrides"),
    path("overrides/<int:override_id>/", views.override_detail, name="override"),
    path("overrides/<int:override_id>/end/", views.end_override, name="end_override"),
]
