from celery import shared_task

from ceutrack.accounts.emails import send_plain_email


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_account_email(
    *, subject: str, body: str, from_email: str, to: list[str], html: str | None = None
) -> None:
    send_plain_email(subject=subject, body=body, from_email=from_email, to=to, html=html)
