"""The pager: on a terminal for output taller than the screen; never in a pipe; --no-pager."""

from __future__ import annotations

import os
import shlex
from pathlib import Path

from helpers import on_terminal


def _on_a_terminal(args: list[str], env: dict[str, str]) -> str:
    """Run dltrack with stdin and stdout on a pseudo-terminal; what the terminal shows."""
    return on_terminal(args, streams={"stdin", "stdout"}, env=env).shown


def _env(tmp_path: Path, paged: Path) -> dict[str, str]:
    pager = f"sh -c {shlex.quote('cat > ' + shlex.quote(str(paged)))}"
    env = {**os.environ, "DLTRACK_PAGER": pager, "LINES": "5", "COLUMNS": "100"}
    env.pop("PAGER", None)
    return env


def test_long_output_on_a_terminal_goes_through_the_pager(run, tmp_path: Path) -> None:
    run("next")  # the database exists
    paged = tmp_path / "paged.txt"
    shown = _on_a_terminal(["list"], _env(tmp_path, paged))
    text = paged.read_text()
    assert "卷积神经网络入门" in text and "深度学习资料大全" in text
    assert "卷积神经网络入门" not in shown  # the pager had it, not the terminal


def test_short_output_and_no_pager_are_written_directly(run, tmp_path: Path) -> None:
    run("next")
    paged = tmp_path / "paged.txt"
    env = _env(tmp_path, paged)
    assert "Current track" in _on_a_terminal(["use", "basics"], env)  # one line: no pager
    assert "卷积神经网络入门" in _on_a_terminal(["--no-pager", "list"], env)
    assert not paged.exists()


def test_a_pipe_never_pages(run, tmp_path: Path, monkeypatch) -> None:
    paged = tmp_path / "paged.txt"
    for key, value in _env(tmp_path, paged).items():
        monkeypatch.setenv(key, value)
    assert "卷积神经网络入门" in run("list").out
    assert not paged.exists()
