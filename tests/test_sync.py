"""`dltrack sync DIR`: machines that share a folder share one record.

Each "machine" is its own database file; the folder is a real directory in
tmp_path, and the faults are the ones sync services and USB sticks make: files cut
short, copies, files from a newer dltrack, clocks far ahead, two syncs at once.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import one_line, read_only


def load(run, *args: str) -> dict:  # type: ignore[no-untyped-def]
    result = run(*args, "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shared = tmp_path / "shared"
    shared.mkdir()
    return shared


def machine(tmp_path: Path, name: str) -> tuple[str, str]:
    return ("--db", str(tmp_path / f"{name}.db"))


def state(run, db: tuple[str, str]) -> tuple[object, ...]:  # type: ignore[no-untyped-def]
    """What a learner sees: statuses and notes of every item, the log, the streaks."""
    items = load(run, *db, "list", "-t", "basics")["items"]
    notes = {i: load(run, *db, "show", str(i))["notes"] for i in range(1, 6)}
    log = [
        {k: v for k, v in e.items() if k != "title"}
        for e in load(run, *db, "log", "-n", "0")["entries"]
    ]
    report = load(run, *db, "progress")
    streaks = (report["streak_days"], report["longest_streak_days"], report["days"])
    return [(i["id"], i["status"]) for i in items], notes, log, streaks


def test_two_machines_end_with_the_same_record(run, tmp_path: Path, folder: Path) -> None:
    laptop, desktop = machine(tmp_path, "laptop"), machine(tmp_path, "desktop")
    run(*laptop, "done", "1", "--note", "在路上读的")
    run(*desktop, "start", "2")
    run(*desktop, "done", "3", "--date", "yesterday")
    first = load(run, *laptop, "sync", str(folder))
    assert (first["new_events"], first["own_events"]) == (0, 2)
    second = load(run, *desktop, "sync", str(folder))
    assert second["new_events"] == 2
    assert load(run, *laptop, "sync", str(folder))["new_events"] == 2
    assert state(run, laptop) == state(run, desktop)
    statuses = dict(state(run, laptop)[0])  # type: ignore[arg-type]
    assert (statuses[1], statuses[2], statuses[3]) == ("done", "reading", "done")
    # Syncing again changes nothing anywhere.
    assert load(run, *laptop, "sync", str(folder))["new_events"] == 0
    assert load(run, *desktop, "sync", str(folder))["new_events"] == 0


def test_three_machines_and_an_undo_travel(run, tmp_path: Path, folder: Path) -> None:
    a, b, c = (machine(tmp_path, n) for n in "abc")
    run(*a, "done", "1")
    run(*b, "done", "2")
    run(*c, "skip", "4")
    for m in (a, b, c, a, b):
        run(*m, "sync", str(folder))
    run(*b, "undo")  # b takes back its own done of item 2
    for m in (b, a, c):
        run(*m, "sync", str(folder))
    assert state(run, a) == state(run, b) == state(run, c)
    statuses = dict(state(run, c)[0])  # type: ignore[arg-type]
    assert (statuses[1], statuses[2], statuses[4]) == ("done", "unread", "skipped")
    assert {p.name for p in folder.iterdir()} == {
        f"dltrack-{device(tmp_path, n)}.events" for n in "abc"
    }


def device(tmp_path: Path, name: str) -> str:
    with sqlite3.connect(tmp_path / f"{name}.db") as conn:
        return str(conn.execute("SELECT value FROM meta WHERE key = 'device'").fetchone()[0])


def test_the_order_files_are_read_in_does_not_matter(run, tmp_path: Path, folder: Path) -> None:
    a, b = machine(tmp_path, "a"), machine(tmp_path, "b")
    run(*a, "done", "1")
    run(*a, "sync", str(folder))
    run(*b, "sync", str(folder))
    run(*b, "reset", "1")  # after seeing a's done: b's reset comes later in the log
    run(*a, "start", "2")
    run(*b, "sync", str(folder))
    run(*a, "sync", str(folder))
    run(*b, "sync", str(folder))
    assert state(run, a) == state(run, b)
    assert dict(state(run, a)[0])[1] == "unread"  # type: ignore[arg-type]


def test_a_file_cut_short_gives_its_complete_events(run, tmp_path: Path, folder: Path) -> None:
    a, b = machine(tmp_path, "a"), machine(tmp_path, "b")
    run(*a, "done", "1", "2", "3")
    run(*a, "sync", str(folder))
    (own,) = folder.iterdir()
    text = own.read_bytes()
    own.write_bytes(text[: text.index(b'"item": 3')])  # an interrupted copy
    result = run(*b, "sync", str(folder), "--json")
    assert result.code == 0
    assert json.loads(result.out)["new_events"] == 2
    assert "ends early" in one_line(result.err)
    statuses = dict(state(run, b)[0])  # type: ignore[arg-type]
    assert (statuses[1], statuses[2], statuses[3]) == ("done", "done", "unread")
    # The copy completes: the rest arrives, nothing twice.
    own.write_bytes(text)
    assert load(run, *b, "sync", str(folder))["new_events"] == 1
    with sqlite3.connect(tmp_path / "b.db") as conn:
        assert conn.execute("SELECT COUNT(*) FROM event").fetchone()[0] == 3


def test_a_duplicated_file_is_said_and_taken_once(run, tmp_path: Path, folder: Path) -> None:
    a, b = machine(tmp_path, "a"), machine(tmp_path, "b")
    run(*a, "done", "1")
    run(*a, "sync", str(folder))
    (own,) = folder.iterdir()
    (folder / f"{own.stem} (conflicted copy).events").write_bytes(own.read_bytes())
    result = run(*b, "sync", str(folder), "--json")
    assert result.code == 0
    assert json.loads(result.out)["new_events"] == 1
    assert "2 files hold the events of device" in one_line(result.err)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b'{"format": "dltrack-events", "version": 99}\n{"end": 0}\n',
            "written by a newer dltrack",
        ),
        (b"not json at all\n", "is not a dltrack event file"),
        (b'{"format": "dltrack-events", "version": 1}\n{"id": 5}\n{"end": 1}\n', "line 2: id"),
        (b'{"format": "dltrack-events", "version": 1}\n{oops\n{"end": 1}\n', "not valid JSON"),
    ],
)
def test_a_file_that_cannot_be_used_is_left_out_whole(
    run, tmp_path: Path, folder: Path, content: bytes, message: str
) -> None:
    a, b = machine(tmp_path, "a"), machine(tmp_path, "b")
    run(*a, "done", "1")
    run(*a, "sync", str(folder))
    (folder / "dltrack-zzzz.events").write_bytes(content)
    result = run(*b, "sync", str(folder), "--json")
    assert result.code == 3
    assert message in one_line(result.err) and "left out" in result.err
    assert json.loads(result.out)["new_events"] == 1  # the good file was still read


def test_a_corrupt_line_in_the_middle_stores_nothing_of_that_file(
    run, tmp_path: Path, folder: Path
) -> None:
    a, b = machine(tmp_path, "a"), machine(tmp_path, "b")
    run(*a, "done", "1", "2", "3")
    run(*a, "sync", str(folder))
    (own,) = folder.iterdir()
    lines = own.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace('"action": "done"', '"action": "deleted everything"')
    own.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run(*b, "sync", str(folder))
    assert result.code == 3
    assert "line 3: action is missing or malformed" in result.err
    with sqlite3.connect(tmp_path / "b.db") as conn:
        assert conn.execute("SELECT COUNT(*) FROM event").fetchone()[0] == 0


def test_events_from_a_clock_far_ahead_are_kept_and_said(run, tmp_path: Path, folder: Path) -> None:
    a, b = machine(tmp_path, "a"), machine(tmp_path, "b")
    run(*a, "done", "1")
    run(*a, "sync", str(folder))
    (own,) = folder.iterdir()
    head, line, end = own.read_text(encoding="utf-8").splitlines()
    event = json.loads(line)
    event["recorded_at"] = "2099-01-01T00:00:00+00:00"  # a device whose clock is wrong
    own.write_text("\n".join([head, json.dumps(event, ensure_ascii=False), end]) + "\n")
    result = run(*b, "sync", str(folder))
    assert result.code == 0
    assert "dated up to 2099-01-01" in one_line(result.err)
    assert dict(state(run, b)[0])[1] == "done"  # type: ignore[arg-type]


def test_a_missing_folder_is_one_line(run, tmp_path: Path) -> None:
    result = run("sync", str(tmp_path / "nowhere"))
    assert result.code == 1
    missing = tmp_path / "nowhere"
    assert one_line(result.err) == (
        f"dltrack: sync folder {missing} does not exist; create it, or name another\n"
    )


def test_a_read_only_folder_still_gives_the_others_events(
    run, tmp_path: Path, folder: Path
) -> None:
    a, b = machine(tmp_path, "a"), machine(tmp_path, "b")
    run(*a, "done", "1")
    run(*a, "sync", str(folder))
    run(*b, "done", "2")
    with read_only(folder):
        result = run(*b, "sync", str(folder))
    assert result.code == 1
    assert "this device's were not written" in one_line(result.err)
    assert dict(state(run, b)[0])[1] == "done"  # type: ignore[arg-type]


def test_two_syncs_at_once_on_one_machine_lose_nothing(tmp_path: Path, folder: Path) -> None:
    env = {**os.environ, "DLTRACK_DB": str(tmp_path / "a.db")}
    other = {**os.environ, "DLTRACK_DB": str(tmp_path / "b.db")}
    command = [sys.executable, "-m", "dltrack"]
    for n in range(1, 6):
        subprocess.run([*command, "done", str(n)], env=other, check=True, timeout=60)
    subprocess.run([*command, "sync", str(folder)], env=other, check=True, timeout=60)
    subprocess.run([*command, "done", "6"], env=env, check=True, timeout=60)
    syncs = [
        subprocess.Popen([*command, "sync", str(folder)], env=env, stderr=subprocess.PIPE)
        for _ in range(4)
    ]
    for proc in syncs:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    with sqlite3.connect(tmp_path / "a.db") as conn:
        assert conn.execute("SELECT COUNT(*) FROM event").fetchone()[0] == 6
        assert conn.execute("SELECT COUNT(DISTINCT id) FROM event").fetchone()[0] == 6
    files = {p.name: p.read_text(encoding="utf-8").splitlines() for p in folder.iterdir()}
    assert sorted(len(lines) - 2 for lines in files.values()) == [1, 5]  # a's one, b's five
    assert all(json.loads(lines[-1])["end"] == len(lines) - 2 for lines in files.values())


def test_a_token_is_never_taken_for_a_day(run, tmp_path: Path, folder: Path) -> None:
    """Values already checked are remembered; a device name must not pass as a day."""
    a, b = machine(tmp_path, "a"), machine(tmp_path, "b")
    run(*a, "done", "1")
    run(*a, "sync", str(folder))
    (own,) = folder.iterdir()
    head, line, _end = own.read_text(encoding="utf-8").splitlines()
    event = json.loads(line)
    twin = {**event, "id": "0123456789abcdef", "day": event["device"]}
    own.write_text("\n".join([head, line, json.dumps(twin), '{"end": 2}']) + "\n")
    result = run(*b, "sync", str(folder))
    assert result.code == 3
    assert "line 3: day is missing or malformed" in result.err
