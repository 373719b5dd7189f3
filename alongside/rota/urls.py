from django.urls import path

from alongside.rota import views

app_name = "rota"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("roles/<int:role_id>/sign-up/", views.sign_up, name="sign_up"),
    path("signups/<int:signup_id>/answer/", views.answer, name="answer"),
    path("signups/<int:signup_id>/withdraw/", views.withdraw, name="withdraw"),
    path("signups/<int:signup_id>/offer/", views.offer_swap, name="offer_swap"),
    path("offers/<int:offer_id>/take/", views.take_swap, name="take_swap"),
    path("hours/add/", views.add_hours, name="add_hours"),
    path("milestones/share/", views.share_milestone, name="share_milestone"),
    path("rota/", views.rota, name="rota"),
    path("rota/patterns/new/", views.new_pattern, name="new_pattern"),
    path("rota/patterns/<int:pattern_id>/change/", views.change_pattern, name="change_pattern"),
    path("rota/shifts/<int:shift_id>/", views.shift, name="shift"),
    path("rota/shifts/<int:shift_id>/cancel/", views.cancel_shift, name="cancel_shift"),
    path("rota/signups/<int:signup_id>/attendance/", views.attendance, name="attendance"),
    path("gifts/", views.gifts, name="gifts"),
]
