"""`{{ person|identity_hint }}`: what tells two people of one name apart in a list."""

from django import template

from alongside.people.models import Person
from alongside.people.names import identity_hint as hint

register = template.Library()


@register.filter
def identity_hint(person: Person) -> str:
    """'born 1970 · LS6 · Advice': year of birth, postcode district, service (`names.identity_hint`)."""
    return hint(person.date_of_birth, person.postcode, person.team.name)
