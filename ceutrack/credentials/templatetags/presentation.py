"""Template filters over ceutrack.credentials.presentation: `{% load presentation %}`, then
`{{ cycle.remaining|units }}`, `{{ cycle.end|day }}`, `{{ status|status_label }}`."""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import timezone

from ceutrack.credentials import presentation

register = template.Library()


@register.filter
def units(value: object) -> str:
    """36.00 -> 36, 12.50 -> 12.5; blank for no value; anything else is shown as it is."""
    if value is not None and not isinstance(value, Decimal | int | float | str):
        return str(value)
    try:
        return presentation.units(value)
    except (InvalidOperation, ValueError):
        return str(value)


@register.filter
def day(value: date | None) -> str:
    """31 Jan 2027; a moment is shown on the day it was in the current time zone."""
    if isinstance(value, datetime):
        value = timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return presentation.day(value) if isinstance(value, date) else ""


@register.filter
def status_label(status: str | None) -> str:
    return presentation.status_label(status)


@register.filter
def status_badge(status: str | None) -> str:
    return presentation.status_badge_class(status)


@register.filter
def topic_label(topic: str | None) -> str:
    return presentation.topic_label(topic) if topic else ""
