"""Restoring exported progress: read and check the whole file, then merge it in one go.

Built for big files. The one-item-a-line layout that `export` writes is read a
line at a time; every item is checked and staged in temporary tables, and only
when the whole file has passed is it merged, by a few set-based statements in
one transaction: newer states win, notes are added, nothing is deleted. Memory
does not grow with the number of items. A file in any other JSON layout (an
older export, one edited by hand) is decoded whole, within EXPORT_LIMIT.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO, Final

from dltrack.errors import UserError
from dltrack.files import (
    EXPORT_LIMIT,
    FileProblem,
    check_regular,
    json_value,
    may_hold_surrogates,
    open_regular,
    read_json,
    size_text,
)
from dltrack.lang import tr
from dltrack.learner.days import when
from dltrack.learner.history import Action, NewEvent, Recorder, catalogue_of, rebuild
from dltrack.learner.ids import MAX_ITEM_ID
from dltrack.learner.notes import TOO_LONG, note_too_long
from dltrack.learner.reports import RestoreResult
from dltrack.learner.status import Status
from dltrack.store.db import Store, named, rollback, set_meta, utc_now

# The export of earlier versions: one JSON document of items, one item a line.
EXPORT_FORMAT: Final = "dltrack-progress"
EXPORT_VERSION: Final = 1
_WHAT: Final = "progress"
_BATCH: Final = 5_000
_HEAD_LINES: Final = 64  # the export's head is 5 lines; more is another layout
_ITEMS_LINE: Final = b'"items": ['
_STATUSES: Final = tuple(Status)
# Times as export writes them (UTC, to the second) need no conversion, only a check.
_CANONICAL_TIME: Final = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00")
_raw_decode: Final = json.JSONDecoder().raw_decode

_STAGING = """
    DROP TABLE IF EXISTS temp.restore_item;
    DROP TABLE IF EXISTS temp.restore_note;
    CREATE TEMP TABLE restore_item (id INTEGER PRIMARY KEY, status TEXT NOT NULL,
        started_at TEXT, done_at TEXT, stamp TEXT NOT NULL, title TEXT);
    CREATE TEMP TABLE restore_note (item_id INTEGER NOT NULL, text TEXT NOT NULL,
        created_at TEXT NOT NULL, UNIQUE (item_id, text, created_at))
"""
# The same id twice in a file: the newer state wins, as it would against the database.
_STAGE_ITEM = """
    INSERT INTO temp.restore_item (id, status, started_at, done_at, stamp, title)
    VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET status = excluded.status, started_at = excluded.started_at,
        done_at = excluded.done_at, stamp = excluded.stamp WHERE excluded.stamp > stamp
"""
_STAGE_NOTE = "INSERT OR IGNORE INTO temp.restore_note (item_id, text, created_at) VALUES (?, ?, ?)"
_DIFFERS = """
    NOT (p.status IS r.status AND p.started_at IS r.started_at AND p.done_at IS r.done_at)
    AND r.stamp > COALESCE(p.updated_at, '')
"""
_COUNT = f"""
    SELECT COUNT(*), COALESCE(SUM(p.item_id IS NULL), 0),
           COALESCE(SUM(p.item_id IS NOT NULL AND {_DIFFERS}), 0)
    FROM temp.restore_item r LEFT JOIN progress p ON p.item_id = r.id
"""
# The states that change this machine's: new here, or newer than what is here.
_TO_APPLY = f"""
    SELECT r.id, r.status, r.started_at, r.done_at, r.stamp, i.url, i.title
    FROM temp.restore_item r JOIN item i ON i.id = r.id LEFT JOIN progress p ON p.item_id = r.id
    WHERE p.item_id IS NULL OR ({_DIFFERS})
    ORDER BY r.stamp, r.id
"""
_NEW_NOTES = """
    SELECT r.item_id, r.text, r.created_at, i.url, i.title
    FROM temp.restore_note r JOIN item i ON i.id = r.item_id
    WHERE NOT EXISTS (SELECT 1 FROM note n WHERE n.item_id = r.item_id
                      AND n.text = r.text AND n.created_at = r.created_at)
    ORDER BY r.rowid
