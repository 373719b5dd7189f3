"""Safeguarding URLs, included at /safeguarding/. Every name starts `safeguarding_`."""

from django.urls import path

from alongside.safeguarding import views

urlpatterns = [
    path(
        "people/<int:person_id>/concerns/new/",
        views.raise_concern,
        name="safeguarding_raise_concern",
    ),
    path(
        "people/<int:person_id>/override/",
        views.start_override,
        name="safeguarding_start_override",
    ),
    path(
        "people/<int:person_id>/hold/",
        views.hold_person,
        name="safeguarding_hold_person",
    ),
    path("holds/", views.hold_list, name="safeguarding_holds"),
    path("holds/volunteer/", views.hold_volunteer, name="safeguarding_hold_volunteer"),
    path("holds/<int:hold_id>/lift/", views.lift_hold, name="safeguarding_lift_hold"),
    path("concerns/", views.concern_list, name="safeguarding_concerns"),
    path("concerns/<int:concern_id>/", views.concern_detail, name="safeguarding_concern"),
    path(
        "concerns/<int:concern_id>/raised/",
        views.concern_raised,
        name="safeguarding_concern_raised",
    ),
    path("overrides/", views.override_list, name="safeguarding_overrides"),
    path("overrides/<int:override_id>/", views.override_detail, name="safeguarding_override"),
    path("overrides/<int:override_id>/end/", views.end_override, name="safeguarding_end_override"),
]
