"""Audit packs: one zip per body and cycle, for the day a certifying body audits a submission.

The zip holds `summary.pdf` (person, credentials, cycle dates, the engine's required, earned and
remaining figures, the counted activities with their index numbers, and a pre-flight list of
problems) and every counted activity's certificate, named by date and title. Which activities
count, and every figure, come from the engine; this module only reads and packs them.

Small packs are built in the request; large ones by a Celery task that claims an `AuditPack`
row (conditional UPDATE, so a redelivered task never builds twice) and records progress.
"""

from __future__ import annotations

import io
import logging
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import PurePath
from typing import IO

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ceutrack.accounts.models import User
from ceutrack.activities.auditpack_changes import pack_numbers, write_changes_section
from ceutrack.activities.certificates import content_type_of, reading_of, remove_after_commit
from ceutrack.activities.evaluation import activity_allocations, evaluate_person
from ceutrack.activities.models import Activity, AuditPack, CertificateReading
from ceutrack.activities.pdffonts import SANS, UnicodePDF
from ceutrack.activities.prefill import Proposal, mismatches
from ceutrack.api.verification import verification_qr
from ceutrack.credentials.catalog import load_catalog
from ceutrack.credentials.presentation import EntryRef, allocation_note, status_label, topic_label
from ceutrack.credentials.presentation import units as format_units
from ceutrack.rules import AAPC, DEFAULT_CATALOG, BodyResult, Catalog, CycleResult, Evaluation

log = logging.getLogger(__name__)

# Beyond either limit a pack is built in the background.
LARGE_PACK_CERTIFICATES = 25
LARGE_PACK_BYTES = 20 * 2**20
# Certificates are read once (by a worker after upload) and the reading kept; a pack with more
# certificates than this never read yet is built in the background, where they are read.
UNREAD_IN_REQUEST = 5
PACK_KEEP = timedelta(days=7)


@dataclass(frozen=True)
class PackContents:
    user: User
    body: str
    cycle: CycleResult
    credentials: tuple[str, ...]
    activities: list[Activity]
    today: date
    # Why a counted activity counts as it does (carried from a renewal month, in part over
    # the non-domain cap), by activity id; and the entries marked for the body and dated in
    # the cycle that do not count, each with the reason (duplicates, before certification).
    notes: dict[int, str] = field(default_factory=dict)
    not_counted: list[tuple[Activity, str]] = field(default_factory=list)
    catalog: Catalog = DEFAULT_CATALOG

    @property
    def filename(self) -> str:
        return (
            f"ceutrack-{self.body}-audit-pack-"
            f"{self.cycle.start.isoformat()}-to-{self.cycle.end.isoformat()}.zip"
        )

    @property
    def with_certificates(self) -> list[Activity]:
        return [a for a in self.activities if a.certificate]


def _cycles(result: BodyResult) -> tuple[CycleResult, ...]:
    return result.cycles or (*result.history, *([result.current] if result.current else []))


def find_cycle(evaluation: Evaluation, *, body: str, end: date) -> CycleResult | None:
    """The started cycle of `body` ending on `end` (the current one's figures when it is)."""
    result = evaluation.body(body)
    if result is None:
        return None
    if result.current is not None and result.current.end == end:
        return result.current
    return next((c for c in _cycles(result) if c.end == end and c.start <= evaluation.today), None)


def pack_contents(user: User, *, body: str, end: date) -> PackContents | None:
    """What goes into the pack, or None when the person has no such cycle."""
    catalog = load_catalog()
    evaluation = evaluate_person(user, catalog=catalog)
    cycle = find_cycle(evaluation, body=body, end=end)
    if cycle is None:
        return None
    result = evaluation.body(body)
    ids = [int(c.id) for c in cycle.counted if c.id.isdigit()]
    activities = list(Activity.objects.filter(user=user, pk__in=ids).order_by("completed_on", "id"))
    notes, not_counted = _explanations(
        user, body=body, cycle=cycle, activities=activities, evaluation=evaluation, catalog=catalog
    )
    return PackContents(
        user=user,
        body=body,
        cycle=cycle,
        credentials=cycle.credentials or (result.credentials if result else ()),
        activities=activities,
        today=evaluation.today,
        notes=notes,
        not_counted=not_counted,
        catalog=catalog,
    )


