from django.urls import path

from alongside.archive import views

app_name = "archive"
urlpatterns = [
    path("", views.archive_list, name="list"),
    path("start/", views.start, name="start"),
    path("<int:archive_id>/", views.archive_detail, name="archive"),
    path("<int:archive_id>/download/", views.download, name="download"),
]
