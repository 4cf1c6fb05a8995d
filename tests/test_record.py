"""The learner's record: catalogue identity, the event log, undo, backdating, streaks, restore.

Every test runs the real CLI on a real SQLite file in tmp_path; the few that need
a clock of their own (local midnight in two time zones) call the core with one.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from dltrack.learner.days import when
from dltrack.learner.marking import mark
from dltrack.learner.progress import longest_streak, progress_report
from dltrack.learner.status import Status
from dltrack.session import session
from helpers import one_line, v1_export

DATA = Path(__file__).parent / "data"


def load(run, *args: str) -> dict:  # type: ignore[no-untyped-def]
    result = run(*args, "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def catalogue(path: Path, name: str | None, items: list[tuple[int, str, str | None]]) -> Path:
    """A one-track catalogue file of items (id, title, url)."""
    document: dict[str, object] = {
        "schema": 1,
        "tracks": [
            {
                "slug": "solo",
                "title": "单独",
                "stages": [
                    {
                        "slug": "s",
                        "title": "s",
                        "items": [
                            {"id": i, "title": t, **({"url": u} if u else {})} for i, t, u in items
                        ],
                    }
                ],
            }
        ],
    }
    if name is not None:
        document["catalogue"] = name
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


# ---------------------------------------------------------------- catalogue identity


def test_progress_never_leaks_to_another_catalogue_with_the_same_ids(run, tmp_path: Path) -> None:
    run("done", "1", "--note", "讲卷积的那篇")
    other = catalogue(
        tmp_path / "mine.json", None, [(1, "注意力机制详解", "https://example.org/attention")]
    )
    # The hand-made catalogue's item 1 is another article: none of the record follows it.
    theirs = load(run, "--seed", str(other), "show", "1")
    assert (theirs["status"], theirs["notes"], theirs["other_title"]) == ("unread", [], None)
    assert load(run, "--seed", str(other), "next")["items"][0]["id"] == 1
    run("--seed", str(other), "skip", "1")
    # Back to the first catalogue: its record is there again, untouched.
    mine = load(run, "show", "1")
    assert mine["status"] == "done"
    assert [n["text"] for n in mine["notes"]] == ["讲卷积的那篇"]
    # And the other one kept its own.
    assert load(run, "--seed", str(other), "show", "1")["status"] == "skipped"
    assert {
        r[0] for r in rows(tmp_path / "dltrack.db", "SELECT DISTINCT catalogue FROM event")
    } == {
        "test-catalogue",
        f"file:{other.resolve()}",
    }


def test_a_named_catalogue_keeps_its_record_wherever_the_file_is(
    run, tmp_path: Path, catalogue_path: Path
) -> None:
    run("done", "2")
    moved = tmp_path / "elsewhere" / "copy.json"
    moved.parent.mkdir()
    shutil.copy(catalogue_path, moved)
    assert load(run, "--seed", str(moved), "show", "2")["status"] == "done"


def test_an_unnamed_copy_of_a_file_is_another_catalogue(run, tmp_path: Path) -> None:
    first = catalogue(tmp_path / "a.json", None, [(1, "一篇", "https://example.org/one")])
    second = tmp_path / "b.json"
    shutil.copy(first, second)  # the same bytes, elsewhere
    run("--seed", str(first), "done", "1")
    assert load(run, "--seed", str(second), "show", "1")["status"] == "unread"
    assert load(run, "--seed", str(first), "show", "1")["status"] == "done"


def test_an_id_that_changes_meaning_keeps_the_record_but_not_as_progress(
    run, catalogue_path: Path
) -> None:
    run("done", "2", "--note", "资料很全")
    text = catalogue_path.read_text(encoding="utf-8")
    edited = text.replace("深度学习资料大全", "强化学习导论").replace(
        "https://example.org/all", "https://example.org/rl"
    )
    catalogue_path.write_text(edited, encoding="utf-8")
    two = load(run, "show", "2")
    assert two["status"] == "unread" and two["notes"] == []
    assert two["other_title"] == "深度学习资料大全"
    assert "another article" in run("show", "2").out
    report = load(run, "progress")
    assert report["other_articles"] == [2]
    assert report["tracks"][0]["done"] == 0
    assert "ids no longer mean" in run("progress").out
    # The record is still in the log, as it was.
    entries = load(run, "log")["entries"]
    assert [(e["item_id"], e["action"]) for e in entries] == [(2, "note_added"), (2, "done")]
    # Put back, the id means the first article again and the record counts again.
    catalogue_path.write_text(text, encoding="utf-8")
    assert load(run, "show", "2")["status"] == "done"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("https://example.org/all", "https://example.org/all-moved"),  # a fixed link
        ("深度学习资料大全", "深度学习资料大全（修订）"),  # a corrected title
    ],
)
def test_a_fixed_link_or_title_keeps_the_progress(
    run, catalogue_path: Path, old: str, new: str
) -> None:
    run("done", "2")
    catalogue_path.write_text(
        catalogue_path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8"
    )
    two = load(run, "show", "2")
    assert (two["status"], two["other_title"]) == ("done", None)


def test_lint_asks_for_a_catalogue_name(run, tmp_path: Path) -> None:
    unnamed = catalogue(tmp_path / "u.json", None, [(1, "一篇", "https://example.org/one")])
    report = load(run, "lint", str(unnamed))
    assert any(f["path"] == "catalogue" for f in report["findings"])
    named = catalogue(tmp_path / "n.json", "my-list", [(1, "一篇", "https://example.org/one")])
    assert not any(f["path"] == "catalogue" for f in load(run, "lint", str(named))["findings"])


def test_a_catalogue_name_must_be_a_slug(run, tmp_path: Path) -> None:
    bad = catalogue(tmp_path / "bad.json", "My List!", [(1, "一篇", "https://example.org/one")])
    result = run("--seed", str(bad), "next")
    assert result.code == 3
    assert "catalogue: not a slug" in one_line(result.err)


# ---------------------------------------------------------------- the log and undo


def test_every_change_is_an_event_and_none_is_overwritten(run, db_path: Path) -> None:
    run("done", "1")
    run("reset", "1")
    run("done", "1")
    actions = rows(db_path, "SELECT action, command_name FROM event ORDER BY lamport")
    assert actions == [("done", "done"), ("reset", "reset"), ("done", "done")]
    # Finishing again added a day; it took nothing away: both finishes are listed.
    assert len(load(run, "show", "1")["finished_on"]) == 2


def test_undo_walks_back_through_the_commands_notes_included(run) -> None:
    run("done", "1", "--note", "好文")
    run("start", "2")
    run("skip", "3", "4")
    undone = load(run, "undo")
    assert undone["undone"] == "skip"
    assert [(i["id"], i["status"]) for i in undone["items"]] == [(3, "unread"), (4, "unread")]
    assert load(run, "undo")["undone"] == "start"
    assert load(run, "show", "2")["status"] == "unread"
    result = load(run, "undo")
    assert (result["undone"], result["notes"]) == ("done", 1)
    one = load(run, "show", "1")
    assert (one["status"], one["notes"]) == ("unread", [])
    nothing = run("undo")
    assert nothing.code == 1
    assert one_line(nothing.err) == "dltrack: nothing to undo\n"
    # The log keeps all of it, marked as undone.
    entries = load(run, "log")["entries"]
    assert [e["action"] for e in entries if e["action"] != "undone"] == [
        "skipped",
        "skipped",
        "started",
        "note_added",
        "done",
    ]
    assert all(e["undone"] for e in entries if e["action"] != "undone")


def test_undo_takes_back_a_reset_and_the_done_comes_back(run) -> None:
    run("done", "1")
    run("reset", "1")
    assert load(run, "show", "1")["status"] == "unread"
    assert load(run, "undo")["undone"] == "reset"
    assert load(run, "show", "1")["status"] == "done"


def test_undo_with_ids_is_the_older_spelling_of_reset(run) -> None:
    run("done", "5")
    assert load(run, "undo", "5")["status"] == "unread"
    assert load(run, "show", "5")["status"] == "unread"
    assert load(run, "undo")["undone"] == "reset"  # and that reset can itself be undone
    assert load(run, "show", "5")["status"] == "done"


def test_an_undone_finish_does_not_count_for_the_streak(run) -> None:
    run("done", "1", "--date", "yesterday")
    run("done", "2")
    assert load(run, "progress")["streak_days"] == 2
    run("undo")  # the finish of today
    report = load(run, "progress")
    assert (report["streak_days"], report["done_last_7_days"]) == (1, 1)


def test_log_filters_by_span_and_track(run) -> None:
    run("done", "6", "--date", "2026-01-05")
    run("done", "2")
    recent = load(run, "log", "--since", "7d")["entries"]
    assert [e["item_id"] for e in recent] == [2]
    assert [e["item_id"] for e in load(run, "log", "-t", "cv-path")["entries"]] == [6]
    everything = load(run, "log", "--since", "2026-01-05")["entries"]
    assert [(e["item_id"], e["day"]) for e in everything][-1] == (6, "2026-01-05")
    assert "2026-01-05 12:00" in run("log").out  # a backdated change is placed at noon
    assert load(run, "log", "-n", "1")["more"] == 1


# ---------------------------------------------------------------- backdating and streaks


def test_a_backdated_finish_keeps_the_streak(run) -> None:
    run("done", "1", "--date", "yesterday")
    run("done", "2", "--date", "today")
    report = load(run, "progress")
    assert report["streak_days"] == 2
    yesterday = (date.fromisoformat(report["today"]) - timedelta(days=1)).isoformat()
    cells = dict((d["day"], d["done"]) for d in report["days"])
    assert (cells[yesterday], cells[report["today"]]) == (1, 1)
    assert len(report["days"]) >= 26 * 7 - 6


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("tomorrow", "not a date: 'tomorrow' (use YYYY-MM-DD, today or yesterday)"),
        ("2026-02-30", "no such date: '2026-02-30'"),
        ("9999-12-31", "9999-12-31 is in the future"),
        ("x" * 5000, "not a date: 'xxxxxxxxxx"),
    ],
)
def test_a_bad_date_is_one_line_and_changes_nothing(
    run, db_path: Path, value: str, message: str
) -> None:
    run("next")
    result = run("done", "1", "--date", value)
    assert result.code == 1
    assert message in one_line(result.err)
    assert rows(db_path, "SELECT COUNT(*) FROM event") == [(0,)]


def _at(store, moment: datetime, ids: list[int]) -> None:  # type: ignore[no-untyped-def]
    """Mark ids done at a given local moment (the core takes a clock for this)."""
    recorder_when = when(now=moment)
    import dltrack.learner.marking as marking

    original = marking.when
    marking.when = lambda on=None: recorder_when  # type: ignore[assignment]
    try:
        mark(store, ids, Status.DONE)
    finally:
        marking.when = original


@pytest.mark.parametrize(
    ("offset", "expected"),
    [
        # 15:30 and 16:30 UTC: 23:30 and 00:30 in Beijing (two days) ...
        (8, 2),
        # ... and 10:30 and 11:30 in New York (one day).
        (-5, 1),
    ],
)
def test_streaks_follow_local_midnight(
    run, db_path: Path, catalogue_path: Path, offset: int, expected: int
) -> None:
    run("next")
    zone = timezone(timedelta(hours=offset))
    first = datetime(2026, 3, 1, 15, 30, tzinfo=UTC).astimezone(zone)
    with session(db_path, catalogue_path) as store:
        _at(store, first, [1])
        _at(store, first + timedelta(hours=1), [2])
        report = progress_report(store, now=first + timedelta(hours=2))
    assert report.streak_days == expected
    assert sum(n for _, n in report.days) == 2


def test_longest_streak() -> None:
    d = date(2026, 3, 1)
    days = {d, d + timedelta(1), d + timedelta(2), d + timedelta(10), d + timedelta(11)}
    assert longest_streak(days) == 3
    assert longest_streak(set()) == 0


def test_forecast_at_the_pace_of_the_last_30_days(run) -> None:
    run("done", "1", "2", "--date", "yesterday")
    track = load(run, "progress", "-t", "basics")["tracks"][0]
    # 2 items in 30 days; 3 left (items 3, 4, 5): 45 days at that pace.
    today = date.fromisoformat(load(run, "progress")["today"])
    assert track["forecast"]["finish_on"] == (today + timedelta(days=45)).isoformat()
    cv = load(run, "progress", "-t", "cv-path")["tracks"][0]
    assert cv["forecast"]["finish_on"] is not None  # item 1 stands in cv-path too
    assert "at your pace" in run("progress").out


def test_no_pace_yet_without_recent_finishes(run) -> None:
    track = load(run, "progress", "-t", "basics")["tracks"][0]
    assert track["forecast"] == {"pace_per_day": 0.0, "finish_on": None}
    assert "no pace yet" in run("progress").out


def test_the_materialised_state_is_what_the_log_adds_up_to(run, db_path: Path) -> None:
    run("done", "1", "2", "--note", "一")
    run("start", "3")
    run("skip", "2", "--date", "yesterday")
    run("reset", "1")
    run("done", "1", "4")
    run("undo")
    run("start", "5", "--note", "二")
    state = "SELECT item_id, status, started_at, done_at, updated_at FROM progress ORDER BY 1"
    notes = "SELECT item_id, text, created_at FROM note ORDER BY 1, 3"
    before = (rows(db_path, state), rows(db_path, notes))
    with sqlite3.connect(db_path) as conn:  # make the next command derive it all again
        conn.execute("DELETE FROM meta WHERE key IN ('seed_sha256', 'seed_stamp')")
    run("next")
    assert (rows(db_path, state), rows(db_path, notes)) == before


# ---------------------------------------------------------------- upgrades


@pytest.mark.parametrize("script", ["schema_v1.sql", "schema_v3.sql"])
def test_an_upgrade_turns_rows_into_the_events_that_explain_them(
    run, db_path: Path, script: str
) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.executescript((DATA / script).read_text(encoding="utf-8"))
    one = load(run, "show", "1")
    assert one["status"] == "done"
    assert [n["text"] for n in one["notes"]] == ["第二遍再看"]
    month = "2026-01" if script == "schema_v1.sql" else "2026-03"
    assert one["done_at"] == f"{month}-07T21:30:00+00:00"
    assert load(run, "show", "2")["status"] == "reading"
    seven = load(run, "show", "7")
    assert (seven["in_catalogue"], seven["status"]) == (False, "skipped")
    entries = load(run, "log", "-n", "0")["entries"]
    assert {(e["item_id"], e["action"]) for e in entries} == {
        (1, "started"),
        (1, "done"),
        (1, "note_added"),
        (2, "started"),
        (7, "skipped"),
        (7, "note_added"),
    }
    assert {e["command_name"] for e in entries} == {"upgrade"}
    # What the upgrade wrote is history, not a command to take back.
    assert run("undo").code == 1


# ---------------------------------------------------------------- restore


def test_a_version_1_export_of_another_catalogue_is_not_taken_for_this_one(
    run, tmp_path: Path
) -> None:
    export = tmp_path / "old.json"
    export.write_text(
        v1_export(
            [
                {
                    "id": 1,
                    "title": "注意力机制详解",
                    "status": "done",
                    "done_at": "2026-03-01T10:00:00+00:00",
                    "updated_at": "2026-03-01T10:00:00+00:00",
                    "notes": [{"text": "别的文章", "created_at": "2026-03-01T10:00:00+00:00"}],
                },
                {
                    "id": 2,
                    "title": "深度学习资料大全",
                    "status": "done",
                    "done_at": "2026-03-01T10:00:00+00:00",
                    "updated_at": "2026-03-01T10:00:00+00:00",
                },
                {"id": 99999, "status": "done", "updated_at": "2026-03-01T10:00:00+00:00"},
            ]
        ),
        encoding="utf-8",
    )
    result = load(run, "restore", str(export))
    assert (result["added"], result["unknown"], result["other_articles"]) == (1, [99999], [1])
    assert load(run, "show", "1")["notes"] == []
    assert load(run, "show", "2")["status"] == "done"
    shown = run("restore", str(export)).out
    assert "99999" in shown and "other articles" in shown


def test_an_export_of_another_catalogue_is_refused_then_mapped_by_url(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = catalogue(
        tmp_path / "other.json",
        "other-list",
        [
            (70, "卷积神经网络入门", "https://example.org/cnn?utm_source=feed"),
            (71, "别处才有", "https://example.org/x"),
        ],
    )
    run("--seed", str(other), "done", "70", "71", "--note", "读过")
    export = tmp_path / "other.events"
    assert run("--seed", str(other), "export", str(export)).code == 0
    monkeypatch.setenv("DLTRACK_DB", str(tmp_path / "fresh.db"))
    refused = run("restore", str(export))
    assert refused.code == 1
    assert "record of catalogue 'other-list', not of 'test-catalogue'" in one_line(refused.err)
    assert load(run, "show", "1")["status"] == "unread"
    mapped = load(run, "restore", str(export), "--into")
    assert (mapped["mapped_items"], mapped["unmatched_items"]) == (1, 1)
    one = load(run, "show", "1")
    assert one["status"] == "done" and [n["text"] for n in one["notes"]] == ["读过"]
    # Mapping again is a no-op: the carried events keep the same ids.
    assert load(run, "restore", str(export), "--into")["new"] == 0


def test_restore_reports_unknown_ids_of_its_own_catalogue(run, tmp_path: Path) -> None:
    run("done", "1")
    export = tmp_path / "record.events"
    run("export", str(export))
    lines = export.read_text(encoding="utf-8").splitlines()
    event = json.loads(lines[1])
    event.update(id="feedfacefeedface", item=99999)
    lines.insert(2, json.dumps(event, ensure_ascii=False))
    lines[-1] = json.dumps({"end": 2})
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = load(run, "restore", str(export))
    assert (result["unknown"], result["new"]) == ([99999], 0)


def test_one_command_records_consecutive_clock_values(run, db_path: Path) -> None:
    run("done", "1", "2", "--note", "一起")
    run("skip", "3")
    got = rows(db_path, "SELECT lamport, command_name FROM event ORDER BY lamport")
    assert got == [(1, "done"), (2, "done"), (3, "done"), (4, "done"), (5, "skip")]
    commands = rows(db_path, "SELECT COUNT(DISTINCT command) FROM event")
    assert commands == [(2,)]


# ---------------------------------------------------------------- notes


def test_notes_are_added_edited_and_deleted_as_events(run, db_path: Path) -> None:
    run("done", "1", "--note", "第一条")
    assert load(run, "note", "1", "第二条")["number"] == 2
    assert load(run, "note", "1", "第一条（改）", "--edit", "1")["action"] == "note_edited"
    notes = load(run, "show", "1")["notes"]
    assert [n["text"] for n in notes] == ["第一条（改）", "第二条"]
    run("note", "1", "--delete", "2")
    assert [n["text"] for n in load(run, "show", "1")["notes"]] == ["第一条（改）"]
    assert load(run, "undo")["undone"] == "note"  # the delete
    assert [n["text"] for n in load(run, "show", "1")["notes"]] == ["第一条（改）", "第二条"]
    actions = rows(db_path, "SELECT action FROM event WHERE action LIKE 'note%' ORDER BY lamport")
    assert actions == [("note_added",), ("note_added",), ("note_edited",), ("note_deleted",)]
    # The log says what happened to each note; the record adds up the same when derived.
    state = "SELECT item_id, text, created_at FROM note ORDER BY 1, 3, 2"
    before = rows(db_path, state)
    with sqlite3.connect(db_path) as conn:
        conn.execute("DELETE FROM meta WHERE key IN ('seed_sha256', 'seed_stamp')")
    run("next")
    assert rows(db_path, state) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("note", "1", "--edit", "3", "新"), "item 1 has no note 3 (it has none)"),
        (("note", "1"), "give the note's text (or --delete N)"),
        (("note", "1", "x", "--delete", "1"), "--delete takes no text"),
        (("note", "1", "   "), "the note is empty"),
        (("note", "99", "x"), "no item with id 99"),
    ],
)
def test_bad_note_commands_are_one_line(run, args: tuple[str, ...], message: str) -> None:
    result = run(*args)
    assert result.code in (1, 2)
    assert message in one_line(result.err)


def test_titles_and_notes_stay_text_in_the_log(run) -> None:
    run("done", "5", "--note", "[red]不是标记[/red]")
    shown = run("log").out
    assert "[bold]Attention[/bold]" in shown and "[red]不是标记[/red]" in shown


def test_the_name_personal_is_kept_for_your_own_items(run, tmp_path: Path) -> None:
    taken = catalogue(tmp_path / "p.json", "personal", [(1, "一篇", "https://example.org/one")])
    result = run("--seed", str(taken), "next")
    assert result.code == 3
    assert "'personal' names your own items" in one_line(result.err)
