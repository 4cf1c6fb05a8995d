"""The Chinese interface: every sentence a person meets has a translation, and is used.

Each side of dltrack (the modules in LEARNER_SIDE and CURATOR_SIDE) writes each
sentence in English inside tr() or plural(), or marks it N_() where it is made in
English and translated where shown; the English is the key of its translation in
``dltrack.lang.zh_learner`` or ``dltrack.lang.zh_curator``. These tests read those
modules' source, so a sentence added without a translation fails here, named.
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
from dltrack.lang import CHINESE, ENGLISH, catalogue, language
from dltrack.lang.zh_curator import MESSAGES as CURATOR_MESSAGES
from dltrack.lang.zh_learner import MESSAGES

SRC = Path(dltrack.__file__).parent
LEARNER_SIDE = [
    "cli/__init__.py",
    "cli/common.py",
    "cli/learner.py",
    "cli/record.py",
    "render/learner.py",
    "render/lists.py",
    "render/topics.py",
    "render/record.py",
    "render/style.py",
    "render/welcome.py",
    "learner/days.py",
    "learner/ids.py",
    "learner/items.py",
    "learner/topics.py",
    "learner/marking.py",
    "learner/tracks.py",
    "learner/restoring.py",
    "learner/syncing.py",
    "learner/personal.py",
    "learner/history.py",
    "store/db.py",
    "store/migrations.py",
]
# The curator's commands, the study group's, and the file handling both sides share.
CURATOR_SIDE = [
    "cli/curator.py",
    "cli/links.py",
    "cli/group.py",
    "render/curator.py",
    "render/fixes.py",
    "render/links.py",
    "render/link_formats.py",
    "render/group.py",
    "catalogue/importing.py",
    "catalogue/lint.py",
    "catalogue/model.py",
    "links/history.py",
    "group/exchange.py",
    "group/local.py",
    "group/membership.py",
    "group/server.py",
    "group/serverschema.py",
    "files.py",
    "session.py",
]
# Calls whose argument a person reads (by position): tr(...) or N_(...), not English text.
_SHOWN = {
    "text": 0,
    "Message": 0,
    "UserError": 0,
    "UsageError": 0,
    "CatalogueError": 0,
    "StoreError": 0,
    "GroupServerError": 0,
    "NetworkUnreachable": 0,
    "FileProblem": 0,
    "BadParameter": 0,
    "add_column": 0,
    "Finding": 2,
    "PydanticCustomError": 1,
}
_WORDS = re.compile(r"[A-Za-z]{3,}")
# The calls that mark a sentence for translation (N_: translated where it is shown).
_MARKS = {"tr", "N_"}


def _constant(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def marked_sentences(side: list[str]) -> dict[str, str]:
    """Every constant given to tr(), N_() or plural() in a side's modules: text -> where."""
    found: dict[str, str] = {}
    for name in side:
        tree = ast.parse((SRC / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            called = getattr(node.func, "id", None)
            if called in _MARKS:
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
    from dltrack.render import record
    from dltrack.render import words as vocab

    words: dict[str, str] = {}
    tables = (
        vocab._STATUS_WORD,
        vocab._VERDICT_WORD,
        vocab._KIND_WORD,
    )
    for table in (*tables, record._ACTION_WORDS, record._NOTE_DONE):
        words.update({w: "vocabulary" for w in table.values()})
    words.update({notes.TOO_LONG: "notes.TOO_LONG", days._HINT: "days._HINT"})
    words.update({restoring._WHAT: "restoring._WHAT"})
    words.update({"track": "tracks._by_prefix", "stage": "tracks._by_prefix"})
    return words


def command_help(modules: tuple[str, ...]) -> dict[str, str]:
    """The help of the commands in some cli modules (a sub-app's commands included)."""
    import typer

    found: dict[str, str] = {}
    for name, where in COMMANDS.items():
        if where.split(":")[0] not in modules:
            continue
        command = load(name)
        found[inspect.cleandoc(command.__doc__ or "")] = f"dltrack {name}"
        if isinstance(command, typer.Typer):
            for sub in command.registered_commands:
                doc = inspect.cleandoc(sub.callback.__doc__ or "") if sub.callback else ""
                found[doc] = f"dltrack {name} {sub.name}"
    return found


def learner_help() -> dict[str, str]:
    """The help of the learner's commands and of their options and arguments."""
    return command_help(("learner", "record"))


def learner_wanted() -> dict[str, str]:
    return {**marked_sentences(LEARNER_SIDE), **vocabulary(), **learner_help()}


def curator_vocabulary() -> dict[str, str]:
    """Why import leaves a link out: the importer's reasons, shown through tr(reason)."""
    from dltrack.importer import skips

    reasons = [
        value for name, value in vars(skips).items() if name.isupper() and isinstance(value, str)
    ]
    return {reason: "importer.skips" for reason in reasons}


def curator_wanted() -> dict[str, str]:
    return {
        **marked_sentences(CURATOR_SIDE),
        **curator_vocabulary(),
        **command_help(("curator", "links", "group")),
    }


def bare_english(side: list[str]) -> list[str]:
    """English text given straight to a screen, an error or a help text, in a side's modules."""
    bare: list[str] = []
    for name in side:
        tree = ast.parse((SRC / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            called = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            at = _SHOWN.get(called or "", -1)
            shown = [node.args[at]] if 0 <= at < len(node.args) else []
            shown += [k.value for k in node.keywords if k.arg in ("help", "message")]
            for first in shown:
                pieces = [first] if _constant(first) is not None else []
                if isinstance(first, ast.JoinedStr):
                    pieces = [v for v in first.values if _constant(v) is not None]
                if any(_WORDS.search(_constant(p) or "") for p in pieces):
                    bare.append(f"{name}:{node.lineno}: {ast.unparse(first)[:60]}")
    return bare


SIDES = {
    "learner": (learner_wanted, MESSAGES, LEARNER_SIDE),
    "curator": (curator_wanted, CURATOR_MESSAGES, CURATOR_SIDE),
}


@pytest.mark.parametrize("side", list(SIDES))
def test_every_sentence_has_a_chinese_translation(side: str) -> None:
    wanted, _own, _modules = SIDES[side]
    merged = catalogue()  # a side may use a word the other side translates
    missing = {text: where for text, where in wanted().items() if text not in merged}
    assert missing == {}, "no Chinese for:\n" + json.dumps(missing, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("side", list(SIDES))
def test_no_translation_is_left_over(side: str) -> None:
    wanted, own, _modules = SIDES[side]
    assert sorted(set(own) - set(wanted())) == []


def checker_reasons() -> dict[str, str]:
    """Every reason text the link checker writes (as templates, "{}" for a value): where."""

    def texts(node: ast.expr) -> list[str]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [node.value]
        if isinstance(node, ast.JoinedStr):
            return ["".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)]
        return []

    found: dict[str, str] = {}
    for path in sorted((SRC / "linkcheck").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            given: list[ast.expr] = []
            if isinstance(node, ast.Call):
                called = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if called == "Decision" and len(node.args) >= 2:
                    given.append(node.args[1])
                given += [k.value for k in node.keywords if k.arg == "reason"]
            elif isinstance(node, ast.Assign):
                # `reason = ...`, and the texts failures.py and the rules make one from.
                if any(getattr(t, "id", "") in ("reason", "text") for t in node.targets):
                    given.append(node.value)
            elif isinstance(node, ast.FunctionDef) and node.name == "reason":
                given += [r.value for r in ast.walk(node) if isinstance(r, ast.Return) and r.value]
            elif (
                isinstance(node, ast.Raise)
                and isinstance(node.exc, ast.Call)
                and getattr(node.exc.func, "id", "") == "UnsupportedEncoding"
            ):
                given += node.exc.args[:1]
            for expr in given:
                for text in texts(expr):
                    found.setdefault(text, f"{path.relative_to(SRC)}:{node.lineno}")
    return found


def test_every_reason_the_link_checker_gives_is_translated() -> None:
    from dltrack.render.links import REASONS

    def pattern(template: str) -> re.Pattern[str]:
        parts = re.split(r"\{[^{}]*\}", template)
        return re.compile(r"\{[^{}]*\}".join(re.escape(p) for p in parts))

    reasons = checker_reasons()
    assert "connection refused" in reasons and "parked domain: {}" in reasons  # it reads them
    missing = {
        text: where
        for text, where in reasons.items()
        if not any(pattern(text).fullmatch(known) for known in REASONS)
        # Values alone ("{}: {}", an exception's name and words) are no sentence.
        and re.sub(r"\{\}|[^A-Za-z]", "", text)
    }
    assert missing == {}
    assert all(reason in CURATOR_MESSAGES for reason in REASONS)


def test_each_sentence_is_translated_in_one_place() -> None:
    from dltrack.lang.zh_click import MESSAGES as CLICK_MESSAGES

    parts = [MESSAGES, CURATOR_MESSAGES, CLICK_MESSAGES]
    assert [sorted(set(a) & set(b)) for n, a in enumerate(parts) for b in parts[n + 1 :]] == [
        [],
        [],
        [],
    ]


def test_translations_keep_their_placeholders() -> None:
    fields = re.compile(r"\{[a-z_0-9]*(?:![rsa])?(?::[^}]*)?\}")
    for english, chinese in catalogue().items():
        assert sorted(fields.findall(english)) == sorted(fields.findall(chinese)), english
        assert (chinese.strip() and chinese != english) or not _WORDS.search(english), english


@pytest.mark.parametrize("side", list(SIDES))
def test_what_a_person_reads_goes_through_tr(side: str) -> None:
    """English text given straight to a screen or an error would stay English in Chinese."""
    assert bare_english(SIDES[side][2]) == []


def test_the_check_for_bare_english_is_not_vacuous(tmp_path: Path, monkeypatch) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "raise UserError(f'no such {x} here')\n"
        "Finding(ERROR, path, 'empty title')\n"
        "typer.Option(help='Show it.')\n"
        "typer.Option(help=tr('Show it.'))\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(sys.modules[__name__], "SRC", tmp_path)
    assert [line.split(":")[1] for line in bare_english(["bad.py"])] == ["1", "2", "3"]


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


def test_database_problems_are_told_in_chinese(run, monkeypatch, tmp_path: Path) -> None:
    import sqlite3

    from dltrack.store.migrations import SCHEMA_VERSION

    monkeypatch.setenv("DLTRACK_LANG", "zh")
    folder = tmp_path / "a-folder"
    folder.mkdir()
    refused = run("--db", str(folder), "next")
    assert refused.code == 3 and refused.err == f"dltrack: 数据库路径是一个目录：{folder}\n"
    run("next")
    with sqlite3.connect(tmp_path / "dltrack.db") as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    newer = run("next")
    assert newer.code == 3
    assert f"第 {SCHEMA_VERSION + 5} 版" in newer.err and "请升级 dltrack" in newer.err


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


# ---------------------------------------------------------------- the curator's side, end to end

BAD_CATALOGUE = {
    "schema": 1,
    "catalogue": "bad",
    "last_id": 3,
    "tracks": [
        {
            "slug": "t",
            "title": "路线",
            "stages": [
                {
                    "slug": "s",
                    "title": "阶段",
                    "items": [
                        {"id": 1, "title": "卷积", "url": "https://example.org/a?utm_source=x"},
                        {"id": 2, "title": "池化", "url": "https://example.org/a"},
                        {"id": 3, "title": "一本书"},
                    ],
                }
            ],
        }
    ],
}


def _in(lang: str, monkeypatch, run, *args: str):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DLTRACK_LANG", lang)
    return run(*args)


def test_lint_speaks_chinese_and_its_json_and_exit_code_do_not_change(
    run, monkeypatch, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(BAD_CATALOGUE, ensure_ascii=False), encoding="utf-8")
    shown = _in("zh", monkeypatch, run, "lint", str(bad))
    assert shown.code == 1
    lines = shown.out.splitlines()
    assert lines[0] == (
        "错误 tracks[0].stages[0].items[1].url：编号 2 和编号 1"
        "（tracks[0].stages[0].items[0]）是同一篇文章；一篇文章只能有一个编号"
    )
    assert "警告 tracks[0].stages[0].items[0].url：链接里还留着跟踪参数：utm_source" in shown.out
    assert "警告 tracks[0]：3 个条目中有 1 个没有链接（编号 3）" in shown.out
    assert lines[-1] == f"{bad}：1 个错误，2 个警告（1 条路线，3 个条目）"
    chinese_json = _in("zh", monkeypatch, run, "lint", str(bad), "--json")
    english_json = _in("en", monkeypatch, run, "lint", str(bad), "--json")
    assert chinese_json == english_json and chinese_json.code == 1
    assert "one article keeps one id" in english_json.out
    english = _in("en", monkeypatch, run, "lint", str(bad))
    assert english.out.splitlines()[0].startswith("error tracks[0].stages[0].items[1].url: id 2")


def test_file_problems_and_schema_errors_in_chinese(run, monkeypatch, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema": 1,', encoding="utf-8")
    shown = _in("zh", monkeypatch, run, "lint", str(broken))
    # A file CI cannot read is a finding like any other: exit 1.
    assert shown.code == 1 and shown.out.startswith(
        "错误 (file)：不是有效的 JSON（第 1 行第 14 列："
    )
    english = _in("en", monkeypatch, run, "lint", str(broken), "--json")
    assert json.loads(english.out)["findings"][0]["message"].startswith("not valid JSON (line 1")
    assert _in("zh", monkeypatch, run, "lint", str(broken), "--json").out == english.out
    refused = _in("zh", monkeypatch, run, "lint", str(tmp_path))
    assert refused.err == f"dltrack: 目录文件的路径是一个文件夹：{tmp_path}\n"
    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"schema": 2, "tracks": [{"slug": "A", "title": "", "stages": []}]}')
    monkeypatch.setenv("DLTRACK_SEED", str(wrong))
    failed = _in("zh", monkeypatch, run, "next")
    assert failed.code == 3
    said = "schema：不支持的 schema 版本（这个 dltrack 只能读 1）（还有 2 处问题）"
    assert failed.err == f"dltrack: {wrong}：{said}\n"


def test_import_reports_in_chinese_with_the_same_json(run, monkeypatch, tmp_path: Path) -> None:
    document = tmp_path / "list.md"
    document.write_text(
        "# 深度学习入门\n\n## 基础\n\n- [卷积网络](https://example.org/cnn)\n"
        "- ![图](https://example.org/fig.png)\n- [作者](https://www.zhihu.com/people/someone)\n",
        encoding="utf-8",
    )
    target = tmp_path / "new.json"
    args = ("import", str(document), "-t", "intro", "--catalogue", str(target), "--dry-run")
    shown = _in("zh", monkeypatch, run, *args)
    assert shown.code == 0, shown.err
    assert shown.out.splitlines()[:3] == [
        f"试运行，未写入：{target}",
        "路线 intro（新建）：深度学习入门",
        "+ 阶段 stage-01  基础",
    ]
    assert "    图片 ×1（插图，不逐一列出）" in shown.out
    assert "    个人主页或专栏页：作者  https://www.zhihu.com/people/someone  [基础]" in shown.out
    assert shown.out.splitlines()[-1] == (
        "新阶段 1 个，新条目 1 个（编号 1），沿用 0 个，重复 0 个，跳过 2 个，"
        "1 个标题下没有条目（未建阶段）；last_id 0 → 1"
    )
    assert (
        _in("zh", monkeypatch, run, *args, "--json").out
        == _in("en", monkeypatch, run, *args, "--json").out
    )
    refused = _in("zh", monkeypatch, run, "import", str(document), "-t", "2024")
    assert refused.code == 2
    assert "路线代号不能全是数字（数字表示序号）：'2024'" in refused.err


def _without_times(report: str) -> object:
    data = json.loads(report)
    data["summary"]["elapsed_s"] = 0
    for result in data["results"]:
        result["elapsed_ms"] = result["checked_at"] = None
    return data


def test_check_links_and_fix_links_in_chinese(run, monkeypatch, linkserver, tmp_path: Path) -> None:
    from test_check_links import FAST, write_catalogue

    catalogue = tmp_path / "catalogue.json"
    urls = {
        1: linkserver.url("/ok?id=1"),
        2: linkserver.url("/status/404?id=2"),
        3: linkserver.url("/redirect/301?id=3&to=/ok"),
    }
    write_catalogue(catalogue, urls)
    shown = _in("zh", monkeypatch, run, "check-links", *FAST)
    assert shown.code == 1  # dead links, whatever the language
    assert "已检查 3 个链接（0 个来自缓存）" in shown.out
    assert "用时" in shown.out and "秒：正常 1，失效 1，已迁移 1，被拦截 0，出错 0" in shown.out
    assert "已永久迁移" in shown.out and "结果" in shown.out
    assert " dead " not in shown.out and " 失效 " in shown.out
    chinese_json = _in("zh", monkeypatch, run, "check-links", *FAST, "--format", "json")
    english_json = _in("en", monkeypatch, run, "check-links", *FAST, "--format", "json")
    assert chinese_json.code == english_json.code == 1
    assert _without_times(chinese_json.out) == _without_times(english_json.out)
    # A pull-request comment is the repository's, in English whoever runs the check.
    markdown = _in("zh", monkeypatch, run, "check-links", *FAST, "--format", "markdown")
    assert markdown.out.startswith("## Link check\n\nChecked 3 links")
    fixes = _in(
        "zh", monkeypatch, run, "fix-links", "--catalogue", str(catalogue), "--confirm", "1"
    )
    assert fixes.code == 0, fixes.err
    assert fixes.out.splitlines()[-1] == (
        f"将修改 {catalogue} 中的迁移链接 1 个、存档 0 个（加 --apply 写入）。"
    )
    body = _in("zh", monkeypatch, run, "fix-links", "--catalogue", str(catalogue), "-f", "markdown")
    assert body.out.startswith("## Link fixes from the link check")


def test_the_study_group_in_chinese(group_server, machines, monkeypatch) -> None:
    from pgfixtures import set_up

    monkeypatch.setenv("DLTRACK_LANG", "zh")
    owner, alice = set_up(group_server, machines, "alice")
    assert alice("done", "1").code == 0
    synced = alice("group", "sync")
    assert synced.code == 0, synced.err
    assert synced.out.startswith("已与 ") and " 上的小组同步：发送 1 条记录" in synced.out
    assert "共 2 名成员。" in synced.out
    board = alice("group", "board", "-t", "basics")
    header = board.out.splitlines()[1]
    assert header.startswith("成员") and "连续打卡" in header and header.endswith("最近活动")
    assert "1 天" in board.out
    refused = owner("group", "remove", group_server.owner)
    assert refused.code == 1 and refused.err == "dltrack: 组长不能把自己移出自己的小组\n"
    monkeypatch.setenv("DLTRACK_LANG", "en")
    english = alice("group", "board", "-t", "basics", "--json")
    monkeypatch.setenv("DLTRACK_LANG", "zh")
    assert alice("group", "board", "-t", "basics", "--json").out == english.out


def test_a_filled_in_sentence_is_told_again_from_its_template() -> None:
    from dltrack.lang import matching

    messages = {
        "Invalid value for {hint}: {message}": "{hint} 的值无效：{message}",
        "{value} is not a valid int range.": "{value} 不是有效的整数。",
        "id {item_id} meant {old!r}; {item_id} is kept": (
            "编号 {item_id} 原指 {old!r}；{item_id} 保留"
        ),
        "done": "已读",
    }
    matching._templates = None  # built for these messages, not the package's
    try:
        # The sentence around a sentence wins, and the inner one is told in its turn.
        told = matching.retold("Invalid value for '-n': 'x' is not a valid int range.", messages)
        assert told == "'-n' 的值无效：'x' 不是有效的整数。"
        # A field met twice must match the same text twice; a !r stays as it was written.
        assert (
            matching.retold("id 7 meant 'a: b'; 7 is kept", messages)
            == "编号 7 原指 'a: b'；7 保留"
        )
        assert matching.retold("id 7 meant 'a'; 8 is kept", messages) == "id 7 meant 'a'; 8 is kept"
        assert matching.retold("done", messages) == "已读"
        assert matching.retold("something else", messages) == "something else"
    finally:
        matching._templates = None


def test_file_problems_speak_the_language_and_keep_english_detail(
    monkeypatch, tmp_path: Path
) -> None:
    from dltrack.files import FileProblem, read_bytes, write_text_atomically

    monkeypatch.setenv("DLTRACK_LANG", "zh")
    missing = tmp_path / "nope.json"
    with pytest.raises(FileProblem) as found:
        read_bytes(missing, what="catalogue", limit=10)
    assert found.value.message == f"找不到目录文件：{missing}"
    assert found.value.detail == f"catalogue file not found: {missing}"
    (tmp_path / "big.md").write_text("x" * 2000)
    with pytest.raises(FileProblem) as found:
        read_bytes(tmp_path / "big.md", what="document", limit=1024)
    assert found.value.message == f"文档文件 {tmp_path / 'big.md'} 超过了 1 KiB"
    with pytest.raises(FileProblem) as found:
        write_text_atomically(tmp_path / "no" / "such.json", "{}")
    assert found.value.message.startswith("无法写入 ") and "文件夹" in found.value.message
    monkeypatch.setenv("DLTRACK_LANG", "en")
    with pytest.raises(FileProblem) as found:
        read_bytes(missing, what="catalogue", limit=10)
    assert found.value.message == found.value.detail == f"catalogue file not found: {missing}"
