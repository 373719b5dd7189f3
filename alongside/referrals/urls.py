from django.urls import path

from alongside.referrals import public_views, views

app_name = "referrals"

urlpatterns = [
    path("people/<int:person_id>/refer/", views.refer, name="refer"),
    path("services/<int:service_id>/refer/", views.refer_to_service, name="refer_to_service"),
    path("<int:referral_id>/", views.referral, name="referral"),
    path("<int:referral_id>/withdraw/", views.withdraw, name="withdraw"),
    path("in/", views.incoming, name="incoming"),
    path("in/<int:incoming_id>/", views.incoming_one, name="incoming_one"),
    path("partners/", views.partners, name="partners"),
    path("partners/<int:referral_partner_id>/new-key/", views.rotate_key, name="rotate_key"),
    path("partners/<int:referral_partner_id>/switch/", views.switch_partner, name="switch_partner"),
    # Public, no sign-in: the receiving service's one-time link, and a partner's form.
    path("r/<str:token>/", public_views.answer, name="answer"),
    path("from-a-partner/", public_views.partner_form, name="partner_form"),
]
