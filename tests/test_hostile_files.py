"""Hostile files: huge numbers, special and endless files, hostile JSON, targets that
must not be replaced, read-only and full places, edits that keep size and mtime, big
exports.

Real files in tmp_path and real SQLite databases; root ignores permission bits, so
read-only cases use `chattr +i` and skip where that is impossible.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from dltrack.files import FileProblem, read_bytes, write_text_atomically
from helpers import one_line, read_only, v1_export

HUGE = "9" * 5000


def progress_rows(db_path: Path) -> list[tuple]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute("SELECT * FROM progress ORDER BY item_id").fetchall()


def edit(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    # ASCII with escapes, as a lone surrogate can only be written (\ud800).
    path.write_text(json.dumps(data), encoding="utf-8")


def export_file(path: Path, items: list[object], **head: object) -> Path:
    document = {"format": "dltrack-progress", "version": 1, **head, "items": items}
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def listing(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


# ---------------------------------------------------------------- read-only, full, mounts


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MiB file system of its own (tmpfs), to fill up."""
    mount = tmp_path / "small"
    mount.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("needs root to mount a small tmpfs")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(directory: Path) -> None:
    """Take every free byte of the file system holding directory."""
    with open(directory / "filler", "wb", buffering=0) as filler:
        for size in (65536, 4096, 1):  # to the last byte
            try:
                while filler.write(b"\0" * size):
                    pass
            except OSError:
                pass


# ---------------------------------------------------------------- 10: huge numbers in files


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (
            lambda d: d["tracks"][0]["stages"][0]["items"][2].update(id=2**63),
            "tracks[0].stages[0].items[2].id",
            "must be below 2^53",
        ),
        (
            lambda d: d["tracks"][0]["stages"][0]["items"][2].update(id=2**53),
            "tracks[0].stages[0].items[2].id",
            "must be below 2^53",
        ),
        (lambda d: d.update(last_id=2**64), "last_id", "must be below 2^53"),
    ],
)
def test_huge_ids_in_a_catalogue_are_a_json_path_error(
    run, catalogue_path: Path, db_path: Path, change, path: str, message: str
) -> None:
    run("done", "1")
    before = progress_rows(db_path)
    edit(catalogue_path, change)
    result = run("next")
    assert result.code == 3
    assert one_line(result.err).startswith(f"dltrack: {catalogue_path}: {path}: {message}")
    assert progress_rows(db_path) == before
    lint = run("lint", str(catalogue_path), "--json")
    assert lint.code == 1
    assert {"level": "error", "path": path, "message": message} in json.loads(lint.out)["findings"]


def test_a_5000_digit_number_is_one_line_everywhere(
    run, catalogue_path: Path, db_path: Path, tmp_path: Path
) -> None:
    run("done", "1")
    before = progress_rows(db_path)
    restore = tmp_path / "digits.json"
    restore.write_text(
        f'{{"format": "dltrack-progress", "version": 1, "items": [{{"id": {HUGE}}}]}}'
    )
    result = run("restore", str(restore))
    assert result.code == 1
    assert one_line(result.err) == (
        f"dltrack: {restore}: holds a number too long to read (thousands of digits)\n"
    )
    catalogue_path.write_text(catalogue_path.read_text().replace('"id": 3,', f'"id": {HUGE},'))
    result = run("next")
    assert result.code == 3
    assert "holds a number too long to read" in one_line(result.err)
    lint = json.loads(run("lint", str(catalogue_path), "--json").out)
    assert lint["errors"] == 1 and "number too long" in lint["findings"][0]["message"]
    assert progress_rows(db_path) == before


def test_a_huge_id_in_a_restore_file_is_a_json_path_error(
    run, db_path: Path, tmp_path: Path
) -> None:
    run("done", "1")
    before = progress_rows(db_path)
    path = export_file(
        tmp_path / "big.json", [{"id": 2, "status": "done"}, {"id": 2**63, "status": "done"}]
    )
    result = run("restore", str(path))
    assert result.code == 1
    assert one_line(result.err) == "dltrack: items[1].id: must be below 2^53\n"
    assert progress_rows(db_path) == before


# ---------------------------------------------------------------- 12: what a write may replace


