"""An email backend standing in for an SMTP server that refuses mail for a while."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPDataError(451, "4.3.0 Mailbox temporarily unavailable")
