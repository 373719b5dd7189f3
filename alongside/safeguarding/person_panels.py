"""The safeguarding panel on the person page, drawn by `{% safeguarding_panel %}`, registered
here: people does not import safeguarding."""

from alongside.people.panels import PersonPanel, register_person_panel

register_person_panel(PersonPanel("safeguarding", 60, "safeguarding/partials/person_panel.html"))
