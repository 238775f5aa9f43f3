from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from ceutrack.activities import certificates
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


@pytest.fixture
def start(client, django_capture_on_commit_callbacks):
    """Upload, let the worker read it (the task enqueued on commit, run eagerly), open the
    confirm page."""

    def upload_and_read(name="certificate.pdf", content=CERTIFICATE):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("activities:certificate_start"), {"certificate": upload(name, content)}
            )
        assert response.status_code == 302, response.context["form"].errors
        return PendingCertificate.objects.latest("id"), client.get(response.url)

    return upload_and_read


def _stored_files() -> list[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _confirmed_data(form, **overrides):
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(kind="webinar", ahima_domain="on", **overrides)
    data["aapc"] = "on" if data.get("aapc") else ""
    return data


def test_a_text_certificate_proposes_the_fields_and_saves_nothing_yet(client, user, start):
    _, page = start()
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


def test_confirming_logs_the_activity_with_the_uploaded_certificate(client, user, start):
    pending, page = start()
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


def test_the_confirm_step_refuses_what_the_form_refuses(client, user, start):
    pending, page = start()
    data = _confirmed_data(page.context["form"], completed_on="2025-12-01")
    response = client.post(reverse("activities:certificate_confirm", args=[pending.pk]), data)
    assert response.status_code == 200
    assert "The completion date is in the future." in response.content.decode()
    assert Activity.objects.count() == 0
    assert PendingCertificate.objects.filter(pk=pending.pk).exists()


def test_a_replacement_upload_at_the_confirm_step_wins_and_the_first_file_goes(
    client, user, start, django_capture_on_commit_callbacks
):
    pending, page = start()
    data = _confirmed_data(page.context["form"], certificate_file=upload("photo.png", png_bytes()))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("activities:certificate_confirm", args=[pending.pk]), data)
    activity = Activity.objects.get(user=user)
    assert activity.certificate_type == "image/png"
    assert [p.suffix for p in _stored_files()] == [".png"]


@pytest.mark.parametrize(
    ("name", "content"), [("scan.pdf", textless_pdf()), ("photo.png", png_bytes())]
)
def test_files_without_readable_text_are_kept_without_prefill_and_the_form_says_so(
    client, user, start, name, content
):
    pending, page = start(name=name, content=content)
    html = page.content.decode()
    assert "We could not read text from this certificate; fill in the details below." in html
    assert page.context["form"].initial == {}
    assert pending.status == PendingCertificate.Status.UNREADABLE
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
    client, user, start, django_capture_on_commit_callbacks
):
    pending, _ = start()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("activities:certificate_discard", args=[pending.pk]))
    assert response.url == reverse("activities:list")
    assert not PendingCertificate.objects.exists()
    assert _stored_files() == []
    assert Activity.objects.count() == 0


def test_the_pending_certificate_can_be_opened_by_its_owner(client, user, start):
    pending, _ = start()
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
def test_another_persons_pending_certificate_is_not_found(client, user, start, route, method):
    pending, _ = start()
    client.force_login(UserFactory())
    response = getattr(client, method)(reverse(route, args=[pending.pk]))
    assert response.status_code == 404
    assert PendingCertificate.objects.filter(pk=pending.pk).exists()


def test_the_add_form_offers_to_start_from_a_certificate(client, user):
    page = client.get(reverse("activities:add")).content.decode()
    assert reverse("activities:certificate_start") in page


