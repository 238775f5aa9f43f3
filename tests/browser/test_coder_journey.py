"""A new coder's first week: signs up, adds a CPC and a CCS, logs two activities (one with a
PDF certificate), sees the engine's figures on the dashboard, downloads the certificate and
the AAPC audit pack holding it; another coder's certificate URL gives 404."""

import io
import re
import zipfile
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.core.files.base import ContentFile
from fpdf import FPDF
from playwright.sync_api import expect

from ceutrack.accounts.models import User
from ceutrack.activities.evaluation import evaluate_person
from ceutrack.activities.models import Activity
from ceutrack.activities.presenters import format_units
from ceutrack.credentials.models import CredentialType
from tests.factories import ActivityFactory, UserFactory

PASSWORD = "a-long-CEU-passphrase-42"


def _pdf(path, text: str) -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=14)
    pdf.cell(0, 10, text)
    pdf.output(str(path))


def _sign_up(page, new_context, login, email_link, *, email: str):
    page.goto("/accounts/signup/")
    page.locator('input[name="full_name"]').fill("Riley Coder")
    page.locator('input[name="email"]').fill(email)
    page.locator('input[name="password1"]').fill(PASSWORD)
    page.locator('input[name="password2"]').fill(PASSWORD)
    page.locator("form").filter(has=page.locator('input[name="password1"]')).locator(
        '[type="submit"]'
    ).first.click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    coder = new_context().new_page()
    coder.goto(email_link(to=email, path="/accounts/confirm-email/"))
    coder.get_by_role("button", name="Confirm email address").click()
    coder.wait_for_load_state()
    login(coder, email, PASSWORD)
    return coder


def _add_credential(page, code: str, earned_on) -> None:
    form = page.locator("main form").filter(has=page.locator('select[name="credential_type"]'))
    form.locator('select[name="credential_type"]').select_option(
        str(CredentialType.objects.get(code=code).pk)
    )
    form.locator('input[name="earned_on"]').fill(earned_on.isoformat())
    form.get_by_role("button", name="Add credential").click()
    expect(page.get_by_text(f"{code} was added.")).to_be_visible()


def _log_activity(page, *, title, provider, completed_on, units, body, extra=None, pdf=None):
    form = page.locator("main form").filter(has=page.locator('input[name="title"]'))
    form.locator('input[name="title"]').fill(title)
    form.locator('input[name="provider"]').fill(provider)
    form.locator('input[name="completed_on"]').fill(completed_on.isoformat())
    form.locator('input[name="units"]').fill(units)
    form.locator(f'input[name="{body}"]').check()
    for name, value in (extra or {}).items():
        if value is True:
            form.locator(f'input[name="{name}"]').check()
        else:
            form.locator(f'input[name="{name}"]').fill(value)
    if pdf is not None:
        form.locator('input[name="certificate_file"]').set_input_files(str(pdf))
    form.get_by_role("button", name="Log activity", exact=True).click()
    expect(page.get_by_text(f"“{title}” was logged.")).to_be_visible()


def test_a_new_coder_keeps_a_record_and_sees_the_engine_figures(
    page, new_context, login, email_link, tmp_path, screenshot
):
    coder = _sign_up(page, new_context, login, email_link, email="riley@example.com")
    user = User.objects.get(email="riley@example.com")
    today = user.local_today()

    # A new coder is told to add a credential first.
    coder.goto("/")
    expect(coder.get_by_role("heading", name="Add your first credential")).to_be_visible()
    coder.get_by_role("link", name="Add your first credential").click()
    _add_credential(coder, "CPC", today - timedelta(days=200))
    coder.goto("/credentials/add/")
    _add_credential(coder, "CCS", today - timedelta(days=150))

    # With credentials but no activities, the dashboard asks for a first activity.
    coder.goto("/")
    expect(coder.locator('[data-body="AAPC"]')).to_be_visible()
    expect(coder.locator('[data-body="AHIMA"]')).to_be_visible()
    coder.get_by_role("link", name="Log your first activity").click()
    certificate = tmp_path / "e-m-webinar.pdf"
    _pdf(certificate, "Certificate of completion: E/M webinar")
    _log_activity(
        coder,
        title="E/M documentation webinar",
        provider="AAPC",
        completed_on=today - timedelta(days=30),
        units="1.5",
        body="aapc",
        extra={"aapc_index": "WEB1234567"},
        pdf=certificate,
    )
    coder.goto("/activities/add/")
    _log_activity(
        coder,
        title="State HIMA annual meeting",
        provider="Illinois HIMA",
        completed_on=today - timedelta(days=20),
        units="6",
        body="ahima",
        extra={"ahima_sourced": True},
    )

    # The dashboard shows exactly the engine's figures for this coder.
    coder.goto("/")
    expect(coder.get_by_text("Log your first activity")).to_have_count(0)
    evaluation = evaluate_person(user)
    assert [b.body for b in evaluation.bodies] == ["AAPC", "AHIMA"]
    for body in evaluation.bodies:
        current = body.current
        assert current.earned > 0
        card = coder.locator(f'[data-body="{body.body}"]')
        expect(card.get_by_test_id("earned")).to_have_text(format_units(current.earned))
        expect(card.get_by_test_id("remaining")).to_have_text(format_units(current.remaining))
        bar = card.get_by_role("progressbar")
        expect(bar).to_have_attribute("aria-valuenow", format_units(current.progress))
        expect(bar).to_have_attribute("aria-valuemax", format_units(current.required))
        expect(card.get_by_test_id("status-reason")).not_to_be_empty()
        expect(card.get_by_role("img")).to_have_count(1)
    assert evaluation.body("AAPC").current.earned == Decimal("1.5")
    assert evaluation.body("AHIMA").current.earned == Decimal(6)
    screenshot(coder, "coder-1-dashboard")

    # The certificate comes back as the uploaded PDF, as a download.
    coder.goto("/activities/")
    with coder.expect_download() as download_info:
        coder.get_by_role("link", name="Certificate", exact=True).click()
    downloaded = download_info.value.path()
    with open(downloaded, "rb") as handle:
        assert handle.read() == certificate.read_bytes()

    # Another coder's certificate is not found, whatever its id.
    other = ActivityFactory(user=UserFactory())
    other.certificate.save("other.pdf", ContentFile(certificate.read_bytes()), save=False)
    other.certificate_name = "other.pdf"
    other.certificate_type = "application/pdf"
    other.save()
    response = coder.request.get(f"/activities/{other.pk}/certificate/")
    assert response.status == 404
    own = Activity.objects.get(user=user, title="E/M documentation webinar")
    assert coder.request.get(f"/activities/{own.pk}/certificate/").status == 200

    # The audit pack for the AAPC cycle carries the certificate and a summary.
    coder.goto("/activities/records/")
    screenshot(coder, "coder-2-records")
    with coder.expect_download() as download_info:
        coder.get_by_role("button", name=re.compile("^Download AAPC audit pack")).click()
    pack = zipfile.ZipFile(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    assert "summary.pdf" in pack.namelist()
    (copy,) = [name for name in pack.namelist() if name.startswith("certificates/")]
    assert pack.read(copy) == certificate.read_bytes()
