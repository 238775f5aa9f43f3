from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.db import IntegrityError
from django.urls import reverse

from ceutrack.activities.models import Activity, CertificateReading
from ceutrack.activities.tasks import read_stored_certificate
from tests.certificate_files import jpeg_bytes, pdf_bytes, png_bytes, upload
from tests.certificate_samples import certificate_pdf
from tests.factories import ActivityFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(date(2025, 6, 30), tick=False)


@pytest.fixture
def user(client):
    user = UserFactory()
    client.force_login(user)
    return user


def _data(certificate=None, **overrides):
    data = {
        "title": "Coding clinic",
        "provider": "AHIMA",
        "completed_on": "2025-03-15",
        "units": "2",
        "kind": "webinar",
        "ahima": "on",
        "ahima_domain": "on",
    }
    if certificate is not None:
        data["certificate_file"] = certificate
    data.update(overrides)
    return data


def _stored_files() -> list[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _with_certificate(client, name="My certificate.pdf", content=None) -> Activity:
    content = pdf_bytes() if content is None else content
    response = client.post(reverse("activities:add"), _data(upload(name, content)))
    assert response.status_code == 302, response.context["form"].errors
    return Activity.objects.latest("id")


def test_it_stores_an_upload_privately_under_a_random_name(client, user):
    activity = _with_certificate(client, "My certificate.pdf")
    [stored] = _stored_files()
    assert stored.is_relative_to(settings.PRIVATE_MEDIA_ROOT)
    assert stored.suffix == ".pdf"
    assert "certificate" not in stored.name.lower()
    assert activity.certificate_name == "My certificate.pdf"
    assert activity.certificate_type == "application/pdf"
    assert stored.read_bytes()[:5] == b"%PDF-"


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [("scan.png", png_bytes(), "image/png"), ("photo.JPG", jpeg_bytes(), "image/jpeg")],
)
def test_it_accepts_png_and_jpeg_certificates(client, user, name, content, content_type):
    assert _with_certificate(client, name, content).certificate_type == content_type


def test_it_serves_the_owner_a_download_with_safe_headers(client, user):
    content = pdf_bytes("Coding clinic")
    activity = _with_certificate(client, 'Coding "clinic".pdf', content)
    response = client.get(reverse("activities:certificate", args=[activity.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Coding_clinic.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == content


def test_it_gives_404_for_another_users_certificate(client, user):
    theirs = UserFactory()
    client.force_login(theirs)
    activity = _with_certificate(client)
    client.force_login(user)
    assert client.get(reverse("activities:certificate", args=[activity.pk])).status_code == 404


def test_it_asks_anonymous_visitors_to_sign_in_for_a_certificate(client, user):
    activity = _with_certificate(client)
    client.logout()
    response = client.get(reverse("activities:certificate", args=[activity.pk]))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_it_gives_404_for_an_activity_without_a_certificate(client, user):
    activity = ActivityFactory(user=user)
    assert client.get(reverse("activities:certificate", args=[activity.pk])).status_code == 404


def test_it_rejects_a_png_renamed_to_pdf_and_saves_nothing(client, user):
    response = client.post(reverse("activities:add"), _data(upload("certificate.pdf", png_bytes())))
    [error] = response.context["form"].errors["certificate_file"]
    assert "contents are a PNG image but its name ends in “.pdf”" in error
    assert not Activity.objects.exists()
    assert _stored_files() == []


def test_it_rejects_an_html_file_named_pdf(client, user):
    html = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
    response = client.post(reverse("activities:add"), _data(upload("certificate.pdf", html)))
    assert response.context["form"].errors["certificate_file"] == [
        "Upload the certificate as a PDF, PNG or JPEG file."
    ]
    assert not Activity.objects.exists()
    assert _stored_files() == []


def test_it_rejects_a_certificate_over_10_mb(client, user):
    too_big = pdf_bytes() + b"\0" * (settings.CERTIFICATE_MAX_BYTES)
    response = client.post(reverse("activities:add"), _data(upload("big.pdf", too_big)))
    # Refused while it streams in, before the whole file is read (certificates.py).
    assert response.status_code == 413
    page = response.content.decode()
    assert "The file is larger than the 10 MB limit for a certificate." in page
    assert not Activity.objects.exists()
    assert _stored_files() == []


def test_it_keeps_no_file_when_the_rest_of_the_form_is_rejected(client, user):
    response = client.post(
        reverse("activities:add"), _data(upload("c.pdf", pdf_bytes()), units="1.3")
    )
    assert response.status_code == 200
    assert not Activity.objects.exists()
    assert _stored_files() == []


def test_it_removes_the_old_file_when_a_certificate_is_replaced(
    client, user, django_capture_on_commit_callbacks
):
    activity = _with_certificate(client)
    [old] = _stored_files()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("activities:edit", args=[activity.pk]),
            _data(upload("new.png", png_bytes())),
        )
    [new] = _stored_files()
    assert not old.exists()
    assert new.suffix == ".png"
    activity.refresh_from_db()
    assert (activity.certificate_name, activity.certificate_type) == ("new.png", "image/png")


def test_it_keeps_the_file_when_an_edit_uploads_nothing(
    client, user, django_capture_on_commit_callbacks
):
    activity = _with_certificate(client)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("activities:edit", args=[activity.pk]), _data(title="Renamed"))
    assert len(_stored_files()) == 1
    activity.refresh_from_db()
    assert activity.certificate_name == "My certificate.pdf"


def test_it_removes_the_file_when_the_certificate_is_cleared(
    client, user, django_capture_on_commit_callbacks
):
    activity = _with_certificate(client)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("activities:edit", args=[activity.pk]), _data(remove_certificate="on"))
    assert _stored_files() == []
    activity.refresh_from_db()
    assert (activity.certificate.name, activity.certificate_name) == ("", "")


