"""The everyday commands start fast by structure: the heavy libraries stay unloaded.

Each command runs in a fresh interpreter, after a first run has created the
database and synced the catalogue (which is allowed to load pydantic, once).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = (
    "pydantic",
    "sqlmodel",
    "sqlalchemy",
    "httpx",
    "rich.table",
    "platformdirs",
    "psycopg",  # the study group's driver: only `group` commands that reach the server
)

PROBE = """
import json, sys
from dltrack.cli import run
code = run(sys.argv[1:])
sys.stdout.flush()
print(json.dumps({"code": code, "loaded": [m for m in %r if m in sys.modules]}), file=sys.stderr)
"""


def loaded_after(env: dict[str, str], *args: str, watched: tuple[str, ...] = HEAVY) -> list[str]:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE % (watched,), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    report = json.loads(proc.stderr.strip().splitlines()[-1])
    assert report["code"] == 0, proc.stderr
    return list(report["loaded"])


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    subprocess.run([sys.executable, "-m", "dltrack", "tracks"], env=env, check=True, timeout=60)
    return env


@pytest.mark.parametrize("args", [("next",), ("done", "1"), ("list",), ("next", "--json")])
def test_everyday_commands_leave_the_heavy_libraries_alone(
    env: dict[str, str], args: tuple[str, ...]
) -> None:
    assert loaded_after(env, *args) == []


def test_the_probe_sees_a_heavy_library(env: dict[str, str]) -> None:
    """Not vacuous: a command that needs rich.table is seen loading it."""
    assert "rich.table" in loaded_after(env, "tracks")


def test_check_links_does_not_load_the_catalogue_model(env: dict[str, str]) -> None:
    """A check of a synced catalogue needs httpx, not pydantic (a tenth of a second, 10 MB).

    Item 3 has no URL, so nothing is requested (the subprocess has no loopback guard).
    """
    loaded = loaded_after(
        env, "check-links", "--id", "3", "--format", "junit", watched=(*HEAVY, "rich")
    )
    assert "httpx" in loaded and "pydantic" not in loaded


@pytest.mark.parametrize("fmt", ["json", "junit", "markdown", "github", "shields"])
def test_a_report_for_a_program_does_not_load_rich(env: dict[str, str], fmt: str) -> None:
    """Only the terminal's table draws with rich; CI's formats are plain text."""
    loaded = loaded_after(env, "check-links", "--id", "3", "--format", fmt, watched=("rich",))
    assert loaded == []


def test_the_table_report_is_seen_loading_rich(env: dict[str, str]) -> None:
    """Not vacuous: the probe sees the table format load rich."""
    assert loaded_after(env, "check-links", "--id", "3", watched=("rich",)) == ["rich"]
