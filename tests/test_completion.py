"""Completion through the real shell protocol: bash sources the script dltrack prints."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")


@pytest.fixture
def shell_env(tmp_path: Path, run) -> dict[str, str]:
    """An environment with `dltrack` on PATH (this interpreter's) and a database in use."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    program = bin_dir / "dltrack"
    program.write_text(f'#!/bin/sh\nexec {sys.executable} -m dltrack "$@"\n')
    program.chmod(0o755)
    run("next")  # the database exists, as it does once the learner has used dltrack
    return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}


def complete(env: dict[str, str], line: str) -> list[str]:
    """What bash offers for line, run through the script `--show-completion bash` prints."""
    shown = subprocess.run(
        ["dltrack", "--show-completion", "bash"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert shown.returncode == 0, shown.stderr
    script = shown.stdout
    assert "complete " in script and "_DLTRACK_COMPLETE" in script
    words = line.split(" ")
    driver = (
        f"{script}\n"
        f"COMP_WORDS=({' '.join(repr(w) for w in words)})\n"
        f"COMP_CWORD={len(words) - 1}\n"
        "_dltrack_completion dltrack\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    done = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", driver],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return [w for w in done.stdout.splitlines() if w]


def test_a_track_slug_completes_from_its_start(shell_env) -> None:
    assert complete(shell_env, "dltrack use cv") == ["cv-path"]
    assert complete(shell_env, "dltrack use ") == ["basics", "cv-path"]


def test_done_offers_what_next_would_show_first(shell_env, run) -> None:
    run("start", "5")
    run("done", "2")
    offered = complete(shell_env, "dltrack done ")
    # What is being read first, then the unread in reading order; nothing already done.
    assert offered[:3] == ["5", "1", "3"]
    assert "2" not in offered
    assert complete(shell_env, "dltrack reset ") == ["5", "2"]  # the one being read first


def test_commands_statuses_and_stages_complete(shell_env) -> None:
    assert complete(shell_env, "dltrack li") == ["list", "lint"]
    assert complete(shell_env, "dltrack list --status re") == ["reading"]
    assert complete(shell_env, "dltrack list -t cv-path -s ") == ["step-01", "step-02"]
    assert complete(shell_env, "dltrack list -t cv -s 2") == ["2"]  # numbers, once one is typed


def test_completion_without_a_database_offers_nothing_and_creates_none(
    shell_env, tmp_path: Path
) -> None:
    env = {**shell_env, "DLTRACK_DB": str(tmp_path / "never.db")}
    assert complete(env, "dltrack use ") == []
    assert not (tmp_path / "never.db").exists()


def test_done_and_open_without_an_id_take_the_first_of_next(run, monkeypatch) -> None:
    import webbrowser

    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url: opened.append(url) or True)
    assert run("open").out == "Opened 1: https://example.org/cnn\n"
    assert opened == ["https://example.org/cnn"]
    assert run("done").out.startswith("✓ 1  卷积神经网络入门  — done\n")
    assert run("done").out.startswith("✓ 2  深度学习资料大全  — done\n")


# ---------------------------------------------------------------- zsh and fish: with descriptions


def shown_script(env: dict[str, str], shell: str, *options: str) -> str:
    """The script `dltrack --show-completion` prints when run from shell (it asks who ran it)."""
    shown = subprocess.run(
        [shell, *options, "-c", "dltrack --show-completion; true"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert shown.returncode == 0 and "_DLTRACK_COMPLETE=complete_" + shell in shown.stdout
    return shown.stdout


def zsh_offers(env: dict[str, str], line: str) -> dict[str, str]:
    """What zsh's _arguments is handed for line: each word and its description."""
    import re

    script = shown_script(env, "zsh", "-f")
    words = line.split(" ")
    driver = (
        "compdef() { : }\n"
        '_arguments() { print -rl -- "$@" }\n'
        "_files() { print -r -- '(files)' }\n"
        f"{script}\n"
        f"words=({' '.join(repr(w) for w in words)})\n"
        f"CURRENT={len(words)}\n"
        "_dltrack_completion\n"
    )
    done = subprocess.run(
        ["zsh", "-f", "-c", driver], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    offered: dict[str, str] = {}
    for value, description in re.findall(r'"((?:[^"]|"")*)"(?::"((?:[^"]|"")*)")?', done.stdout):
        plain = [
            t.replace('""', '"').replace("''", "'").replace("\\\\:", ":")
            for t in (value, description)
        ]
        offered[plain[0]] = plain[1]
    return offered


def fish_offers(env: dict[str, str], line: str) -> dict[str, str]:
    """What fish completes for line, through the script `--show-completion fish` prints."""
    script = shown_script(env, "fish", "--no-config")
    done = subprocess.run(
        ["fish", "--no-config", "-c", f"{script}\ncomplete -C '{line}'"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return dict([*row.split("\t", 1), ""][:2] for row in done.stdout.splitlines() if row)


OFFERS = {"zsh": zsh_offers, "fish": fish_offers}


def needs(shell: str) -> None:
    """Skip without the shell, unless CI (DLTRACK_TEST_SHELLS_REQUIRED=1) installed it."""
    if shutil.which(shell) is None:
        if os.environ.get("DLTRACK_TEST_SHELLS_REQUIRED") == "1":
            pytest.fail(f"{shell} is not installed")
        pytest.skip(f"needs {shell}")


@pytest.mark.parametrize("shell", list(OFFERS))
def test_zsh_and_fish_describe_tracks_items_and_commands(shell_env, shell: str) -> None:
    needs(shell)
    offers = OFFERS[shell]
    assert offers(shell_env, "dltrack use ") == {
        "basics": "深度学习基础",
        "cv-path": "CV 算法工程师之路",
    }
    items = offers(shell_env, "dltrack done ")
    assert items["1"] == "卷积神经网络入门" and items["3"] == "花书《深度学习》"
    # The catalogue's text, as it is: not read as rich markup, escapes shown, not sent.
    assert items["5"] == "[bold]Attention[/bold] is all you need"
    assert items["6"] == "Linux 常用命令\\x1b[31m红色"
    assert offers(shell_env, "dltrack li") == {
        "list": "List items with id, title, stage and status.",
        "lint": "Check a catalogue for CI: exit 1 on...",
    }
    assert offers(shell_env, "dltrack gr")["group"].startswith("Study groups: share your")


def test_zsh_and_fish_describe_in_the_learners_language(shell_env) -> None:
    needs("fish")
    env = {**shell_env, "DLTRACK_LANG": "zh"}
    assert fish_offers(env, "dltrack ne") == {
        "next": "显示接下来要读的条目：先是在读的，再按顺序列出未读的。"
    }


def test_a_title_that_breaks_rich_markup_completes_in_zsh(shell_env, run, tmp_path: Path) -> None:
    """ "[/x]" alone is a closing tag with nothing open: rich raises, the Tab must not."""
    needs("zsh")
    assert run("add", "https://example.org/odd", "--title", "[/x] 孤立的结束标签").code == 0
    assert zsh_offers(shell_env, "dltrack show m")["m1"] == "[/x] 孤立的结束标签"


def test_bash_gets_the_words_only(shell_env) -> None:
    assert complete(shell_env, "dltrack li") == ["list", "lint"]
    assert complete(shell_env, "dltrack done 5") == ["5"]


@pytest.mark.skipif(shutil.which("sh") is None, reason="needs sh")
@pytest.mark.parametrize("option", ["--show-completion bash", "--show-completion=bash"])
def test_a_named_shell_gets_its_script_whichever_shell_asks(shell_env, option: str) -> None:
    """typer guesses the shell from the parent process; a shell named on the line wins."""
    shown = subprocess.run(
        ["sh", "-c", f"dltrack {option}"], env=shell_env, capture_output=True, text=True, timeout=60
    )
    assert shown.returncode == 0, shown.stderr
    assert "_dltrack_completion()" in shown.stdout and "complete " in shown.stdout
    # Without a name, sh (not a shell typer completes) is told so, in one line.
    bare = subprocess.run(
        ["sh", "-c", "dltrack --show-completion"],
        env=shell_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if os.path.basename(os.path.realpath(shutil.which("sh") or "")) not in ("bash", "zsh"):
        assert bare.returncode == 1 and bare.stderr.count("\n") == 1, bare
