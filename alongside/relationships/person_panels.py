"""Panels on the person page from this app, drawn from the page's own value (`page`):
the planned handover and the worker requests still open."""

from alongside.people.panels import PersonPanel, register_person_panel

register_person_panel(
    PersonPanel("planned_handover", 50, "relationships/partials/planned_handover_panel.html")
)
register_person_panel(
    PersonPanel("worker_requests", 90, "relationships/partials/open_worker_requests.html")
)
