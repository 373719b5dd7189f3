from django.urls import path

from alongside.relationships import views

app_name = "relationships"

urlpatterns = [
    path("", views.home, name="home"),
    path("people/<int:person_id>/contacts/new/", views.record_contact, name="record_contact"),
    path(
        "people/<int:person_id>/contacts/<int:contact_id>/edit/",
        views.edit_contact,
        name="edit_contact",
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
