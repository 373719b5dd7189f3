"""Introductions with permission on both sides, and matching on what people share."""

from django.urls import path

from alongside.connections import views

urlpatterns = [
    path("people/<int:person_id>/", views.person, name="connections_person"),
    path("people/<int:person_id>/profile/", views.profile, name="connections_profile"),
    path("people/<int:person_id>/introduce/", views.propose, name="connections_propose"),
    path(
        "introductions/<int:introduction_id>/", views.introduction, name="connections_introduction"
    ),
    path("introductions/<int:introduction_id>/ask/", views.ask, name="connections_ask"),
    path(
        "introductions/<int:introduction_id>/withdraw/",
        views.withdraw,
        name="connections_withdraw",
    ),
    path("sides/<int:side_id>/answer/", views.record_answer, name="connections_record_answer"),
    path(
        "introduced/<int:introduced_side_id>/follow-up/",
        views.follow_up,
        name="connections_follow_up",
    ),
    # Public: a one-time token, no login.
    path("i/<str:token>/", views.answer, name="connections_answer"),
    path("matching/", views.matching_page, name="connections_matching"),
    path("volunteers/<int:membership_id>/", views.volunteer, name="connections_volunteer"),
    path("lists/", views.lists, name="connections_lists"),
    path("groups/<int:group_id>/", views.space, name="connections_space"),
]
