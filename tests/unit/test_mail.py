"""Email templates (ceutrack/mail.py): Jinja2 templates that escape HTML and only HTML, with
Django's filters and time zones."""

import zoneinfo
from datetime import UTC, date, datetime
from types import SimpleNamespace

from django.utils import timezone

from ceutrack.mail import environment, render_email


def render(source: str, **context: object) -> str:
    return environment().from_string(source).render(context)


def test_a_nudge_keeps_the_managers_line_breaks_and_escapes_their_text():
    context = {
        "person": SimpleNamespace(display_name="Dana"),
        "sender": SimpleNamespace(display_name="Morgan <b>Manager</b>"),
        "organization": SimpleNamespace(name="Riverside & Co"),
        "message": "Conference <script>alert(1)</script>\nis Friday",
        "summary": None,
        "url": "https://ceutrack.example/",
    }

    subject, text, html = render_email("nudge", context)

    assert "Conference &lt;script&gt;alert(1)&lt;/script&gt;<br>is Friday" in html
    assert "Morgan &lt;b&gt;Manager&lt;/b&gt;" in html and "Riverside &amp; Co" in html
    assert "Conference <script>alert(1)</script>\nis Friday" in text
    assert subject == "Riverside & Co: a reminder about your CEUs"  # a header: never escaped


def test_only_html_templates_escape():
    assert environment().autoescape("emails/x.html") is True
    assert environment().autoescape("emails/x.txt") is False
    assert environment().autoescape("emails/x_subject.txt") is False


def test_a_time_is_dated_in_the_current_time_zone_as_django_templates_date_it():
    late_evening_in_new_york = datetime(2027, 1, 31, 3, 30, tzinfo=UTC)

    with timezone.override(zoneinfo.ZoneInfo("America/New_York")):
        shown = render('{{ when|date("M j, Y") }}', when=late_evening_in_new_york)

    assert shown == "Jan 30, 2027"


def test_the_filters_read_as_djangos():
    assert render('{{ day|date("j M Y") }}', day=date(2027, 1, 31)) == "31 Jan 2027"
    assert render("{{ n }} item{{ n|pluralize }}", n=1) == "1 item"
    assert render('{{ n }} {{ n|pluralize("is,are") }}', n=2) == "2 are"
    assert render('{{ none|date("j M Y") }}', none=None) == ""
