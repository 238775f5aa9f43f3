"""Request types for views."""

from django.http import HttpRequest

from ceutrack.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request a view behind @login_required receives: its user is a signed-in User
    (django-stubs' documented way to say so; an HttpRequest's user may be anonymous)."""

    user: User