def test_export_writes_through_a_symlink(run, tmp_path: Path) -> None:
    run("done", "1")
    real = tmp_path / "elsewhere" / "progress.json"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "progress.json"
    link.symlink_to(real)
    assert run("export", str(link)).code == 0
    assert link.is_symlink() and os.readlink(link) == str(real)
    events = [json.loads(line) for line in real.read_text().splitlines()[1:-1]]
    assert [(e["item"], e["action"]) for e in events] == [(1, "done")]
    assert listing(real.parent) == ["progress.json"]  # no temporary file left behind


@pytest.mark.parametrize("kind", ["fifo", "directory", "device"])
def test_export_refuses_a_target_that_is_not_a_regular_file(run, tmp_path: Path, kind: str) -> None:
    target = tmp_path / "target"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "directory":
        target.mkdir()
    else:
        if os.geteuid() != 0:
            pytest.skip("only root can make a device node")
        os.mknod(target, 0o666 | stat.S_IFCHR, os.makedev(1, 7))  # a /dev/full of our own
    mode = target.lstat().st_mode
    result = run("export", str(target))
    assert result.code == 1
    assert one_line(result.err) == f"dltrack: {target} is not a regular file\n"
    assert target.lstat().st_mode == mode
    assert listing(tmp_path) == sorted(["catalogue.json", "dltrack.db", "target", *_wal(tmp_path)])


def _wal(directory: Path) -> list[str]:
    return [n for n in ("dltrack.db-wal", "dltrack.db-shm") if (directory / n).exists()]


def test_export_refuses_a_missing_directory(run, tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "dir" / "progress.json"
    result = run("export", str(target))
    assert result.code == 1
    assert one_line(result.err) == (
        f"dltrack: cannot write {target}: directory {target.parent} does not exist\n"
    )
    assert not (tmp_path / "no").exists()


def test_written_files_keep_their_mode_and_new_ones_follow_the_umask(
    run, tmp_path: Path, catalogue_path: Path
) -> None:
    catalogue_path.chmod(0o644)
    page = tmp_path / "page.md"
    page.write_text("# 新\n\n- [新文章](https://example.org/brand-new)\n", encoding="utf-8")
    assert run("import", str(page), "--track", "new", "--catalogue", str(catalogue_path)).code == 0
    assert stat.S_IMODE(catalogue_path.stat().st_mode) == 0o644
    private = tmp_path / "private.json"
    private.write_text("")
    private.chmod(0o640)
    assert run("export", str(private)).code == 0
    assert stat.S_IMODE(private.stat().st_mode) == 0o640
    old = os.umask(0o027)
    try:
        assert run("export", str(tmp_path / "fresh.json")).code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "fresh.json").stat().st_mode) == 0o640


def test_import_writes_through_a_symlinked_catalogue(
    run, tmp_path: Path, catalogue_path: Path
) -> None:
    real = tmp_path / "real.json"
    shutil.copy(catalogue_path, real)
    link = tmp_path / "linked.json"
    link.symlink_to(real)
    page = tmp_path / "page.md"
    page.write_text("# 新\n\n- [新文章](https://example.org/brand-new)\n", encoding="utf-8")
    assert run("import", str(page), "--track", "new", "--catalogue", str(link)).code == 0
    assert link.is_symlink()
    assert "brand-new" in real.read_text()


def test_write_failures_are_file_problems_and_leave_the_old_file(tmp_path: Path) -> None:
    (tmp_path / "here").mkdir()
    target = tmp_path / "here" / "kept.txt"
    target.write_text("old")

    def pieces() -> Iterator[str]:
        yield "new, part one"
        raise OSError(28, "No space left on device")

    with pytest.raises(FileProblem, match="No space left on device"):
        write_text_atomically(target, pieces())
    assert target.read_text() == "old"
    assert listing(target.parent) == ["kept.txt"]


def test_export_to_a_full_disk_never_reports_a_partial_file(
    run, small_disk: Path, tmp_path: Path
) -> None:
    run("done", "1-6", "--note", "读过")
    target = small_disk / "progress.json"
    target.write_text("the previous export")
    fill(small_disk)
    result = run("export", str(target))
    assert result.code == 1
    assert one_line(result.err) == f"dltrack: cannot write {target}: No space left on device\n"
    assert target.read_text() == "the previous export"
    assert listing(small_disk) == ["filler", "progress.json"]


