"""Certificate files: checking an upload, serving a stored file, removing a replaced one.

Access control is the caller's job: `serve_certificate` is handed an activity the caller has
already fetched through an access helper (the owner now, a consented manager later).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import FileResponse, Http404
from django.utils.text import get_valid_filename

from ceutrack.activities.models import Activity, private_storage

# Content type -> the extensions a file of that type may carry.
ALLOWED_TYPES: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
}
_TYPE_NAMES = {"application/pdf": "a PDF", "image/png": "a PNG image", "image/jpeg": "a JPEG image"}
# filetype needs at most this many leading bytes to recognise a format.
_HEAD_BYTES = 261


@dataclass(frozen=True)
class CheckedCertificate:
    content_type: str
    original_name: str


def check_certificate(*, name: str, head: bytes, size: int, max_bytes: int) -> CheckedCertificate:
    """The type of an uploaded certificate, judged from its bytes; ValidationError if refused."""
    if size > max_bytes:
        raise ValidationError(
            f"The file is larger than the {max_bytes / 2**20:g} MB limit for a certificate. "
            "Upload a smaller scan or export.",
            code="too_large",
        )
    if size == 0:
        raise ValidationError("The file is empty.", code="empty")
    guessed = filetype.guess_mime(head)
    if guessed not in ALLOWED_TYPES:
        raise ValidationError(
            "Upload the certificate as a PDF, PNG or JPEG file.", code="unsupported_type"
        )
    suffix = PurePath(name).suffix.lower()
    if suffix not in ALLOWED_TYPES[guessed]:
        raise ValidationError(
            f"The file's contents are {_TYPE_NAMES[guessed]} but its name ends in "
            f"“{suffix or 'no extension'}”. Save it with the right extension "
            f"({', '.join(ALLOWED_TYPES[guessed])}) and upload it again.",
            code="extension_mismatch",
        )
    # Kept as typed for display; downloads go out under safe_filename() of it.
    original = PurePath(name.replace("\\", "/")).name.strip()[-200:]
    return CheckedCertificate(content_type=guessed, original_name=original)


def check_upload(upload: UploadedFile, *, max_bytes: int) -> CheckedCertificate:
    upload.seek(0)
    head = upload.read(_HEAD_BYTES)
    upload.seek(0)
    return check_certificate(
        name=upload.name or "", head=head, size=upload.size or 0, max_bytes=max_bytes
    )


def safe_filename(name: str, content_type: str) -> str:
    """A download name with no path, quotes or control characters, ending in a fitting
    extension; a name with nothing usable left becomes "certificate.<ext>"."""
    extensions = ALLOWED_TYPES.get(content_type, ("",))
    path = PurePath(name.replace("\\", "/"))
    stem = get_valid_filename(path.stem) if path.stem.strip(" ._") else ""
    suffix = path.suffix.lower() if path.suffix.lower() in extensions else extensions[0]
    return f"{stem or 'certificate'}{suffix}"[-200:]


def content_type_of(activity: Activity) -> str:
    """The stored type, trusted only when it is one we accept; else judged from the name."""
    if activity.certificate_type in ALLOWED_TYPES:
        return activity.certificate_type
    suffix = PurePath(activity.certificate.name).suffix.lower()
    return next((t for t, exts in ALLOWED_TYPES.items() if suffix in exts), "")


def serve_certificate(activity: Activity) -> FileResponse:
    """The activity's certificate as a download. Call only after an access check."""
    content_type = content_type_of(activity) if activity.certificate else ""
    if not content_type:
        raise Http404("No certificate")
    try:
        handle = activity.certificate.open("rb")
    except FileNotFoundError:
        raise Http404("No certificate") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=safe_filename(activity.certificate_name or "certificate", content_type),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@contextmanager
def discard_upload_on_failure(activity: Activity) -> Iterator[None]:
    """Wrap the transaction that saves `activity` (after its upload is attached): if anything
    fails, even the commit, the file save() stored is deleted, since files don't roll back.
    A file the row already had, or one adopted from a pending upload, is never touched."""
    certificate = activity.certificate
    uploading = bool(certificate) and not certificate._committed
    try:
        yield
    except BaseException:
        if uploading and activity.certificate._committed:
            private_storage.delete(activity.certificate.name)
        raise


def remove_after_commit(name: str) -> None:
    """Delete a stored certificate once the surrounding transaction commits, so a rolled-back
    change never loses the file its row still points to."""
    if name:
        transaction.on_commit(lambda: private_storage.delete(name))
