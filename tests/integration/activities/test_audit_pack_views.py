import io
import re
import zipfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from ceutrack.activities import auditpack
from ceutrack.activities.evaluation import evaluate_person
from ceutrack.activities.models import AuditPack
from ceutrack.activities.presenters import format_units
from tests.certificate_files import png_bytes
from tests.certificate_samples import certificate_pdf
from tests.factories import ActivityFactory, CredentialFactory, UserFactory

pytestmark = pytest.mark.django_db

CYCLE_END = "2027-01-31"  # CPC earned 2023-01-10: the cycle containing 2025-06-30


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(date(2025, 6, 30), tick=False)


@pytest.fixture
def user(client):
    user = UserFactory(full_name="Riley Coder")
    CredentialFactory(user=user)
    client.force_login(user)
    return user


def _certified(user, *, title, completed_on, units, index="", certificate=None, **extra):
    activity = ActivityFactory(
        user=user,
        title=title,
        completed_on=completed_on,
        units=Decimal(units),
        aapc_index=index,
        **extra,
    )
    if certificate is not None:
        activity.certificate.save("cert.pdf", ContentFile(certificate))
        activity.certificate_name = "cert.pdf"
        activity.certificate_type = "application/pdf"
        activity.save()
    return activity


def _certificate(*, day: str, units: str) -> bytes:
    return certificate_pdf(
        "Certificate of completion", f"Date of completion: {day}", f"CEUs: {units}"
    )


