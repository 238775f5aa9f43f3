"""The Chromium the browser tests drive runs with the switches tests/browser/conftest.py gives
it, read from its command line as the system started it."""

import os
from pathlib import Path

import pytest

PROC = Path("/proc")


def _processes() -> dict[int, tuple[int, list[str]]]:
    """Every process: pid -> (parent pid, its command line split into words)."""
    found = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            words = (entry / "cmdline").read_bytes().decode(errors="replace").replace("\0", " ")
        except OSError:
            continue
        parent = int(stat[stat.rindex(")") + 2 :].split()[1])
        found[int(entry.name)] = (parent, words.split())
    return found


def _descendants(processes, root: int) -> list[list[str]]:
    children: dict[int, list[int]] = {}
    for pid, (parent, _words) in processes.items():
        children.setdefault(parent, []).append(pid)
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(processes[child][1])
            todo.append(child)
    return found


def _disabled_features(words: list[str]) -> list[set[str]]:
    prefix = "--disable-features="
    return [set(word[len(prefix) :].split(",")) for word in words if word.startswith(prefix)]


@pytest.mark.skipif(not PROC.is_dir(), reason="reads the processes from /proc (Linux)")
def test_chromium_keeps_off_every_feature_playwright_turns_off_and_render_document(browser):
    """Chromium's browser process goes by the last --disable-features switch alone (with
    RenderDocument named only in an earlier one, a page load cost as much as with it on), so
    the last one, ours, must name everything Playwright's names."""
    [browser_process] = [
        words
        for words in _descendants(_processes(), os.getpid())
        if words and "chromium" in Path(words[0]).name and not any("--type=" in w for w in words)
    ]
    *playwrights, ours = _disabled_features(browser_process)

    assert len(playwrights) == 1
    assert playwrights[0] - ours == set()
    assert "RenderDocument" in ours
