from django.urls import path

from alongside.learning import views

urlpatterns = [
    path("", views.team_learning, name="learning_team"),
    path("scorecard/", views.scorecard, name="learning_scorecard"),
    path("settings/", views.learning_settings, name="learning_settings"),
    path(
        "people/<int:person_id>/contacts/<int:contact_id>/demand/",
        views.contact_demand,
        name="learning_contact_demand",
    ),
    path("people/<int:person_id>/needs/", views.person_needs, name="learning_person_needs"),
    path("needs/<int:need_id>/", views.need_detail, name="learning_need"),
    path("people/<int:person_id>/spends/new/", views.record_spend, name="learning_record_spend"),
    path("spends/", views.spend_list, name="learning_spends"),
    path("my-time/", views.my_time, name="learning_my_time"),
    path("spends/<int:spend_id>/", views.spend_detail, name="learning_spend"),
    path("spends/<int:spend_id>/decide/", views.decide_spend, name="learning_decide_spend"),
]