def _explanations(
    user: User,
    *,
    body: str,
    cycle: CycleResult,
    activities: list[Activity],
    evaluation: Evaluation,
    catalog: Catalog,
) -> tuple[dict[int, str], list[tuple[Activity, str]]]:
    """The engine's allocations for this body and cycle, in words (one query for the
    entries dated in the cycle that it did not count)."""
    allocations = {
        key: next((a for a in found if a.body == body), None)
        for key, found in activity_allocations(evaluation).items()
    }
    entries = {str(a.pk): EntryRef(a.title, a.completed_on) for a in activities}
    counted_ids = {a.pk for a in activities}
    dated_here = [
        a
        for a in Activity.objects.filter(
            user=user, completed_on__range=(cycle.start, cycle.end)
        ).order_by("completed_on", "id")
        if a.pk not in counted_ids
    ]
    entries.update({str(a.pk): EntryRef(a.title, a.completed_on) for a in dated_here})

    def note(activity: Activity) -> tuple[bool, str] | None:
        allocation = allocations.get(str(activity.pk))
        if allocation is None:
            return None
        words = allocation_note(
            allocation, units_entered=activity.units, entries=entries, catalog=catalog
        )
        return words.counted, words.text

    notes = {}
    for activity in activities:
        allocation = allocations.get(str(activity.pk))
        if allocation is not None and allocation.notes:
            explained = note(activity)
            if explained is not None:
                notes[activity.pk] = explained[1]
    not_counted = []
    for activity in dated_here:
        explained = note(activity)
        if explained is not None and not explained[0]:
            not_counted.append((activity, explained[1]))
    return notes, not_counted


def is_large(contents: PackContents) -> bool:
    files = contents.with_certificates
    if len(files) > LARGE_PACK_CERTIFICATES:
        return True
    names = [activity.certificate.name for activity in files]
    read = CertificateReading.objects.filter(name__in=names).count()
    if len(names) - read > UNREAD_IN_REQUEST:
        return True
    total = 0
    for activity in files:
        try:
            total += activity.certificate.size
        except OSError:
            continue
    return total > LARGE_PACK_BYTES


# ------------------------------------------------------------------ pre-flight


UNREADABLE = "the certificate could not be read, check it by hand"


def certificate_problems(activity: Activity, reading: CertificateReading | None) -> list[str]:
    """Problems with one activity's certificate: missing, unreadable (still packed), or its
    text disagreeing with the entry's units or date. `reading`: what reading the file gave
    (`certificates.reading_of`, the guarded child process), None when the file is missing."""
    if not activity.certificate:
        return ["no certificate attached"]
    if reading is None:
        return ["the certificate file is missing from storage"]
    if not reading.readable:
        return [UNREADABLE]
    proposal = Proposal.from_json(reading.proposal)
    return mismatches(proposal, completed_on=activity.completed_on, units=activity.units)


def activity_problems(
    activity: Activity, *, body: str, reading: CertificateReading | None
) -> list[str]:
    problems = []
    if body == AAPC and not activity.aapc_index.strip():
        problems.append("AAPC activity without an index number")
    return problems + certificate_problems(activity, reading)


# ------------------------------------------------------------------ file names


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def certificate_filename(activity: Activity, used: set[str]) -> str:
    """`certificates/2025-03-15 E-M coding update.pdf`: no path separators or odd characters,
    unique within the pack."""
    suffix = PurePath(activity.certificate.name).suffix.lower()
    title = re.sub(r"[^A-Za-z0-9 ._()-]+", "-", _ascii(activity.title)).strip(" .-")[:80]
    stem = f"{activity.completed_on.isoformat()} {title or 'certificate'}"
    name, n = f"{stem}{suffix}", 1
    while name.casefold() in used:
        n += 1
        name = f"{stem} ({n}){suffix}"
    used.add(name.casefold())
    return f"certificates/{name}"


# ------------------------------------------------------------------ the summary PDF


