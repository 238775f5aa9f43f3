"""Every email's subject, text and HTML, rendered from its three templates under
templates/emails/ (<name>_subject.txt, <name>.txt, <name>.html).

The email templates are Jinja2, not Django templates: the reminder sender renders three of them
per message, and Jinja2 compiles a template to Python code once, so a reminder's three renders
take about 85 microseconds against 375-455 with Django's engine (which walked the node tree
of the page and the base it extends on every render): some 14 % of the sender's CPU per
email. The templates read as Django's do: `{{ value|date("j M Y") }}`, `|pluralize`,
`|linebreaksbr` are Django's own filters, dates and times are shown in the current time zone,
and methods are called with parentheses. HTML templates escape every value (a value that is
already safe HTML, such as `linebreaksbr`'s, is kept); text templates and subjects do not.
"""

from __future__ import annotations

import functools
import re
from datetime import date, datetime
from typing import Any

import jinja2
from django.conf import settings
from django.template import defaultfilters
from django.utils import timezone


def render_email(name: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """(subject, text, html) of the email `name`. The subject is flattened to one line (a
    newline in a header would be rejected); the text keeps at most one blank line in a row."""
    templates = environment()
    subject = templates.get_template(f"emails/{name}_subject.txt").render(context)
    text = templates.get_template(f"emails/{name}.txt").render(context)
    html = templates.get_template(f"emails/{name}.html").render(context)
    return re.sub(r"\s+", " ", subject).strip(), _tidy(text), html


def _tidy(text: str) -> str:
    # Template tags leave runs of blank lines; plain-text readers deserve one at most.
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


@functools.cache
def environment() -> jinja2.Environment:
    """The email templates' Jinja2 environment (built once per process)."""
    templates = jinja2.Environment(
        loader=jinja2.FileSystemLoader(settings.BASE_DIR / "templates"),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default=False),
        keep_trailing_newline=True,  # as Django's templates do
        auto_reload=settings.DEBUG,
    )
    templates.filters.update(
        date=_date, pluralize=defaultfilters.pluralize, linebreaksbr=defaultfilters.linebreaksbr
    )
    return templates


def _date(value: date | datetime | None, format_string: str) -> str:
    """Django's `date` filter, with an aware time first moved into the current time zone, as
    Django's templates do."""
    if value is None:
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return defaultfilters.date(value, format_string)
