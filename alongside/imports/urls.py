from django.urls import path

from alongside.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.start, name="start"),
    path("<int:run_id>/", views.run, name="run"),
    path("<int:run_id>/progress/", views.progress, name="progress"),
    path("<int:run_id>/confirm/", views.confirm, name="confirm"),
    path("<int:run_id>/columns/", views.columns, name="columns"),
    path("<int:run_id>/problems.csv", views.problems_csv, name="problems"),
]
