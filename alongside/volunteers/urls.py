from django.urls import path

from alongside.volunteers import views

app_name = "volunteers"

urlpatterns = [
    path("", views.volunteer_list, name="list"),
    path("requirements/", views.requirements, name="requirements"),
    path("<int:volunteer_id>/", views.volunteer, name="volunteer"),
    path("<int:volunteer_id>/move/", views.move, name="move"),
    path("<int:volunteer_id>/references/", views.add_reference, name="add_reference"),
    path("references/<int:reference_id>/back/", views.reference_back, name="reference_back"),
    path("<int:volunteer_id>/checks/", views.add_check, name="add_check"),
    path("checks/<int:check_id>/", views.update_check, name="update_check"),
    path("my-lived-experience/", views.my_lived_experience, name="my_lived_experience"),
    # Public, no sign-in: anyone may offer to volunteer.
    path("offer/<slug:organisation_slug>/", views.enquire, name="enquire"),
]