def _latin1(text: str) -> str:
    """The text as typed: the PDF embeds Unicode fonts (ceutrack.activities.pdffonts)."""
    return text


@dataclass(frozen=True)
class PackedActivity:
    number: int
    activity: Activity
    filename: str
    problems: list[str]


def summary_pdf(contents: PackContents, packed: list[PackedActivity]) -> bytes:
    cycle, user = contents.cycle, contents.user
    pdf = UnicodePDF(orientation="portrait", format="Letter")
    pdf.set_title(_latin1(f"{contents.body} audit pack"))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font(SANS, "B", 16)
    pdf.cell(0, 10, _latin1(f"{contents.body} audit pack"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(SANS, size=10)
    lines = [
        f"Person: {user.full_name or user.email} <{user.email}>",
        f"Credentials: {', '.join(contents.credentials) or 'none'}",
        f"Cycle: {cycle.start.isoformat()} to {cycle.end.isoformat()}"
        + (" (official dates)" if cycle.official else ""),
        f"Required: {format_units(cycle.required)} units",
        f"Earned: {format_units(cycle.earned)} units",
        f"Remaining: {format_units(cycle.remaining)} units",
        f"Status: {status_label(cycle.status)}",
    ]
    lines += [
        f"Topic {topic_label(t.topic, contents.catalog)}: {format_units(t.earned)} of "
        f"{format_units(t.required)} units"
        for t in cycle.topics
    ]
    if cycle.sourced is not None:
        lines.append(
            f"AHIMA-sourced: {format_units(cycle.sourced.earned)} of "
            f"{format_units(cycle.sourced.required)} units"
        )
    lines.append(
        f"Prepared by ceutrack on {contents.today.isoformat()}. "
        f"The {contents.body} portal is authoritative."
    )
    for line in lines:
        pdf.multi_cell(0, 6, _latin1(line), new_x="LMARGIN", new_y="NEXT")
    if (verification := verification_qr(user)) is not None:  # the person's verification link
        pdf.image(io.BytesIO(verification[1]), w=28)
        pdf.multi_cell(0, 5, _latin1(f"Current standing: {verification[0]}"), new_x="LMARGIN")

    pdf.ln(4)
    pdf.set_font(SANS, "B", 12)
    pdf.cell(0, 8, "Counted activities", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(SANS, size=9)
    if packed:
        widths = (8, 22, 62, 34, 26, 14, 24)
        with pdf.table(col_widths=widths, text_align="LEFT", line_height=5) as table:
            table.row(["#", "Date", "Title", "Provider", "Index", "Units", "Certificate"])
            for item in packed:
                a = item.activity
                table.row(
                    [
                        str(item.number),
                        a.completed_on.isoformat(),
                        _latin1(a.title),
                        _latin1(a.provider),
                        _latin1(a.aapc_index) or "-",
                        format_units(a.units),
                        "attached" if item.filename else "none",
                    ]
                )
                if a.pk in contents.notes:  # carried from a renewal month, over a cap
                    note = table.row()
                    note.cell("")
                    note.cell("")
                    note.cell(f"Note: {contents.notes[a.pk]}", colspan=5)
    else:
        pdf.cell(0, 6, "No activities counted in this cycle.", new_x="LMARGIN", new_y="NEXT")
    _not_counted_section(pdf, contents)

    pdf.ln(4)
    pdf.set_font(SANS, "B", 12)
    pdf.cell(0, 8, "Pre-flight check", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(SANS, size=10)
    problems = [
        f"#{item.number} {item.activity.title}: {problem}"
        for item in packed
        for problem in item.problems
    ]
    for line in problems or ["No problems found."]:
        pdf.multi_cell(
            0, 6, _latin1(f"- {line}" if problems else line), new_x="LMARGIN", new_y="NEXT"
        )
    write_changes_section(pdf, contents, pack_numbers(packed), text=_latin1)
    return bytes(pdf.output())


def _not_counted_section(pdf: UnicodePDF, contents: PackContents) -> None:
    """Entries dated in the cycle that the engine did not count here, and why."""
    if not contents.not_counted:
        return
    pdf.ln(4)
    pdf.set_font(SANS, "B", 12)
    pdf.cell(0, 8, "Dated in this cycle but not counted", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(SANS, size=9)
    with pdf.table(col_widths=(22, 62, 106), text_align="LEFT", line_height=5) as table:
        table.row(["Date", "Title", "Why it does not count"])
        for activity, why in contents.not_counted:
            table.row([activity.completed_on.isoformat(), activity.title, why])


# ------------------------------------------------------------------ the zip


def _read(activity: Activity) -> bytes | None:
    try:
        with activity.certificate.open("rb") as handle:
            return handle.read()
    except OSError:
        return None


def write_pack(
    contents: PackContents, out: IO[bytes], *, progress: Callable[[int], None] | None = None
) -> list[PackedActivity]:
    """Write the zip to `out`; `progress(n)` after each of the activities."""
    packed: list[PackedActivity] = []
    used: set[str] = set()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for number, activity in enumerate(contents.activities, start=1):
            data = _read(activity) if activity.certificate else None
            filename, reading = "", None
            if data is not None:
                filename = certificate_filename(activity, used)
                archive.writestr(filename, data)
                reading = reading_of(activity.certificate.name, content_type_of(activity), data)
            problems = activity_problems(activity, body=contents.body, reading=reading)
            packed.append(PackedActivity(number, activity, filename, problems))
            if progress is not None:
                progress(number)
        archive.writestr("summary.pdf", summary_pdf(contents, packed))
    return packed


# ------------------------------------------------------------------ background builds


def drop_old_packs(user: User, *, now: datetime) -> int:
    """Built packs are copies of the record: keep them a while for the download, then go."""
    old = list(AuditPack.objects.filter(user=user, created_at__lt=now - PACK_KEEP))
    for pack in old:
        remove_after_commit(pack.file.name)
    AuditPack.objects.filter(pk__in=[p.pk for p in old]).delete()
    return len(old)


def start_pack(contents: PackContents) -> AuditPack:
    """A pack row for the background build, enqueued once the row is committed."""
    from ceutrack.activities.tasks import build_audit_pack

    drop_old_packs(contents.user, now=timezone.now())
    pack = AuditPack.objects.create(
        user=contents.user,
        body=contents.body,
        cycle_start=contents.cycle.start,
        cycle_end=contents.cycle.end,
        total=len(contents.activities),
    )
    transaction.on_commit(lambda: build_audit_pack.delay(pack.pk))
    return pack


def build_pack(*, pack_id: int) -> bool:
    """Claim a pending pack and build it; False when another worker claimed it first."""
    # A build still "running" long after the task's hard time limit died with its worker.
    stale = timezone.now() - timedelta(seconds=2 * settings.CELERY_TASK_TIME_LIMIT)
    claimable = Q(status=AuditPack.Status.PENDING) | Q(
        status=AuditPack.Status.RUNNING, created_at__lt=stale
    )
    claimed = AuditPack.objects.filter(claimable, pk=pack_id).update(
        status=AuditPack.Status.RUNNING, done=0
    )
    if claimed != 1:
        return False
    pack = AuditPack.objects.select_related("user").get(pk=pack_id)
    try:
        contents = pack_contents(pack.user, body=pack.body, end=pack.cycle_end)
        if contents is None:
            raise LookupError("The cycle is no longer in your record.")
        AuditPack.objects.filter(pk=pack_id).update(total=len(contents.activities))

        def progress(done: int) -> None:
            AuditPack.objects.filter(pk=pack_id).update(done=done)

        with tempfile.TemporaryFile() as handle:
            write_pack(contents, handle, progress=progress)
            handle.seek(0)
            pack.file.save(contents.filename, File(handle), save=False)
        AuditPack.objects.filter(pk=pack_id).update(
            file=pack.file.name, status=AuditPack.Status.READY, finished_at=timezone.now()
        )
    except Exception as error:
        log.exception("Audit pack %s failed", pack_id)
        message = str(error) if isinstance(error, LookupError) else "The pack could not be built."
        AuditPack.objects.filter(pk=pack_id).update(
            status=AuditPack.Status.FAILED, error=message[:200], finished_at=timezone.now()
        )
    return True
