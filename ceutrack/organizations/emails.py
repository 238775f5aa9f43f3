"""Invitation and nudge emails: subject/text/HTML templates per message, sent by Celery
once the transaction commits."""

from typing import Any

from django.conf import settings
from django.urls import reverse

from ceutrack.accounts.tasks import send_account_email
from ceutrack.credentials import presentation as words
from ceutrack.mail import render_email
from ceutrack.organizations.models import Invitation, Membership


def _send(name: str, context: dict[str, Any], *, to: str) -> None:
    subject, text, html = render_email(name, context)
    # celery-types 0.26 does not know Task.delay_on_commit (Celery 5.4).
    send_account_email.delay_on_commit(  # type: ignore[attr-defined]
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[to], html=html
    )


def invitation_url(invitation: Invitation) -> str:
    path = reverse("organizations:invitation_accept", args=[invitation.token])
    return f"{settings.SITE_URL}{path}"


def send_invitation(invitation: Invitation) -> None:
    context = {
        "invitation": invitation,
        "organization": invitation.organization,
        "inviter": invitation.invited_by,
        "url": invitation_url(invitation),
    }
    _send("invitation", context, to=invitation.email)


def send_nudge(*, member: Membership, sender: Any, message: str) -> None:
    summary = getattr(member.user, "compliance_summary", None)
    context = {
        "member": member,
        "person": member.user,
        "organization": member.organization,
        "sender": sender,
        "message": message,
        "summary": summary,
        "remaining": words.units(summary.remaining) if summary else "",
        "as_of": words.day(summary.as_of) if summary else "",
        "cycle_end": words.day(summary.cycle_end) if summary else "",
        "url": f"{settings.SITE_URL}{reverse('home')}",
    }
    _send("nudge", context, to=member.user.email)
