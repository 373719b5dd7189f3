from django.urls import path

from alongside.insights import views

urlpatterns = [
    path("continuity/", views.team_continuity_page, name="team_continuity"),
    path("continuity/leaving/", views.set_leaving, name="set_leaving"),
]
