from django.urls import path

from alongside.people import consent_views, equality_views, export_views, merge_views, views

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="person_list"),
    path("new/", views.person_create, name="person_create"),
    path("<int:person_id>/", views.person_detail, name="person"),
    path("<int:person_id>/edit/", views.person_edit, name="person_edit"),
    path("<int:person_id>/close/", views.close_involvement, name="close_involvement"),
    path("<int:person_id>/merge/", merge_views.merge_start, name="merge_start"),
    path("<int:person_id>/merge/<int:other_id>/", merge_views.merge_review, name="merge_review"),
    path("<int:person_id>/merges/<int:merge_id>/undo/", merge_views.undo, name="undo_merge"),
    path("merges/", merge_views.merges, name="merges"),
    path("merges/waiting/", merge_views.merge_proposals, name="merge_proposals"),
    path("merges/waiting/<int:proposal_id>/", merge_views.merge_proposal, name="merge_proposal"),
    path(
        "merges/waiting/<int:proposal_id>/answer/",
        merge_views.answer_merge_proposal,
        name="answer_merge_proposal",
    ),
    path("<int:person_id>/equality/", equality_views.equality, name="equality"),
    path("equality/", equality_views.totals, name="equality_totals"),
    path("<int:person_id>/consent/", consent_views.grant, name="grant_consent"),
    path(
        "<int:person_id>/consent/<int:consent_id>/revoke/",
        consent_views.revoke,
        name="revoke_consent",
    ),
    path("<int:person_id>/who-saw-my-record/", views.access_log, name="access_log"),
    path(
        "<int:person_id>/export.csv",
        export_views.export_person_contacts,
        name="export_person_contacts",
    ),
]
