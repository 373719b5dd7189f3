from django.urls import path

from alongside.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report, name="report"),
    path("download/", views.download, name="report_download"),
    path("people/<int:person_id>/stories/", views.record_story, name="record_story"),
    path("stories/<int:story_id>/withdraw/", views.withdraw_story, name="withdraw_story"),
    path("learning/", views.team_learning, name="team_learning"),
    path("settings/", views.report_settings, name="report_settings"),
]
