"""{% help_panel "topic" %}: the collapsible help panel of a page (common/help.py)."""

from django import template
from django.urls import reverse

from common.help import TOPICS, help_template

register = template.Library()


@register.simple_tag(takes_context=True)
def help_panel(context, topic: str) -> str:
    """Renders templates/help/_panel.html around templates/help/<topic>.html with the page's own
    context, so a help text may name the page's round or unit."""
    page = context.template.engine.get_template("help/_panel.html")
    with context.push(
        help_topic=topic,
        help_text=help_template(topic),
        help_manual=reverse("manual_page", args=[TOPICS[topic]]),
    ):
        return page.render(context)