"""
_UNKNOWN = """
    SELECT id FROM (SELECT id FROM temp.restore_item UNION SELECT item_id FROM temp.restore_note)
    WHERE id NOT IN (SELECT id FROM item) ORDER BY id
"""
_TITLED = """
    SELECT r.id, r.title, i.title FROM temp.restore_item r JOIN item i ON i.id = r.id
    WHERE r.title IS NOT NULL AND r.title != i.title
"""


class _OtherLayout(Exception):
    """The file is not in export's one-item-a-line layout (it may still be valid JSON)."""


def check_export_file(path: Path) -> None:
    """Refuse, before anything is opened, a path that is no readable export file."""
    try:
        check_regular(path, what=_WHAT, limit=EXPORT_LIMIT)
    except FileProblem as problem:
        raise UserError(problem.message) from None


def restore_progress(store: Store, path: Path) -> RestoreResult:
    """Merge an export file into this database: newer states win, notes are added."""
    conn = store.conn
    now = utc_now()
    for statement in _STAGING.split(";"):
        conn.execute(statement)
    try:
        # Staging writes only the connection's temporary database: the transaction
        # spares a commit per batch and takes no lock on the learner's database.
        conn.execute("BEGIN")
        try:
            header = _stage(conn, *_by_line(path), now=now)
        except _OtherLayout:
            conn.execute("DELETE FROM temp.restore_item")
            conn.execute("DELETE FROM temp.restore_note")
            header = _stage(conn, *_whole(path), now=now)
        conn.execute("COMMIT")
        with store.write() as write:
            unknown, others = _set_aside(write)
            total, added, updated = write.execute(_COUNT).fetchone()
            notes_added = _record(store)
            current = header.get("current_track")
            if isinstance(current, str) and store.meta("current_track") is None:
                set_meta(write, "current_track", current)
    finally:
        rollback(conn)
        conn.execute("DROP TABLE IF EXISTS temp.restore_item")
        conn.execute("DROP TABLE IF EXISTS temp.restore_note")
    return RestoreResult(
        added=added,
        updated=updated,
        unchanged=total - added - updated,
        notes_added=notes_added,
        unknown=tuple(unknown),
        other_articles=tuple(others),
    )


def _set_aside(conn: sqlite3.Connection) -> tuple[list[int], list[int]]:
    """Take out of the staged file what is not this catalogue's to take.

    Ids this catalogue never had, and items whose exported title is another
    article's than the one the id names here (an export made from another
    catalogue): both are reported, never added.
    """
    from dltrack.text import same_title  # restore only

    unknown = [r[0] for r in conn.execute(_UNKNOWN)]
    others = [
        item_id
        for item_id, theirs, ours in conn.execute(_TITLED).fetchall()
        if same_title(theirs) != same_title(ours)
    ]
    for chunk in (unknown[n : n + _BATCH] for n in range(0, len(unknown), _BATCH)):
        _drop_staged(conn, chunk)
    for chunk in (others[n : n + _BATCH] for n in range(0, len(others), _BATCH)):
        _drop_staged(conn, chunk)
    return unknown, others


def _drop_staged(conn: sqlite3.Connection, ids: list[int]) -> None:
    marks = ",".join("?" * len(ids))
    conn.execute(f"DELETE FROM temp.restore_item WHERE id IN ({marks})", ids)
    conn.execute(f"DELETE FROM temp.restore_note WHERE item_id IN ({marks})", ids)


def _state_events(row: sqlite3.Row) -> Iterator[NewEvent]:
    """The events that bring an item to an exported state (newer than this machine's)."""
    item, url, title = row["id"], row["url"], row["title"]
    status, started, done, stamp = row["status"], row["started_at"], row["done_at"], row["stamp"]
    if started is not None:
        yield NewEvent(item, Action.STARTED, url, title, at=started)
    elif status == Status.READING:
        yield NewEvent(item, Action.STARTED, url, title, at=stamp)
    if status == Status.DONE:
        yield NewEvent(item, Action.DONE, url, title, at=done or stamp)
    elif status == Status.SKIPPED:
        yield NewEvent(item, Action.SKIPPED, url, title, at=stamp)
    elif status == Status.UNREAD:
        yield NewEvent(item, Action.RESET, url, title, at=stamp)


