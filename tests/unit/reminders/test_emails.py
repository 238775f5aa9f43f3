"""Rendering and signing, without the database: users are built, figures come from the
engine directly."""

import email
import email.policy
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from ceutrack import rules
from ceutrack.mail import render_email
from ceutrack.reminders.emails import (
    ONE_LINE_HEADERS,
    UNSUBSCRIBE_SALT,
    absolute_url,
    build_message,
    read_unsubscribe_token,
    unsubscribe_token,
    unsubscribe_url,
)
from ceutrack.reminders.models import COACHING_KINDS
from ceutrack.reminders.sender import reminder_context
from tests.factories import UserFactory


def aapc_body(today: date, *units: str) -> rules.BodyResult:
    person = rules.PersonInput(
        credentials=(rules.HeldCredential("CPC", date(2025, 1, 10)),),
        activities=tuple(
            rules.Activity(id=str(i), completed_on=date(2025, 3, 1), units=Decimal(u), aapc=True)
            for i, u in enumerate(units)
        ),
    )
    [body] = rules.evaluate(person, today=today).bodies
    return body


def context_for(kind: str, **user_fields):
    user = UserFactory.build(pk=7, full_name="Dana O'Brien & Co", **user_fields)
    return reminder_context(user, body=aapc_body(date(2027, 1, 28), "10"), kind=kind)


@pytest.mark.parametrize("kind", COACHING_KINDS)
def test_every_kind_renders_a_one_line_subject_and_readable_text_and_html(kind):
    subject, text, html = render_email(f"reminder_{kind}", context_for(kind))

    assert subject and "\n" not in subject
    assert "&amp;" not in subject and "&#39;" not in text  # plain text is not HTML-escaped
    assert "Hello Dana O'Brien & Co," in text
    assert "Still needed:      26 CEUs" in text
    assert "What to do next" in text and "1. " in text
    assert "\n\n\n" not in text
    assert "Dana O&#39;Brien &amp; Co" in html  # and HTML is
    assert "<img" not in html and "src=" not in html  # nothing remote to load
    assert "/reminders/unsubscribe/" in html


def test_a_lapsed_cycle_says_how_long_ago_it_ended():
    user = UserFactory.build(pk=7)
    context = reminder_context(user, body=aapc_body(date(2027, 2, 5), "10"), kind="lapsed")

    subject, text, _ = render_email("reminder_lapsed", context)

    assert subject == "Your AAPC cycle ended on 31 Jan 2027 without all your CEUs"
    assert "Ended:             5 days ago" in text


def test_expected_units_are_shown_rounded_to_two_decimals():
    _, text, _ = render_email("reminder_due_7", context_for("due_7"))

    assert "Expected by today: 35.81 CEUs" in text


def test_an_unsubscribe_token_round_trips():
    token = unsubscribe_token(user_id=42, kind="due_30")

    assert read_unsubscribe_token(token) == (42, "due_30")


@pytest.mark.parametrize("user_id", [1, 42, 123_456_789])
@pytest.mark.parametrize("kind", ["due_30", "behind", "digest"])
def test_an_unsubscribe_url_is_the_reversed_url_of_its_token(user_id, kind):
    token = unsubscribe_token(user_id=user_id, kind=kind)

    assert unsubscribe_url(user_id=user_id, kind=kind) == absolute_url(
        reverse("reminders:unsubscribe", args=[token])
    )


@time_machine.travel("2026-12-03 07:00", tick=False)  # a token holds the time it was signed
def test_an_unsubscribe_token_is_what_a_compressed_one_was():
    """Links in emails already sent keep working: tokens were signed with compress=True, which
    never compressed so small a payload."""
    for user_id in (1, 42, 123_456_789):
        for kind in ("due_30", "self_review", "digest"):
            payload = {"u": user_id, "k": kind}
            compressed = signing.dumps(payload, salt=UNSUBSCRIBE_SALT, compress=True)

            assert unsubscribe_token(user_id=user_id, kind=kind) == compressed


