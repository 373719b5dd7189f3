from django.urls import path

from alongside.directory import views

app_name = "directory"

urlpatterns = [
    path("", views.search, name="search"),
    path("services/new/", views.add_service, name="add_service"),
    path("services/<int:service_id>/", views.service_detail, name="service"),
    path("services/<int:service_id>/edit/", views.edit_service, name="edit_service"),
    path("services/<int:service_id>/places/new/", views.add_place, name="add_place"),
    path("services/<int:service_id>/times/new/", views.add_schedule, name="add_schedule"),
    path("services/<int:service_id>/checked/", views.check_service, name="check_service"),
    path("needs/", views.needs, name="needs"),
    path("imports/", views.imports, name="imports"),
    path("feeds/<int:feed_id>/refresh/", views.refresh_now, name="refresh_now"),
    path("spaces/<int:space_id>/list/", views.list_space, name="list_space"),
]
