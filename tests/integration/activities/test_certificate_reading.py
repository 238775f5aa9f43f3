"""Uploaded certificates are untrusted input: they are read by a worker in a child process with
limits, never in the web request, and whatever a file does to the parser ends as a clear
message or a flag in the audit pack, never a 500.

These tests run the real limited child process (marker `child_process_reading`) on PDFs they
craft: a few kilobytes whose content stream expands to megabytes of `Tj` operators (pypdf needs
many seconds for it), and one that inflates past pypdf's decompression limit."""

import io
import threading
import time
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from pypdf import PdfReader

from ceutrack.activities import certificates
from ceutrack.activities.models import CertificateReading, PendingCertificate
from tests.certificate_files import upload
from tests.certificate_samples import certificate_pdf, crafted_pdf, limit_pdf
from tests.factories import ActivityFactory, CredentialFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.child_process_reading]

UNREADABLE_MESSAGE = "We could not read text from this certificate; fill in the details below."


@pytest.fixture(autouse=True)
def _short_limits(settings, time_machine):
    time_machine.move_to(date(2025, 6, 30), tick=True)
    settings.CERTIFICATE_READ_SECONDS = 0.25


@pytest.fixture
def user(client):
    user = UserFactory()
    client.force_login(user)
    return user


def test_a_crafted_pdf_upload_returns_at_once_and_the_page_then_says_it_could_not_be_read(
    client, user, django_capture_on_commit_callbacks, monkeypatch
):
    read_in_request = []
    real_read = certificates.read_certificate
    monkeypatch.setattr(
        certificates,
        "read_certificate",
        lambda *a, **k: read_in_request.append(a) or real_read(*a, **k),
    )

    assert client.get(reverse("activities:certificate_start")).status_code == 200  # warm up
    started = time.monotonic()
    with django_capture_on_commit_callbacks() as enqueued:
        response = client.post(
            reverse("activities:certificate_start"),
            {"certificate": upload("crafted.pdf", crafted_pdf())},
        )
    elapsed = time.monotonic() - started

    assert response.status_code == 302
    assert elapsed < 1.0  # generous: the request parses nothing
    assert read_in_request == []
    pending = PendingCertificate.objects.get()
    assert pending.status == PendingCertificate.Status.READING
    waiting = client.get(response.url)
    assert "Reading your certificate" in waiting.content.decode()

    for callback in enqueued:  # the worker: read_pending_certificate, run eagerly
        callback()

    assert len(read_in_request) == 1
    pending.refresh_from_db()
    assert pending.status == PendingCertificate.Status.UNREADABLE
    reading = CertificateReading.objects.get(name=pending.file.name)
    assert reading.problem.startswith(("took longer than 1.5 s", "ran out of CPU time"))
    page = client.get(response.url)
    assert page.status_code == 200
    assert UNREADABLE_MESSAGE in page.content.decode()
    assert page.context["form"].initial == {}


def test_a_pdf_past_the_parsers_limits_is_unreadable_not_a_server_error(settings):
    settings.CERTIFICATE_READ_SECONDS = 5  # time for pypdf to reach its own limit
    extraction = certificates.read_certificate(limit_pdf(), "application/pdf")
    assert not extraction.readable
    assert extraction.problem.startswith("LimitReachedError")


def test_an_honest_certificate_is_read_through_the_same_child_process(settings):
    settings.CERTIFICATE_READ_SECONDS = 10
    pdf = certificate_pdf("Course Title: Coding Clinic Q1", "CEUs: 1.5")
    extraction = certificates.read_certificate(pdf, "application/pdf")
    assert extraction.method == "text"
    assert "Coding Clinic Q1" in extraction.text


def test_other_requests_are_served_while_a_crafted_pdf_is_being_read(client, user, settings):
    settings.CERTIFICATE_READ_SECONDS = 1  # the child outlives the requests below
    results = []
    reader = threading.Thread(
        target=lambda: results.append(
            certificates.read_certificate(crafted_pdf(), "application/pdf")
        )
    )
    reader.start()
    try:
        pages = [
            client.get(reverse(name)).status_code
            for name in ("home", "activities:list", "activities:certificate_start")
        ]
        still_reading = reader.is_alive()
    finally:
        reader.join()

    assert pages == [200, 200, 200]
    assert still_reading
    assert not results[0].readable


def test_an_audit_pack_holding_a_crafted_certificate_builds_and_flags_it(client, user):
    CredentialFactory(user=user)  # CPC earned 2023-01-10: the cycle ends 2027-01-31
    activity = ActivityFactory(
        user=user, title="Crafted", completed_on=date(2025, 3, 1), units=Decimal(2), aapc_index="X1"
    )
    activity.certificate.save("crafted.pdf", ContentFile(crafted_pdf()))
    activity.certificate_type = "application/pdf"
    activity.save()

    for _ in range(2):
        response = client.post(reverse("activities:audit_pack", args=["AAPC", "2027-01-31"]))

        assert response.status_code == 200
        archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
        assert archive.read("certificates/2025-03-01 Crafted.pdf") == crafted_pdf()
        summary = PdfReader(io.BytesIO(archive.read("summary.pdf"))).pages[0].extract_text()
        assert "#1 Crafted: the certificate could not be read, check it by hand" in summary
    # Read once: the second pack reused the reading instead of parsing the file again.
    reading = CertificateReading.objects.get(name=activity.certificate.name)
    assert not reading.readable
