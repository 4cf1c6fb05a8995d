"""Marking items: done, being read, skipped, or back to unread."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Final

from dltrack.errors import UserError
from dltrack.lang import tr
from dltrack.learner.days import when
from dltrack.learner.history import (
    ENTERS,
    NOT_UNDOABLE,
    PERSONAL,
    Action,
    NewEvent,
    Recorder,
    catalogue_of,
    device_id,
    undone_commands,
)
from dltrack.learner.ids import shown_id
from dltrack.learner.items import first_places, require_items
from dltrack.learner.notes import TOO_LONG, note_too_long
from dltrack.learner.results import Marked, StageSummary, TrackCounts
from dltrack.learner.status import Status
from dltrack.learner.tracks import stage_summaries, track_by_slug, track_counts
from dltrack.store.db import Store

if TYPE_CHECKING:  # loaded by the commands that return them: `done` starts without
    from dltrack.learner.reports import NoteChanged, Undone

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
        raise UserError(tr("the note is empty"))
    if note is not None and note_too_long(note):
        raise UserError(tr("the note is {too_long}").format(too_long=tr(TOO_LONG)))
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
        # (mirror id, event): the learner's own items are known to the log by their key.
        wanted = [(e.id, NewEvent(e.id, ENTERS[status], url=e.url, title=e.title)) for e in changed]
        if note is not None:
            wanted += [
                (i, NewEvent(i, Action.NOTE_ADDED, entries[i].url, entries[i].title, note.strip()))
                for i in ids
            ]
        recorder = Recorder(store, COMMAND_OF[status], moment)
        notes: list[tuple[int, str | None, str, str]] = []
        for own in (False, True):
            part = [(i, e) for i, e in wanted if (i < 0) == own]
            if not part:
                continue
            if own:
                from dltrack.learner.personal import key_of  # one's own items only

                events = [e._replace(item_id=key_of(conn, i)) for i, e in part]
            else:
                events = [e for _, e in part]
            recorded = recorder.record(events, catalogue=PERSONAL if own else None)
            notes += [
                (i, r.text, r.at, r.id)
                for (i, _), r in zip(part, recorded, strict=True)
                if r.action == Action.NOTE_ADDED
            ]
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
            "INSERT INTO note (item_id, text, created_at, event_id) VALUES (?, ?, ?, ?)", notes
        )
        stages = _stages_of(store, list(entries))
        tracks = _tracks_of(store, stages)
    unchanged = [entries[i] for i in ids if before.get(i, Status.UNREAD) == status]
    return Marked(
        status=status,
        changed=[e._replace(status=status) for e in changed],
        unchanged=unchanged,
        stages=stages,
        tracks=tracks,
    )


def _stages_of(store: Store, ids: list[int]) -> list[StageSummary]:
    """The new progress of every stage these items stand in, in catalogue order.

    An article listed in two tracks counts in both: the answer names each place.
    """
    marks = ",".join("?" * len(ids))
    wanted: dict[str, set[str]] = {}
    for track_slug, stage_slug in store.conn.execute(
        "SELECT s.track_slug, s.slug FROM placement p JOIN stage s ON s.id = p.stage_id "
        f"JOIN track t ON t.slug = s.track_slug WHERE p.item_id IN ({marks}) "
        "ORDER BY t.position, s.position",
        ids,
    ):
        wanted.setdefault(track_slug, set()).add(stage_slug)
    out: list[StageSummary] = []
    for track_slug, stage_slugs in wanted.items():
        track = track_by_slug(store, track_slug)
        if track is None:  # the entries were just read from this very track
            raise UserError(
                tr("track {track_slug} left the catalogue").format(track_slug=track_slug)
            )
        out.extend(s for s in stage_summaries(store, track) if s.slug in stage_slugs)
    return out


def _tracks_of(store: Store, stages: list[StageSummary]) -> list[TrackCounts]:
    """The new progress of each track those stages belong to, in the same order."""
    refs = {s.track.slug: s.track for s in stages}
    counts = track_counts(store)
    return [TrackCounts(track=ref, counts=counts[slug]) for slug, ref in refs.items()]


def undo_last(store: Store) -> Undone:
    """Take back the last command made on this device not yet taken back.

    Run again, it takes back the one before, down the history. The undo is itself
    recorded (one `undone` event per item the command touched), so sync carries it,
    and the items' state is derived again from what is left. Commands on another
    catalogue's items are out of reach while this one is synced.
    """
    from dltrack.learner.personal import refresh
    from dltrack.learner.reports import Undone

    with store.write() as conn:
        catalogue = catalogue_of(store)
        device = device_id(store)
        undone = undone_commands(conn, catalogue) | undone_commands(conn, PERSONAL)
        last = None
        for command, name, at in conn.execute(
            "SELECT command, command_name, recorded_at FROM event WHERE device = ? "
            "AND catalogue IN (?, ?) AND action != 'undone' ORDER BY lamport DESC",
            (device, catalogue, PERSONAL),
        ):
            if command not in undone and name not in NOT_UNDOABLE:
                last = (command, name, at)
                break
        if last is None:
            raise UserError(tr("nothing to undo"))
        command, name, at = last
        touched = conn.execute(
            "SELECT catalogue, item_id, SUM(action LIKE 'note%') FROM event WHERE command = ? "
            "GROUP BY catalogue, item_id ORDER BY MIN(lamport)",
            (command,),
        ).fetchall()
        # Mirror ids before the undo: an item added by the command is gone after it.
        before = {
            key: number for number, key in conn.execute("SELECT number, key FROM personal_item")
        }
        recorder = Recorder(store, "undo", when())
        for owner in (catalogue, PERSONAL):
            recorder.record(
                [NewEvent(i, Action.UNDONE, target=command) for c, i, _ in touched if c == owner],
                catalogue=owner,
            )
        refresh(conn, catalogue)
        ids = [i if c != PERSONAL else -before.get(i, 0) for c, i, _ in touched]
        found = first_places(store, [i for i in ids if i])
    return Undone(
        command_name=name,
        at=at,
        items=[found[i] for i in ids if i in found],
        notes=sum(n for _, _, n in touched),
    )


def change_note(
    store: Store,
    item_id: int,
    *,
    text: str | None = None,
    edit: int | None = None,
    delete: int | None = None,
) -> NoteChanged:
    """Add a note to an item, or edit or delete its note number n (as `show` lists them).

    Each is an event; an edit keeps the note's place and date, a delete leaves the
    note in the log (and `undo` brings it back).
    """
    from dltrack.learner.personal import key_of
    from dltrack.learner.reports import NoteChanged

    if text is not None and not text.strip():
        raise UserError(tr("the note is empty"))
    if text is not None and note_too_long(text):
        raise UserError(tr("the note is {too_long}").format(too_long=tr(TOO_LONG)))
    with store.write() as conn:
        entry = require_items(store, [item_id])[item_id]
        notes = conn.execute(
            "SELECT id, event_id, text FROM note WHERE item_id = ? ORDER BY created_at, id",
            (item_id,),
        ).fetchall()
        number = edit if edit is not None else delete
        target = None
        if number is not None:
            if not 1 <= number <= len(notes):
                have = f"it has {len(notes)}" if notes else "it has none"
                raise UserError(
                    tr("item {item_id} has no note {number} ({have})").format(
                        item_id=shown_id(item_id), number=number, have=have
                    )
                )
            row_id, target, _old = notes[number - 1]
            if target is None:  # a note no event explains (never: the log made them all)
                raise UserError(
                    tr("note {number} of item {item_id} cannot be changed").format(
                        number=number, item_id=shown_id(item_id)
                    )
                )
        action = (
            Action.NOTE_DELETED
            if delete is not None
            else Action.NOTE_EDITED
            if edit is not None
            else Action.NOTE_ADDED
        )
        own = item_id < 0
        event = NewEvent(
            key_of(conn, item_id) if own else item_id,
            action,
            entry.url,
            entry.title,
            text.strip() if text is not None and delete is None else None,
            target,
        )
        moment = when()
        (recorded,) = Recorder(store, "note", moment).record(
            [event], catalogue=PERSONAL if own else None
        )
        if action == Action.NOTE_ADDED:
            conn.execute(
                "INSERT INTO note (item_id, text, created_at, event_id) VALUES (?, ?, ?, ?)",
                (item_id, recorded.text, recorded.at, recorded.id),
            )
            number = len(notes) + 1
        elif action == Action.NOTE_EDITED:
            conn.execute("UPDATE note SET text = ? WHERE id = ?", (recorded.text, row_id))
        else:
            conn.execute("DELETE FROM note WHERE id = ?", (row_id,))
    return NoteChanged(item=entry, action=str(action), number=number or 0, text=recorded.text)
