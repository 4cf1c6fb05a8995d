"""Screens fed through a terminal emulator (pyte): do the columns line up on screen?

A terminal set up for Chinese draws East Asian "ambiguous" characters (· ▶ █ …) two
columns wide; most others draw them one wide. The emulator is run both ways, and the
columns of the tracks and stages tables and of the item list must line up in each,
with the glyphs dltrack picks in a CJK locale and with DLTRACK_ASCII=1. With the
usual glyphs and ambiguous width 2 they do not: the check is shown to see it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

pyte = pytest.importorskip("pyte")
from pyte import screens  # noqa: E402

WIDTH = 100
SEED = Path(__file__).parent.parent / "data" / "seed.json"


@contextmanager
def ambiguous_width(cells: int) -> Iterator[None]:
    """Make the emulator draw ambiguous-width characters cells columns wide."""
    original = screens.wcwidth

    def width(char: str) -> int:
        if cells == 2 and unicodedata.east_asian_width(char) == "A":
            return 2
        return original(char)

    screens.wcwidth = width
    try:
        yield
    finally:
        screens.wcwidth = original


def on_screen(output: str, cells: int) -> list[list[tuple[int, str]]]:
    """Each line as the terminal shows it: (column, character) of every character."""
    lines = output.splitlines()
    with ambiguous_width(cells):
        screen = pyte.Screen(WIDTH * 2, len(lines) + 1)
        stream = pyte.Stream(screen)
        stream.feed("\r\n".join(lines))
    shown = []
    for y in range(len(lines)):
        row = screen.buffer[y]
        shown.append([(x, row[x].data) for x in range(screen.columns) if row[x].data])
    return shown


def column_of(row: list[tuple[int, str]], needle: str) -> int | None:
    """The screen column where needle starts in row, if it is there."""
    text = "".join(char for _x, char in row)
    at = text.find(needle)
    return None if at < 0 else row[at][0]


def columns_line_up(output: str, cells: int, marks: list[str]) -> bool:
    """True when, on every line holding each mark, the mark is at one screen column."""
    shown = on_screen(output, cells)
    for mark in marks:
        found = {column_of(row, mark) for row in shown} - {None}
        if len(found) > 1:
            return False
    return True


@pytest.fixture
def learner(run, monkeypatch):
    """A learner with something of each status, in a CJK locale, 100 columns wide."""
    monkeypatch.setenv("COLUMNS", str(WIDTH))
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.delenv("DLTRACK_ASCII")
    run("done", "1")
    run("start", "5")
    run("skip", "6")
    return run


# The end of a right-aligned cell lines up: the % column (always "NN%") and the
# slug column's start; in the item list, where each title starts.
TRACKS = ["basics ", "cv-path "]
LIST_TITLES = ["卷积神经网络入门", "深度学习资料大全", "花书《深度学习》", "ＣＮＮ 与 RNN 的区别"]


def _percent_ends(output: str, cells: int) -> set[int]:
    """The screen columns where a % ends a cell (the % column is right-aligned)."""
    ends = set()
    for row in on_screen(output, cells):
        for n, (x, char) in enumerate(row):
            if char == "%" and (n + 1 == len(row) or row[n + 1][1] == " "):
                ends.add(x)
    return ends


@pytest.mark.parametrize("cells", [1, 2])
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("glyphs", ["auto", "ascii"])
def test_columns_line_up(learner, monkeypatch, cells: int, lang: str, glyphs: str) -> None:
    monkeypatch.setenv("DLTRACK_LANG", lang)
    if glyphs == "ascii":
        monkeypatch.setenv("DLTRACK_ASCII", "1")
    tracks = learner("tracks").out
    assert columns_line_up(tracks, cells, TRACKS)
    assert len(_percent_ends(tracks, cells)) == 1, tracks
    stages = learner("stages").out
    assert len(_percent_ends(stages, cells)) == 1, stages
    listed = learner("list").out
    starts = {column_of(row, t) for row in on_screen(listed, cells) for t in LIST_TITLES}
    assert len(starts - {None}) == 1, listed


def test_the_usual_glyphs_do_not_line_up_at_ambiguous_width_2(learner, monkeypatch) -> None:
    """What the check above guards against, seen by it: the reason for the other sets."""
    monkeypatch.setenv("DLTRACK_ASCII", "0")
    listed = learner("list").out
    starts = {column_of(row, t) for row in on_screen(listed, 2) for t in LIST_TITLES}
    assert len(starts - {None}) > 1
    starts = {column_of(row, t) for row in on_screen(listed, 1) for t in LIST_TITLES}
    assert len(starts - {None}) == 1


def _seed_titles() -> list[str]:
    import json

    seed = json.loads(SEED.read_text("utf-8"))
    return [
        item["title"]
        for track in seed["tracks"]
        for stage in track["stages"]
        for item in stage["items"]
    ]


@pytest.mark.parametrize("width", [8, 13, 20, 31])
def test_no_wrapped_line_starts_with_closing_punctuation(width: int) -> None:
    from rich.cells import cell_len

    from dltrack.render.wrap import CLOSING, OPENING, wrap

    titles = _seed_titles()
    assert len(titles) > 100
    broken = 0
    for title in titles:
        lines = [title[a:b].rstrip() for a, b in wrap(title, width)]
        assert "".join(title[a:b] for a, b in wrap(title, width)) == title  # nothing lost
        for n, line in enumerate(lines):
            assert cell_len(line) <= width, (title, line)
            if n:
                assert line[:1] not in CLOSING, (title, lines)
            if n + 1 < len(lines):
                assert line[-1:] not in OPENING, (title, lines)
        broken += len(lines) > 1
    assert broken > 10  # the rule was put to work, not just met by short titles


def test_a_table_title_hangs_under_its_column(run, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    monkeypatch.setenv("DLTRACK_SEED", str(SEED))
    shown = on_screen(run("tracks").out, 1)
    title_column = {column_of(row, "人工智能") for row in shown} - {None}
    assert len(title_column) == 1
    (col,) = title_column
    starts = set()
    for row in shown[2:5]:  # the first track's title, folded on the lines below it
        first = next((x for x, char in row if char != " "), None)
        starts.add(first)
    assert starts == {col}, shown[1:5]


def test_a_hanging_title_continues_under_its_first_line() -> None:
    from rich.text import Text

    from dltrack.render.wrap import hanging

    title = "【完结】深度学习CV算法工程师从入门到初级面试有多远，大概是25篇文章的距离"
    shown = hanging(Text("· 17  "), Text(title), 30).plain.split("\n")
    assert len(shown) > 2
    assert all(line.startswith("      ") and not line[6].isspace() for line in shown[1:])
    assert shown[0].startswith("· 17  【完结】")
    assert shown[0][6:] + "".join(line.strip() for line in shown[1:]) == title


def test_a_topic_s_suggestions_hang_under_their_titles(run, monkeypatch) -> None:
    """show on a bare topic of the packaged outline: a long suggested title folds under itself."""
    from dltrack.render import base

    monkeypatch.setenv("COLUMNS", "40")
    monkeypatch.setenv("DLTRACK_SEED", str(SEED))
    monkeypatch.setenv("FORCE_COLOR", "1")  # a terminal: only there is anything wrapped
    monkeypatch.delenv("NO_COLOR", raising=False)
    base.stdout.cache_clear()
    result = run("show", "334")  # 介绍, a topic with no link
    base.stdout.cache_clear()
    assert result.code == 0, result.err
    shown = on_screen(result.out, 1)
    rows = ["".join(char for _x, char in row) for row in shown]
    first = next(n for n, row in enumerate(rows) if "59  斯坦福" in row)
    title_column = column_of(shown[first], "斯坦福")
    assert title_column is not None
    folded = next((x for x, char in shown[first + 1] if char != " "), None)
    assert folded == title_column, rows[first : first + 2]
