from datetime import date

import pytest

from ceutrack.rules.changes import changed_after_cycle

END = date(2026, 5, 31)


@pytest.mark.parametrize(
    ("changed_on", "after"),
    [
        (date(2026, 5, 30), False),
        (END, False),  # the cycle's last day is still inside the cycle
        (date(2026, 6, 1), True),
        (date(2027, 1, 1), True),
    ],
)
def test_it_says_a_change_is_after_the_cycle_only_once_its_last_day_has_passed(changed_on, after):
    assert changed_after_cycle(cycle_end=END, changed_on=changed_on) is after
