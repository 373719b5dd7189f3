from django.urls import path

from alongside.scheduling import availability_views, planning_round_views, views

app_name = "scheduling"

urlpatterns = [
    path("", views.diary, name="diary"),
    path("people/<int:person_id>/book/", views.book, name="book"),
    path("appointments/<int:appointment_id>/", views.appointment, name="appointment"),
    path(
        "appointments/<int:appointment_id>/cancel/",
        views.cancel_appointment,
        name="cancel_appointment",
    ),
    path(
        "appointments/<int:appointment_id>/did-not-happen/",
        views.did_not_attend,
        name="did_not_attend",
    ),
    path(
        "appointments/<int:appointment_id>/happened/",
        views.attended,
        name="appointment_attended",
    ),
    path("availability/", availability_views.my_availability, name="my_availability"),
    path(
        "availability/<int:block_id>/remove/",
        availability_views.remove_availability,
        name="remove_availability",
    ),
    path(
        "away/<int:exception_id>/remove/",
        availability_views.remove_exception,
        name="remove_exception",
    ),
    path("capacity/", availability_views.team_capacity, name="team_capacity"),
    path(
        "workers/<int:membership_id>/", planning_round_views.worker_details, name="worker_details"
    ),
    path("plans/", planning_round_views.plan_list, name="plan_list"),
    path("plans/<int:round_id>/", planning_round_views.plan_detail, name="plan_detail"),
    path("plans/<int:round_id>/adjust/", planning_round_views.adjust_plan, name="adjust_plan"),
    path("plans/<int:round_id>/accept/", planning_round_views.accept_plan, name="accept_plan"),
    path("plans/<int:round_id>/set-aside/", planning_round_views.discard_plan, name="discard_plan"),
    path(
        "leaving/<int:membership_id>/", planning_round_views.leaving_worker, name="leaving_worker"
    ),
]
