"""A coder downloads an audit pack for a cycle and imports a spreadsheet through the preview."""

import io
import zipfile
from datetime import date
from decimal import Decimal

from django.core.files.base import ContentFile
from playwright.sync_api import expect
from pypdf import PdfReader

from ceutrack.activities.models import Activity
from tests.certificate_samples import certificate_pdf
from tests.factories import ActivityFactory, CredentialFactory


def test_a_coder_downloads_an_audit_pack_and_imports_a_csv(signed_in_page, verified_user, tmp_path):
    user = verified_user(full_name="Riley Coder")
    CredentialFactory(user=user, earned_on=date(2023, 1, 10))
    logged = ActivityFactory(
        user=user,
        title="E/M update",
        completed_on=date(2025, 3, 15),
        units=Decimal(2),
        aapc_index="EM-1",
    )
    logged.certificate.save(
        "c.pdf", ContentFile(certificate_pdf("Date of completion: 2025-03-15", "CEUs: 3"))
    )
    logged.certificate_type = "application/pdf"
    logged.save()
    # The same course logged again: stored, and explained as not counted wherever it shows.
    ActivityFactory(
        user=user,
        title="E/M update (again)",
        completed_on=date(2025, 4, 2),
        units=Decimal(2),
        aapc_index="EM-1",
    )
    page = signed_in_page(user)

    page.goto("/activities/")
    expect(
        page.get_by_text("Not counted for AAPC: duplicate of “E/M update” of 15 Mar 2025")
    ).to_be_visible()
    expect(page.get_by_text("Counts toward the AAPC cycle 1 Feb 2025").first).to_be_visible()
    page.get_by_role("link", name="Records, import & calendar").click()
    expect(page.get_by_role("heading", name="Your records")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role(
            "button", name="Download AAPC audit pack for the cycle ending 31 Jan 2027"
        ).click()
    download = download_info.value
    assert download.suggested_filename == "ceutrack-AAPC-audit-pack-2025-02-01-to-2027-01-31.zip"
    download.save_as(tmp_path / "pack.zip")
    archive = zipfile.ZipFile(io.BytesIO((tmp_path / "pack.zip").read_bytes()))
    assert "certificates/2025-03-15 E-M update.pdf" in archive.namelist()
    pdf = PdfReader(io.BytesIO(archive.read("summary.pdf")))
    summary = pdf.pages[0].extract_text()
    everything = " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)
    assert "duplicate of “E/M update” of 15 Mar 2025" in everything
    assert "Earned: 2 units" in summary
    assert "#1 E/M update: the certificate shows 3 units, the entry 2" in summary

    csv_file = tmp_path / "from-excel.csv"
    csv_file.write_bytes(
        "\ufefftitle;provider;completed_on;units;aapc;aapc_index\r\n"
        "Risk adjustment;AAPC;4/2/2025;1,5;yes;RA-9\r\n"
        "Half hour too precise;AAPC;4/3/2025;0.25;yes;RA-10\r\n"
        ";;;;;\r\n".encode()
    )
    page.goto("/activities/records/")
    page.get_by_role("link", name="Import from CSV").click()
    page.get_by_label("CSV file").set_input_files(str(csv_file))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="Check the import")).to_be_visible()
    expect(page.locator('tr[data-line="3"]')).to_contain_text("Units come in steps of 0.5")
    expect(page.locator('tr[data-line="2"]')).to_contain_text("Ready to import")
    assert not Activity.objects.filter(title="Risk adjustment").exists()

    page.get_by_role("button", name="Import 1 activity").click()
    expect(page.get_by_role("heading", name="Import finished")).to_be_visible()
    expect(page.get_by_test_id("skipped")).to_contain_text("Row 3 (Half hour too precise)")
    imported = Activity.objects.get(user=user, title="Risk adjustment")
    assert (imported.completed_on, imported.units) == (date(2025, 4, 2), Decimal("1.5"))