def _pack(client, body="AAPC", end=CYCLE_END) -> zipfile.ZipFile:
    response = client.post(reverse("activities:audit_pack", args=[body, end]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def _summary_text(archive: zipfile.ZipFile) -> str:
    reader = PdfReader(io.BytesIO(archive.read("summary.pdf")))
    return "\n".join(page.extract_text() for page in reader.pages)


def _problems(text: str) -> set[str]:
    return {line[2:].strip() for line in text.splitlines() if re.match(r"^- #\d", line)}


def _record_with_every_problem(user):
    _certified(
        user,
        title="Clean",
        completed_on=date(2025, 3, 1),
        units="2",
        index="A1",
        certificate=_certificate(day="03/01/2025", units="2.0"),
    )
    _certified(user, title="No file", completed_on=date(2025, 3, 2), units="1", index="A2")
    _certified(
        user,
        title="No index",
        completed_on=date(2025, 3, 3),
        units="1",
        certificate=_certificate(day="03/03/2025", units="1"),
    )
    _certified(
        user,
        title="Other units",
        completed_on=date(2025, 3, 4),
        units="1.5",
        index="A4",
        certificate=_certificate(day="03/04/2025", units="3"),
    )
    _certified(
        user,
        title="Other date",
        completed_on=date(2025, 3, 5),
        units="1",
        index="A5",
        certificate=_certificate(day="03/06/2025", units="1"),
    )


def test_the_summary_holds_the_engines_figures_and_exactly_the_problems_present(client, user):
    _record_with_every_problem(user)
    # The lapsed cycle before it is the current one; the pack is asked for this one by its end.
    cycle = auditpack.find_cycle(evaluate_person(user), body="AAPC", end=date(2027, 1, 31))

    text = _summary_text(_pack(client))

    assert "Person: Riley Coder" in text
    assert "Credentials: CPC" in text
    assert "Cycle: 2025-02-01 to 2027-01-31" in text
    assert f"Required: {format_units(cycle.required)} units" in text
    assert f"Earned: {format_units(cycle.earned)} units" in text
    assert f"Remaining: {format_units(cycle.remaining)} units" in text
    assert cycle.earned == Decimal("6.5")
    assert _problems(text) == {
        "#2 No file: no certificate attached",
        "#3 No index: AAPC activity without an index number",
        "#4 Other units: the certificate shows 3 units, the entry 1.5",
        "#5 Other date: the certificate is dated 2025-03-06, the entry 2025-03-05",
    }
    for index in ("A1", "A2", "A4", "A5"):
        assert index in text


def test_a_record_without_problems_says_so(client, user):
    _certified(
        user,
        title="Clean",
        completed_on=date(2025, 3, 1),
        units="2",
        index="A1",
        certificate=_certificate(day="2025-03-01", units="2"),
    )
    text = _summary_text(_pack(client))
    assert "No problems found." in text
    assert _problems(text) == set()


def test_the_zip_holds_every_counted_certificate_named_by_date_and_title(client, user):
    _certified(
        user,
        title="E/M: update <2025>",
        completed_on=date(2025, 3, 1),
        units="2",
        index="A1",
        certificate=_certificate(day="2025-03-01", units="2"),
    )
    image = ActivityFactory(user=user, title="E/M: update <2025>", completed_on=date(2025, 3, 1))
    image.provider = "Local chapter"  # not a duplicate of the first: another provider
    image.certificate.save("scan.png", ContentFile(png_bytes()))
    image.certificate_type = "image/png"
    image.save()
    archive = _pack(client)
    assert sorted(archive.namelist()) == [
        "certificates/2025-03-01 E-M- update -2025.pdf",
        "certificates/2025-03-01 E-M- update -2025.png",
        "summary.pdf",
    ]
    assert archive.read("certificates/2025-03-01 E-M- update -2025.png") == png_bytes()


def test_activities_the_engine_does_not_count_stay_out_of_the_pack(client, user):
    _certified(user, title="Counted", completed_on=date(2025, 3, 1), units="2", index="A1")
    _certified(user, title="Previous cycle", completed_on=date(2024, 5, 1), units="2", index="B")
    _certified(user, title="Same index", completed_on=date(2025, 4, 1), units="2", index="A1")
    archive = _pack(client)
    text = _summary_text(archive)
    counted, _, not_counted = text.partition("Dated in this cycle but not counted")
    assert "Counted" in counted
    assert "Previous cycle" not in text
    assert "Same index" not in counted
    # Listed apart with the engine's reason, its certificate left out of the zip.
    assert "Same index Not counted for AAPC: duplicate of \u201cCounted\u201d of 1 Mar 2025" in (
        not_counted
    )
    assert not any("Same index" in name for name in archive.namelist())


def test_the_pack_says_why_a_renewal_month_activity_counts_in_this_cycle(client, user):
    # CPC since 2023-01-10: the cycle ending 2025-01-31 is met before its renewal month.
    _certified(user, title="Base", completed_on=date(2024, 5, 1), units="36", index="B")
    _certified(user, title="Late January", completed_on=date(2025, 1, 20), units="2", index="L")
    text = _summary_text(_pack(client))
    assert "Late January" in text
    assert (
        "Note: Counts toward the AAPC cycle 1 Feb 2025 \u2013 31 Jan 2027 \u2014 carried from the "
        "renewal month of the cycle ending 31 Jan 2025, which was already complete"
    ) in " ".join(text.split())


def test_an_ended_cycle_has_its_own_pack(client, user):
    _certified(user, title="Old course", completed_on=date(2024, 5, 1), units="2", index="B")
    text = _summary_text(_pack(client, end="2025-01-31"))
    assert "Cycle: 2023-01-10 to 2025-01-31" in text
    assert "Old course" in text


@pytest.mark.parametrize(
    ("body", "end"), [("AAPC", "2026-01-31"), ("AHIMA", CYCLE_END), ("AAPC", "not-a-date")]
)
def test_a_cycle_the_person_does_not_have_is_not_found(client, user, body, end):
    response = client.post(reverse("activities:audit_pack", args=[body, end]))
    assert response.status_code == 404


def test_the_pack_is_the_owners_only(client, user):
    _certified(user, title="Mine", completed_on=date(2025, 3, 1), units="2", index="A1")
    stranger = UserFactory()
    client.force_login(stranger)
    response = client.post(reverse("activities:audit_pack", args=["AAPC", CYCLE_END]))
    assert response.status_code == 404


def test_downloading_needs_a_post(client, user):
    response = client.get(reverse("activities:audit_pack", args=["AAPC", CYCLE_END]))
    assert response.status_code == 405


def test_a_large_pack_is_built_in_the_background_with_progress_then_a_link(
    client, user, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(auditpack, "LARGE_PACK_CERTIFICATES", 1)
    for day in (1, 2):
        _certified(
            user,
            title=f"Course {day}",
            completed_on=date(2025, 3, day),
            units="1",
            index=f"A{day}",
            certificate=_certificate(day=f"2025-03-0{day}", units="1"),
        )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("activities:audit_pack", args=["AAPC", CYCLE_END]))
    pack = AuditPack.objects.get(user=user)
    assert response.url == reverse("activities:audit_pack_status", args=[pack.pk])

    waiting = client.get(response.url)
    assert b'http-equiv="refresh"' in waiting.content
    assert "0 of 2 activities packed" in waiting.content.decode()

    for callback in callbacks:
        callback()  # the Celery task, run eagerly
    pack.refresh_from_db()
    assert (pack.status, pack.done, pack.total) == (AuditPack.Status.READY, 2, 2)

    ready = client.get(response.url).content.decode()
    assert "http-equiv" not in ready
    download = client.get(reverse("activities:audit_pack_download", args=[pack.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert "certificates/2025-03-02 Course 2.pdf" in archive.namelist()
    assert "No problems found." in _summary_text(archive)


def test_a_pack_is_built_once_however_often_the_task_runs(user):
    pack = AuditPack.objects.create(
        user=user, body="AAPC", cycle_start=date(2025, 2, 1), cycle_end=date(2027, 1, 31)
    )
    assert auditpack.build_pack(pack_id=pack.pk) is True
    assert auditpack.build_pack(pack_id=pack.pk) is False
    pack.refresh_from_db()
    assert pack.status == AuditPack.Status.READY


def test_a_pack_for_a_cycle_that_disappeared_fails_with_a_reason(client, user):
    pack = AuditPack.objects.create(
        user=user, body="AHIMA", cycle_start=date(2025, 2, 1), cycle_end=date(2027, 1, 31)
    )
    auditpack.build_pack(pack_id=pack.pk)
    pack.refresh_from_db()
    assert pack.status == AuditPack.Status.FAILED
    page = client.get(reverse("activities:audit_pack_status", args=[pack.pk]))
    assert "no longer in your record" in page.content.decode()
    download = client.get(reverse("activities:audit_pack_download", args=[pack.pk]))
    assert download.status_code == 404


def test_another_persons_pack_job_is_not_found(client, user):
    pack = AuditPack.objects.create(
        user=UserFactory(), body="AAPC", cycle_start=date(2025, 2, 1), cycle_end=date(2027, 1, 31)
    )
    auditpack.build_pack(pack_id=pack.pk)
    assert client.get(reverse("activities:audit_pack_status", args=[pack.pk])).status_code == 404
    download = client.get(reverse("activities:audit_pack_download", args=[pack.pk]))
    assert download.status_code == 404


def test_the_records_page_offers_a_pack_per_started_cycle(client, user):
    page = client.get(reverse("activities:records")).content.decode()
    assert reverse("activities:audit_pack", args=["AAPC", CYCLE_END]) in page
    assert reverse("activities:audit_pack", args=["AAPC", "2025-01-31"]) in page


def test_starting_a_pack_clears_packs_older_than_a_week(
    client, user, monkeypatch, time_machine, django_capture_on_commit_callbacks
):
    old = AuditPack.objects.create(
        user=user, body="AAPC", cycle_start=date(2025, 2, 1), cycle_end=date(2027, 1, 31)
    )
    with django_capture_on_commit_callbacks(execute=True):
        auditpack.build_pack(pack_id=old.pk)
    old.refresh_from_db()
    old_file = Path(old.file.path)
    assert old_file.exists()
    recent = AuditPack.objects.create(
        user=user, body="AAPC", cycle_start=date(2025, 2, 1), cycle_end=date(2027, 1, 31)
    )
    recent.created_at = timezone.now() + timedelta(days=6)
    recent.save()

    time_machine.move_to(date(2025, 7, 8), tick=False)
    monkeypatch.setattr(auditpack, "LARGE_PACK_CERTIFICATES", -1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("activities:audit_pack", args=["AAPC", CYCLE_END]))

    assert not AuditPack.objects.filter(pk=old.pk).exists()
    assert not old_file.exists()
    assert AuditPack.objects.filter(user=user).count() == 2


def test_a_pack_with_many_certificates_never_read_is_built_in_the_background(
    client, user, monkeypatch
):
    monkeypatch.setattr(auditpack, "UNREAD_IN_REQUEST", 1)
    for day in (1, 2):
        _certified(
            user,
            title=f"Course {day}",
            completed_on=date(2025, 3, day),
            units="1",
            index=f"I{day}",
            certificate=_certificate(day=f"2025-03-0{day}", units="1"),
        )
    response = client.post(reverse("activities:audit_pack", args=["AAPC", CYCLE_END]))
    assert response.status_code == 302
    assert AuditPack.objects.get().status == AuditPack.Status.PENDING
