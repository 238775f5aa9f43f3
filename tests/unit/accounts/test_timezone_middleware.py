from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from ceutrack.accounts.middleware import UserTimezoneMiddleware
from ceutrack.accounts.models import User


def zone_seen_by_the_view(user) -> str:
    seen: list[str] = []

    def view(request):
        seen.append(timezone.get_current_timezone_name())
        return HttpResponse()

    request = RequestFactory().get("/")
    request.user = user
    try:
        UserTimezoneMiddleware(view)(request)
    finally:
        # The active zone is thread-local: leaving it set would shift later tests' "today".
        timezone.deactivate()
    return seen[0]


def test_it_shows_a_signed_in_person_times_in_their_own_zone():
    assert zone_seen_by_the_view(User(time_zone="America/Chicago")) == "America/Chicago"


def test_it_shows_visitors_the_server_zone():
    timezone.activate("Asia/Tokyo")  # left over from an earlier request on this thread

    assert zone_seen_by_the_view(AnonymousUser()) == "UTC"


def test_it_falls_back_to_utc_for_a_zone_that_no_longer_exists():
    assert zone_seen_by_the_view(User(pk=7, time_zone="Mars/Olympus_Mons")) == "UTC"
