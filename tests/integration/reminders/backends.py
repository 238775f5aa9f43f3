"""An email backend standing in for an SMTP server that refuses mail for a while."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPDataError(451, "4.3.0 Mailbox temporarily unavailable")


class SlowBackend(BaseEmailBackend):
    """A mail server that takes `seconds_per_send` of (travelled) time for each message and,
    meanwhile, lets another sender try to recover stale claims: the race a slow server opens."""

    traveller = None  # set by the test: a time_machine traveller to move the clock
    seconds_per_send = 400
    recoveries: list[int] = []
    sent: list[str] = []

    def send_messages(self, email_messages):
        from datetime import timedelta

        from django.conf import settings
        from django.utils import timezone

        from ceutrack.reminders.models import Reminder

        type(self).traveller.shift(timedelta(seconds=self.seconds_per_send))
        timeout = timedelta(seconds=settings.REMINDER_CLAIM_TIMEOUT)
        self.recoveries.append(Reminder.objects.recover_stale(now=timezone.now(), timeout=timeout))
        self.sent.extend(message.to[0] for message in email_messages)
        return len(email_messages)


class WorkerDeath(BaseException):
    """Not an Exception, like the SystemExit of a worker killed mid-send: nothing catches it."""


class DyingBackend(BaseEmailBackend):
    """A send whose outcome is never known: the worker dies inside it."""

    def send_messages(self, email_messages):
        raise WorkerDeath


class CheckingBackend(BaseEmailBackend):
    """Notes, at each send, how many reminders are already marked sent."""

    marked_before_each_send: list[int] = []

    def send_messages(self, email_messages):
        from ceutrack.reminders.models import Reminder, Status

        sent = Reminder.objects.filter(status=Status.SENT).count()
        self.marked_before_each_send.append(sent)
        return len(email_messages)
