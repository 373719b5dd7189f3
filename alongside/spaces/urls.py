from django.urls import path

from alongside.spaces import views

app_name = "spaces"

urlpatterns = [
    path("", views.space_list, name="list"),
    path("new/", views.space_create, name="create"),
    path("outcomes/", views.outcomes, name="outcomes"),
    path("<int:space_id>/", views.space_detail, name="space"),
    path("<int:space_id>/edit/", views.space_edit, name="edit"),
    path("<int:space_id>/repeat/", views.space_repeat, name="repeat"),
    path("<int:space_id>/sessions/new/", views.space_add_session, name="add_session"),
    path("sessions/<int:session_id>/", views.session_register, name="register"),
    path("sessions/<int:session_id>/cancel/", views.session_cancel, name="cancel_session"),
    path("sessions/<int:session_id>/close/", views.close_register, name="close_register"),
    path("sessions/<int:session_id>/new-here/", views.new_here, name="new_here"),
    path(
        "sessions/<int:session_id>/people/<int:person_id>/here/",
        views.mark_present,
        name="mark_present",
    ),
    path(
        "sessions/<int:session_id>/people/<int:person_id>/not-here/",
        views.mark_absent,
        name="mark_absent",
    ),
    path("people/<int:person_id>/", views.person_spaces, name="person"),
    path("people/<int:person_id>/invite/", views.person_invite, name="invite"),
    path("people/<int:person_id>/stopped/", views.person_stopped, name="stopped"),
    path("people/<int:person_id>/ties/", views.person_ties, name="ties"),
]
