from django.urls import path

from alongside.rights import views

app_name = "rights"

urlpatterns = [
    path("", views.home, name="home"),
    path("people/<int:person_id>/subject-access/", views.open_request, name="open_request"),
    path("people/<int:person_id>/erase/", views.erase, name="erase"),
    path("people/<int:person_id>/legal-hold/", views.legal_hold, name="legal_hold"),
    path("subject-access/<int:request_id>/", views.subject_access, name="request"),
    path("subject-access/<int:request_id>/answer/", views.answer, name="answer"),
    path("subject-access/<int:request_id>/answer.pdf", views.answer_pdf, name="answer_pdf"),
    path("subject-access/<int:request_id>/answer.json", views.answer_json, name="answer_json"),
    path("retention/", views.retention, name="retention"),
    path("retention/<int:review_id>/", views.retention_review, name="retention_review"),
]
