from django.urls import path

from alongside.measures import views

urlpatterns = [
    path("people/<int:person_id>/ask/", views.ask, name="measures_ask"),
    path("people/<int:person_id>/", views.person_answers, name="measures_person_answers"),
    path("sittings/<int:sitting_id>/", views.sitting, name="measures_sitting"),
    path("kiosk/thank-you/", views.kiosk_done, name="measures_kiosk_done"),
    # Public: a one-time token, no login (outside the access matrix's persona rows).
    path("a/<str:token>/", views.answer, name="measures_answer"),
    path("how-it-feels/", views.my_feedback, name="measures_my_feedback"),
    path("outcomes/", views.outcomes, name="measures_outcomes"),
    path("instruments/", views.instruments, name="measures_instruments"),
    path("instruments/new/", views.add_instrument, name="measures_add_instrument"),
]
