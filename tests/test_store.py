"""The store: catalogue sync that keeps progress, upgrades from old schemas, concurrent writers."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from dltrack.store.migrations import SCHEMA_VERSION

DATA = Path(__file__).parent / "data"


def load(run, *args: str) -> dict:  # type: ignore[no-untyped-def]
    result = run(*args, "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def edit_catalogue(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False))


def test_catalogue_change_keeps_progress_for_every_id(run, catalogue_path: Path) -> None:
    run("done", "2", "--note", "很好")
    run("start", "6")
    original = catalogue_path.read_text()

    def remove_2_and_add_9(data: dict) -> None:
        items = data["tracks"][0]["stages"][0]["items"]
        items[:] = [i for i in items if i["id"] != 2]
        items.append({"id": 9, "title": "新加的文章", "url": "https://example.org/new"})

    edit_catalogue(catalogue_path, remove_2_and_add_9)
    listed = [i["id"] for i in load(run, "list")["items"]]
    assert 9 in listed and 2 not in listed
    assert [h["id"] for h in load(run, "search", "新加")["items"]] == [9]
    assert load(run, "search", "资料大全")["items"] == []
    gone = load(run, "show", "2")
    assert gone["in_catalogue"] is False and gone["status"] == "done"
    assert run("done", "2").err == "dltrack: item 2 is no longer in the catalogue\n"
    assert load(run, "show", "6")["status"] == "reading"

    # The article comes back in a later release: so does its progress and note.
    catalogue_path.write_text(original)
    back = load(run, "show", "2")
    assert (back["in_catalogue"], back["status"]) == (True, "done")
    assert [n["text"] for n in back["notes"]] == ["很好"]
    assert 2 in [i["id"] for i in load(run, "list", "--status", "done")["items"]]


def test_title_and_stage_changes_are_picked_up(run, catalogue_path: Path) -> None:
    run("done", "1")

    def rename(data: dict) -> None:
        data["tracks"][0]["stages"][0]["title"] = "一、资源"
        for track in data["tracks"]:
            for stage in track["stages"]:
                for item in stage["items"]:
                    if item["id"] == 1:
                        item["title"] = "卷积网络入门（修订）"

    edit_catalogue(catalogue_path, rename)
    detail = load(run, "show", "1")
    assert detail["title"] == "卷积网络入门（修订）" and detail["status"] == "done"
    assert load(run, "stages")["stages"][0]["title"] == "一、资源"
    assert [h["id"] for h in load(run, "search", "修订")["items"]] == [1]


def test_upgrade_from_the_first_schema_keeps_progress(run, db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.executescript((DATA / "schema_v1.sql").read_text())
    assert load(run, "tracks")["current"] == "cv-path"
    one = load(run, "show", "1")
    assert (one["status"], one["done_at"]) == ("done", "2026-01-07T21:30:00+00:00")
    assert [n["text"] for n in one["notes"]] == ["第二遍再看"]
    assert load(run, "show", "2")["status"] == "reading"
    # Item 7 left the catalogue before the upgrade; its progress and note survive.
    seven = load(run, "show", "7")
    assert (seven["in_catalogue"], seven["status"]) == (False, "skipped")
    assert [n["text"] for n in seven["notes"]] == ["链接失效"]
    # The search index was built by the first run after the upgrade.
    assert [h["id"] for h in load(run, "search", "卷积")["items"]] == [1]
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        steps = conn.execute("SELECT version, name FROM migration ORDER BY version").fetchall()
        columns = [r[1] for r in conn.execute("PRAGMA table_info(progress)")]
    assert [v for v, _ in steps] == list(range(1, SCHEMA_VERSION + 1))
    assert "note" not in columns


def test_database_from_a_newer_dltrack_is_refused(run, db_path: Path) -> None:
    run("next")
    with sqlite3.connect(db_path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    result = run("next")
    assert result.code == 3
    assert "written by a newer dltrack" in result.err


def test_concurrent_done_from_many_shells_loses_nothing(run, db_path: Path, tmp_path: Path) -> None:
    """Processes racing to mark items (and to create the file) must all land."""
    ids = list(range(1, 4))
    env = dict(os.environ)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "dltrack", "done", str(i), "--note", f"shell {i}"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for i in ids
        for _ in range(2)  # each id twice: two shells marking the same item
    ]
    results = [(p.wait(timeout=60), p.stderr.read()) for p in procs]  # type: ignore[union-attr]
    for p in procs:
        p.stdout.close()  # type: ignore[union-attr]
        p.stderr.close()  # type: ignore[union-attr]
    assert all(code == 0 for code, _ in results), results
    with sqlite3.connect(db_path) as conn:
        done = conn.execute("SELECT item_id FROM progress WHERE status = 'done'").fetchall()
        notes = conn.execute("SELECT item_id, COUNT(*) FROM note GROUP BY item_id").fetchall()
        tracks = conn.execute("SELECT COUNT(*) FROM track").fetchone()[0]
    assert sorted(r[0] for r in done) == ids
    assert notes == [(i, 2) for i in ids]
    assert tracks == 2
