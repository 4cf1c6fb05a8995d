"""click's and typer's own words (usage errors, the help's layout) in a Chinese locale.

The English cases are run too: each sentence of ``lang.zh_click`` must be one that
today's typer writes, so a new wording shows up here instead of staying English.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

from dltrack.lang.matching import retold
from dltrack.lang.zh_click import MESSAGES as CLICK

# A command line with a usage error, and what the Chinese one-liner says of it.
MISTAKES = [
    (("lint", "--nope"), "没有这个选项：--nope（用法见 dltrack lint --help）"),
    (("--nope",), "没有这个选项：--nope（可用的选项：--no-pager）"),
    (("import",), "缺少参数 'files'。"),
    (("import", "list.md"), "缺少选项 '--track' / '-t'。"),
    (("check-links", "--concurrency", "x"), "'--concurrency' 的值无效：'x' 不是有效的整数。"),
    (("check-links", "--timeout", "x"), "'--timeout' 的值无效：'x' 不是有效的数字。"),
    (("check-links", "--timeout", "99999"), "99999.0 超出了范围 x<=3600.0。"),
    (("list", "--status", "foo"), "'foo' 不是可选的值；可选：'all', 'unread'"),
    (("nxt",), "没有这个命令：'nxt'。你是不是想输入 'next'？"),
    (("zzzz",), "没有这个命令：'zzzz'。（用法见 dltrack --help）"),
    (("lint", "a.json", "b.json"), "多出了参数（b.json）"),
    (("import", "list.md", "--track"), "选项 '--track' 需要一个值。"),
    (("list", "--json=3"), "选项 '--json' 不接受值。"),
]
HELP_WORDS = ("Usage: ", "Options", "Arguments", "Commands", ":", "; ")


@pytest.mark.parametrize(("args", "chinese"), MISTAKES)
def test_usage_errors_are_chinese(run, monkeypatch, args, chinese) -> None:
    monkeypatch.setenv("DLTRACK_LANG", "zh")
    refused = run(*args)
    assert refused.code == 2 and refused.out == ""
    assert chinese in refused.err, refused.err
    assert refused.err.startswith("dltrack: ") and refused.err.count("\n") == 1


def test_every_sentence_of_click_is_one_typer_writes(run, tmp_path: Path) -> None:
    """Each usage error's template matches what typer says in English, and none is unused."""
    said = [
        run(*args).err.removeprefix("dltrack: ").rsplit(" (see: ", 1)[0] for args, _ in MISTAKES
    ]
    said += [run("import", "--help").out, run("--help").out]
    used = {
        english
        for english in CLICK
        if english in HELP_WORDS
        or any(english in text or retold(text, {english: CLICK[english]}) != text for text in said)
    }
    assert sorted(set(CLICK) - used) == []
    assert all(retold(text, CLICK) != text for text in said[: len(MISTAKES)]), said


def test_english_errors_stay_as_click_writes_them(run) -> None:
    refused = run("check-links", "--concurrency", "x")
    assert refused.code == 2
    assert refused.err == (
        "dltrack: Invalid value for '--concurrency': 'x' is not a valid int range. "
        "(see: dltrack check-links --help)\n"
    )


def test_help_is_laid_out_in_chinese_by_terminal_columns(run, monkeypatch) -> None:
    monkeypatch.setenv("DLTRACK_LANG", "zh")
    monkeypatch.setenv("COLUMNS", "60")
    shown = run("import", "--help")
    assert shown.code == 0
    lines = shown.out.splitlines()
    assert lines[0].startswith("用法：dltrack import [OPTIONS]")
    for heading in ("参数：", "选项："):
        assert heading in lines
    assert "显示本帮助并退出。" in shown.out and "[必填]" in shown.out
    assert "[默认：" in shown.out and "(data/seed.json)]" in shown.out
    assert "Usage" not in shown.out and "Show this message" not in shown.out
    # Chinese is two columns a character: no line runs past the terminal.
    assert max(cell_len(line) for line in lines) <= 60, shown.out
    root = run("--help")
    assert "命令：" in root.out.splitlines() and "[环境变量：DLTRACK_DB]" in root.out


def test_a_group_without_its_command_shows_its_help(run, monkeypatch) -> None:
    monkeypatch.setenv("DLTRACK_LANG", "zh")
    shown = run("group")
    assert shown.code == 2 and shown.out == ""
    assert shown.err.startswith("用法：dltrack group [OPTIONS] COMMAND [ARGS]...\n")
    assert "\\x0a" not in shown.err and "命令：\n" in shown.err


PROBE = """
import json, sys
from dltrack.cli import run
code = run(sys.argv[1:])
sys.stdout.flush()
loaded = sorted(m for m in sys.modules if m.startswith(("dltrack.lang.", "dltrack.cli.click")))
print(json.dumps({"code": code, "loaded": loaded}), file=sys.stderr)
"""


def _loaded(env: dict[str, str], *args: str) -> tuple[int, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], env=env, capture_output=True, text=True, timeout=60
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return report["code"], report["loaded"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_only_a_chinese_run_loads_the_translations(lang: str, run) -> None:
    import os

    run("next")  # the database exists and is synced
    env = {**os.environ, "DLTRACK_LANG": lang}
    for args in (("next",), ("lint", "--nope"), ("list", "--help")):
        code, loaded = _loaded(env, *args)
        assert code in (0, 2)
        if lang == "en":
            assert loaded == [], (args, loaded)
        else:
            assert "dltrack.lang.zh_click" in loaded and "dltrack.cli.click_words" in loaded
