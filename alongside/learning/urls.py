from django.urls import path

from alongside.learning import views

app_name = "learning"

urlpatterns = [
    path("", views.team_learning, name="team"),
    path("scorecard/", views.scorecard, name="scorecard"),
    path("settings/", views.learning_settings, name="settings"),
    path(
        "people/<int:person_id>/contacts/<int:contact_id>/demand/",
        views.contact_demand,
        name="contact_demand",
    ),
    path("people/<int:person_id>/needs/", views.person_needs, name="person_needs"),
    path("needs/<int:need_id>/", views.need_detail, name="need"),
    path("people/<int:person_id>/spends/new/", views.record_spend, name="record_spend"),
    path("spends/", views.spend_list, name="spends"),
    path("my-time/", views.my_time, name="my_time"),
    path("spends/<int:spend_id>/", views.spend_detail, name="spend"),
    path("spends/<int:spend_id>/decide/", views.decide_spend, name="decide_spend"),
]
