from django.urls import path

from alongside.relationships import views

app_name = "relationships"

urlpatterns = [
    path("", views.home, name="home"),
    path("my-people/", views.my_people_page, name="my_people"),
    path("people/<int:person_id>/contacts/new/", views.record_contact, name="record_contact"),
    path(
        "people/<int:person_id>/contacts/<int:contact_id>/edit/",
        views.edit_contact,
        name="edit_contact",
    ),
    path(
        "people/<int:person_id>/contacts/<int:contact_id>/move/",
        views.move_contact,
        name="move_contact",
    ),
    path(
        "people/<int:person_id>/contacts/<int:contact_id>/remove/",
        views.remove_contact,
        name="remove_contact",
    ),
    path(
        "people/<int:person_id>/contacts/<int:removed_id>/restore/",
        views.restore_contact,
        name="restore_contact",
    ),
    path(
        "people/<int:person_id>/contacts/<int:contact_id>/history/",
        views.contact_history,
        name="contact_history",
    ),
    path(
        "people/<int:person_id>/named-worker/",
        views.assign_named_worker,
        name="assign_named_worker",
    ),
    path(
        "people/<int:person_id>/worker-request/",
        views.record_worker_request,
        name="record_worker_request",
    ),
    path(
        "people/<int:person_id>/worker-request/not-possible/",
        views.worker_request_not_possible,
        name="worker_request_not_possible",
    ),
    path("people/<int:person_id>/allocate/", views.allocate_worker, name="allocate_worker"),
    path(
        "people/<int:person_id>/allocations/<int:allocation_id>/end/",
        views.end_allocation,
        name="end_allocation",
    ),
    path(
        "people/<int:person_id>/history-access/",
        views.request_history_access,
        name="request_history_access",
    ),
    path("history-access/", views.history_requests, name="history_requests"),
    path(
        "history-access/<int:grant_id>/review/",
        views.review_history_access,
        name="review_history_access",
    ),
    path(
        "history-access/<int:grant_id>/end/",
        views.end_history_access,
        name="end_history_access",
    ),
    path("people/<int:person_id>/handover/", views.plan_handover, name="plan_handover"),
    path(
        "people/<int:person_id>/handover/<int:handover_id>/no-introduction/",
        views.complete_handover_cold,
        name="complete_handover_cold",
    ),
    path(
        "people/<int:person_id>/handover/<int:handover_id>/cancel/",
        views.cancel_handover,
        name="cancel_handover",
    ),
]