def test_export_to_a_full_disk_through_stdout_is_exit_3(small_disk: Path, tmp_path: Path) -> None:
    env = dict(os.environ)
    subprocess.run(
        [sys.executable, "-m", "dltrack", "done", "1-6"], env=env, check=True, capture_output=True
    )
    fill(small_disk)
    with open(small_disk / "out.json", "w") as out:
        done = subprocess.run(
            [sys.executable, "-m", "dltrack", "export"],
            stdout=out,
            stderr=subprocess.PIPE,
            env=env,
            timeout=120,
        )
    assert done.returncode == 3
    assert done.stderr == b"dltrack: cannot write the output: No space left on device\n"


# ---------------------------------------------------------------- 13: special and endless files


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path


def dltrack(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    # A real process with a generous timeout: opening a FIFO would hang it for ever.
    return subprocess.run(
        [sys.executable, "-m", "dltrack", *args],
        capture_output=True,
        text=True,
        env=env or dict(os.environ),
        timeout=60,
    )


@pytest.mark.parametrize("special", ["fifo", "/dev/zero"])
@pytest.mark.parametrize(
    ("args", "code", "what"),
    [
        (("import", "{}", "--track", "x", "--catalogue", "{catalogue}"), 1, "document"),
        (("--seed", "{}", "next"), 3, "catalogue"),
        (("restore", "{}"), 1, "progress"),
        (("lint", "{}"), 3, "catalogue"),
        (("lint", "{catalogue}", "--against", "{}"), 3, "catalogue"),
    ],
)
def test_special_files_are_refused_without_reading_them(
    fifo: Path, catalogue_path: Path, special: str, args: tuple[str, ...], code: int, what: str
) -> None:
    path = fifo if special == "fifo" else Path(special)
    if not path.exists():
        pytest.skip(f"no {path} here")
    done = dltrack(*(a.format(path, catalogue=catalogue_path) for a in args))
    assert done.returncode == code, done.stderr
    kind = "a named pipe" if special == "fifo" else "a character device"
    assert f"{what} file {path} is {kind}, not a regular file" in one_line(done.stderr)


@pytest.mark.parametrize(
    ("args", "size", "message"),
    [
        (
            ("import", "{}", "--track", "x", "--catalogue", "{catalogue}"),
            64,
            "document file {} is larger than 64 MiB",
        ),
        (("--seed", "{}", "next"), 256, "catalogue file {} is larger than 256 MiB"),
        (("restore", "{}"), 256, "progress file {} is larger than 256 MiB"),
        (("lint", "{}"), 256, "catalogue file {} is larger than 256 MiB"),
    ],
)
def test_files_beyond_their_size_cap_are_refused_unread(
    run, tmp_path: Path, catalogue_path: Path, args: tuple[str, ...], size: int, message: str
) -> None:
    big = tmp_path / "big.txt"
    with open(big, "wb") as file:
        file.truncate(size * 2**20 + 1)  # sparse: nothing is really written
    result = run(*(a.format(big, catalogue=catalogue_path) for a in args))
    assert result.code in (1, 3)
    assert message.format(big) in one_line(result.err)


def test_read_bytes_takes_its_limit(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"x" * 101)
    assert read_bytes(path, what="test", limit=101) == b"x" * 101
    with pytest.raises(FileProblem, match="is larger than 100 bytes"):
        read_bytes(path, what="test", limit=100)


# ---------------------------------------------------------------- 14: hostile JSON


def deep(depth: int = 100_000) -> str:
    return "[" * depth + "]" * depth


def test_deep_nesting_is_one_line(run, catalogue_path: Path, db_path: Path, tmp_path: Path) -> None:
    run("done", "1")
    before = progress_rows(db_path)
    restore = tmp_path / "deep.json"
    restore.write_text(f'{{"format": "dltrack-progress", "version": 1, "items": {deep()}}}')
    result = run("restore", str(restore))
    assert result.code == 1
    assert one_line(result.err) == f"dltrack: {restore}: nested too deeply to read\n"
    text = catalogue_path.read_text()
    catalogue_path.write_text(text[: text.rindex("}")] + f', "x": {deep()}}}')
    result = run("next")
    assert result.code == 3
    assert one_line(result.err) == f"dltrack: {catalogue_path}: nested too deeply to read\n"
    lint = json.loads(run("lint", str(catalogue_path), "--json").out)
    assert lint["findings"] == [
        {"level": "error", "path": "(file)", "message": "nested too deeply to read"}
    ]
    assert progress_rows(db_path) == before


LONE = "not valid Unicode (a lone surrogate: half of a \\uD800-\\uDFFF pair)"


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (
            lambda d: d["tracks"][0]["stages"][1]["items"][0].update(title="CNN\ud800"),
            "tracks[0].stages[1].items[0].title",
        ),
        (lambda d: d["tracks"][1].update(title_en="\udfff"), "tracks[1].title_en"),
        (lambda d: d["tracks"][0].update({"\ud800": 1}), "tracks[0] (a key)"),
    ],
)
def test_lone_surrogates_in_a_catalogue_are_a_json_path_error(
    run, catalogue_path: Path, db_path: Path, change, path: str
) -> None:
    run("done", "1")
    before = progress_rows(db_path)
    edit(catalogue_path, change)
    result = run("next")
    assert result.code == 3
    assert one_line(result.err) == f"dltrack: {catalogue_path}: {path}: {LONE}\n"
    lint = json.loads(run("lint", str(catalogue_path), "--json").out)
    assert lint["findings"] == [{"level": "error", "path": path, "message": LONE}]
    assert progress_rows(db_path) == before


