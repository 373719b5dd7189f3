from django.urls import path

from alongside.inbox import views

app_name = "inbox"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("people/<int:person_id>/tell/", views.tell, name="tell_named_worker"),
]
