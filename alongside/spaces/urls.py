from django.urls import path

from alongside.spaces import views

urlpatterns = [
    path("", views.space_list, name="spaces_list"),
    path("new/", views.space_create, name="spaces_create"),
    path("outcomes/", views.outcomes, name="spaces_outcomes"),
    path("<int:space_id>/", views.space_detail, name="spaces_space"),
    path("<int:space_id>/edit/", views.space_edit, name="spaces_edit"),
    path("<int:space_id>/repeat/", views.space_repeat, name="spaces_repeat"),
    path("<int:space_id>/sessions/new/", views.space_add_session, name="spaces_add_session"),
    path("sessions/<int:session_id>/", views.session_register, name="spaces_register"),
    path("sessions/<int:session_id>/cancel/", views.session_cancel, name="spaces_cancel_session"),
    path("sessions/<int:session_id>/close/", views.close_register, name="spaces_close_register"),
    path("sessions/<int:session_id>/new-here/", views.new_here, name="spaces_new_here"),
    path(
        "sessions/<int:session_id>/people/<int:person_id>/here/",
        views.mark_present,
        name="spaces_mark_present",
    ),
    path(
        "sessions/<int:session_id>/people/<int:person_id>/not-here/",
        views.mark_absent,
        name="spaces_mark_absent",
    ),
    path("people/<int:person_id>/", views.person_spaces, name="spaces_person"),
    path("people/<int:person_id>/invite/", views.person_invite, name="spaces_invite"),
    path("people/<int:person_id>/stopped/", views.person_stopped, name="spaces_stopped"),
    path("people/<int:person_id>/ties/", views.person_ties, name="spaces_ties"),
]
