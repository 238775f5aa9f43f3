"""QR codes of verification links (segno), for the link pages and the audit pack's PDF."""

import io

import segno

from ceutrack.accounts.models import User
from ceutrack.api.tokens import newest_active_link, public_url


def qr_data_uri(url: str) -> str:
    """An SVG QR code of `url` as a data: URI (allowed by the CSP's img-src)."""
    return str(segno.make(url, error="m").svg_data_uri(scale=4, border=2))


def qr_png(url: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()


def verification_qr(user: User) -> tuple[str, bytes] | None:
    """The URL of the person's active verification link lasting longest, with its QR code
    as PNG bytes; None when they have none (or for an unsaved user)."""
    if user.pk is None:
        return None
    link = newest_active_link(user)
    if link is None:
        return None
    url = public_url(link)
    return url, qr_png(url)
