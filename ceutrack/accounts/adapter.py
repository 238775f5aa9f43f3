from typing import Any

from allauth.account import app_settings
from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    """Account emails (verification, password reset) go through Celery, never blocking a request."""

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        from ceutrack.accounts.tasks import send_account_email

        context = {
            **context,
            "site_url": settings.SITE_URL,
            "confirmation_expire_days": app_settings.EMAIL_CONFIRMATION_EXPIRE_DAYS,
        }
        message = self.render_mail(template_prefix, email, context)
        # celery-types 0.26 does not know Task.delay_on_commit (Celery 5.4).
        send_account_email.delay_on_commit(  # type: ignore[attr-defined]
            subject=message.subject,
            body=message.body,
            from_email=message.from_email,
            to=list(message.to),
            html=_html_alternative(message),
        )

    def format_email_subject(self, subject: str) -> str:
        # Without django.contrib.sites allauth would prefix the request's host name.
        return f"ceutrack: {subject}"


def _html_alternative(message: object) -> str | None:
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == "text/html":
            return str(content)
    return None
