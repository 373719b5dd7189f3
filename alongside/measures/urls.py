from django.urls import path

from alongside.measures import views

app_name = "measures"

urlpatterns = [
    path("people/<int:person_id>/ask/", views.ask, name="ask"),
    path("people/<int:person_id>/", views.person_answers, name="person_answers"),
    path("sittings/<int:sitting_id>/", views.sitting, name="sitting"),
    path("kiosk/thank-you/", views.kiosk_done, name="kiosk_done"),
    # Public: a one-time token, no login (outside the access matrix's persona rows).
    path("a/<str:token>/", views.answer, name="answer"),
    path("how-it-feels/", views.my_feedback, name="my_feedback"),
    path("outcomes/", views.outcomes, name="outcomes"),
    path("instruments/", views.instruments, name="instruments"),
    path("instruments/new/", views.add_instrument, name="add_instrument"),
]
