"""Certificate files: checking an upload (type, size, the person's quota), reading it outside
the web process, the hand-over from an uploaded certificate to a logged activity, serving a
stored file, removing a replaced one.

Access control is the caller's job: `serve_certificate` is handed an activity the caller has
already fetched through an access helper (the owner now, a consented manager later).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps
from pathlib import PurePath
from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from ceutrack.accounts.models import User
from ceutrack.activities.extract import Extraction, run_extraction
from ceutrack.activities.models import (
    Activity,
    CertificateReading,
    PendingCertificate,
    private_storage,
)
from ceutrack.activities.prefill import Proposal, parse_certificate

log = logging.getLogger(__name__)

# Content type -> the extensions a file of that type may carry.
ALLOWED_TYPES: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
}
_TYPE_NAMES = {"application/pdf": "a PDF", "image/png": "a PNG image", "image/jpeg": "a JPEG image"}
# filetype needs at most this many leading bytes to recognise a format.
_HEAD_BYTES = 261


def too_large_message(max_bytes: int) -> str:
    return (
        f"The file is larger than the {max_bytes / 2**20:g} MB limit for a certificate. "
        "Upload a smaller scan or export."
    )


@dataclass(frozen=True)
class CheckedCertificate:
    content_type: str
    original_name: str


def check_certificate(*, name: str, head: bytes, size: int, max_bytes: int) -> CheckedCertificate:
    """The type of an uploaded certificate, judged from its bytes; ValidationError if refused."""
    if size > max_bytes:
        raise ValidationError(too_large_message(max_bytes), code="too_large")
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
    """Delete a stored certificate (and what reading it gave) once the surrounding transaction
    commits, so a rolled-back change never loses the file its row still points to."""
    if name:
        transaction.on_commit(lambda: _forget(name))


def _forget(name: str) -> None:
    private_storage.delete(name)
    CertificateReading.objects.filter(name=name).delete()


# ------------------------------------------------------------------ size limit and quota

# Room for the other form fields and the multipart framing around the file.
FORM_SLACK_BYTES = 256 * 1024


class CertificateSizeLimit(FileUploadHandler):
    """Stops receiving a file as soon as it passes the limit, for a request whose
    Content-Length is missing or understates the body; the rest of the body is never read."""

    def __init__(self, request: HttpRequest, *, max_bytes: int) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes
        self.received = 0
        self.exceeded = False  # set when the stream was stopped at the limit

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            self.exceeded = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _too_large_page(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "activities/upload_too_large.html", {"message": message}, status=413)


Refusal = Callable[[HttpRequest, str], HttpResponse]


def limit_certificate_upload(
    refused: Refusal = _too_large_page,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Refuse a certificate upload over CERTIFICATE_MAX_BYTES before its body is read whole:
    by its Content-Length when that already says too much, else by stopping the file's stream
    at the limit. `refused(request, message)` answers (status 413). The CSRF check runs inside,
    after the size check, since it would read the body first (Django's documented pattern for
    per-view upload handlers)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        protected = csrf_protect(view)

        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST":
                max_bytes = settings.CERTIFICATE_MAX_BYTES
                message = too_large_message(max_bytes)
                if declared_length(request) > max_bytes + FORM_SLACK_BYTES:
                    return refused(request, message)
                limit = CertificateSizeLimit(request, max_bytes=max_bytes)
                # Before the body is read, upload_handlers is still a plain list.
                request.upload_handlers = [limit, *request.upload_handlers]
                request.FILES  # noqa: B018 - parse now, under the limit
                if limit.exceeded:
                    return refused(request, message)
            return protected(request, *args, **kwargs)

        return csrf_exempt(wrapped)

    return decorator


def storage_used(user: User, *, excluding: str = "") -> int:
    """Bytes of certificate files the person keeps: their activities' and unconfirmed uploads."""
    names = [
        *Activity.objects.filter(user=user)
        .exclude(certificate="")
        .values_list("certificate", flat=True),
        *PendingCertificate.objects.filter(user=user).values_list("file", flat=True),
    ]
    total = 0
    for name in names:
        if name and name != excluding:
            try:
                total += private_storage.size(name)
            except OSError:
                continue
    return total


def check_quota(user: User, *, size: int, replacing: str = "") -> None:
    """ValidationError when storing `size` more bytes would pass the person's quota
    (`replacing`: a stored file the upload replaces, not counted)."""
    quota = settings.CERTIFICATE_QUOTA_BYTES
    used = storage_used(user, excluding=replacing)
    if used + size > quota:
        raise ValidationError(
            f"Your certificates already use {used / 2**20:.1f} MB of your "
            f"{quota / 2**20:g} MB of storage, and this file needs {size / 2**20:.1f} MB more. "
            "Remove certificates you no longer need, or upload a smaller scan.",
            code="quota",
        )


# ------------------------------------------------------------------ reading, outside the request


def read_certificate(data: bytes, content_type: str) -> Extraction:
    """The certificate's text, read (or OCR'd) in a limited child process; never raises for
    anything in the file. Call it from a worker, never in a request."""
    return run_extraction(
        data,
        content_type,
        seconds=settings.CERTIFICATE_READ_SECONDS,
        memory_bytes=settings.CERTIFICATE_READ_MEMORY_MB * 2**20,
        max_pages=settings.CERTIFICATE_READ_MAX_PAGES,
        max_chars=settings.CERTIFICATE_READ_MAX_CHARS,
    )


