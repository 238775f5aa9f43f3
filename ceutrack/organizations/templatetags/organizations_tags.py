from django import template

from ceutrack.credentials.presentation import status_badge_class
from ceutrack.credentials.templatetags import presentation
from ceutrack.organizations.models import SummaryStatus

register = template.Library()

_LABELS = dict(SummaryStatus.choices)

# The same filters as `{% load presentation %}`, for the templates that load these tags.
register.filter("units", presentation.units)
register.filter("day", presentation.day)
register.filter("topic_label", presentation.topic_label)


@register.filter
def status_badge(status: str | None) -> str:
    return status_badge_class(status)


@register.filter
def status_label(status: str | None) -> str:
    return _LABELS.get(status or SummaryStatus.NONE, str(status))
