"""ceutrack.smtp.envelope_address gives what Django's sanitize_address gives, cheaper."""

import pytest
from django.core.mail.message import sanitize_address
from hypothesis import given
from hypothesis import strategies as st

from ceutrack import smtp


def outcome(function, address):
    try:
        return function(address, "utf-8")
    except Exception as error:  # the same failure is as good as the same address
        return type(error)


@given(st.from_regex(smtp.PLAIN_ADDRESS, fullmatch=True))
def test_a_plain_address_is_used_as_it_is_which_is_what_django_makes_of_it(address):
    assert smtp.envelope_address(address, "utf-8") == sanitize_address(address, "utf-8") == address


@given(st.text(alphabet=st.sampled_from("aZ0.-_+@<>\"' ()\\,:;[]é\u00a0\r\n"), max_size=24))
def test_any_other_text_is_worked_out_or_refused_as_django_does(address):
    assert outcome(smtp.envelope_address, address) == outcome(sanitize_address, address)


@pytest.mark.parametrize(
    "address",
    [
        "ceutrack <no-reply@ceutrack.local>",
        "Zoë Ñandú <zoe@example.com>",
        "zoë@example.com",
        "kim@bücher.example",
        '"quoted local"@example.com',
        "a..b@example.com",
        f"kim@{'x' * 64}.example",
        ("Kim Lee", "kim@example.com"),
    ],
)
def test_an_address_that_is_not_plain_goes_through_django(address):
    assert outcome(smtp.envelope_address, address) == outcome(sanitize_address, address)


def test_a_named_sender_is_parsed_once_per_process():
    smtp._sanitized.cache_clear()

    for _ in range(3):
        smtp.envelope_address("ceutrack <no-reply@ceutrack.local>", "utf-8")

    assert smtp._sanitized.cache_info().misses == 1
