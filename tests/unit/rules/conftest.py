"""The engine is pure Python, so its tests need neither Django settings nor pytest-django.

The project conftest (tests/conftest.py) gives every test Django autouse fixtures (settings,
cache, ...). Here each fixture it defines is shadowed by a no-op of the same name, so
`pytest -p no:django tests/unit/rules` works and these tests stay fast under any config.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

import pytest


def _project_fixture_names() -> list[str]:
    try:
        project = importlib.import_module("tests.conftest")
    except ImportError:  # pragma: no cover - the folder was moved out of the project
        return []
    markers = ("_fixture_function_marker", "_pytestfixturefunction")  # pytest 8.4+ / older
    return [
        name
        for name, value in vars(project).items()
        if any(hasattr(value, marker) for marker in markers)
    ]


def _no_op(name: str) -> Callable[[], None]:
    def fixture() -> None:
        return None

    fixture.__name__ = f"_pure_{name.lstrip('_')}"
    return pytest.fixture(autouse=True, name=name)(fixture)


for _name in _project_fixture_names():
    globals()[f"_pure_{_name.lstrip('_')}"] = _no_op(_name)