def _record(store: Store) -> int:
    """Record the staged changes as events of one `restore` command; the notes added."""
    conn = store.conn
    recorder = Recorder(store, "restore", when())
    batch: list[NewEvent] = []
    # The cursors read the staging, item, progress and note tables, which recording
    # does not write (the state is rebuilt at the end), so they can stream.
    for row in named(conn, _TO_APPLY):
        batch += _state_events(row)
        if len(batch) >= _BATCH:
            recorder.record(batch)
            batch = []
    notes = 0
    for item, text, created, url, title in conn.execute(_NEW_NOTES):
        batch.append(NewEvent(item, Action.NOTE_ADDED, url, title, text, at=created))
        notes += 1
        if len(batch) >= _BATCH:
            recorder.record(batch)
            batch = []
    recorder.record(batch)
    rebuild(conn, catalogue_of(store))
    return notes


# -- reading


def _read_problem(problem: FileProblem) -> UserError:
    return UserError(problem.message)


def _by_line(path: Path) -> tuple[dict[str, Any], Iterator[Any]]:
    """The head of an export in export's layout, and its items one line at a time."""
    try:
        file = open_regular(path, what=_WHAT, limit=EXPORT_LIMIT)
    except FileProblem as problem:
        raise _read_problem(problem) from None
    head: list[bytes] = []
    try:
        for line in file:
            if line.strip() == _ITEMS_LINE:
                break
            head.append(line)
            if len(head) > _HEAD_LINES:
                raise _OtherLayout
        else:
            raise _OtherLayout
        try:
            header = json_value(b"".join(head) + b'"items": []}')
        except FileProblem:
            raise _OtherLayout from None
        if not isinstance(header, dict):
            raise _OtherLayout
    except BaseException:
        file.close()
        raise
    return header, _item_lines(file, path)


def _item_lines(file: BinaryIO, path: Path) -> Iterator[Any]:
    """Each item line's JSON value, until the line that ends the list and the file."""
    read = 0
    with file:
        # After "[": an item or "]"; after an item with a comma: an item; without: "]".
        expect = "item or end"
        for line in file:
            read += len(line)
            if read > EXPORT_LIMIT:
                raise UserError(
                    tr("{what} file {path} is larger than {export_limit}").format(
                        what=tr(_WHAT), path=path, export_limit=size_text(EXPORT_LIMIT)
                    )
                )
            stripped = line.strip()
            if stripped == b"]":
                if expect == "item":
                    raise _OtherLayout
                break
            if expect == "end":
                raise _OtherLayout
            expect = "item" if stripped.endswith(b",") else "end"
            # Anything unusual on a line (bad UTF-8 or JSON, a surrogate escape, deep
            # nesting) is left to the whole-file reading, which names it precisely.
            if may_hold_surrogates(stripped):
                raise _OtherLayout
            try:
                text = stripped.removesuffix(b",").decode("utf-8")
                value, end = _raw_decode(text)
            except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
                raise _OtherLayout from None
            if end != len(text):
                raise _OtherLayout
            yield value
        else:
            raise _OtherLayout
        if b"".join(file).strip() != b"}":
            raise _OtherLayout


def _whole(path: Path) -> tuple[dict[str, Any], Iterator[Any]]:
    """A file in any JSON layout, decoded whole."""
    try:
        data = read_json(path, what=_WHAT, limit=EXPORT_LIMIT)
    except FileProblem as problem:
        raise _read_problem(problem) from None
    if not isinstance(data, dict):
        _check_header({})
    items = data.get("items")
    return data, iter(items) if isinstance(items, list) else iter(())


# -- checking


def _check_header(data: dict[str, Any]) -> None:
    if data.get("format") != EXPORT_FORMAT:
        raise UserError(
            tr('not a dltrack progress export (expected "format": "{export_format}")').format(
                export_format=EXPORT_FORMAT
            )
        )
    if data.get("version") != EXPORT_VERSION:
        raise UserError(
            tr("unsupported export version {value!r}").format(value=data.get("version"))
        )
    if not isinstance(data.get("items"), list):
        raise UserError(tr("items: must be a list"))


