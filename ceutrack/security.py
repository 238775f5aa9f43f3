"""Response headers Django does not set itself: Content-Security-Policy and Permissions-Policy.

A 30-line middleware rather than django-csp: ceutrack needs one fixed policy for every page
(no nonces, no per-view overrides), so a dependency with its own settings format would add more
than it saves. The policy allows no inline script or style: pages load JS and CSS from
static/ only, and set computed sizes (progress bars) through CSSOM in static/js/progress.js.
The Django admin (5.2) needs no exception: its templates load every script from static files.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        # data: for the TOTP QR code allauth renders as a data: URI and Bootstrap's SVG icons.
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
)
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
