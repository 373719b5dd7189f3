from django.urls import path

from alongside.insights import export_views, views

app_name = "insights"

urlpatterns = [
    path("continuity/", views.team_continuity_page, name="team_continuity"),
    path("continuity/leaving/", views.set_leaving, name="set_leaving"),
    path(
        "continuity/export.csv",
        export_views.export_team_continuity,
        name="export_team_continuity",
    ),
]
