from datetime import UTC, date, datetime

import pytest
import time_machine

from ceutrack.accounts.models import (
    ALL_TIME_ZONES,
    COMMON_TIME_ZONES,
    User,
    normalize_email,
)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Casey@Example.COM", "casey@example.com"),
        ("  casey@example.com ", "casey@example.com"),
        ("CASEY.CODER+ceu@EXAMPLE.org", "casey.coder+ceu@example.org"),
    ],
)
def test_it_normalises_an_email_to_one_lowercase_spelling(typed, stored):
    assert normalize_email(typed) == stored


def test_it_normalises_the_email_when_a_form_cleans_the_user():
    user = User(email="Casey@Example.COM")

    user.clean()

    assert user.email == "casey@example.com"


@pytest.mark.parametrize(
    ("utc_now", "time_zone", "today"),
    [
        # 03:30 UTC on 1 March is still the evening of 28 February in New York.
        (datetime(2025, 3, 1, 3, 30, tzinfo=UTC), "America/New_York", date(2025, 2, 28)),
        (datetime(2025, 3, 1, 3, 30, tzinfo=UTC), "UTC", date(2025, 3, 1)),
        # 20:00 UTC on 28 February is already 1 March in Tokyo.
        (datetime(2025, 2, 28, 20, 0, tzinfo=UTC), "Asia/Tokyo", date(2025, 3, 1)),
        (datetime(2025, 2, 28, 20, 0, tzinfo=UTC), "America/Los_Angeles", date(2025, 2, 28)),
        # New Year's Eve just before midnight UTC is already next year in Auckland.
        (datetime(2025, 12, 31, 23, 59, tzinfo=UTC), "Pacific/Auckland", date(2026, 1, 1)),
    ],
)
def test_it_gives_today_in_the_persons_own_time_zone(utc_now, time_zone, today):
    user = User(email="casey@example.com", time_zone=time_zone)

    with time_machine.travel(utc_now, tick=False):
        assert user.local_today() == today


def test_it_shows_the_full_name_or_else_the_email():
    assert User(email="casey@example.com", full_name="Casey Coder").display_name == "Casey Coder"
    assert User(email="casey@example.com").display_name == "casey@example.com"
    assert str(User(email="casey@example.com")) == "casey@example.com"


def test_it_offers_canonical_time_zones_without_legacy_aliases():
    assert "America/New_York" in ALL_TIME_ZONES
    assert "UTC" in ALL_TIME_ZONES
    for alias in ("US/Eastern", "EST5EDT", "localtime", "Factory", "Etc/GMT+5"):
        assert alias not in ALL_TIME_ZONES
    assert {tz for tz, _ in COMMON_TIME_ZONES} <= set(ALL_TIME_ZONES)


def test_it_counts_today_in_utc_when_the_stored_zone_is_unknown():
    user = User(email="casey@example.com", time_zone="Mars/Olympus_Mons")

    with time_machine.travel(datetime(2025, 3, 1, 3, 30, tzinfo=UTC), tick=False):
        assert user.local_today() == date(2025, 3, 1)
