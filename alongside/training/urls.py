from django.urls import path

from alongside.training import views

app_name = "training"

urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("courses/", views.courses, name="courses"),
    path("courses/<int:course_id>/", views.course, name="course"),
    path("courses/<int:course_id>/remove/", views.remove_course, name="remove_course"),
    path("completions/", views.completions, name="completions"),
    path("completions/<int:completion_id>/", views.completion, name="completion"),
    path(
        "completions/<int:completion_id>/remove/",
        views.remove_completion,
        name="remove_completion",
    ),
    path("record/", views.record, name="record"),
    path("record-session/", views.record_session, name="record_session"),
    path("expiring/", views.expiring, name="expiring"),
    path("supervision/", views.arrangements, name="arrangements"),
    path("supervision/<int:supervision_id>/", views.supervision, name="supervision"),
    path(
        "supervision/<int:supervision_id>/record/",
        views.record_supervision_session,
        name="record_supervision_session",
    ),
    path(
        "supervision/<int:supervision_id>/plan/",
        views.plan_supervision_session,
        name="plan_supervision_session",
    ),
]
