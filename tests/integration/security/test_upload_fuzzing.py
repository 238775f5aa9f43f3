"""Hostile uploads against the three upload forms: the certificate on an activity, the
"from a certificate" prefill and the CSV import.

Whatever arrives (wrong bytes behind a right extension, too big, empty, archives, a PDF that is
also HTML, names with path tricks, NUL bytes, 300 characters or right-to-left overrides), the
answer is a form error or a redirect, never a 500; nothing is written outside
PRIVATE_MEDIA_ROOT, and what is stored there has a random name. Requests are built by hand so
the file names reach the server exactly as an attacker would send them (the test client would
strip the paths itself)."""

import io
import re
import zipfile
from pathlib import Path

import pytest

from ceutrack.activities import csvio
from ceutrack.activities.models import Activity
from tests.certificate_files import jpeg_bytes, pdf_bytes, png_bytes
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BOUNDARY = "fuzzBoundary7MA4YWxkTrZu0gW"
STORED_NAME = re.compile(r"^certificates/[0-9a-f]{32}\.(pdf|png|jpg|jpeg)$")
LIMIT = 64 * 1024


def zip_of(name: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


PDF = pdf_bytes()
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
POLYGLOT = b"%PDF-1.4\n" + HTML + b"\n" + PDF  # a PDF reader and a browser both accept it
NASTY_NAMES = [
    "../../etc/passwd.pdf",
    "..\\..\\windows\\system32\\cert.pdf",
    "/etc/cron.d/cert.pdf",
    "cert\x00.pdf",
    "cert.pdf\x00.html",
    "x" * 300 + ".pdf",
    "証明書 ✓ résumé.pdf",
    "\u202eFDP.exe.pdf",
    "&#46;&#46;/&#46;&#46;/cert.pdf",
]
# (file name, bytes) that must be refused with a form error.
REFUSED = [
    ("evil.pdf", HTML),
    ("evil.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ("program.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 300),
    ("script.jpg", b"#!/bin/sh\nrm -rf /\n"),
    ("cert.pdf", zip_of("cert.pdf", PDF)),
    ("certs.zip", zip_of("cert.pdf", PDF)),
    ("empty.pdf", b""),
    ("huge.pdf", PDF + b"%" * LIMIT),
    ("image.pdf", png_bytes()),
    ("photo.png", jpeg_bytes()),
    ("animated.png", b"GIF89a" + b"\x00" * 300),
    ("no-extension", PDF),
    ("cert.pdf\x00.html", PDF),  # the NUL is dropped: "cert.pdf.html" is no PDF name
    (".pdf", PDF),
    *[(name, HTML) for name in NASTY_NAMES],
]
# (file name, bytes) that are genuine certificates: accepted, stored under a random name.
ACCEPTED = [(name, PDF) for name in NASTY_NAMES if name.endswith(".pdf")] + [
    ("polyglot.pdf", POLYGLOT)
]


@pytest.fixture
def roots(settings, tmp_path):
    """PRIVATE_MEDIA_ROOT four levels deep in this test's temp dir, so a file that escaped it
    by up to four `..` still lands where the walk below finds it."""
    private = tmp_path / "a" / "b" / "c" / "private"
    settings.PRIVATE_MEDIA_ROOT = private
    settings.MEDIA_ROOT = private
    settings.CERTIFICATE_MAX_BYTES = LIMIT
    return tmp_path, private


@pytest.fixture
def client_in(client):
    client.force_login(UserFactory())
    return client


def post_file(client, url, *, field, name, content, fields=None):
    head = "".join(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
        for key, value in (fields or {}).items()
    )
    part = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    )
    body = (head + part).encode() + content + f"\r\n--{BOUNDARY}--\r\n".encode()
    return client.generic(
        "POST", url, body, content_type=f"multipart/form-data; boundary={BOUNDARY}"
    )


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def activity_fields(index):
    return {
        "title": f"Coding clinic {index}",
        "provider": "AHIMA",
        "completed_on": "2025-03-15",
        "units": "1",
        "kind": "webinar",
        "ahima": "on",
        "ahima_domain": "on",
    }


