"""Marking items: done, being read, skipped, or back to unread."""

from __future__ import annotations

from typing import Final

from dltrack.errors import UserError
from dltrack.learner.items import require_items
from dltrack.learner.notes import TOO_LONG, note_too_long
from dltrack.learner.results import ItemInStage, Marked, StageSummary
from dltrack.learner.status import Status
from dltrack.learner.tracks import stage_summaries, track_by_slug
from dltrack.store.db import Store, utc_now

# How each status is entered; only items whose status changes are updated.
_ENTER: Final = {
    Status.DONE: "status = 'done', done_at = :now",
    Status.READING: "status = 'reading', started_at = COALESCE(started_at, :now), done_at = NULL",
    Status.SKIPPED: "status = 'skipped', done_at = NULL",
    Status.UNREAD: "status = 'unread', started_at = NULL, done_at = NULL",
}


def mark(store: Store, ids: list[int], status: Status, *, note: str | None = None) -> Marked:
    """Set items' status in one transaction.

    Every id is checked before anything is written, so one unknown id changes nothing;
    the answer (the stages' new progress) is read inside the same transaction, so a
    failure there undoes the marking too.
    """
    if note is not None and not note.strip():
        raise UserError("the note is empty")
    if note is not None and note_too_long(note):
        raise UserError(f"the note is {TOO_LONG}")
    now = utc_now()
    with store.write() as conn:
        entries = require_items(store, ids)
        marks = ",".join("?" * len(ids))
        before = dict(
            conn.execute(
                f"SELECT item_id, status FROM progress WHERE item_id IN ({marks})", ids
            ).fetchall()
        )
        changed = [entries[i] for i in ids if before.get(i, Status.UNREAD) != status]
        conn.executemany(
            "INSERT INTO progress (item_id, status, updated_at) VALUES (:id, 'unread', :now) "
            "ON CONFLICT(item_id) DO NOTHING",
            [{"id": e.id, "now": now} for e in changed],
        )
        conn.executemany(
            f"UPDATE progress SET {_ENTER[status]}, updated_at = :now WHERE item_id = :id",
            [{"id": e.id, "now": now} for e in changed],
        )
        if note is not None:
            conn.executemany(
                "INSERT INTO note (item_id, text, created_at) VALUES (?, ?, ?)",
                [(i, note.strip(), now) for i in ids],
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
