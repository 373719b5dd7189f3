from django.urls import path

from alongside.eligibility import views

app_name = "eligibility"

urlpatterns = [
    path("", views.foodbank, name="foodbank"),
    path("vouchers/new/", views.record_voucher, name="record_voucher"),
    path("vouchers/<int:voucher_id>/", views.voucher_detail, name="voucher"),
    path(
        "vouchers/<int:voucher_id>/redeem/",
        views.redeem_voucher,
        name="redeem_voucher",
    ),
    path(
        "vouchers/<int:voucher_id>/talk-to-someone/",
        views.accept_support_offer,
        name="accept_support_offer",
    ),
    path(
        "vouchers/<int:voucher_id>/undo-redemption/",
        views.undo_redemption,
        name="undo_redemption",
    ),
    path("partners/", views.partners, name="partners"),
    path(
        "partners/<int:partner_id>/status/",
        views.change_partner,
        name="change_partner",
    ),
]
