from django.urls import path

from alongside.eligibility import views

urlpatterns = [
    path("", views.foodbank, name="eligibility_foodbank"),
    path("vouchers/new/", views.record_voucher, name="eligibility_record_voucher"),
    path("vouchers/<int:voucher_id>/", views.voucher_detail, name="eligibility_voucher"),
    path(
        "vouchers/<int:voucher_id>/redeem/",
        views.redeem_voucher,
        name="eligibility_redeem_voucher",
    ),
    path(
        "vouchers/<int:voucher_id>/talk-to-someone/",
        views.accept_support_offer,
        name="eligibility_accept_support_offer",
    ),
    path("partners/", views.partners, name="eligibility_partners"),
    path(
        "partners/<int:partner_id>/status/",
        views.change_partner,
        name="eligibility_change_partner",
    ),
]
