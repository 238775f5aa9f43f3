"""pyproject.toml says which ranges the project accepts; requirements/*.txt say what is installed.

`make run`, `make test` and the Dockerfile install only from the lock files, so a dependency
added to (or narrowed in) pyproject.toml without `make lock` would never be installed, or be
installed at a version the ranges forbid. These tests fail until the two agree again."""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


def pins(lock_name: str) -> dict[str, str]:
    text = (ROOT / "requirements" / lock_name).read_text()
    found = {}
    for line in text.splitlines():
        match = PIN.match(line)
        if match:
            found[canonicalize_name(match[1])] = match[2]
    return found


def locked_entries(lock_name: str) -> list[str]:
    """Each requirement of the lock file with its continuation lines joined."""
    text = (ROOT / "requirements" / lock_name).read_text().replace("\\\n", " ")
    return [line for line in text.splitlines() if PIN.match(line)]


APP = [Requirement(spec) for spec in PYPROJECT["project"]["dependencies"]]
DEV = [Requirement(spec) for spec in PYPROJECT["project"]["optional-dependencies"]["dev"]]


@pytest.mark.parametrize(
    ("lock_name", "requirements"),
    [("app.txt", APP), ("dev.txt", APP + DEV)],
)
def test_it_locks_every_dependency_at_a_version_pyproject_allows(lock_name, requirements):
    locked = pins(lock_name)
    missing = [str(r) for r in requirements if canonicalize_name(r.name) not in locked]
    outside = [
        f"{r} (locked {locked[canonicalize_name(r.name)]})"
        for r in requirements
        if canonicalize_name(r.name) in locked
        and not r.specifier.contains(locked[canonicalize_name(r.name)], prereleases=True)
    ]

    assert missing == [], f"run `make lock`: {lock_name} lacks {missing}"
    assert outside == [], f"run `make lock`: {lock_name} pins outside pyproject's ranges"


def test_it_installs_the_app_at_the_same_versions_in_development_and_production():
    app, dev = pins("app.txt"), pins("dev.txt")

    differing = {
        name: (version, dev.get(name)) for name, version in app.items() if dev.get(name) != version
    }

    assert differing == {}


@pytest.mark.parametrize("lock_name", ["app.txt", "dev.txt"])
def test_it_pins_every_locked_package_exactly_with_a_hash(lock_name):
    entries = locked_entries(lock_name)

    unhashed = [entry.split()[0] for entry in entries if "--hash=sha256:" not in entry]

    assert len(entries) > 20
    assert unhashed == []