def test_a_surrogate_pair_is_fine(run, catalogue_path: Path) -> None:
    edit(catalogue_path, lambda d: d["tracks"][0].update(title="学习 \ud83d\ude00"))
    assert "\\ud83d" in catalogue_path.read_text()  # written as an escaped pair
    assert run("next").code == 0
    assert "学习 😀" in run("tracks").out


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (
            {"id": 1, "status": "done", "notes": [{"text": "好\ud800"}]},
            f"{{}}: items[0].notes[0].text: {LONE}",
        ),
        (
            {"id": 1, "status": "done", "done_at": "9999-12-31T23:59:59-14:00"},
            "items[0].done_at: not an ISO 8601 date-time in range: '9999-12-31T23:59:59-14:00'",
        ),
        (
            {"id": 1, "status": "done", "updated_at": "0001-01-01T00:00:00+14:00"},
            "items[0].updated_at: not an ISO 8601 date-time in range: '0001-01-01T00:00:00+14:00'",
        ),
        (
            {"id": 1, "notes": [{"text": "x", "created_at": "9999-12-31T23:59:59-14:00"}]},
            "items[0].notes[0].created_at: not an ISO 8601 date-time in range",
        ),
        (
            {"id": 1, "notes": [{"text": "字" * 21846}]},
            "items[0].notes[0].text: longer than 64 KiB of UTF-8 text",
        ),
        ({"id": True}, "items[0].id: must be a positive whole number"),
    ],
)
def test_hostile_restore_files_change_nothing(
    run, db_path: Path, tmp_path: Path, item: dict, message: str
) -> None:
    run("done", "2")
    before = progress_rows(db_path)
    path = export_file(tmp_path / "hostile.json", [{"id": 3, "status": "done"}, item][1:])
    result = run("restore", str(path))
    assert result.code == 1
    assert one_line(result.err).startswith("dltrack: " + message.format(path))
    assert progress_rows(db_path) == before


def test_out_of_range_dates_in_a_catalogue_are_a_json_path_error(run, catalogue_path: Path) -> None:
    edit(
        catalogue_path,
        lambda d: d["tracks"][0]["source"].update(published="9999-12-31T23:59:59-14:00"),
    )
    result = run("next")
    assert result.code == 3
    assert one_line(result.err) == (
        f"dltrack: {catalogue_path}: tracks[0].source.published: must be a date (YYYY-MM-DD)\n"
    )


# ---------------------------------------------------------------- 16: database paths and modes


def test_a_database_that_is_no_regular_file_is_refused(run, monkeypatch) -> None:
    monkeypatch.setenv("DLTRACK_DB", "/dev/null")
    result = run("done", "1")
    assert result.code == 3
    assert one_line(result.err) == "dltrack: database /dev/null is not a regular file\n"


