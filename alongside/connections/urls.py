"""Introductions with permission on both sides, and matching on what people share."""

from django.urls import path

from alongside.connections import views

app_name = "connections"

urlpatterns = [
    path("people/<int:person_id>/", views.person, name="person"),
    path("people/<int:person_id>/profile/", views.profile, name="profile"),
    path("people/<int:person_id>/introduce/", views.propose, name="propose"),
    path("introductions/<int:introduction_id>/", views.introduction, name="introduction"),
    path("introductions/<int:introduction_id>/ask/", views.ask, name="ask"),
    path(
        "introductions/<int:introduction_id>/withdraw/",
        views.withdraw,
        name="withdraw",
    ),
    path("sides/<int:side_id>/answer/", views.record_answer, name="record_answer"),
    path(
        "introduced/<int:introduced_side_id>/follow-up/",
        views.follow_up,
        name="follow_up",
    ),
    # Public: a one-time token, no login.
    path("i/<str:token>/", views.answer, name="answer"),
    path("matching/", views.matching_page, name="matching"),
    path("volunteers/<int:membership_id>/", views.volunteer, name="volunteer"),
    path("lists/", views.lists, name="lists"),
    path("groups/<int:group_id>/", views.space, name="space"),
]
