"""A coder photographs a certificate: the upload returns, the worker (Celery, eager here) reads
the photo with tesseract in the limited child process, and the confirm page shows the fields;
a page opened while the worker is still reading reloads itself until the fields are there."""

import shutil
from datetime import date

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from ceutrack.activities.certificates import read_pending
from ceutrack.activities.models import Activity, PendingCertificate
from tests.certificate_corpus import Certificate, as_image, as_pdf

pytestmark = pytest.mark.child_process_reading

PHOTO = Certificate(
    "photo",
    (
        "Certificate of Completion",
        "This certifies that Riley Coder",
        "has successfully completed the webinar",
        "Risk Adjustment Deep Dive",
        "offered by AAPC on October 7, 2025",
        "Approved for 1.5 CEUs",
        "Index #: RA-2025-77",
    ),
    "centered",
)


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs tesseract-ocr (make test)")
def test_a_photographed_certificate_is_prefilled_end_to_end(
    signed_in_page, verified_user, tmp_path, time_machine, screenshot
):
    time_machine.move_to(date(2025, 11, 1), tick=True)
    user = verified_user(full_name="Riley Coder")
    photo = tmp_path / "certificate.jpg"
    photo.write_bytes(as_image(PHOTO, kind="jpeg"))
    page = signed_in_page(user)

    page.goto("/activities/add/from-certificate/")
    page.get_by_label("Certificate").set_input_files(photo)
    page.get_by_role("button", name="Read the certificate").click()

    expect(page.get_by_role("heading", name="Check the activity before logging it")).to_be_visible(
        timeout=30_000  # the meta refresh keeps polling while the worker reads
    )
    expect(page.get_by_test_id("prefill")).to_contain_text("Read from certificate.jpg")
    expect(page.get_by_label("Title")).to_have_value("Risk Adjustment Deep Dive")
    expect(page.get_by_label("Provider")).to_have_value("AAPC")
    expect(page.get_by_label("Completion date")).to_have_value("2025-10-07")
    expect(page.get_by_label("Units (CEUs)")).to_have_value("1.5")
    expect(page.get_by_label("AAPC index number")).to_have_value("RA-2025-77")
    expect(page.get_by_label("Kind")).to_have_value("webinar")
    screenshot(page, "certificate-photo-prefilled")

    page.get_by_role("button", name="Log activity").click()
    expect(page.get_by_text("“Risk Adjustment Deep Dive” was logged.")).to_be_visible()
    activity = Activity.objects.get(user=user)
    assert (activity.certificate_type, activity.provider) == ("image/jpeg", "AAPC")


def test_the_waiting_page_fills_in_by_itself_once_the_worker_has_read_the_certificate(
    signed_in_page, verified_user
):
    user = verified_user()
    pending = PendingCertificate(
        user=user, original_name="scan.pdf", content_type="application/pdf"
    )
    pending.file.save("scan.pdf", ContentFile(as_pdf(PHOTO)))
    page = signed_in_page(user)
    page.clock.install()  # the page's own reload timer, moved on below instead of waited for

    page.goto(f"/activities/add/from-certificate/{pending.pk}/")
    expect(page.get_by_role("heading", name="Reading your certificate…")).to_be_visible()
    assert read_pending(pending_id=pending.pk)  # the worker, while the page waits
    page.clock.run_for(1_000)
    expect(page.get_by_role("heading", name="Reading your certificate…")).to_be_visible()
    page.clock.run_for(1_000)  # the page's data-reload-seconds="2" are up: it reloads itself

    expect(page.get_by_label("Title")).to_have_value("Risk Adjustment Deep Dive", timeout=15_000)
    expect(page.get_by_label("Provider")).to_have_value("AAPC")
