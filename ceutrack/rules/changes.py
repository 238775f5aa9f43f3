"""When a change to a record comes after the fact (docs/rules.md): an auditor's question is
whether an entry was added, edited or removed once the cycle it counts in had ended."""

from __future__ import annotations

from datetime import date


def changed_after_cycle(*, cycle_end: date, changed_on: date) -> bool:
    """True when the change was made (on the person's local calendar) after the cycle's last
    day. A change on the last day itself is still within the cycle."""
    return changed_on > cycle_end