def reading_of(name: str, content_type: str, data: bytes | None = None) -> CertificateReading:
    """What reading the stored file `name` gave: read once, then kept. `data`: its bytes, when
    the caller has them already."""
    known = CertificateReading.objects.filter(name=name).first()
    if known is not None:
        return known
    if data is None:
        try:
            with private_storage.open(name, "rb") as handle:
                data = handle.read()
        except OSError:
            data = b""
    extraction = (
        read_certificate(data, content_type) if data else Extraction(problem="file missing")
    )
    if not extraction.readable:
        log.info("Certificate %s could not be read: %s", name, extraction.problem)
    proposal = parse_certificate(extraction.text) if extraction.readable else Proposal()
    reading, _ = CertificateReading.objects.update_or_create(
        name=name,
        defaults={
            "readable": extraction.readable,
            "method": extraction.method,
            "problem": extraction.problem[:200],
            "proposal": proposal.to_json(),
        },
    )
    return reading


def read_after_commit(activity: Activity) -> None:
    """Have a worker read an activity's newly attached certificate once the row is committed,
    so audit packs find the reading ready."""
    from ceutrack.activities.tasks import read_stored_certificate

    name, content_type = activity.certificate.name, activity.certificate_type
    if name:
        transaction.on_commit(lambda: read_stored_certificate.delay(name, content_type))


def read_stored(*, name: str, content_type: str) -> bool:
    """Read a stored certificate unless it was read already or is gone; True when read now."""
    if CertificateReading.objects.filter(name=name).exists() or not private_storage.exists(name):
        return False
    reading_of(name, content_type)
    return True


# ------------------------------------------------------------------ from upload to activity

# Unconfirmed uploads are dropped when the same person starts another this much later.
PENDING_KEEP = timedelta(hours=24)
# A reading still unfinished after this long is taken as failed (its worker died, say).
READING_PATIENCE = timedelta(minutes=3)


def _drop_stale_pending(user: User) -> None:
    for pending in PendingCertificate.objects.filter(
        user=user, created_at__lt=timezone.now() - PENDING_KEEP
    ):
        remove_after_commit(pending.file.name)
        pending.delete()


# Uploads one person may have waiting for a worker at once: a flood of crafted files from one
# account queues behind itself instead of filling the workers.
MAX_READING_AT_ONCE = 10


def check_reading_backlog(user: User) -> None:
    """ValidationError when the person already has MAX_READING_AT_ONCE uploads being read."""
    waiting = PendingCertificate.objects.filter(
        user=user,
        status=PendingCertificate.Status.READING,
        created_at__gt=timezone.now() - READING_PATIENCE,
    ).count()
    if waiting >= MAX_READING_AT_ONCE:
        raise ValidationError(
            f"Your last {waiting} certificates are still being read. Wait a minute for them, "
            "or fill in their details, then upload this one.",
            code="backlog",
        )


def start_from_upload(
    *, user: User, upload: UploadedFile, checked: CheckedCertificate
) -> PendingCertificate:
    """Keep an accepted upload as a pending certificate and have a worker read it once the row
    is committed. Nothing here parses the file."""
    from ceutrack.activities.tasks import read_pending_certificate

    with transaction.atomic():
        _drop_stale_pending(user)
        pending = PendingCertificate.objects.create(
            user=user,
            file=upload,
            original_name=checked.original_name,
            content_type=checked.content_type,
        )
    transaction.on_commit(lambda: read_pending_certificate.delay(pending.pk))
    return pending


def read_pending(*, pending_id: int) -> bool:
    """Read a pending certificate and record the proposal; False when there is nothing to do
    (it was read already, confirmed or discarded)."""
    pending = PendingCertificate.objects.filter(
        pk=pending_id, status=PendingCertificate.Status.READING
    ).first()
    if pending is None:
        return False
    reading = reading_of(pending.file.name, pending.content_type)
    status = (
        PendingCertificate.Status.READ if reading.readable else PendingCertificate.Status.UNREADABLE
    )
    updated = PendingCertificate.objects.filter(
        pk=pending_id, status=PendingCertificate.Status.READING
    ).update(status=status, proposal=reading.proposal)
    return updated == 1


def still_reading(pending: PendingCertificate) -> bool:
    return (
        pending.status == PendingCertificate.Status.READING
        and pending.created_at > timezone.now() - READING_PATIENCE
    )


def log_from_pending(pending: PendingCertificate, form: Any) -> Activity:
    """Save the confirmed activity form with the pending certificate's file (or the replacement
    uploaded on the form) and drop the pending row, all or nothing."""
    activity: Activity = form.save(commit=False)
    replacing = bool(form.cleaned_data.get("certificate_file"))
    if replacing:
        form.apply_certificate(activity)
    else:
        # The stored file simply changes owner: no copy, nothing left behind.
        activity.certificate.name = pending.file.name
        activity.certificate_name = pending.original_name
        activity.certificate_type = pending.content_type
    with discard_upload_on_failure(activity), transaction.atomic():
        activity.save()
        pending.delete()
        if replacing:
            remove_after_commit(pending.file.name)
    return activity


def discard_pending(pending: PendingCertificate) -> None:
    with transaction.atomic():
        remove_after_commit(pending.file.name)
        pending.delete()


def serve_pending(pending: PendingCertificate) -> FileResponse:
    """The pending certificate as a download. Call only after an access check."""
    unsaved = Activity(
        certificate=pending.file.name,
        certificate_name=pending.original_name,
        certificate_type=pending.content_type,
    )
    return serve_certificate(unsaved)