def test_an_altered_unsubscribe_token_is_refused():
    token = unsubscribe_token(user_id=42, kind="due_30")

    with pytest.raises(signing.BadSignature):
        read_unsubscribe_token(token[:-1] + ("A" if token[-1] != "A" else "B"))


def test_figures_read_as_on_the_pages_without_trailing_zeros_and_with_catalog_topic_names():
    cycle = rules.CycleResult(
        start=date(2025, 2, 1),
        end=date(2027, 1, 31),
        required=Decimal("30.0"),
        earned=Decimal("13.0"),
        remaining=Decimal("17.0"),
        status=rules.Status.AT_RISK,
        days_left=20,
        expected=Decimal("29.10"),
        topics=(rules.TopicResult("obgyn", Decimal("8.0"), Decimal("2.5")),),
        sourced=rules.SourcedResult(Decimal("12.0"), Decimal("2.0")),
        outstanding=(rules.Outstanding(rules.SELF_REVIEW, 2),),
    )
    body = rules.BodyResult(body="AAPC", credentials=("COBGC",), current=cycle, history=())
    context = reminder_context(UserFactory.build(pk=7), body=body, kind="due_30")

    subject, text, html = render_email("reminder_due_30", context)

    assert subject == "30 days left: 17 AAPC CEUs still needed by 31 Jan 2027"
    assert "Required:          30 CEUs" in text and "Earned:            13 CEUs" in text
    assert "OB/GYN: 5.5 CEUs" in text and "<li>OB/GYN: 5.5 CEUs</li>" in html
    assert "AHIMA-sourced CEUs still needed: 10" in text
    assert "2 coding self-reviews missing" in text
    assert ".0 " not in text and ".0<" not in html


def test_a_reminder_serialises_to_a_text_and_html_message_split_by_a_boundary_no_part_contains():
    message = build_message("reminder_behind", context_for("behind"), to="dana@example.com")

    raw = message.message().as_bytes(linesep="\r\n")

    parsed = email.message_from_bytes(raw)
    boundary = parsed.get_boundary()
    assert boundary and raw.count(f"--{boundary}".encode()) == 3  # two parts, then the close
    text, html = parsed.get_payload()
    assert (text.get_content_type(), html.get_content_type()) == ("text/plain", "text/html")
    assert text.get_payload(decode=True).decode().replace("\r\n", "\n") == message.body
    assert (
        html.get_payload(decode=True).decode().replace("\r\n", "\n") == message.alternatives[0][0]
    )
    assert boundary not in message.body and boundary not in message.alternatives[0][0]


# Header values as they come: printable ASCII with runs of spaces and tabs, other characters,
# short and long, so that both the one-line path and compat32's folding are taken.
header_values = st.text(
    alphabet=st.sampled_from([*map(chr, range(32, 127)), " ", "\t", "é", "—"]), max_size=120
)


@given(name=st.sampled_from(["Subject", "To", "List-Unsubscribe", "X-A"]), value=header_values)
def test_a_header_is_written_exactly_as_compat32_writes_it(name, value):
    compat32 = email.policy.compat32.clone(linesep="\r\n")
    ours = ONE_LINE_HEADERS.clone(linesep="\r\n")

    assert ours.fold_binary(name, value) == compat32.fold_binary(name, value)


def test_a_reminder_serialises_to_the_same_bytes_as_djangos_own_message():
    ours = build_message("reminder_behind", context_for("behind"), to="dana@example.com")
    mime = ours.message()
    django = EmailMultiAlternatives(
        subject=ours.subject,
        body=ours.body,
        from_email=ours.from_email,
        to=ours.to,
        headers=ours.extra_headers,
        alternatives=ours.alternatives,
    ).message()
    for header in ("Date", "Message-ID"):
        del django[header]
        django[header] = mime[header]
    django.set_boundary(mime.get_boundary())

    assert mime.as_bytes(linesep="\r\n") == django.as_bytes(linesep="\r\n")
