"""ceutrack/settings.py read afresh in this process, from a clean environment.

`read_settings(env, folder)` executes the settings file as a new module object while
os.environ holds only `env` (plus a missing ENV_FILE and a var dir in `folder`), so no
developer .env or CI variable leaks in, and Django's own settings are left alone.
`overrides(module)` gives its values for override_settings, leaving out what a running test
process cannot switch (the database connections and the installed apps, which are the same).
"""

import importlib.util
import os
from pathlib import Path
from types import ModuleType
from typing import Any
from unittest import mock

SETTINGS = Path(__file__).resolve().parents[1] / "ceutrack" / "settings.py"
FIXED = {"DATABASES", "INSTALLED_APPS"}


def read_settings(env: dict[str, str], folder: Path) -> ModuleType:
    clean = {
        "ENV_FILE": str(folder / "no.env"),
        "CEUTRACK_VAR_DIR": str(folder / "var"),
        **env,
    }
    spec = importlib.util.spec_from_file_location("ceutrack_settings_under_test", SETTINGS)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    with mock.patch.dict(os.environ, clean, clear=True):
        spec.loader.exec_module(module)
    return module


def overrides(module: ModuleType) -> dict[str, Any]:
    return {
        name: getattr(module, name) for name in dir(module) if name.isupper() and name not in FIXED
    }
