from django.urls import path

from alongside.people import views

urlpatterns = [
    path("", views.person_list, name="person_list"),
    path("new/", views.person_create, name="person_create"),
    path("<int:person_id>/", views.person_detail, name="person"),
    path("<int:person_id>/edit/", views.person_edit, name="person_edit"),
]
