"""Bad input: one plain line on stderr, a non-zero exit, no traceback, nothing changed."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import one_line


def snapshot(db_path: Path) -> list[tuple]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute("SELECT * FROM progress ORDER BY item_id").fetchall()


def test_unknown_id_among_good_ones_changes_nothing(run, db_path: Path) -> None:
    run("done", "1")
    before = snapshot(db_path)
    result = run("done", "3", "99999")
    assert result.code == 1
    assert one_line(result.err) == "dltrack: no item with id 99999\n"
    assert snapshot(db_path) == before


@pytest.mark.parametrize("words", [["abc"], ["3,x"], ["5-2"], ["0"], ["1-100000"], ["-"]])
def test_malformed_id_lists(run, db_path: Path, words: list[str]) -> None:
    run("next")
    result = run("done", "--", *words)
    assert result.code == 1, result
    assert one_line(result.err).startswith("dltrack: ")
    assert snapshot(db_path) == []


def test_unknown_track_names_the_choices(run) -> None:
    result = run("next", "--track", "nope")
    assert result.code == 1
    assert one_line(result.err) == "dltrack: no track 'nope'; tracks are: basics, cv-path\n"


def test_unknown_stage_and_status(run) -> None:
    assert run("list", "--stage", "zzz").code == 1
    # A value outside a closed set is a usage error, named by the option.
    result = run("list", "--status", "finished")
    assert result.code == 2
    assert "Invalid value for '--status': 'finished' is not one of" in one_line(result.err)


def test_usage_errors_are_one_line_with_exit_2(run) -> None:
    for args in (["frobnicate"], ["next", "--bogus"], ["next", "-n", "many"], ["skip"]):
        result = run(*args)
        assert result.code == 2, args
        one_line(result.err)


def test_corrupt_database_is_refused_and_left_alone(run, db_path: Path) -> None:
    garbage = b"this is not a database, just some bytes" * 200
    db_path.write_bytes(garbage)
    result = run("done", "1")
    assert result.code == 3
    assert "is not a usable SQLite file" in one_line(result.err)
    assert db_path.read_bytes() == garbage


def _make_read_only(path: Path) -> None:
    if os.geteuid() != 0:
        path.chmod(0o444)
        return
    # root ignores permission bits; the immutable attribute stops even root.
    if not shutil.which("chattr"):
        pytest.skip("running as root without chattr: cannot make a file read-only")
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"chattr +i not supported here: {done.stderr.decode().strip()}")


def _make_writable(path: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(path)], check=False)
    path.chmod(0o644)


def test_read_only_database(run, db_path: Path, tmp_path: Path, monkeypatch) -> None:
    # A database in rollback-journal mode, as a copy from another tool might be.
    run("next")
    with sqlite3.connect(db_path) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")
    before = db_path.read_bytes()
    _make_read_only(db_path)
    try:
        result = run("done", "1")
    finally:
        _make_writable(db_path)
    assert result.code == 3
    assert "read-only" in one_line(result.err)
    assert db_path.read_bytes() == before


def test_missing_catalogue(run, tmp_path: Path) -> None:
    result = run("--seed", str(tmp_path / "nowhere.json"), "next")
    assert result.code == 3
    assert (
        one_line(result.err) == f"dltrack: catalogue file not found: {tmp_path / 'nowhere.json'}\n"
    )


def test_invalid_catalogue_names_the_json_path_and_writes_nothing(
    run, catalogue_path: Path, db_path: Path
) -> None:
    run("done", "1")
    before = snapshot(db_path)
    data = json.loads(catalogue_path.read_text())
    data["tracks"][1]["stages"][0]["items"][0]["url"] = "javascript:void(0)"
    catalogue_path.write_text(json.dumps(data, ensure_ascii=False))
    result = run("next")
    assert result.code == 3
    assert one_line(result.err) == (
        f"dltrack: {catalogue_path}: tracks[1].stages[0].items[0].url: "
        "not an http(s) URL: 'javascript:void(0)'\n"
    )
    assert snapshot(db_path) == before
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT url FROM item WHERE id = 6").fetchone()[0].startswith("https")


def test_catalogue_that_is_not_json(run, catalogue_path: Path) -> None:
    catalogue_path.write_text('{"schema": 1, "tracks": [}')
    result = run("next")
    assert result.code == 3
    assert "not valid JSON (line 1, column 26" in one_line(result.err)


def test_markup_in_titles_is_shown_literally(run) -> None:
    run("use", "basics")
    out = run("list").out
    assert "[bold]Attention[/bold] is all you need" in out


def test_control_characters_never_reach_the_terminal(run) -> None:
    for args in (["list", "--track", "cv-path"], ["show", "6"], ["search", "linux"]):
        result = run(*args)
        assert "\x1b" not in result.out, args
        assert "\\x1b[31m红色" in result.out, args


def test_no_traceback_from_a_real_process(tmp_path: Path) -> None:
    env = dict(
        os.environ, DLTRACK_DB=str(tmp_path / "x.db"), DLTRACK_SEED=str(tmp_path / "no.json")
    )
    done = subprocess.run(
        [sys.executable, "-m", "dltrack", "done", "1"], capture_output=True, text=True, env=env
    )
    assert done.returncode == 3
    assert done.stdout == ""
    assert one_line(done.stderr).startswith("dltrack: catalogue file not found")
