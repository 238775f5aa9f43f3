"""A real SMTP server on loopback (aiosmtpd) that records each message and its session."""

from __future__ import annotations

import socket
from contextlib import contextmanager
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller


@dataclass
class Received:
    recipients: list[str] = field(default_factory=list)
    sessions: set[int] = field(default_factory=set)
    # Each message as received: (MAIL FROM, RCPT TOs, the data).
    envelopes: list[tuple[str, list[str], bytes]] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        self.recipients.extend(envelope.rcpt_tos)
        self.envelopes.append((envelope.mail_from, envelope.rcpt_tos, envelope.original_content))
        self.sessions.add(id(session))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def smtp_server():
    received = Received()
    controller = Controller(received, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, received
    finally:
        controller.stop()


def use_smtp(settings, controller) -> None:
    settings.EMAIL_BACKEND = "ceutrack.smtp.EmailBackend"
    settings.EMAIL_HOST = controller.hostname
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
