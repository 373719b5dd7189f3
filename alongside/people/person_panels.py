"""This app's panel on the person page: what the person agreed to share (from `page.consents`)."""

from alongside.people.panels import PersonPanel, register_person_panel

register_person_panel(PersonPanel("consents", 80, "people/partials/consents_panel.html"))