def test_reads_work_in_a_read_only_directory(run, tmp_path: Path, monkeypatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    db = home / "dltrack.db"
    monkeypatch.setenv("DLTRACK_DB", str(db))
    assert run("done", "1").code == 0  # a WAL database, closed cleanly: no -wal, no -shm
    assert listing(home) == ["dltrack.db"]
    before = db.read_bytes()
    with read_only(home):
        shown = run("next", "--json")
        tracks = run("tracks")
        written = run("done", "2")
    assert (shown.code, shown.err) == (0, "")
    assert json.loads(shown.out)["done"] == 1
    assert (tracks.code, tracks.err) == (0, "")
    assert written.code == 3
    assert "read-only" in one_line(written.err)
    assert db.read_bytes() == before and listing(home) == ["dltrack.db"]


def test_a_touched_catalogue_does_not_need_a_writable_database(
    run, db_path: Path, catalogue_path: Path, tmp_path: Path
) -> None:
    run("done", "1")
    with sqlite3.connect(db_path) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")  # so the file alone is the database
    os.utime(catalogue_path, ns=(1, 1))  # the stamp changes, the content does not
    before = db_path.read_bytes()
    with read_only(db_path):
        result = run("next")
    assert (result.code, result.err) == (0, "")
    assert db_path.read_bytes() == before


def test_a_changed_catalogue_with_a_read_only_database_shows_the_last_sync(
    run, db_path: Path, catalogue_path: Path, tmp_path: Path
) -> None:
    run("done", "1")
    with sqlite3.connect(db_path) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")
    edit(catalogue_path, lambda d: d["tracks"][0].update(title="新的标题"))
    before = db_path.read_bytes()
    with read_only(db_path):
        shown = run("tracks", "--json")
        written = run("done", "2")
    assert shown.code == 0
    assert json.loads(shown.out)["tracks"][0]["title"] == "深度学习基础"
    assert one_line(shown.err) == (
        f"dltrack: database {db_path} is read-only: showing the catalogue as last synced, "
        f"without the changes to {catalogue_path}\n"
    )
    assert written.code == 3
    assert one_line(written.err) == (
        f"dltrack: database {db_path} is read-only; dltrack needs to write to it\n"
    )
    assert db_path.read_bytes() == before


def test_a_newer_database_is_refused_before_any_lock_or_change(
    run, db_path: Path, tmp_path: Path
) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute("CREATE TABLE meta (key VARCHAR NOT NULL, value VARCHAR NOT NULL)")
        conn.execute("PRAGMA user_version = 99")
    db_path.chmod(0o640)
    before = (db_path.read_bytes(), db_path.stat().st_mode, db_path.stat().st_mtime_ns)
    # Another program holds the write lock: a check that needs the lock would wait 15 s
    # and then blame the lock.
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = run("done", "1")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.code == 3
    assert "written by a newer dltrack (schema 99" in one_line(result.err)
    assert (db_path.read_bytes(), db_path.stat().st_mode, db_path.stat().st_mtime_ns) == before
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)


def test_a_full_disk_says_so(run, small_disk: Path, monkeypatch, tmp_path: Path) -> None:
    db = small_disk / "dltrack.db"
    monkeypatch.setenv("DLTRACK_DB", str(db))
    assert run("next").code == 0
    fill(small_disk)
    result = run("done", "1", "2", "3", "--note", "x" * 60000)
    assert result.code == 3
    assert one_line(result.err) == (
        f"dltrack: the disk holding database {db} is full; free some space and try again\n"
    )
    (small_disk / "filler").unlink()
    assert progress_rows(db) == []


# ---------------------------------------------------------------- 18: the catalogue's stamp


