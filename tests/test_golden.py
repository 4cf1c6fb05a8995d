"""Golden screens: next, done, list, show, tracks, stages and progress as a learner sees them.

Each file under tests/golden/ holds one command's screen at 60, 100 and 160 columns,
in one language (en, zh), with or without colour (the ANSI codes rich writes for a
256-colour terminal). A change to a screen shows up as a diff of these files, to be
reviewed like code. After a deliberate change, write them anew and review the diff:

    DLTRACK_GOLDEN=write python -m pytest tests/test_golden.py

What changes from run to run is written as a token: today's times (`today HH:MM`),
dates (`YYYY-MM-DD`) and the calendar's cells, whose places depend on the weekday.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"
WIDTHS = (60, 100, 160)
SCREENS = {
    "next": ("next", "-n", "2"),
    "done": ("done", "2"),
    "list": ("list",),
    "show": ("show", "1"),
    "tracks": ("tracks",),
    "stages": ("stages",),
    "progress": ("progress",),
}
_ANSI = r"(?:\x1b\[[0-9;]*m)*"
_TIME = re.compile(r"(today|今天) \d\d:\d\d")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# A calendar row: its label (or none), then a run of day cells in any glyph set.
_LABEL = rf"{_ANSI}(?:Mon|Wed|Fri|Sun|一|三|五|日)?\s*{_ANSI}"
_CELLS = re.compile(rf"^({_LABEL})([·∙░▒▓█+*#.\-\x1b\[0-9;m]{{20,}})$", re.M)
_LINK_ID = re.compile(r"\x1b\]8;id=\d+;")  # rich numbers each hyperlink at random


def normalised(screen: str) -> str:
    """The screen with what changes from day to day written as tokens."""
    screen = _TIME.sub(r"\1 HH:MM", screen)
    screen = _DATE.sub("YYYY-MM-DD", screen)
    screen = _LINK_ID.sub("\x1b]8;id=N;", screen)
    return _CELLS.sub(r"\1<days>", screen)


def _state(run) -> None:
    """A learner some way into the test catalogue: read, being read, skipped."""
    run("done", "1")
    run("start", "5")
    run("skip", "6", "--date", "yesterday")


@pytest.mark.parametrize("colour", ["plain", "colour"])
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", list(SCREENS))
def test_golden_screen(run, monkeypatch, name: str, lang: str, colour: str) -> None:
    _state(run)
    monkeypatch.setenv("DLTRACK_LANG", lang)
    monkeypatch.delenv("DLTRACK_ASCII")
    monkeypatch.delenv("NO_COLOR", raising=False)
    if colour == "colour":
        monkeypatch.setenv("FORCE_COLOR", "1")
        monkeypatch.setenv("TERM", "xterm-256color")
        monkeypatch.delenv("COLORTERM", raising=False)
    else:
        monkeypatch.delenv("FORCE_COLOR", raising=False)
    from dltrack.render import base

    sections = []
    for width in WIDTHS:
        monkeypatch.setenv("COLUMNS", str(width))
        base.stdout.cache_clear()
        if name == "done":
            run("reset", "2")
        result = run(*SCREENS[name])
        assert result.code == 0, result.err
        sections.append(f"===== {name} at {width} columns =====\n{normalised(result.out)}")
    got = "".join(sections)
    path = GOLDEN / f"{lang}-{colour}" / f"{name}.txt"
    if os.environ.get("DLTRACK_GOLDEN") == "write":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(got, encoding="utf-8")
    assert path.is_file(), f"{path} is missing: DLTRACK_GOLDEN=write writes it"
    assert got == path.read_text(encoding="utf-8")
