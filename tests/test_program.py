"""dltrack as a separate process, the way a shell runs it.

The program leaves without tearing the interpreter down (see dltrack.cli.script), so
what these check is that nothing is lost on the way out: output longer than a pipe
holds, the exit code, and the database.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The environment of the test's own in-process runs, with the real catalogue."""
    monkeypatch.setenv("DLTRACK_SEED", str(ROOT / "data" / "seed.json"))
    # Block-buffered output, as in a shell pipe: the buffer must be flushed on the way out.
    return {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}


def dltrack(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "dltrack", *args], capture_output=True, env=env, timeout=60
    )


@pytest.mark.parametrize(
    "args",
    [
        # Short: the whole document is still in the process's buffer when it returns.
        ("next", "--json"),
        ("--version",),
        # Longer than a pipe holds (64 KiB), and drawn by rich, line by line.
        ("list", "--track", "jiqizhixin-2016", "--json"),
        ("list", "--track", "jiqizhixin-2016"),
    ],
)
def test_output_arrives_whole_through_a_pipe(run, env: dict[str, str], args: tuple[str]) -> None:
    shell = dltrack(env, *args)
    assert shell.returncode == 0, shell.stderr
    assert shell.stdout
    assert run(*args).out.encode() == shell.stdout


def test_exit_codes_and_error_lines_pass_through(env: dict[str, str]) -> None:
    unknown = dltrack(env, "done", "99999")
    assert unknown.returncode == 1
    assert unknown.stdout == b""
    assert unknown.stderr.decode().count("\n") == 1
    usage = dltrack(env, "skip")  # `done` alone marks what `next` shows; skip needs ids
    assert usage.returncode == 2


def test_what_a_command_wrote_is_in_the_database(env: dict[str, str]) -> None:
    assert dltrack(env, "done", "3", "--note", "read twice").returncode == 0
    with sqlite3.connect(env["DLTRACK_DB"]) as conn:
        status = conn.execute("SELECT status FROM progress WHERE item_id = 3").fetchone()
        note = conn.execute("SELECT text FROM note WHERE item_id = 3").fetchone()
    assert status == ("done",)
    assert note == ("read twice",)
