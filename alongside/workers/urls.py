from django.urls import path

from alongside.workers import views

app_name = "workers"

urlpatterns = [
    path("", views.worker_list, name="list"),
    path("invite/", views.invite, name="invite"),
    path("<int:worker_id>/", views.worker, name="worker"),
    path("<int:worker_id>/role/", views.change_role, name="change_role"),
    path("<int:worker_id>/leaving/", views.set_leaving, name="set_leaving"),
    path("<int:worker_id>/switch-off/", views.switch_off, name="switch_off"),
    path("<int:worker_id>/switch-on/", views.switch_on, name="switch_on"),
    path("<int:worker_id>/invitation/resend/", views.resend, name="resend"),
    path("<int:worker_id>/invitation/withdraw/", views.withdraw, name="withdraw"),
    path("welcome/<str:token>/", views.accept, name="accept"),
]
