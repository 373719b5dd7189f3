"""The public Open Referral UK API (no sign-in): paths as in the ORUK OpenAPI, under /oruk/."""

from django.urls import path

from alongside.directory import oruk_views

app_name = "oruk"

urlpatterns = [
    path("", oruk_views.index, name="index"),
    path("services", oruk_views.services, name="services"),
    path("services/<uuid:oruk_id>", oruk_views.service, name="service"),
    path("service_at_locations", oruk_views.service_at_locations, name="service_at_locations"),
    path("taxonomies", oruk_views.taxonomies, name="taxonomies"),
]