def test_it_removes_the_file_when_the_activity_is_deleted(
    client, user, django_capture_on_commit_callbacks
):
    activity = _with_certificate(client)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("activities:delete", args=[activity.pk]))
    assert _stored_files() == []


def test_it_removes_files_only_once_the_change_commits(
    client, user, django_capture_on_commit_callbacks
):
    activity = _with_certificate(client)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("activities:delete", args=[activity.pk]))
    assert len(_stored_files()) == 1
    for callback in callbacks:
        callback()
    assert _stored_files() == []


def test_it_leaves_no_file_behind_when_saving_the_row_fails(client, user, monkeypatch):
    real_save = Activity.save

    def save_then_fail(self, *args, **kwargs):
        real_save(self, *args, **kwargs)
        raise IntegrityError("simulated failure after the file was written")

    monkeypatch.setattr(Activity, "save", save_then_fail)
    with pytest.raises(IntegrityError):
        client.post(reverse("activities:add"), _data(upload("c.pdf", pdf_bytes())))
    assert not Activity.objects.exists()
    assert _stored_files() == []


def test_it_offers_the_current_certificate_and_its_removal_when_editing(client, user):
    activity = _with_certificate(client, "Clinic Q3.pdf")
    page = client.get(reverse("activities:edit", args=[activity.pk])).content.decode()
    certificate_url = reverse("activities:certificate", args=[activity.pk])
    assert f'<a href="{certificate_url}">Clinic Q3.pdf</a>' in page
    assert "Remove the current certificate" in page
    plain = ActivityFactory(user=user)
    page = client.get(reverse("activities:edit", args=[plain.pk])).content.decode()
    assert "Remove the current certificate" not in page


def test_a_certificate_attached_on_the_form_is_read_by_a_worker_once_committed(
    client, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        activity = _with_certificate(client, content=certificate_pdf("CEUs: 2"))

    reading = CertificateReading.objects.get(name=activity.certificate.name)
    assert reading.readable
    assert reading.proposal == {"units": "2"}
    # Already read: a redelivered task does nothing.
    assert read_stored_certificate(activity.certificate.name, "application/pdf") is False


def test_deleting_an_activity_forgets_what_its_certificate_said(
    client, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        activity = _with_certificate(client, content=certificate_pdf("CEUs: 2"))
    assert CertificateReading.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("activities:delete", args=[activity.pk]))
    assert not CertificateReading.objects.exists()
    assert _stored_files() == []
