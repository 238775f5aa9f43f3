from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Account emails (verification, password reset) go through Celery, never blocking a request."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:  # type: ignore[type-arg]
        from ceutrack.accounts.tasks import send_account_email

        message = self.render_mail(template_prefix, email, context)
        send_account_email.delay_on_commit(
            subject=message.subject,
            body=message.body,
            from_email=message.from_email,
            to=list(message.to),
            html=_html_alternative(message),
        )


def _html_alternative(message: object) -> str | None:
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == "text/html":
            return str(content)
    return None
