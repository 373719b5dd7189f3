"""The spaces panel on the person page, drawn by `{% spaces_panel %}`, registered here: people
does not import spaces."""

from alongside.people.panels import PersonPanel, register_person_panel

register_person_panel(PersonPanel("spaces", 30, "spaces/partials/person_page_panel.html"))
