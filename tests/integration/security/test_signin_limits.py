"""Sign-in limits that fit a hospital: a department behind one address signs in at shift
start, while failures are limited per account and per address (allauth's "login" and
"login_failed" limits, configured in ceutrack/settings.py)."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.integration.accounts.helpers import PASSWORD, verified_user

pytestmark = pytest.mark.django_db

LOCKED = "Too many failed login attempts"
NAT = "203.0.113.7"


def sign_in(email, password=PASSWORD, *, address=NAT, **headers):
    """A fresh browser (its own session) at `address`; True when signed in."""
    client = Client(REMOTE_ADDR=address, **headers)
    response = client.post(reverse("account_login"), {"login": email, "password": password})
    if response.status_code == 429:
        return "429"
    if LOCKED in response.content.decode():
        return "locked"
    return "in" if "_auth_user_id" in client.session else "refused"


def test_a_department_behind_one_address_signs_in_past_the_old_limit_of_thirty():
    people = [verified_user(email=f"coder{n}@hospital.example") for n in range(35)]

    results = [sign_in(person.email) for person in people]

    assert results == ["in"] * 35


def test_the_address_limit_leaves_room_for_a_500_person_department_in_one_minute():
    rate = settings.ACCOUNT_RATE_LIMITS["login"]
    amount, period, per = rate.split("/")

    assert per == "ip" and period == "m" and int(amount) >= 500


def test_six_wrong_passwords_lock_that_account_but_not_the_department():
    target = verified_user(email="target@hospital.example")
    colleague = verified_user(email="colleague@hospital.example")

    wrong = [sign_in(target.email, "not-the-password") for _ in range(6)]

    assert wrong[:5] == ["refused"] * 5
    assert wrong[5] == "locked"
    assert sign_in(target.email) == "locked"  # even the right password, for a while
    assert sign_in(colleague.email) == "in"


def test_a_burst_of_failures_from_one_address_is_limited_and_other_addresses_are_not():
    people = [verified_user(email=f"sprayed{n}@hospital.example") for n in range(12)]

    sprayed = [sign_in(person.email, "Winter2025!") for person in people]

    assert sprayed[:10] == ["refused"] * 10
    assert set(sprayed[10:]) == {"locked"}
    assert sign_in(people[0].email, address="198.51.100.9") == "in"


def test_successful_sign_ins_do_not_use_up_the_failure_budget():
    people = [verified_user(email=f"ok{n}@hospital.example") for n in range(12)]
    unlucky = verified_user(email="typo@hospital.example")

    assert [sign_in(person.email) for person in people] == ["in"] * 12
    assert sign_in(unlucky.email, "typo") == "refused"
    assert sign_in(unlucky.email) == "in"


def test_a_forged_forwarded_for_header_does_not_escape_the_address_limit(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0  # no proxy in front (BEHIND_PROXY unset)
    people = [verified_user(email=f"forged{n}@hospital.example") for n in range(11)]

    results = [
        sign_in(p.email, "wrong", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}") for n, p in enumerate(people)
    ]

    assert results[-1] == "locked"


def test_behind_a_proxy_the_forwarded_address_is_the_one_counted(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1  # BEHIND_PROXY=1
    people = [verified_user(email=f"proxied{n}@hospital.example") for n in range(11)]

    results = [
        sign_in(p.email, "wrong", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}") for n, p in enumerate(people)
    ]

    assert results == ["refused"] * 11  # eleven different clients, one failure each
