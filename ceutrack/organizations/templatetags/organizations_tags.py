from decimal import Decimal, InvalidOperation

from django import template

from ceutrack.activities.presenters import STATUS_BADGE_CLASSES, format_units
from ceutrack.organizations.models import SummaryStatus

register = template.Library()

_LABELS = dict(SummaryStatus.choices)


@register.filter
def status_badge(status: str | None) -> str:
    return STATUS_BADGE_CLASSES.get(status or "", "text-bg-secondary")


@register.filter
def status_label(status: str | None) -> str:
    return _LABELS.get(status or SummaryStatus.NONE, str(status))


@register.filter
def units(value: object) -> str:
    """36.00 -> 36, 12.50 -> 12.5; blank for no value."""
    if value is None or value == "":
        return ""
    try:
        return format_units(Decimal(str(value)))
    except InvalidOperation:
        return str(value)
