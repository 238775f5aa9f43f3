"""The engine must stay importable without Django (style.md: no ORM, no settings)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import ceutrack.rules

RULES_DIR = Path(ceutrack.rules.__file__).parent

_PROBE = """
import importlib, pkgutil, sys
import ceutrack.rules as rules
names = [m.name for m in pkgutil.iter_modules(rules.__path__)]
for name in names:
    importlib.import_module("ceutrack.rules." + name)
print(len(names))
print(sorted(m for m in sys.modules if m == "django" or m.startswith("django.")))
"""


def test_it_imports_every_rules_module_without_loading_django():
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True
    )

    module_count, django_modules = done.stdout.splitlines()
    assert int(module_count) >= 10
    assert django_modules == "[]"


def test_it_has_no_django_import_statement_in_any_rules_module():
    offenders = []
    for path in RULES_DIR.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "django"]
    assert offenders == []


def test_it_never_reads_the_clock_in_rules_modules():
    forbidden = ("date.today(", "datetime.now(", "datetime.today(", "time.time(")
    hits = [
        f"{path.name}: {word}"
        for path in RULES_DIR.rglob("*.py")
        for word in forbidden
        if word in path.read_text(encoding="utf-8")
    ]
    assert hits == []
