"""`python -m ceutrack.rules evaluate FILE.json` (section 6, fine print 7.1)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ceutrack.rules.__main__ import main

GOOD = {
    "today": "2025-06-30",
    "credentials": [{"code": "CPC", "earned_on": "2023-01-10"}],
    "activities": [{"id": "a1", "completed_on": "2025-03-15", "units": 6, "aapc": True}],
}


def _write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "scenario.json"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_it_prints_the_evaluation_as_indented_json_and_exits_0(tmp_path, capsys):
    code = main(["evaluate", _write(tmp_path, json.dumps(GOOD))])

    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert json.loads(out)["bodies"][0]["current"]["status"] == "lapsed"
    assert out.startswith('{\n  "today"')


@pytest.mark.parametrize(
    "text",
    [
        "{",
        "[]",
        '{"credentials": [], "activities": []}',
        json.dumps({**GOOD, "today": "2025-02-30"}),
        json.dumps(
            {**GOOD, "activities": [{"id": "a1", "completed_on": "2025-01-01", "units": "six"}]}
        ),
        "\udcff",
    ],
)
def test_it_exits_2_with_one_line_on_stderr_for_a_malformed_scenario(tmp_path, capsys, text):
    path = tmp_path / "scenario.json"
    path.write_bytes(text.encode("utf-8", "surrogateescape"))

    code = main(["evaluate", str(path)])

    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.startswith("error: ") and err.count("\n") == 1


def test_it_exits_2_for_a_missing_file(tmp_path, capsys):
    code = main(["evaluate", str(tmp_path / "missing.json")])

    assert code == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_it_runs_as_a_module_without_a_traceback(tmp_path):
    """One real `python -m` run (the others call main() in-process): the module passes its
    exit code on and a malformed scenario ends in one line, not a traceback."""
    bad = str(tmp_path / "missing.json")
    command = [sys.executable, "-m", "ceutrack.rules", "evaluate", bad]

    broken = subprocess.run(command, capture_output=True, text=True, check=False)

    assert broken.returncode == 2 and broken.stdout == ""
    assert len(broken.stderr.splitlines()) == 1 and "Traceback" not in broken.stderr