def test_an_edit_that_keeps_size_and_mtime_is_noticed(run, catalogue_path: Path) -> None:
    assert "深度学习基础" in run("tracks").out
    text = catalogue_path.read_text(encoding="utf-8")
    edited = text.replace("深度学习基础", "深度学习入门")
    assert len(edited.encode()) == len(text.encode())
    info = catalogue_path.stat()
    catalogue_path.write_text(edited, encoding="utf-8")
    os.utime(catalogue_path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert catalogue_path.stat().st_size == info.st_size
    assert catalogue_path.stat().st_mtime_ns == info.st_mtime_ns
    assert "深度学习入门" in run("tracks").out


# ---------------------------------------------------------------- 19: big exports and restores


def test_export_is_one_event_a_line_in_the_documented_shape(run) -> None:
    run("done", "1", "--note", "第一\n第二")
    run("start", "3")
    lines = run("export").out.splitlines()
    head, *events, end = (json.loads(line) for line in lines)
    assert head["format"] == "dltrack-events" and head["version"] == 1
    assert head["catalogue"] == "test-catalogue"
    assert set(head) == {"format", "version", "device", "catalogue", "exported_at", "current_track"}
    assert end == {"end": 3}
    assert [(e["item"], e["action"], e["command_name"]) for e in events] == [
        (1, "done", "done"),
        (1, "note_added", "done"),
        (3, "started", "start"),
    ]
    assert events[1]["text"] == "第一\n第二"
    assert set(events[0]) == {
        "id", "lamport", "device", "command", "command_name", "catalogue", "item",
        "action", "at", "day", "recorded_at", "url", "title", "text", "target",
    }  # fmt: skip
    assert events[0]["title"] == "卷积神经网络入门"  # what the item was when it was marked


V1_ITEMS = [
    {"id": 1, "title": "卷积神经网络入门", "status": "done", "started_at": None,
     "done_at": "2026-03-07T21:30:00+00:00", "updated_at": "2026-03-07T21:30:00+00:00",
     "notes": [{"text": "好", "created_at": "2026-03-07T21:30:00+00:00"}]},
    {"id": 2, "title": "深度学习资料大全", "status": "done", "started_at": None,
     "done_at": "2026-03-07T21:30:00+00:00", "updated_at": "2026-03-07T21:30:00+00:00",
     "notes": [{"text": "好", "created_at": "2026-03-07T21:30:00+00:00"}]},
    {"id": 4, "status": "skipped", "updated_at": "2026-03-08T10:00:00+00:00", "notes": []},
]  # fmt: skip


def test_restore_reads_the_export_layout_line_by_line(run, tmp_path: Path, monkeypatch) -> None:
    import dltrack.learner.restoring as restoring

    exported = tmp_path / "progress.json"
    exported.write_text(v1_export(V1_ITEMS), encoding="utf-8")

    def whole(path: Path) -> None:
        raise AssertionError("the export layout was decoded whole")

    monkeypatch.setattr(restoring, "_whole", whole)
    result = run("restore", str(exported), "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out) == {
        "added": 3,
        "updated": 0,
        "unchanged": 0,
        "notes_added": 2,
        "unknown": [],
        "other_articles": [],
    }


def test_restore_still_reads_any_json_layout(run, tmp_path: Path) -> None:
    exported = json.loads(v1_export(V1_ITEMS[:1]))
    pretty = tmp_path / "pretty.json"  # the layout the first version wrote
    pretty.write_text(json.dumps(exported, ensure_ascii=False, indent=2))
    one = tmp_path / "one.json"
    one.write_text(json.dumps(exported))
    for path in (pretty, one):
        os.environ["DLTRACK_DB"] = str(tmp_path / f"{path.stem}.db")
        result = run("restore", str(path), "--json")
        assert json.loads(result.out) == {
            "added": 1,
            "updated": 0,
            "unchanged": 0,
            "notes_added": 1,
            "unknown": [],
            "other_articles": [],
        }


def test_a_broken_line_layout_is_reported_as_json(run, tmp_path: Path) -> None:
    run("done", "2")
    good = v1_export(V1_ITEMS)
    broken = tmp_path / "broken.json"
    broken.write_text(good.replace("},\n", "}\n", 1), encoding="utf-8")  # a lost comma
    before = progress_rows(Path(os.environ["DLTRACK_DB"]))
    result = run("restore", str(broken))
    assert result.code == 1
    assert f"dltrack: {broken}: not valid JSON (line 8" in one_line(result.err)
    assert progress_rows(Path(os.environ["DLTRACK_DB"])) == before


def test_restore_of_the_same_id_twice_keeps_the_newer(run, tmp_path: Path, db_path: Path) -> None:
    path = export_file(
        tmp_path / "twice.json",
        [
            {"id": 2, "status": "done", "updated_at": "2024-03-01T00:00:00+00:00"},
            {"id": 2, "status": "reading", "updated_at": "2024-01-01T00:00:00+00:00"},
        ],
    )
    assert run("restore", str(path)).code == 0
    assert [r[:2] for r in progress_rows(db_path)] == [(2, "done")]
