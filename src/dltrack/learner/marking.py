"""Marking items: done, being read, skipped, or back to unread."""

from __future__ import annotations

from datetime import date
from typing import Final

from dltrack.errors import UserError
from dltrack.learner.history import (
    ENTERS,
    NOT_UNDOABLE,
    Action,
    NewEvent,
    Recorder,
    catalogue_of,
    device_id,
    rebuild,
    undone_commands,
    when,
)
from dltrack.learner.items import first_places, require_items
from dltrack.learner.notes import TOO_LONG, note_too_long
from dltrack.learner.results import ItemInStage, Marked, StageSummary, Undone
from dltrack.learner.status import Status
from dltrack.learner.tracks import stage_summaries, track_by_slug
from dltrack.store.db import Store

# How each status is entered, in the materialised state; the same as history.fold
# does with the event (the tests replay the log and compare).
_ENTER: Final = {
    Status.DONE: "status = 'done', done_at = :at",
    Status.READING: "status = 'reading', started_at = COALESCE(started_at, :at), done_at = NULL",
    Status.SKIPPED: "status = 'skipped', done_at = NULL",
    Status.UNREAD: "status = 'unread', started_at = NULL, done_at = NULL",
}
# The command each status is set by, as the log and undo name it.
COMMAND_OF: Final = {
    Status.DONE: "done",
    Status.READING: "start",
    Status.SKIPPED: "skip",
    Status.UNREAD: "reset",
}


def mark(
    store: Store,
    ids: list[int],
    status: Status,
    *,
    note: str | None = None,
    on: date | None = None,
) -> Marked:
    """Set items' status in one transaction, recording one event per change.

    Every id is checked before anything is written, so one unknown id changes nothing;
    the answer (the stages' new progress) is read inside the same transaction, so a
    failure there undoes the marking too. on backdates the change to a past day.
    """
    if note is not None and not note.strip():
        raise UserError("the note is empty")
    if note is not None and note_too_long(note):
        raise UserError(f"the note is {TOO_LONG}")
    moment = when(on)
    with store.write() as conn:
        entries = require_items(store, ids)
        marks = ",".join("?" * len(ids))
        before = dict(
            conn.execute(
                f"SELECT item_id, status FROM progress WHERE item_id IN ({marks})", ids
            ).fetchall()
        )
        changed = [entries[i] for i in ids if before.get(i, Status.UNREAD) != status]
        events = [NewEvent(e.id, ENTERS[status], url=e.url, title=e.title) for e in changed]
        if note is not None:
            events += [
                NewEvent(i, Action.NOTE_ADDED, entries[i].url, entries[i].title, note.strip())
                for i in ids
            ]
        recorded = Recorder(store, COMMAND_OF[status], moment).record(events) if events else []
        at = moment.at
        conn.executemany(
            "INSERT INTO progress (item_id, status, updated_at) VALUES (:id, 'unread', :at) "
            "ON CONFLICT(item_id) DO NOTHING",
            [{"id": e.id, "at": at} for e in changed],
        )
        conn.executemany(
            f"UPDATE progress SET {_ENTER[status]}, updated_at = :at WHERE item_id = :id",
            [{"id": e.id, "at": at} for e in changed],
        )
        conn.executemany(
            "INSERT INTO note (item_id, text, created_at, event_id) VALUES (?, ?, ?, ?)",
            [(e.item_id, e.text, e.at, e.id) for e in recorded if e.action == Action.NOTE_ADDED],
        )
        stages = _stages_of(store, list(entries.values()))
    unchanged = [entries[i] for i in ids if before.get(i, Status.UNREAD) == status]
    return Marked(
        status=status,
        changed=[e._replace(status=status) for e in changed],
        unchanged=unchanged,
        stages=stages,
    )


def _stages_of(store: Store, entries: list[ItemInStage]) -> list[StageSummary]:
    """The new progress of the stages these entries stand in (their first place)."""
    wanted: dict[str, set[str]] = {}
    for e in entries:
        wanted.setdefault(e.track_slug, set()).add(e.stage_slug)
    out: list[StageSummary] = []
    for track_slug, stage_slugs in wanted.items():
        track = track_by_slug(store, track_slug)
        if track is None:  # the entries were just read from this very track
            raise UserError(f"track {track_slug} left the catalogue")
        out.extend(s for s in stage_summaries(store, track) if s.slug in stage_slugs)
    return out


def undo_last(store: Store) -> Undone:
    """Take back the last command made on this device (in this catalogue) not yet taken back.

    Run again, it takes back the one before, down the history. The undo is itself
    recorded (one `undone` event per item the command touched), so sync carries it,
    and the items' state is derived again from what is left.
    """
    with store.write() as conn:
        catalogue = catalogue_of(store)
        device = device_id(store)
        undone = undone_commands(conn, catalogue)
        last = None
        for command, name, at in conn.execute(
            "SELECT command, command_name, recorded_at FROM event "
            "WHERE device = ? AND catalogue = ? AND action != 'undone' ORDER BY lamport DESC",
            (device, catalogue),
        ):
            if command not in undone and name not in NOT_UNDOABLE:
                last = (command, name, at)
                break
        if last is None:
            raise UserError("nothing to undo")
        command, name, at = last
        touched = conn.execute(
            "SELECT item_id, SUM(action LIKE 'note%') FROM event WHERE command = ? "
            "GROUP BY item_id ORDER BY MIN(lamport)",
            (command,),
        ).fetchall()
        ids = [item_id for item_id, _ in touched]
        Recorder(store, "undo", when()).record(
            [NewEvent(i, Action.UNDONE, target=command) for i in ids], catalogue=catalogue
        )
        rebuild(conn, catalogue, ids)
        found = first_places(store, ids)
    return Undone(
        command_name=name,
        at=at,
        items=[found[i] for i in ids if i in found],
        notes=sum(n for _, n in touched),
    )
