"""Where the engine's example scenarios are read from.

The shared examples beside the clone (../shared/scenarios) are the source of truth and may
grow; tests/data/scenarios is a copy kept in the repository so a clone that has no shared/
beside it still checks every example. CEUTRACK_SCENARIOS_DIR overrides both.
"""

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def scenarios_dir() -> Path:
    override = os.environ.get("CEUTRACK_SCENARIOS_DIR")
    if override:
        return Path(override)
    shared = REPO.parent / "shared" / "scenarios"
    return shared if shared.is_dir() else REPO / "tests" / "data" / "scenarios"


# Fields added to the CLI's JSON after the example files were written: the examples omit
# them, so a comparison with an example leaves them out of the output when it does.
ADDED_CURRENT_FIELDS = ("holds_until",)


def as_in_example(produced: object, expected: object) -> object:
    """`produced` without the added fields that `expected` (an example file) omits."""
    if not (isinstance(produced, dict) and isinstance(expected, dict)):
        return produced
    bodies = produced.get("bodies")
    if not isinstance(bodies, list):
        return produced
    shown = {**produced, "bodies": []}
    for body, example in zip(bodies, expected.get("bodies") or [], strict=False):
        current, example_current = body.get("current"), (example or {}).get("current")
        if isinstance(current, dict) and isinstance(example_current, dict):
            current = {
                k: v
                for k, v in current.items()
                if k not in ADDED_CURRENT_FIELDS or k in example_current
            }
        shown["bodies"].append({**body, "current": current})
    shown["bodies"].extend(bodies[len(shown["bodies"]) :])
    return shown