def test_the_upload_returns_before_the_certificate_is_read_and_the_page_waits_for_it(
    client, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as enqueued:
        response = client.post(
            reverse("activities:certificate_start"), {"certificate": upload("c.pdf", CERTIFICATE)}
        )
    pending = PendingCertificate.objects.get()
    assert pending.status == PendingCertificate.Status.READING
    assert pending.proposal == {}

    waiting = client.get(response.url)
    assert "Reading your certificate" in waiting.content.decode()
    assert 'data-reload-seconds="2"' in waiting.content.decode()  # static/js/reload.js
    assert "form" not in waiting.context

    for callback in enqueued:  # the worker's turn
        callback()
    read = client.get(response.url)
    assert read.context["form"].initial["title"] == "Risk Adjustment Essentials"


def test_a_person_who_does_not_want_to_wait_gets_the_empty_form(client, user):
    client.post(
        reverse("activities:certificate_start"), {"certificate": upload("c.pdf", CERTIFICATE)}
    )
    pending = PendingCertificate.objects.get()
    page = client.get(reverse("activities:certificate_confirm", args=[pending.pk]) + "?manual=1")
    assert page.context["form"].initial == {}
    assert "is still being read; fill in the details below" in page.content.decode()


def test_a_reading_that_never_finished_is_reported_as_unreadable(client, user, time_machine):
    client.post(
        reverse("activities:certificate_start"), {"certificate": upload("c.pdf", CERTIFICATE)}
    )
    pending = PendingCertificate.objects.get()
    time_machine.shift(certificates.READING_PATIENCE + timedelta(seconds=1))
    page = client.get(reverse("activities:certificate_confirm", args=[pending.pk]))
    assert "We could not read text from this certificate" in page.content.decode()


def test_the_file_name_is_shown_escaped_and_never_in_help_text(client, user, start):
    hostile = "<img src=x onerror=alert(1)>.pdf"
    _, page = start(name=hostile)
    html = page.content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;.pdf" in html
    help_texts = [str(field.help_text) for field in page.context["form"].fields.values()]
    assert [text for text in help_texts if "img" in text or "onerror" in text] == []


def test_an_upload_declared_larger_than_the_limit_is_refused_without_reading_it(
    client, user, settings
):
    settings.CERTIFICATE_MAX_BYTES = 1024
    response = client.generic(
        "POST",
        reverse("activities:certificate_start"),
        b"",  # the body is never read: the declared length decides
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(50 * 2**20),
    )
    assert response.status_code == 413
    assert response.context["form"].errors == {
        "certificate": [
            "The file is larger than the 0.000976562 MB limit for a certificate. "
            "Upload a smaller scan or export."
        ]
    }
    assert not PendingCertificate.objects.exists()
    assert _stored_files() == []


def test_an_upload_streaming_past_the_limit_is_stopped_with_the_same_message(
    client, user, settings
):
    settings.CERTIFICATE_MAX_BYTES = 300 * 1024
    big = certificate_pdf("Course Title: Big") + b"%" * (400 * 1024)
    response = client.post(
        reverse("activities:certificate_start"), {"certificate": upload("b.pdf", big)}
    )
    assert response.status_code == 413
    assert "limit for a certificate" in response.content.decode()
    assert not PendingCertificate.objects.exists()


def test_an_upload_past_the_persons_storage_quota_is_refused_with_a_clear_message(
    client, user, start, settings
):
    start()  # one certificate stored
    settings.CERTIFICATE_QUOTA_BYTES = len(CERTIFICATE) + 100
    response = client.post(
        reverse("activities:certificate_start"), {"certificate": upload("c.pdf", CERTIFICATE)}
    )
    assert response.status_code == 200
    [error] = response.context["form"].errors["certificate"]
    assert error.startswith("Your certificates already use 0.0 MB of your 0.")
    assert "Remove certificates you no longer need" in error
    assert PendingCertificate.objects.count() == 1


def test_the_activity_form_keeps_to_the_quota_too(client, user, settings):
    settings.CERTIFICATE_QUOTA_BYTES = 10
    data = {
        "title": "A talk",
        "completed_on": "2025-03-15",
        "units": "1",
        "kind": "webinar",
        "ahima_domain": "on",
        "certificate_file": upload("c.pdf", CERTIFICATE),
    }
    response = client.post(reverse("activities:add"), data)
    assert "Remove certificates you no longer need" in response.content.decode()
    assert Activity.objects.count() == 0


def test_the_upload_offers_the_camera_on_phones(client, user):
    page = client.get(reverse("activities:certificate_start")).content.decode()
    assert 'accept="image/*,application/pdf,.pdf,.png,.jpg,.jpeg"' in page


def test_a_person_with_many_certificates_still_being_read_waits_before_another(
    client, user, monkeypatch
):
    monkeypatch.setattr(certificates, "MAX_READING_AT_ONCE", 2)
    for number in range(2):
        client.post(
            reverse("activities:certificate_start"),
            {"certificate": upload(f"c{number}.pdf", CERTIFICATE)},
        )
    response = client.post(
        reverse("activities:certificate_start"), {"certificate": upload("c3.pdf", CERTIFICATE)}
    )
    assert response.context["form"].errors["certificate"] == [
        "Your last 2 certificates are still being read. Wait a minute for them, or fill in "
        "their details, then upload this one."
    ]
    assert PendingCertificate.objects.count() == 2
