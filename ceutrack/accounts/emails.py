from django.core.mail import EmailMultiAlternatives


def send_plain_email(
    *, subject: str, body: str, from_email: str, to: list[str], html: str | None = None
) -> None:
    message = EmailMultiAlternatives(subject=subject, body=body, from_email=from_email, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()