@lru_cache(maxsize=4096)  # an export repeats its times: done_at is most often updated_at
def _utc(value: str) -> str | None:
    """An ISO 8601 time as the database keeps it (UTC, to the second); None if it is none."""
    try:
        parsed = datetime.fromisoformat(value)
        if _CANONICAL_TIME.fullmatch(value):
            return value
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        # A time near the ends of the calendar can fall outside it once moved to UTC.
        return parsed.astimezone(UTC).isoformat(timespec="seconds")
    except (ValueError, OverflowError):
        return None


def _check_time(value: Any, n: int, field: str) -> str | None:
    """A time of items[n] (field is its path in the item), as the database keeps it."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise UserError(
            tr("items[{n}]{field}: must be a date-time string").format(n=n, field=field)
        )
    utc = _utc(value)
    if utc is None:
        raise UserError(
            tr("items[{n}]{field}: not an ISO 8601 date-time in range: {value!r}").format(
                n=n, field=field, value=value
            )
        )
    return utc


def _checked(
    raw: Any, n: int, now: str
) -> tuple[tuple[object, ...] | None, list[tuple[int, str, str]]]:
    """items[n]'s progress row (None when it has only notes) and its notes, all checked.

    On the path of every item of a big file: the JSON path of a problem is only
    spelled out once there is one.
    """
    if not isinstance(raw, dict):
        raise UserError(tr("items[{n}]: must be an object").format(n=n))
    get = raw.get
    item_id = get("id")
    if type(item_id) is not int or item_id < 1:  # type(): True is an int, but no id
        raise UserError(tr("items[{n}].id: must be a positive whole number").format(n=n))
    if item_id > MAX_ITEM_ID:
        raise UserError(tr("items[{n}].id: must be below 2^53").format(n=n))
    status = get("status", Status.UNREAD)
    # A tuple, not a set: the value may be any JSON, a list included.
    if status not in _STATUSES:
        raise UserError(
            tr("items[{n}].status: must be one of {status}").format(n=n, status=", ".join(Status))
        )
    notes = get("notes", ())
    if not isinstance(notes, list | tuple):
        raise UserError(tr("items[{n}].notes: must be a list").format(n=n))
    checked_notes = []
    for k, note in enumerate(notes):
        text = note.get("text") if isinstance(note, dict) else None
        if not isinstance(text, str):
            raise UserError(
                tr("items[{n}].notes[{k}]: must be an object with a text").format(n=n, k=k)
            )
        if note_too_long(text):
            raise UserError(
                tr("items[{n}].notes[{k}].text: {too_long}").format(n=n, k=k, too_long=TOO_LONG)
            )
        created = _check_time(note.get("created_at"), n, f".notes[{k}].created_at")
        checked_notes.append((item_id, text, created or now))
    started = _check_time(get("started_at"), n, ".started_at")
    done = _check_time(get("done_at"), n, ".done_at")
    updated = _check_time(get("updated_at"), n, ".updated_at")
    if status == Status.UNREAD and not updated:
        return None, checked_notes
    title = get("title")
    row = (item_id, str(status), started, done, updated or done or started or now)
    return (*row, title if isinstance(title, str) else None), checked_notes


def _stage(
    conn: sqlite3.Connection, header: dict[str, Any], items: Iterable[Any], *, now: str
) -> dict[str, Any]:
    """Check every item and stage it in the temporary tables; the header, when all passed."""
    _check_header(header)
    rows: list[tuple[object, ...]] = []
    notes: list[tuple[int, str, str]] = []
    for n, raw in enumerate(items):
        row, item_notes = _checked(raw, n, now)
        if row is not None:
            rows.append(row)
        if item_notes:
            notes += item_notes
        if len(rows) >= _BATCH or len(notes) >= _BATCH:
            _flush(conn, rows, notes)
    _flush(conn, rows, notes)
    return header


def _flush(
    conn: sqlite3.Connection, rows: list[tuple[object, ...]], notes: list[tuple[int, str, str]]
) -> None:
    conn.executemany(_STAGE_ITEM, rows)
    conn.executemany(_STAGE_NOTE, notes)
    rows.clear()
    notes.clear()
