"""`{% person_panel panel %}`: draw one of the person page's panels (see people.panels)."""

from django import template
from django.template import Engine
from django.utils.safestring import SafeString

from alongside.people.page import PanelOnPage

register = template.Library()


@register.simple_tag(takes_context=True)
def person_panel(context: template.Context, panel: PanelOnPage) -> SafeString:
    """The panel's template, drawn with its own context as an inclusion tag would be (the CSRF
    token and the request carried over), or with the page's context when the panel has no context function."""
    engine = context.template.engine if context.template is not None else Engine.get_default()
    drawn = engine.get_template(panel.template)
    if panel.context is None:
        return drawn.render(context)
    own = context.new(dict(panel.context))
    csrf_token = context.get("csrf_token")
    if csrf_token is not None:
        own["csrf_token"] = csrf_token
    # The request too (not the page's other variables): `{% word %}` reads the organisation's
    # own words through it (decision 0088).
    if "request" not in own and context.get("request") is not None:
        own["request"] = context.get("request")
    return drawn.render(own)
