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
