"""The small things a learner meets first: a mistyped --db, the first run, prefixes, hints."""

from __future__ import annotations

import fcntl
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from helpers import on_terminal, one_line


def as_json(result) -> dict:
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_a_db_in_a_directory_that_does_not_exist_is_refused(run, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-dir" / "x.db"
    result = run("--db", str(missing), "done", "1")
    assert result.code == 2
    assert "no directory" in one_line(result.err)
    assert not missing.parent.exists()


def test_dltrack_db_in_a_missing_directory_is_refused(run, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DLTRACK_DB", str(tmp_path / "typo" / "x.db"))
    result = run("next")
    assert result.code == 2 and "DLTRACK_DB" in one_line(result.err)
    assert not (tmp_path / "typo").exists()


def _dltrack_with_a_terminal_on_stderr(*args: str) -> tuple[str, str]:
    """Run the real program with stderr on a pseudo-terminal; (stdout, the terminal's text)."""
    ran = on_terminal(list(args), streams={"stderr"}, env=dict(os.environ))
    return ran.out, ran.shown


def test_the_first_run_says_where_the_database_is_and_lists_the_tracks(db_path: Path) -> None:
    out, said = _dltrack_with_a_terminal_on_stderr("next")
    assert f"made a new progress database: {db_path}" in said
    assert "  basics " in said and "  cv-path " in said  # one line per track
    assert "dltrack use cv-path" in said  # the shortest track, as a place to begin
    assert out.startswith("深度学习基础  (basics)")  # stdout is what every later run prints
    out_again, said_again = _dltrack_with_a_terminal_on_stderr("next")
    assert said_again == "" and out_again == out


def test_the_first_run_in_a_script_is_quiet_on_stderr(run) -> None:
    assert run("next").err == ""


def test_a_unique_start_of_a_slug_is_enough(run) -> None:
    assert run("use", "cv").out == "Current track: CV 算法工程师之路 (cv-path)\n"
    assert as_json(run("list", "-t", "cv", "-s", "step-02", "--json"))["stage"] == "step-02"


def test_an_ambiguous_start_lists_the_candidates(run) -> None:
    result = run("list", "-t", "cv-path", "-s", "step")
    assert result.code == 1
    assert "step-01, step-02" in one_line(result.err)


def test_next_offers_open_only_for_an_item_with_a_link(run) -> None:
    assert "dltrack open 1" in run("next").out
    run("done", "1,2")  # item 3, a book, is next: it has no link
    shown = run("next")
    assert "dltrack done 3" in shown.out and "dltrack open" not in shown.out, shown.out


def test_done_names_every_stage_and_track_the_item_stands_in(run) -> None:
    data = as_json(run("done", "1", "--json"))
    assert [(s["track"], s["slug"]) for s in data["stages"]] == [
        ("basics", "resources"),
        ("basics", "intro"),
        ("cv-path", "step-02"),
    ]
    assert [(t["slug"], t["done"], t["items"]) for t in data["tracks"]] == [
        ("basics", 1, 5),
        ("cv-path", 1, 2),
    ]


def test_reading_counts_in_stages_and_tracks(run) -> None:
    run("start", "5")
    assert as_json(run("stages", "--json"))["stages"][1]["reading"] == 1
    tracks = run("tracks").out.splitlines()
    assert tracks[0].split()[-2:] == ["reading", "%"], tracks[0]
    basics = next(line for line in tracks if " basics " in line)
    assert " 1  0% " in basics, basics


def test_progress_track_headers_stay_on_one_line(run, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "160")
    run("done", "1")
    lines = run("progress").out.splitlines()
    header = next(line for line in lines if line.startswith("深度学习基础"))
    assert header.endswith("1/5 done · 20%"), header


def test_times_are_local_and_in_human_form(monkeypatch) -> None:
    import time
    from datetime import datetime

    from dltrack.render.style import when

    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        now = datetime.fromisoformat("2026-03-10T12:00:00+08:00")
        assert when("2026-03-10T01:14:00+00:00", now) == "today 09:14"
        assert when("2026-03-09T10:00:00+00:00", now) == "yesterday 18:00"
        assert when("2026-03-07T10:00:00+00:00", now) == "3 days ago"
        assert when("2026-01-02T20:00:00+00:00", now) == "2026-01-03"  # a local day
        assert when("not a time", now) == "not a time"
    finally:
        monkeypatch.undo()
        time.tzset()


def test_show_keeps_utc_in_json_and_local_time_on_screen(run) -> None:
    run("done", "1")
    data = as_json(run("show", "1", "--json"))
    assert data["done_at"].endswith("+00:00")
    assert "today " in run("show", "1").out


def test_show_never_cuts_a_url_even_at_60_columns(run, monkeypatch, catalogue_path) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    data = json.loads(catalogue_path.read_text())
    long_url = "https://mp.weixin.qq.com/s?__biz=MzA3MzI4MjgzMw==&mid=2650721853&idx=3&sn=f9f0"
    for track in data["tracks"]:
        for stage in track["stages"]:
            for item in stage["items"]:
                if item["id"] == 2:
                    item["url"] = long_url
    catalogue_path.write_text(json.dumps(data, ensure_ascii=False))
    for args in (("show", "2"), ("next",)):
        run("done", "1")
        lines = run(*args).out.splitlines()
        assert any(line.strip().endswith(long_url) for line in lines), lines


def test_a_short_url_keeps_host_and_path() -> None:
    from dltrack.render.style import short_url

    assert short_url("https://mp.weixin.qq.com/s?__biz=Mz&mid=26") == "mp.weixin.qq.com/s?…"
    assert short_url("https://arxiv.org/abs/1706.03762") == "arxiv.org/abs/1706.03762"
    assert len(short_url("https://example.org/" + "a" * 80)) == 40


def test_hyperlinks_only_where_asked_or_known(monkeypatch) -> None:
    from dltrack.render.style import hyperlinks

    monkeypatch.setenv("FORCE_HYPERLINK", "1")
    assert hyperlinks()
    monkeypatch.setenv("FORCE_HYPERLINK", "0")
    monkeypatch.setenv("TERM_PROGRAM", "iTerm.app")
    assert not hyperlinks()
    monkeypatch.delenv("FORCE_HYPERLINK")
    assert not hyperlinks()  # the captured output of a test is no terminal


def _ambiguous(text: str) -> set[str]:
    import unicodedata

    return {c for c in text if unicodedata.east_asian_width(c) == "A"}


def test_a_cjk_locale_gets_glyphs_of_one_width(run, monkeypatch) -> None:
    monkeypatch.delenv("DLTRACK_ASCII")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    run("start", "5")
    run("done", "1")
    for args in (("tracks",), ("stages",), ("next", "-n", "2"), ("done", "2"), ("progress",)):
        shown = run(*args).out
        titles = {"卷积神经网络入门", "深度学习资料大全", "[bold]Attention[/bold] is all you need"}
        for title in titles:
            shown = shown.replace(title, "")
        assert _ambiguous(shown) == set(), (args, shown)
    usual = run("tracks").out
    monkeypatch.setenv("DLTRACK_ASCII", "0")
    assert _ambiguous(run("tracks").out) and run("tracks").out != usual


def test_dltrack_ascii_gives_plain_ascii_glyphs(run, monkeypatch) -> None:
    monkeypatch.setenv("DLTRACK_ASCII", "1")
    run("done", "1")
    shown = run("stages").out + run("done", "2").out + run("progress").out
    glyphs = {c for c in shown if not c.isascii() and not ("\u4e00" <= c <= "\u9fff")}
    assert glyphs <= set("、（）：《》›"), glyphs


def test_a_reader_that_leaves_early_is_no_error() -> None:
    """`dltrack list | head`: exit 0 and nothing on stderr once the reader has gone."""
    env = {k: v for k, v in os.environ.items() if k != "DLTRACK_SEED"}  # the packaged one
    command = [sys.executable, "-m", "dltrack", "list"]
    whole = subprocess.run(command, env=env, capture_output=True, check=True)
    # Far more than the 4 KiB pipe below holds: the writes must meet its closed end.
    assert len(whole.stdout) > 4 * 4096
    read_end, write_end = os.pipe()
    fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, 4096)
    child = subprocess.Popen(command, stdout=write_end, stderr=subprocess.PIPE, env=env)
    os.close(write_end)
    first = os.read(read_end, 200)  # `head` reads its lines, then leaves
    os.close(read_end)
    _, err = child.communicate(timeout=60)
    assert first and whole.stdout.startswith(first)
    assert child.returncode == 0
    assert err == b""


def _topic_catalogue(path: Path) -> None:
    """A track whose first item is a bare topic, with articles on it elsewhere."""
    items = [
        {"id": 1, "title": "卷积", "kind": "topic"},
        {"id": 2, "title": "图解卷积神经网络", "url": "https://example.org/a"},
        {"id": 3, "title": "循环神经网络", "url": "https://example.org/b"},
        {"id": 4, "title": "卷积的直观理解", "url": "https://example.org/c"},
        {"id": 5, "title": "池化", "kind": "topic"},
        {"id": 6, "title": "卷积笔记（无链接）", "kind": "book"},
    ]
    track = {"slug": "outline", "title": "大纲", "stages": [
        {"slug": "s1", "title": "一", "items": items[:1] + items[4:5]},
        {"slug": "s2", "title": "二", "items": items[1:4] + items[5:]},
    ]}  # fmt: skip
    path.write_text(json.dumps({"schema": 1, "catalogue": "topics", "tracks": [track]}))


def test_next_on_a_topic_suggests_the_catalogues_items_on_it(run, tmp_path, monkeypatch) -> None:
    catalogue = tmp_path / "topics.json"
    _topic_catalogue(catalogue)
    monkeypatch.setenv("DLTRACK_SEED", str(catalogue))
    result = run("next")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    # Items with a link whose titles hold the topic's, in catalogue order; not the
    # topic itself, not an item with nothing to open either, nothing off the topic.
    start = lines.index("Nothing to open; on this in the catalogue:")
    assert [line.split()[1:3] for line in lines[start + 1 : start + 3]] == [
        ["2", "图解卷积神经网络"],
        ["4", "卷积的直观理解"],
    ]
    assert "(more on it: dltrack search 卷积)" in lines[start + 3]
    assert "dltrack open" not in result.out
    data = json.loads(run("next", "--json").out)
    assert [(h["id"], h["url"]) for h in data["on_topic"]] == [
        (2, "https://example.org/a"),
        (4, "https://example.org/c"),
    ]


def test_a_topic_with_nothing_on_it_says_so(run, tmp_path, monkeypatch) -> None:
    catalogue = tmp_path / "topics.json"
    _topic_catalogue(catalogue)
    monkeypatch.setenv("DLTRACK_SEED", str(catalogue))
    assert run("done", "1").code == 0  # next: 池化, which nothing else mentions
    result = run("next")
    assert "池化" in result.out
    assert "no other item of the catalogue is on this yet" in result.out
    assert json.loads(run("next", "--json").out)["on_topic"] == []
    # An item with a link gets no suggestions at all.
    assert run("done", "5").code == 0
    assert json.loads(run("next", "--json").out)["on_topic"] == []


def test_a_heading_on_a_narrow_terminal_never_splits_the_slug() -> None:
    """At 60 columns the packaged first track's heading wraps before its slug, not in it."""
    env = {k: v for k, v in os.environ.items() if k != "DLTRACK_SEED"} | {"COLUMNS": "60"}
    shown = on_terminal(["next"], streams={"stdout"}, env=env).shown
    # What the terminal draws: colours and hyperlink targets are not on the screen.
    lines = re.sub(r"\x1b\[[0-9;]*m|\x1b\]8;[^\x1b]*\x1b\\", "", shown).splitlines()
    assert any(line.startswith("(jiqizhixin-2016)") for line in lines), shown
