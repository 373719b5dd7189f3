"""The person page's panels: each app registers its own (people imports none of them)."""

from alongside.people.panels import person_panels


def test_person_page_panels_are_registered_by_their_apps_in_page_order():
    assert [(panel.name, panel.template) for panel in person_panels()] == [
        ("both_roles", "eligibility/partials/both_roles_warning.html"),
        ("appointments", "scheduling/partials/person_appointments.html"),
        ("needs_and_spends", "learning/partials/person_panel.html"),
        ("measures", "measures/partials/person_panel.html"),
        ("spaces", "spaces/partials/person_page_panel.html"),
        ("connections", "connections/partials/person_panel.html"),
        ("planned_handover", "relationships/partials/planned_handover_panel.html"),
        ("history_access", "relationships/partials/history_access_panel.html"),
        ("referrals", "referrals/partials/panel.html"),
        ("safeguarding", "safeguarding/partials/panel.html"),
        ("vouchers", "eligibility/partials/vouchers_panel.html"),
        ("consents", "people/partials/consents_panel.html"),
        ("worker_requests", "relationships/partials/open_worker_requests.html"),
    ]


def test_panels_that_read_sphere_records_read_before_the_page_is_drawn():
    """An audited read happens in a panel's context function (through a `read_*` service),
    never while a template renders: the panels that show sphere records all have one."""
    panels = {panel.name: panel for panel in person_panels()}
    for name in ("measures", "safeguarding", "vouchers", "connections", "referrals"):
        assert panels[name].context is not None, name
