"""Verification links: created on the page or through the API, opened by anyone holding the
link (no login, noindex), counted, revoked or expired at once (then 404), rate-limited, and
printed as a QR code in the audit pack."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from ceutrack.activities.auditpack import pack_contents, summary_pdf
from ceutrack.activities.evaluation import evaluate_person
from ceutrack.activities.presenters import STATUS_LABELS, format_units
from ceutrack.api.models import VerificationLink
from ceutrack.api.tokens import create_link
from tests.factories import ActivityFactory, CredentialFactory, UserFactory, credential_type
from tests.integration.api.conftest import api_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def coder(db):
    user = UserFactory(full_name="Casey <b>Coder</b>", time_zone="UTC")
    CredentialFactory(user=user, earned_on=date(2023, 1, 10))
    CredentialFactory(
        user=user, credential_type=credential_type("RHIT"), earned_on=date(2023, 3, 1)
    )
    ActivityFactory(
        user=user,
        title="E/M update",
        completed_on=date(2024, 3, 15),
        units=Decimal(6),
        certificate_name="secret-cert.pdf",
    )
    return user


def path_of(url: str) -> str:
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


@time_machine.travel("2025-06-30 12:00Z")
def test_a_link_made_through_the_api_opens_for_anyone_until_revoked(coder):
    api = api_as(coder)
    created = api.post(reverse("api:verification_link_list"), {"days": 7}, format="json")
    assert created.status_code == 201
    body = created.json()
    assert body["url"].startswith("http://testserver/v/")
    token = body["url"].rstrip("/").rsplit("/", 1)[1]
    assert len(token) >= 43  # secrets.token_urlsafe(32)

    anonymous = Client()
    page = anonymous.get(path_of(body["url"]))
    html = page.content.decode()
    assert page.status_code == 200
    assert page["X-Robots-Tag"].startswith("noindex")
    assert '<meta name="robots" content="noindex' in html
    assert "Casey &lt;b&gt;Coder&lt;/b&gt;" in html and "<b>Coder</b>" not in html
    assert "CPC" in html and "RHIT" in html
    assert "remains authoritative" in html
    # Per body: the engine's current cycle (the first AAPC cycle ended short: lapsed).
    assert "<td>6 / 36</td>" in html and "<td>Lapsed</td>" in html
    for result in evaluate_person(coder).bodies:
        figures = f"{format_units(result.current.earned)} / {format_units(result.current.required)}"
        assert f"<td>{figures}</td>" in html
        assert f"<td>{STATUS_LABELS[result.current.status]}</td>" in html
    assert "E/M update" not in html  # the activity list only when chosen
    assert 'src="data:image/svg+xml' in html
    assert (
        api.get(reverse("api:verification_link_detail", args=[body["id"]])).json()["view_count"]
        == 1
    )

    revoked = api.delete(reverse("api:verification_link_detail", args=[body["id"]]))
    assert revoked.status_code == 204
    assert anonymous.get(path_of(body["url"])).status_code == 404


def test_a_link_made_on_the_page_shows_activities_only_when_chosen_and_never_certificates(
    client, coder
):
    client.force_login(coder)
    response = client.post(
        reverse("verification:list"), {"days": "30", "label": "Riverside", "show_activities": "on"}
    )
    assert response.status_code == 302
    link = VerificationLink.objects.get(user=coder)
    listing = client.get(reverse("verification:list")).content.decode()
    assert f"/v/{link.token}/" in listing and "Riverside" in listing

    page = Client().get(reverse("verification:public", args=[link.token])).content.decode()

    assert "E/M update" in page
    assert "secret-cert" not in page and "certificate" not in page.lower().split("<footer")[0]
    assert "Riverside" not in page  # the label is for the owner only


def test_revoking_on_the_page_takes_effect_at_once(client, coder):
    link = create_link(user=coder, days=30)
    url = reverse("verification:public", args=[link.token])
    assert Client().get(url).status_code == 200
    client.force_login(coder)

    client.post(reverse("verification:revoke", args=[link.pk]))

    assert Client().get(url).status_code == 404


def test_a_deactivated_accounts_link_is_a_404(coder):
    link = create_link(user=coder, days=30)
    url = reverse("verification:public", args=[link.token])
    coder.is_active = False
    coder.save(update_fields=["is_active"])

    assert Client().get(url).status_code == 404


def test_an_expired_link_is_a_404(coder):
    link = create_link(user=coder, days=2)
    url = reverse("verification:public", args=[link.token])

    with time_machine.travel(timezone.now() + timedelta(days=2, seconds=1)):
        assert Client().get(url).status_code == 404


@pytest.mark.parametrize("mangle", [lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), str.upper])
def test_a_token_differing_in_one_character_is_a_404(coder, mangle):
    link = create_link(user=coder, days=2)

    assert (
        Client().get(reverse("verification:public", args=[mangle(link.token)])).status_code == 404
    )


@pytest.mark.parametrize("days", [0, 366, "soon", None])
def test_the_api_refuses_a_bad_expiry_with_a_field_error(coder, days):
    answer = api_as(coder).post(
        reverse("api:verification_link_list"), {} if days is None else {"days": days}, format="json"
    )

    assert answer.status_code == 400
    assert list(answer.json()["errors"]) == ["days"]


def test_another_persons_link_cannot_be_revoked(coder):
    link = create_link(user=coder, days=2)

    assert (
        api_as(UserFactory())
        .delete(reverse("api:verification_link_detail", args=[link.pk]))
        .status_code
        == 404
    )
    link.refresh_from_db()
    assert link.revoked_at is None


def test_the_public_page_is_rate_limited_per_address(settings, coder):
    settings.VERIFICATION_PAGE_RATE_LIMIT = 2
    url = reverse("verification:public", args=[create_link(user=coder, days=2).token])
    anonymous = Client()

    answers = [anonymous.get(url) for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert 1 <= int(answers[2]["Retry-After"]) <= 60
    assert Client(REMOTE_ADDR="10.0.0.9").get(url).status_code == 200


@time_machine.travel("2025-06-30 12:00Z")
def test_the_audit_pack_pdf_carries_the_links_qr_code_and_address(coder):
    link = create_link(user=coder, days=30)
    contents = pack_contents(coder, body="AAPC", end=date(2025, 1, 31))
    assert contents is not None

    reader = PdfReader(io.BytesIO(summary_pdf(contents, [])))
    text = reader.pages[0].extract_text()

    assert f"/v/{link.token}/" in text.replace("\n", "")
    assert len(reader.pages[0].images) == 1


def test_the_audit_pack_pdf_has_no_qr_code_without_an_active_link(coder):
    create_link(user=coder, days=30).revoked_at = timezone.now()
    VerificationLink.objects.update(revoked_at=timezone.now())
    contents = pack_contents(coder, body="AAPC", end=date(2025, 1, 31))

    reader = PdfReader(io.BytesIO(summary_pdf(contents, [])))

    assert "/v/" not in reader.pages[0].extract_text()
    assert len(reader.pages[0].images) == 0
