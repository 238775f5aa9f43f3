from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from ceutrack.activities.models import Activity, PendingCertificate
from tests.certificate_files import png_bytes, upload
from tests.certificate_samples import certificate_pdf, textless_pdf
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CERTIFICATE = certificate_pdf(
    "Certificate of Completion",
    "Course Title: Risk Adjustment Essentials",
    "Provided by: Springfield Chapter",
    "Date of completion: 03/15/2025",
    "Approved for 2.0 CEUs",
    "Index #: RA-2025-77",
)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(date(2025, 6, 30), tick=False)


@pytest.fixture
def user(client):
    user = UserFactory()
    client.force_login(user)
    return user


def _stored_files() -> list[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _start(client, name="certificate.pdf", content=CERTIFICATE):
    response = client.post(
        reverse("activities:certificate_start"), {"certificate": upload(name, content)}
    )
    assert response.status_code == 302, response.context["form"].errors
    return PendingCertificate.objects.latest("id"), client.get(response.url)


def _confirmed_data(form, **overrides):
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(kind="webinar", ahima_domain="on", **overrides)
    data["aapc"] = "on" if data.get("aapc") else ""
    return data


def test_a_text_certificate_proposes_the_fields_and_saves_nothing_yet(client, user):
    _, page = _start(client)
    initial = page.context["form"].initial
    assert initial["title"] == "Risk Adjustment Essentials"
    assert initial["provider"] == "Springfield Chapter"
    assert initial["completed_on"] == date(2025, 3, 15)
    assert initial["units"] == Decimal(2)
    assert initial["aapc_index"] == "RA-2025-77"
    assert initial["aapc"] is True
    html = page.content.decode()
    assert 'value="Risk Adjustment Essentials"' in html
    read = "Read from certificate.pdf: title, provider, completion date, units, AAPC index number."
    assert read in html
    assert Activity.objects.count() == 0


def test_confirming_logs_the_activity_with_the_uploaded_certificate(client, user):
    pending, page = _start(client)
    data = _confirmed_data(page.context["form"], title="Risk Adjustment Essentials 2025")
    response = client.post(reverse("activities:certificate_confirm", args=[pending.pk]), data)
    assert response.url == reverse("activities:list")
    activity = Activity.objects.get(user=user)
    assert activity.title == "Risk Adjustment Essentials 2025"
    assert (activity.units, activity.aapc_index, activity.aapc) == (Decimal(2), "RA-2025-77", True)
    assert activity.certificate.name == pending.file.name
    assert (activity.certificate_name, activity.certificate_type) == (
        "certificate.pdf",
        "application/pdf",
    )
    assert not PendingCertificate.objects.exists()
    assert len(_stored_files()) == 1
    download = client.get(reverse("activities:certificate", args=[activity.pk]))
    assert b"".join(download.streaming_content) == CERTIFICATE


def test_the_confirm_step_refuses_what_the_form_refuses(client, user):
    pending, page = _start(client)
    data = _confirmed_data(page.context["form"], completed_on="2025-12-01")
    response = client.post(reverse("activities:certificate_confirm", args=[pending.pk]), data)
    assert response.status_code == 200
    assert "The completion date is in the future." in response.content.decode()
    assert Activity.objects.count() == 0
    assert PendingCertificate.objects.filter(pk=pending.pk).exists()


def test_a_replacement_upload_at_the_confirm_step_wins_and_the_first_file_goes(
    client, user, django_capture_on_commit_callbacks
):
    pending, page = _start(client)
    data = _confirmed_data(page.context["form"], certificate_file=upload("photo.png", png_bytes()))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("activities:certificate_confirm", args=[pending.pk]), data)
    activity = Activity.objects.get(user=user)
    assert activity.certificate_type == "image/png"
    assert [p.suffix for p in _stored_files()] == [".png"]


@pytest.mark.parametrize(
    ("name", "content"), [("scan.pdf", textless_pdf()), ("photo.png", png_bytes())]
)
def test_images_and_scans_are_kept_without_prefill_and_the_form_says_so(
    client, user, name, content
):
    pending, page = _start(client, name=name, content=content)
    html = page.content.decode()
    assert "has no readable text (an image or a scanned PDF), so nothing was filled in" in html
    assert page.context["form"].initial == {}
    assert pending.has_text is False
    assert len(_stored_files()) == 1


def test_a_file_that_is_not_a_certificate_is_refused(client, user):
    response = client.post(
        reverse("activities:certificate_start"),
        {"certificate": upload("notes.pdf", b"just some text, not a PDF")},
    )
    assert response.status_code == 200
    assert "Upload the certificate as a PDF, PNG or JPEG file." in response.content.decode()
    assert not PendingCertificate.objects.exists()
    assert _stored_files() == []


def test_discarding_removes_the_upload_and_logs_nothing(
    client, user, django_capture_on_commit_callbacks
):
    pending, _ = _start(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("activities:certificate_discard", args=[pending.pk]))
    assert response.url == reverse("activities:list")
    assert not PendingCertificate.objects.exists()
    assert _stored_files() == []
    assert Activity.objects.count() == 0


def test_the_pending_certificate_can_be_opened_by_its_owner(client, user):
    pending, _ = _start(client)
    response = client.get(reverse("activities:certificate_pending_file", args=[pending.pk]))
    assert b"".join(response.streaming_content) == CERTIFICATE
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(
    ("route", "method"),
    [
        ("activities:certificate_confirm", "get"),
        ("activities:certificate_confirm", "post"),
        ("activities:certificate_pending_file", "get"),
        ("activities:certificate_discard", "post"),
    ],
)
def test_another_persons_pending_certificate_is_not_found(client, user, route, method):
    pending, _ = _start(client)
    client.force_login(UserFactory())
    response = getattr(client, method)(reverse(route, args=[pending.pk]))
    assert response.status_code == 404
    assert PendingCertificate.objects.filter(pk=pending.pk).exists()


def test_the_add_form_offers_to_start_from_a_certificate(client, user):
    page = client.get(reverse("activities:add")).content.decode()
    assert reverse("activities:certificate_start") in page
