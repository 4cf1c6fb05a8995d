"""The Chinese interface: every sentence the learner meets has a translation, and is used.

The learner's side of dltrack (the modules in LEARNER_SIDE) writes each sentence in
English inside tr() or plural(); the English is the key of its translation in
``dltrack.lang.zh_learner``. These tests read those modules' source, so a sentence
added without a translation fails here, named.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import dltrack
from dltrack.cli import COMMANDS, load
from dltrack.lang import CHINESE, ENGLISH, language
from dltrack.lang.zh_learner import MESSAGES

SRC = Path(dltrack.__file__).parent
LEARNER_SIDE = [
    "cli/__init__.py",
    "cli/common.py",
    "cli/learner.py",
    "cli/record.py",
    "render/learner.py",
    "render/lists.py",
    "render/record.py",
    "render/style.py",
    "render/welcome.py",
    "learner/days.py",
    "learner/ids.py",
    "learner/items.py",
    "learner/marking.py",
    "learner/tracks.py",
    "learner/restoring.py",
    "learner/syncing.py",
    "learner/personal.py",
    "learner/history.py",
]
# Calls whose first argument a person reads: it must be tr(...), not English text.
_SHOWN = {"text", "Message", "UserError", "UsageError", "BadParameter", "add_column"}
_WORDS = re.compile(r"[A-Za-z]{3,}")


def _constant(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def marked_sentences() -> dict[str, str]:
    """Every constant given to tr() or plural() in the learner's side: text -> where."""
    found: dict[str, str] = {}
    for name in LEARNER_SIDE:
        tree = ast.parse((SRC / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            called = getattr(node.func, "id", None)
            if called == "tr":
                args = node.args[:1]
            elif called == "plural":
                args = node.args[1:3]
            else:
                continue
            for arg in args:
                if (value := _constant(arg)) is not None:
                    found.setdefault(value, f"{name}:{node.lineno}")
                elif isinstance(arg, ast.IfExp):  # tr("a" if x else "b")
                    for branch in (arg.body, arg.orelse):
                        if (value := _constant(branch)) is not None:
                            found.setdefault(value, f"{name}:{node.lineno}")
    return found


def vocabulary() -> dict[str, str]:
    """Words shown through tr(variable): statuses, verdicts, log actions, fixed phrases."""
    from dltrack.learner import days, notes, restoring
    from dltrack.render import record, style

    words: dict[str, str] = {}
    tables = (style._STATUS_WORD, style._VERDICT_WORD, style._KIND_WORD)
    for table in (*tables, record._ACTION_WORDS, record._NOTE_DONE):
        words.update({w: "vocabulary" for w in table.values()})
    words.update({notes.TOO_LONG: "notes.TOO_LONG", days._HINT: "days._HINT"})
    words.update({restoring._WHAT: "restoring._WHAT"})
    words.update({"track": "tracks._by_prefix", "stage": "tracks._by_prefix"})
    return words


def learner_help() -> dict[str, str]:
    """The help of the learner's commands and of their options and arguments."""
    found: dict[str, str] = {}
    for name, where in COMMANDS.items():
        if where.split(":")[0] not in ("learner", "record"):
            continue
        found[inspect.cleandoc(load(name).__doc__ or "")] = f"dltrack {name}"
    return found


def test_every_learner_sentence_has_a_chinese_translation() -> None:
    wanted = {**marked_sentences(), **vocabulary(), **learner_help()}
    missing = {text: where for text, where in wanted.items() if text not in MESSAGES}
    assert missing == {}, "no Chinese for:\n" + json.dumps(missing, ensure_ascii=False, indent=1)


def test_no_translation_is_left_over() -> None:
    wanted = {**marked_sentences(), **vocabulary(), **learner_help()}
    assert sorted(set(MESSAGES) - set(wanted)) == []


def test_translations_keep_their_placeholders() -> None:
    fields = re.compile(r"\{[a-z_0-9]*(?:![rsa])?(?::[^}]*)?\}")
    for english, chinese in MESSAGES.items():
        assert sorted(fields.findall(english)) == sorted(fields.findall(chinese)), english
        assert (chinese.strip() and chinese != english) or not _WORDS.search(english), english


def test_what_a_learner_reads_goes_through_tr() -> None:
    """English text given straight to a screen or an error would stay English in Chinese."""
    bare: list[str] = []
    for name in LEARNER_SIDE:
        tree = ast.parse((SRC / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            called = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if called not in _SHOWN:
                continue
            first = node.args[0]
            pieces = [first] if _constant(first) is not None else []
            if isinstance(first, ast.JoinedStr):
                pieces = [v for v in first.values if _constant(v) is not None]
            if any(_WORDS.search(_constant(p) or "") for p in pieces):
                bare.append(f"{name}:{node.lineno}: {ast.unparse(first)[:60]}")
    assert bare == []


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DLTRACK_LANG": "zh", "LANG": "en_US.UTF-8"}, CHINESE),
        ({"DLTRACK_LANG": "en", "LANG": "zh_CN.UTF-8"}, ENGLISH),
        ({"LANG": "zh_CN.UTF-8"}, CHINESE),
        ({"LANG": "zh_TW.UTF-8"}, CHINESE),
        ({"LC_ALL": "en_GB.UTF-8", "LANG": "zh_CN.UTF-8"}, ENGLISH),
        ({"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, CHINESE),
        ({"LANGUAGE": "fr:zh_CN", "LANG": "fr_FR.UTF-8"}, CHINESE),
        ({"LANGUAGE": "zh_CN", "LANG": "C"}, ENGLISH),  # as gettext: C ignores LANGUAGE
        ({"LANG": "de_DE.UTF-8"}, ENGLISH),
        ({}, ENGLISH),
    ],
)
def test_the_language_comes_from_the_environment(monkeypatch, env, expected) -> None:
    for key in ("DLTRACK_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert language() == expected


def test_chinese_screens_json_and_errors(run, monkeypatch) -> None:
    monkeypatch.setenv("DLTRACK_LANG", "zh")
    shown = run("next").out
    assert "标记为已读：dltrack done 1" in shown, shown
    english = run("next", "--json").out
    monkeypatch.setenv("DLTRACK_LANG", "en")
    assert run("next", "--json").out == english  # JSON never changes with the language
    monkeypatch.setenv("DLTRACK_LANG", "zh")
    refused = run("next", "--track", "nope")
    assert refused.code == 1 and "没有" in refused.err and "nope" in refused.err


def test_help_is_chinese_in_a_chinese_locale(tmp_path: Path) -> None:
    env = {"DLTRACK_LANG": "zh", "COLUMNS": "100", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "dltrack", "done", "--help"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert MESSAGES[inspect.cleandoc(load("done").__doc__ or "")] in done.stdout
    assert "--note" in done.stdout  # option names never change