FORMS = {
    "activity": ("/activities/add/", "certificate_file", activity_fields),
    "prefill": ("/activities/add/from-certificate/", "certificate", lambda index: {}),
}


def outcome(response):
    """'refused' (a form error or a 4xx), 'accepted' (a redirect) or what went wrong."""
    if response.status_code >= 500:
        return f"server error {response.status_code}"
    if response.status_code == 302:
        return "accepted"
    if response.status_code >= 400:
        return "refused"
    form = response.context and response.context.get("form")
    return "refused" if form is not None and form.errors else "200 without an error"


@pytest.mark.parametrize("form", FORMS)
def test_it_refuses_every_hostile_certificate_and_stores_nothing(client_in, roots, form):
    tmp_path, _private = roots
    url, field, fields = FORMS[form]

    answers = {
        repr(name): outcome(
            post_file(client_in, url, field=field, name=name, content=content, fields=fields(i))
        )
        for i, (name, content) in enumerate(REFUSED)
    }

    assert answers == dict.fromkeys(answers, "refused")
    assert files_under(tmp_path) == []


@pytest.mark.parametrize("form", FORMS)
def test_it_stores_genuine_certificates_with_nasty_names_under_a_random_name(
    client_in, roots, form
):
    tmp_path, private = roots
    url, field, fields = FORMS[form]

    answers = {
        repr(name): outcome(
            post_file(client_in, url, field=field, name=name, content=content, fields=fields(i))
        )
        for i, (name, content) in enumerate(ACCEPTED)
    }

    assert answers == dict.fromkeys(answers, "accepted")
    stored = files_under(tmp_path)
    assert len(stored) == len(ACCEPTED)
    assert all(path.is_relative_to(private) for path in stored)
    names = [path.relative_to(private).as_posix() for path in stored]
    assert [name for name in names if not STORED_NAME.match(name)] == []


def test_it_keeps_a_display_name_without_path_or_control_characters(client_in, roots):
    nasty = [name for name in NASTY_NAMES if name.endswith(".pdf")]
    for i, name in enumerate(nasty):
        post_file(
            client_in,
            "/activities/add/",
            field="certificate_file",
            name=name,
            content=PDF,
            fields=activity_fields(i),
        )

    names = list(Activity.objects.values_list("certificate_name", flat=True))
    assert len(names) == len(nasty)
    assert [n for n in names if "/" in n or "\\" in n or "\x00" in n or len(n) > 200] == []


def test_it_serves_a_pdf_html_polyglot_only_as_a_sandboxed_pdf_download(client_in, roots):
    post_file(
        client_in,
        "/activities/add/",
        field="certificate_file",
        name="polyglot.html.pdf",
        content=POLYGLOT,
        fields=activity_fields(0),
    )
    activity = Activity.objects.get()

    response = client_in.get(f"/activities/{activity.pk}/certificate/")

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


CSV_HOSTILE = [
    ("activities.csv", PDF),
    ("activities.csv", zip_of("activities.csv", b"title\n")),
    ("activities.csv", b""),
    ("activities.csv", b"\x00" * 500),
    ("activities.csv", b"\xff\xfe\x00\x00garbage" * 50),
    ("activities.csv", b"title,units\n" + b"x" * (LIMIT + 1)),
    ("activities.csv", b'"unterminated,quote\n' * 20),
    ("activities.csv", b"=cmd|' /C calc'!A0,1\n"),
    *[(name, b"title\nA talk\n") for name in NASTY_NAMES],
]


def test_it_answers_every_hostile_csv_without_a_server_error_or_a_file(
    client_in, roots, monkeypatch
):
    tmp_path, _private = roots
    monkeypatch.setattr(csvio, "MAX_IMPORT_BYTES", LIMIT)

    answers = {}
    for name, content in CSV_HOSTILE:
        response = post_file(
            client_in, "/activities/records/import/", field="file", name=name, content=content
        )
        answers[f"{name!r} {content[:12]!r}"] = outcome(response)

    assert [a for a in answers.values() if a not in {"refused", "accepted"}] == []
    assert answers[f"'activities.csv' {PDF[:12]!r}"] == "refused"
    assert answers[f"'activities.csv' {b''!r}"] == "refused"
    assert files_under(tmp_path) == []
