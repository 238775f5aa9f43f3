import pytest
from django.core.exceptions import ValidationError

from ceutrack.activities.certificates import check_certificate, safe_filename
from tests.certificate_files import jpeg_bytes, pdf_bytes, png_bytes

TEN_MB = 10 * 1024 * 1024


def _check(name: str, content: bytes, size: int | None = None):
    return check_certificate(
        name=name, head=content[:261], size=len(content) if size is None else size, max_bytes=TEN_MB
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("cert.pdf", pdf_bytes(), "application/pdf"),
        ("cert.PNG", png_bytes(), "image/png"),
        ("cert.jpg", jpeg_bytes(), "image/jpeg"),
        ("cert.jpeg", jpeg_bytes(), "image/jpeg"),
    ],
)
def test_it_accepts_pdf_png_and_jpeg_judged_from_their_bytes(name, content, content_type):
    assert _check(name, content).content_type == content_type


def test_it_rejects_a_png_renamed_to_pdf():
    with pytest.raises(ValidationError) as error:
        _check("certificate.pdf", png_bytes())
    assert error.value.code == "extension_mismatch"
    assert "contents are a PNG image but its name ends in “.pdf”" in error.value.message


def test_it_rejects_an_html_file_named_pdf():
    with pytest.raises(ValidationError) as error:
        _check("certificate.pdf", b"<!doctype html><html><script>alert(1)</script></html>")
    assert error.value.message == "Upload the certificate as a PDF, PNG or JPEG file."


def test_it_rejects_a_file_over_the_size_limit_before_reading_it():
    with pytest.raises(ValidationError) as error:
        _check("certificate.pdf", pdf_bytes(), size=TEN_MB + 1)
    assert error.value.code == "too_large"
    assert "The file is larger than the 10 MB limit for a certificate." in error.value.message


def test_it_accepts_a_file_of_exactly_the_size_limit():
    assert _check("certificate.pdf", pdf_bytes(), size=TEN_MB).content_type == "application/pdf"


def test_it_rejects_an_empty_file():
    with pytest.raises(ValidationError) as error:
        _check("certificate.pdf", b"")
    assert error.value.code == "empty"


def test_it_rejects_a_gif_even_with_a_matching_name():
    with pytest.raises(ValidationError):
        _check("certificate.gif", b"GIF89a" + b"\x00" * 40)


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("E-M update 2025.pdf", "application/pdf", "E-M_update_2025.pdf"),
        ("../../etc/passwd.pdf", "application/pdf", "passwd.pdf"),
        ('bad"name\r\n.png', "image/png", "badname.png"),
        ("C:\\Users\\me\\scan.JPG", "image/jpeg", "scan.jpg"),
        ("certificate.exe", "application/pdf", "certificate.pdf"),
        ("....pdf", "application/pdf", "certificate.pdf"),
    ],
)
def test_it_makes_a_safe_download_name(name, content_type, expected):
    assert safe_filename(name, content_type) == expected


def test_it_keeps_the_original_name_without_its_folders_for_display():
    checked = _check("C:\\Users\\me\\My scan.JPG", jpeg_bytes())
    assert checked.original_name == "My scan.JPG"
