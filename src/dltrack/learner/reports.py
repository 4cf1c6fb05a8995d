"""What the record's commands return: progress, the log, undo, notes, own items, moves.

Apart from ``learner.results`` so that `next`, `done` and `list` do not build these
types at start-up; the renderer's ``render.record`` imports them when it is needed.
"""

from __future__ import annotations

from dltrack.learner.results import Counts, ItemInStage, StageSummary, TrackRef
from dltrack.records import Record


class Forecast(Record):
    """When a track will be finished at the pace of the last 30 days."""

    pace_per_day: float  # items finished per day, over the last 30 days
    finish_on: str | None  # a local date; None when finished or without a pace


class TrackProgress(Record):
    """One track's progress with its stages'."""

    track: TrackRef
    counts: Counts
    stages: list[StageSummary]
    forecast: Forecast | None = None


class ProgressReport(Record):
    """The whole picture: tables per track and stage, recent activity and the streaks."""

    tracks: list[TrackProgress]
    done_last_7_days: int
    done_last_30_days: int
    streak_days: int
    longest_streak_days: int = 0
    today: str = ""  # the learner's local date
    days: tuple[tuple[str, int], ...] = ()  # (local day, items finished), the calendar's span
    other_articles: tuple[int, ...] = ()  # ids whose record is about another article


class RestoreResult(Record):
    """What a restore merged in."""

    added: int
    updated: int
    unchanged: int
    notes_added: int
    unknown: tuple[int, ...] = ()  # ids this catalogue does not have: not restored
    other_articles: tuple[int, ...] = ()  # ids whose exported title is another article's


class Undone(Record):
    """What `undo` took back: one earlier command, and the items it had changed, as they are now."""

    command_name: str  # done, start, skip, reset, restore, ...
    at: str  # when that command was run (UTC)
    items: list[ItemInStage]
    notes: int  # notes it had added or changed


class LogEntry(Record):
    """One event of the learner's record, as `log` shows it."""

    id: str
    at: str  # UTC
    day: str  # the learner's local date it counts for
    action: str  # a dltrack.learner.history.Action value
    item_id: int
    title: str | None  # the item's title today (or when the event was made)
    command_name: str
    device: str
    text: str | None  # a note's text
    undone: bool  # taken back by a later undo


class Log(Record):
    """What the learner did, newest first."""

    since: str | None  # the first local day shown, if limited
    track: TrackRef | None
    entries: list[LogEntry]
    more: int  # older entries left out by the limit


class EventsRestored(Record):
    """What restoring an event file merged in."""

    file: str
    events: int  # read from the file
    new: int  # not here before (the rest were already here)
    unknown: tuple[int, ...]  # item ids this catalogue does not have: left out
    mapped_items: int | None  # restore --into: their items found here by URL
    unmatched_items: int | None  # restore --into: their items with no match here
    complete: bool  # the file's end line was there


class SyncedFile(Record):
    """One device's file read from the sync folder."""

    name: str
    device: str
    events: int
    new: int


class FolderSynced(Record):
    """What `sync DIR` read and wrote."""

    folder: str
    own_file: str
    own_events: int
    files: tuple[SyncedFile, ...]
    new_events: int
    notices: tuple[str, ...]  # files left out or cut short, copies, clocks ahead
    refused: int  # files left out whole


class NoteChanged(Record):
    """A note added, edited or deleted."""

    item: ItemInStage
    action: str  # note_added, note_edited or note_deleted
    number: int  # the note's number on the item, as `show` lists them
    text: str | None  # the note's new text (None once deleted)


class Added(Record):
    """An item the learner added, or the catalogue item that already is that article."""

    item_id: int  # mirror id: minus the number for an own item
    title: str
    url: str
    track_slug: str
    stage_slug: str
    already: bool  # the article was there already (this id); nothing was added
    title_from: str  # "given", "page", or "url" (the page could not be read)
    note: str | None = None  # why the page's title could not be had
