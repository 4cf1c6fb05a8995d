"""Moving progress between machines: export to a JSON file, restore (merge) from one."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dltrack.errors import UserError
from dltrack.files import FileProblem, read_json
from dltrack.learner.results import RestoreResult
from dltrack.learner.status import Status
from dltrack.store.db import Store, set_meta, utc_now

EXPORT_FORMAT = "dltrack-progress"
EXPORT_VERSION = 1


def read_export(path: Path) -> Any:
    """The decoded JSON of an export file, not yet checked."""
    try:
        return read_json(path, what="progress")
    except FileProblem as problem:
        raise UserError(problem.message) from None


def export_progress(store: Store) -> dict[str, Any]:
    """Every item the learner touched, with status, dates and notes, as JSON-ready data."""
    notes: dict[int, list[dict[str, str]]] = {}
    for item_id, text, created_at in store.conn.execute(
        "SELECT item_id, text, created_at FROM note ORDER BY item_id, created_at, id"
    ):
        notes.setdefault(item_id, []).append({"text": text, "created_at": created_at})
    items = []
    for item_id, title, status, started, done, updated in store.conn.execute(
        """
        SELECT pr.item_id, i.title, pr.status, pr.started_at, pr.done_at, pr.updated_at
        FROM progress pr LEFT JOIN item i ON i.id = pr.item_id ORDER BY pr.item_id
        """
    ):
        items.append(
            {
                "id": item_id,
                "title": title,  # for a human reading the file; restore goes by id
                "status": status,
                "started_at": started,
                "done_at": done,
                "updated_at": updated,
                "notes": notes.pop(item_id, []),
            }
        )
    # Notes on items never marked still belong in the export.
    for item_id, item_notes in sorted(notes.items()):
        items.append({"id": item_id, "status": Status.UNREAD.value, "notes": item_notes})
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": utc_now(),
        "current_track": store.meta("current_track"),
        "items": items,
    }


def _check_time(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise UserError(f"{where}: must be a date-time string")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise UserError(f"{where}: not an ISO 8601 date-time: {value!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).isoformat(timespec="seconds")


def _parse_export(data: Any) -> list[dict[str, Any]]:
    """Validate an export file completely before anything is written."""
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise UserError(f'not a dltrack progress export (expected "format": "{EXPORT_FORMAT}")')
    if data.get("version") != EXPORT_VERSION:
        raise UserError(f"unsupported export version {data.get('version')!r}")
    raw_items = data.get("items")
    if not isinstance(raw_items, list):
        raise UserError("items: must be a list")
    items = []
    for n, raw in enumerate(raw_items):
        where = f"items[{n}]"
        if not isinstance(raw, dict):
            raise UserError(f"{where}: must be an object")
        item_id = raw.get("id")
        if not isinstance(item_id, int) or isinstance(item_id, bool) or item_id < 1:
            raise UserError(f"{where}.id: must be a positive whole number")
        status = raw.get("status", Status.UNREAD)
        # A tuple, not a set: the value may be any JSON, a list included.
        if status not in tuple(Status):
            raise UserError(f"{where}.status: must be one of {', '.join(Status)}")
        notes = raw.get("notes", [])
        if not isinstance(notes, list):
            raise UserError(f"{where}.notes: must be a list")
        checked_notes = []
        for k, note in enumerate(notes):
            if not isinstance(note, dict) or not isinstance(note.get("text"), str):
                raise UserError(f"{where}.notes[{k}]: must be an object with a text")
            created = _check_time(note.get("created_at"), f"{where}.notes[{k}].created_at")
            checked_notes.append((note["text"], created or utc_now()))
        items.append(
            {
                "id": item_id,
                "status": status,
                "started_at": _check_time(raw.get("started_at"), f"{where}.started_at"),
                "done_at": _check_time(raw.get("done_at"), f"{where}.done_at"),
                "updated_at": _check_time(raw.get("updated_at"), f"{where}.updated_at"),
                "notes": checked_notes,
            }
        )
    return items


def restore_progress(store: Store, data: Any) -> RestoreResult:
    """Merge an export into this database: newer states win, notes are added, nothing is deleted."""
    items = _parse_export(data)
    added = updated = unchanged = notes_added = 0
    with store.write() as conn:
        for item in items:
            if item["status"] != Status.UNREAD or item["updated_at"]:
                local = conn.execute(
                    "SELECT status, started_at, done_at, updated_at FROM progress "
                    "WHERE item_id = ?",
                    (item["id"],),
                ).fetchone()
                incoming = (item["status"], item["started_at"], item["done_at"])
                stamp = item["updated_at"] or item["done_at"] or item["started_at"] or utc_now()
                if local is None:
                    conn.execute(
                        "INSERT INTO progress (item_id, status, started_at, done_at, updated_at) "
                        "VALUES (?, ?, ?, ?, ?)",
                        (item["id"], *incoming, stamp),
                    )
                    added += 1
                elif tuple(local[:3]) != incoming and stamp > (local[3] or ""):
                    conn.execute(
                        "UPDATE progress SET status = ?, started_at = ?, done_at = ?, "
                        "updated_at = ? WHERE item_id = ?",
                        (*incoming, stamp, item["id"]),
                    )
                    updated += 1
                else:
                    unchanged += 1
            for text, created in item["notes"]:
                exists = conn.execute(
                    "SELECT 1 FROM note WHERE item_id = ? AND text = ? AND created_at = ?",
                    (item["id"], text, created),
                ).fetchone()
                if not exists:
                    conn.execute(
                        "INSERT INTO note (item_id, text, created_at) VALUES (?, ?, ?)",
                        (item["id"], text, created),
                    )
                    notes_added += 1
        current = data.get("current_track")
        if isinstance(current, str) and store.meta("current_track") is None:
            set_meta(conn, "current_track", current)
    return RestoreResult(added=added, updated=updated, unchanged=unchanged, notes_added=notes_added)
