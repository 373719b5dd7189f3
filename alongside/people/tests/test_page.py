"""The person page's panels: each app registers its own (people imports none of them)."""

from alongside.people.panels import person_panels


def test_person_page_panels_are_registered_by_their_apps_in_page_order():
    assert [(panel.name, panel.template) for panel in person_panels()] == [
        ("both_roles", "eligibility/partials/both_roles_warning.html"),
        ("appointments", "scheduling/partials/person_appointments.html"),
        ("measures", "measures/partials/person_page_panel.html"),
        ("spaces", "spaces/partials/person_page_panel.html"),
        ("connections", "connections/partials/person_panel.html"),
        ("planned_handover", "relationships/partials/planned_handover_panel.html"),
        ("safeguarding", "safeguarding/partials/person_panel.html"),
        ("vouchers", "eligibility/partials/person_panel.html"),
        ("consents", "people/partials/consents_panel.html"),
        ("worker_requests", "relationships/partials/open_worker_requests.html"),
    ]
