"""The measures panel on the person page, drawn by `{% measures_panel %}` (which records the
read of the answers it shows), registered here: people does not import measures."""

from alongside.people.panels import PersonPanel, register_person_panel

register_person_panel(PersonPanel("measures", 20, "measures/partials/person_page_panel.html"))
