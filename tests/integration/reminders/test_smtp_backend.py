"""The project's SMTP backend (ceutrack/smtp.py) puts on the wire exactly what Django's does."""

import pytest
from django.core import mail

from tests.integration.reminders.smtp import smtp_server, use_smtp

DJANGO = "django.core.mail.backends.smtp.EmailBackend"
OURS = "ceutrack.smtp.EmailBackend"
FIXED = {"Message-ID": "<fixed@ceutrack.local>", "Date": "Thu, 03 Dec 2026 07:00:00 -0000"}


def messages():
    return [
        mail.EmailMessage("Plain", "Hello\n", to=["kim@example.com"], headers=FIXED),
        mail.EmailMessage(
            "Named and non-ASCII: Zoë",
            "Ça va ?\n",
            from_email="Équipe ceutrack <no-reply@ceutrack.local>",
            to=["Zoë Ñandú <zoe@example.com>", "lee@bücher.example"],
            cc=["cc@example.com"],
            bcc=["hidden@example.com"],
            headers=FIXED,
        ),
    ]


def received_through(backend, settings):
    with smtp_server() as (controller, received):
        use_smtp(settings, controller)
        with mail.get_connection(backend) as connection:
            assert connection.send_messages(messages()) == 2
    return received.envelopes


def test_the_server_receives_the_same_envelopes_and_messages_from_both_backends(settings):
    ours = received_through(OURS, settings)

    assert ours == received_through(DJANGO, settings)
    assert [sender for sender, _, _ in ours] == ["no-reply@ceutrack.local"] * 2
    assert ours[1][1] == [
        "zoe@example.com",
        "lee@xn--bcher-kva.example",
        "cc@example.com",
        "hidden@example.com",
    ]


def test_an_address_with_a_line_break_is_refused_before_anything_is_sent(settings):
    message = mail.EmailMessage("Hi", "Body", to=["kim@example.com\r\nRCPT TO:<x@evil.example>"])
    with smtp_server() as (controller, received):
        use_smtp(settings, controller)
        with pytest.raises(ValueError), mail.get_connection(OURS) as connection:
            connection.send_messages([message])

    assert received.envelopes == []
