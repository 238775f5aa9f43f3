"""The audit pack's "Changes to these entries" section: every recorded change of the activities
counted in the pack's cycle, each one made after the cycle had ended marked for the auditor.
The PDF is ceutrack.activities.auditpack's; this writes one section of it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.utils import timezone
from fpdf import FPDF

from ceutrack.activities.history import (
    Action,
    CycleRef,
    HistoryEntry,
    activity_history_began_of,
    changes_of_body_dates,
    changes_of_counted,
)
from ceutrack.activities.history_sources import show_date

AFTER_END = "AFTER CYCLE END"


def _what(entry: HistoryEntry, *, named: bool = False) -> str:
    prefix = f"{entry.record_kind_label} ({entry.record_label}) " if named else ""
    if entry.action == Action.CHANGED:
        if not entry.changes:
            done = "saved, nothing changed" if entry.earlier_recorded else "changed"
            return prefix + done
        return (
            prefix + "changed " + "; ".join(f"{c.label}: {c.old} -> {c.new}" for c in entry.changes)
        )
    return prefix + entry.action.value


def write_changes_section(
    pdf: FPDF, contents: Any, numbers: dict[int | None, int], *, text: Callable[[str], str]
) -> list[HistoryEntry]:
    """Add the section to `pdf` (after the pack's other sections); `numbers` maps an activity's
    id to its number in the pack, `text` makes a string printable in the PDF's font."""
    cycle = CycleRef(contents.body, contents.cycle.end)
    entries, dates, began = [], [], None
    if contents.user.pk is not None:  # a person never saved (a preview) has no history
        ids = [pk for pk in numbers if pk is not None]
        entries = changes_of_counted(contents.user, activity_ids=ids, cycle=cycle)
        dates = changes_of_body_dates(contents.user, cycle=cycle)
        began = activity_history_began_of(contents.user, ids)
    zone = contents.user.zone
    pdf.ln(4)
    pdf.set_font(style="B", size=12)
    pdf.cell(0, 8, "Changes to these entries", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(style="", size=9)
    late = sum(1 for e in (*entries, *dates) if e.flagged)
    intro = (
        f"Every recorded change to the activities above, then to the {cycle.body} credentials "
        f"and official cycle dates that set the cycles, oldest first, in {zone.key} time. "
        f"{late} change{'' if late == 1 else 's'} came after the cycle ended on "
        f"{show_date(cycle.end)} and {'is' if late == 1 else 'are'} marked {AFTER_END}."
    )
    pdf.multi_cell(0, 5, text(intro), new_x="LMARGIN", new_y="NEXT")
    if began is not None:
        note = (
            f"Changes have been recorded since {show_date(timezone.localtime(began, zone).date())}"
            "; entries logged before then start from their values on that day."
        )
        pdf.multi_cell(0, 5, text(note), new_x="LMARGIN", new_y="NEXT")
    if not entries and not dates:
        pdf.cell(0, 6, "No changes recorded.", new_x="LMARGIN", new_y="NEXT")
        return [*entries, *dates]
    with pdf.table(col_widths=(8, 30, 34, 96, 22), text_align="LEFT", line_height=5) as table:
        table.row(["#", "When", "By", "What", "Flag"])
        for entry in entries:
            table.row(_row(entry, str(numbers.get(entry.record_id, "")), zone, text))
        for entry in dates:
            table.row(_row(entry, "", zone, text, named=True))
    return [*entries, *dates]


def _row(
    entry: HistoryEntry, number: str, zone: Any, text: Callable[[str], str], *, named: bool = False
) -> list[str]:
    local = timezone.localtime(entry.at, zone)
    return [
        number,
        f"{local:%Y-%m-%d %H:%M}",
        text(entry.by),
        text(_what(entry, named=named)),
        AFTER_END if entry.flagged else "",
    ]


def pack_numbers(packed: Iterable[Any]) -> dict[int | None, int]:
    """Activity id -> its number in the pack, from auditpack.PackedActivity items."""
    return {item.activity.pk: item.number for item in packed}
