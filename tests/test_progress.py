"""Progress tables, recent activity and streaks; export and restore between machines."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from dltrack.learner.progress import streak


def load(run, *args: str) -> dict:  # type: ignore[no-untyped-def]
    result = run(*args, "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def export_file(items: list[dict], **extra) -> str:  # type: ignore[no-untyped-def]
    return json.dumps({"format": "dltrack-progress", "version": 1, "items": items, **extra})


def days_ago(n: int, hour: int = 12) -> str:
    local = datetime.now().astimezone().replace(hour=hour, minute=0, second=0, microsecond=0)
    return (local - timedelta(days=n)).astimezone(UTC).isoformat(timespec="seconds")


def test_progress_tables_count_done_and_skipped(run) -> None:
    run("done", "1", "2")
    run("skip", "3")
    data = load(run, "progress")
    basics = data["tracks"][0]
    assert (basics["slug"], basics["done"], basics["skipped"], basics["items"]) == (
        "basics",
        2,
        1,
        5,
    )
    assert basics["percent"] == 40.0
    assert [(s["slug"], s["done"], s["skipped"], s["items"]) for s in basics["stages"]] == [
        ("resources", 2, 1, 3),
        ("intro", 1, 0, 3),
    ]
    assert (data["done_last_7_days"], data["done_last_30_days"], data["streak_days"]) == (2, 2, 1)
    human = run("progress").out
    assert "2/5 done · 40%" in human
    assert "streak: 1 day" in human


def test_progress_for_one_track(run) -> None:
    run("done", "6")
    data = load(run, "progress", "--track", "cv-path")
    assert [t["slug"] for t in data["tracks"]] == ["cv-path"]
    assert data["done_last_7_days"] == 1
    assert load(run, "progress", "--track", "basics")["done_last_7_days"] == 0


def test_recent_counts_and_streak_from_dated_history(run, tmp_path: Path) -> None:
    history = [
        {"id": 1, "status": "done", "done_at": days_ago(0), "updated_at": days_ago(0)},
        {"id": 2, "status": "done", "done_at": days_ago(1), "updated_at": days_ago(1)},
        {"id": 3, "status": "done", "done_at": days_ago(2), "updated_at": days_ago(2)},
        # a gap on day 3 ends the streak
        {"id": 4, "status": "done", "done_at": days_ago(4), "updated_at": days_ago(4)},
        {"id": 5, "status": "done", "done_at": days_ago(20), "updated_at": days_ago(20)},
        {"id": 6, "status": "done", "done_at": days_ago(45), "updated_at": days_ago(45)},
    ]
    path = tmp_path / "history.json"
    path.write_text(export_file(history))
    assert run("restore", str(path)).code == 0
    data = load(run, "progress")
    assert (data["done_last_7_days"], data["done_last_30_days"], data["streak_days"]) == (4, 5, 3)


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (set(), 0),
        ({0}, 1),
        ({1, 2}, 2),  # nothing yet today: yesterday's streak still stands
        ({0, 1, 2, 4}, 3),
        ({2, 3}, 0),  # yesterday was missed
    ],
)
def test_streak(days: set[int], expected: int) -> None:
    today = date(2026, 3, 1)
    assert streak({today - timedelta(days=d) for d in days}, today) == expected


def test_export_then_restore_on_a_fresh_machine(run, tmp_path: Path, monkeypatch) -> None:
    run("done", "1", "--note", "值得再读")
    run("start", "3")
    run("skip", "6")
    run("use", "cv-path")
    out = tmp_path / "record.events"
    assert run("export", str(out)).code == 0
    assert "值得再读" in out.read_text(encoding="utf-8")  # UTF-8, not \u escapes
    before = load(run, "log", "-n", "0")["entries"]

    monkeypatch.setenv("DLTRACK_DB", str(tmp_path / "new-machine.db"))
    result = load(run, "restore", str(out))
    assert (result["events"], result["new"], result["unknown"]) == (4, 4, [])
    assert load(run, "show", "1")["notes"][0]["text"] == "值得再读"
    assert load(run, "show", "3")["status"] == "reading"
    assert load(run, "show", "6")["status"] == "skipped"
    assert load(run, "tracks")["current"] == "cv-path"
    # The same history, event for event.
    assert load(run, "log", "-n", "0")["entries"] == before
    # Restoring twice adds nothing.
    again = load(run, "restore", str(out))
    assert (again["events"], again["new"]) == (4, 0)
    assert load(run, "log", "-n", "0")["entries"] == before


def test_export_to_stdout_is_an_event_file(run) -> None:
    run("done", "2")
    result = run("export")
    assert result.code == 0
    head, *events, end = (json.loads(line) for line in result.out.splitlines())
    assert head["format"] == "dltrack-events"
    assert [(e["item"], e["action"]) for e in events] == [(2, "done")]
    assert end == {"end": 1}


def test_restore_merges_and_never_deletes(run, tmp_path: Path) -> None:
    run("done", "1")  # done now: newer than anything in the file
    run("done", "4")
    path = tmp_path / "old.json"
    path.write_text(
        export_file(
            [
                {"id": 1, "status": "unread", "updated_at": "2020-01-01T00:00:00+00:00"},
                {"id": 2, "status": "done", "done_at": days_ago(3), "updated_at": days_ago(3)},
                {"id": 99, "status": "done", "done_at": days_ago(3), "updated_at": days_ago(3)},
            ]
        )
    )
    # Item 99 is not in this catalogue: reported, not added.
    assert load(run, "restore", str(path)) == {
        "added": 1,
        "updated": 0,
        "unchanged": 1,
        "notes_added": 0,
        "unknown": [99],
        "other_articles": [],
    }
    assert load(run, "show", "1")["status"] == "done"  # the newer local state wins
    assert load(run, "show", "4")["status"] == "done"  # absent from the file: untouched
    assert load(run, "show", "2")["status"] == "done"


def test_restore_newer_state_wins(run, tmp_path: Path) -> None:
    run("start", "2")
    future = (datetime.now(UTC) + timedelta(minutes=5)).isoformat(timespec="seconds")
    path = tmp_path / "newer.json"
    path.write_text(
        export_file([{"id": 2, "status": "done", "done_at": future, "updated_at": future}])
    )
    assert load(run, "restore", str(path))["updated"] == 1
    assert load(run, "show", "2")["status"] == "done"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "not valid JSON"),
        ('{"format": "other"}', "not a dltrack progress export"),
        (export_file([{"id": "x"}]), "items[0].id: must be a positive whole number"),
        (export_file([{"id": 1, "status": "finished"}]), "items[0].status: must be one of"),
        (export_file([{"id": 1, "done_at": "yesterday"}]), "items[0].done_at: not an ISO 8601"),
        (
            export_file([{"id": 1, "status": "done"}, {"id": 2, "notes": [{"text": 5}]}]),
            "items[1].notes[0]: must be an object with a text",
        ),
    ],
)
def test_bad_restore_file_changes_nothing(
    run, tmp_path: Path, db_path: Path, content: str, message: str
) -> None:
    run("done", "3")
    path = tmp_path / "bad.json"
    path.write_text(content)
    result = run("restore", str(path))
    assert result.code == 1
    assert message in result.err and result.err.count("\n") == 1
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT item_id, status FROM progress").fetchall() == [(3, "done")]


def test_restore_missing_file(run, tmp_path: Path) -> None:
    result = run("restore", str(tmp_path / "nope.json"))
    assert result.code == 1
    assert result.err == f"dltrack: progress file not found: {tmp_path / 'nope.json'}\n"
