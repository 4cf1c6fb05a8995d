"""Moving progress between machines: the export document, written as it is read.

Export streams: the document is made one item a line, from two cursors walked in
step (items in id order, notes in id order), so memory does not grow with the
number of items. The layout is the one `restore` reads a line at a time
(``learner.restoring``); the shape is the documented one.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from typing import Final

from dltrack.learner.status import Status
from dltrack.store.db import Store, rollback, utc_now
from dltrack.text import json_safe

EXPORT_FORMAT: Final = "dltrack-progress"
EXPORT_VERSION: Final = 1

# Every item the learner touched: marked, or with a note (notes on items never
# marked still belong in the export).
_ENTRIES = """
    SELECT ids.id, i.title, pr.status, pr.started_at, pr.done_at, pr.updated_at
    FROM (SELECT item_id AS id FROM progress UNION SELECT item_id FROM note) ids
    LEFT JOIN progress pr ON pr.item_id = ids.id
    LEFT JOIN item i ON i.id = ids.id
    ORDER BY ids.id
"""
_BATCH: Final = 1000  # lines per piece handed to the writer
_NOTES = "SELECT item_id, text, created_at FROM note ORDER BY item_id, created_at, id"


# One encoder for the whole export: json.dumps with options builds a new one per call,
# and at a million items that is seconds (bench/hostile_files.py).
_ENCODER: Final = json.JSONEncoder(ensure_ascii=False)
_dumps: Final = _ENCODER.encode


def _text(value: str | None) -> str:
    return "null" if value is None else _dumps(value)


def _joined(lines: list[str]) -> str:
    # As all of dltrack's JSON: bidi and invisible characters as \u escapes (one
    # pass over a thousand lines costs what one pass over one line does).
    return json_safe(",\n".join(lines))


def export_lines(store: Store) -> Iterator[str]:
    """The export document in pieces: a head, one line per item, and the end.

    `{"format", "version", "exported_at", "current_track", "items": [...]}`, each item
    `{id, title, status, started_at, done_at, updated_at, notes}`.
    """
    conn = store.conn
    # One snapshot for the whole document, however long writing it takes.
    conn.execute("BEGIN")
    try:
        head = {
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "exported_at": utc_now(),
            "current_track": store.meta("current_track"),
        }
        yield "{\n" + "".join(f"  {_dumps(k)}: {_dumps(v)},\n" for k, v in head.items())
        yield '  "items": [\n'
        batch: list[str] = []
        for line in _item_lines(conn):
            batch.append(f"    {line}")
            if len(batch) == _BATCH:
                yield _joined(batch) + ",\n"
                batch = []
        yield (_joined(batch) + "\n" if batch else "") + "  ]\n}\n"
    finally:
        rollback(conn)  # only read: nothing to keep


def _item_lines(conn: sqlite3.Connection) -> Iterator[str]:
    """Each item as one line of JSON, written out by hand: the shape is fixed and small.

    Equal to json.dumps of `{id, title, status, started_at, done_at, updated_at, notes}`
    (`{id, status, notes}` for an item with notes only), at a third of the cost.
    """
    notes = conn.execute(_NOTES)
    pending = notes.fetchone()
    for item_id, title, status, started, done, updated in conn.execute(_ENTRIES):
        item_notes = []
        while pending is not None and pending[0] == item_id:
            item_notes.append(
                f'{{"text": {_dumps(pending[1])}, "created_at": {_text(pending[2])}}}'
            )
            pending = notes.fetchone()
        listed = ", ".join(item_notes)
        if status is None:
            unread = Status.UNREAD.value
            yield f'{{"id": {int(item_id)}, "status": "{unread}", "notes": [{listed}]}}'
            continue
        # title: for a human reading the file; restore goes by id.
        yield (
            f'{{"id": {int(item_id)}, "title": {_text(title)}, "status": {_dumps(status)}, '
            f'"started_at": {_text(started)}, "done_at": {_text(done)}, '
            f'"updated_at": {_text(updated)}, "notes": [{listed}]}}'
        )
