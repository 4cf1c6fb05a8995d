"""The learner's record as an append-only log: recording events, and the state they add up to.

Every change (started, done, skipped, reset, a note added, edited or deleted, an
undo) is one row of the event table, never updated or deleted. The progress and
note tables are the log's materialised state: marking commands update them as they
record, and `rebuild` derives them again from the events whenever that is simpler
than updating (an undo, a sync, a catalogue whose items changed). Both go through
`fold`, so the two can never disagree about what a sequence of events means.

Standard library only: `done` records through here on every run.
"""

import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from enum import StrEnum
from typing import Final

from dltrack.errors import UserError
from dltrack.lang import tr
from dltrack.learner.days import When, local_day
from dltrack.learner.status import Status
from dltrack.records import Record
from dltrack.store.db import Store, set_meta


class Action(StrEnum):
    """What an event did; stored, exported and synced, so the values never change."""

    STARTED = "started"
    DONE = "done"
    SKIPPED = "skipped"
    RESET = "reset"  # back to unread
    NOTE_ADDED = "note_added"
    NOTE_EDITED = "note_edited"
    NOTE_DELETED = "note_deleted"
    UNDONE = "undone"  # takes back every event of the command named by target
    ITEM_ADDED = "item_added"  # a learner's own item: url, title, target "track/stage"


# The action that puts an item in each status.
ENTERS: Final = {
    Status.READING: Action.STARTED,
    Status.DONE: Action.DONE,
    Status.SKIPPED: Action.SKIPPED,
    Status.UNREAD: Action.RESET,
}
# Commands whose events `undo` does not take back: the upgrade that turned an older
# database's rows into events is not something the learner did by mistake.
NOT_UNDOABLE: Final = frozenset({"upgrade"})
# The catalogue name of the learner's own items, in the log and in sync files.
PERSONAL: Final = "personal"
# SQL: the mirror id of event e's item (the learner's own items are -number there).
EVENT_ITEM: Final = (
    "(CASE WHEN e.catalogue = 'personal' THEN "
    "-(SELECT pi.number FROM personal_item pi WHERE pi.key = e.item_id) ELSE e.item_id END)"
)
# SQL: event e was not taken back by an undo (of the command that made it). The
# undone commands are few: SQLite makes this list once per query (from the partial
# target index), where a NOT EXISTS would look it up again for every event.
NOT_UNDONE: Final = (
    "e.command NOT IN (SELECT target FROM event WHERE target IS NOT NULL AND action = 'undone')"
)
# An unnamed catalogue file is known by where it is (see catalogue_identity).
UNNAMED_PREFIX: Final = "file:"


class NewEvent(Record):
    """An event about to be recorded (the recorder adds ids, clock, device and command)."""

    item_id: int
    action: Action
    url: str | None = None
    title: str | None = None
    text: str | None = None
    target: str | None = None
    at: str | None = None  # when it took effect, if not the command's moment (a restore)


class Event(Record):
    """One recorded event, as stored."""

    id: str
    lamport: int
    device: str
    command: str
    command_name: str
    catalogue: str
    item_id: int
    action: Action
    at: str
    day: str
    recorded_at: str
    url: str | None
    title: str | None
    text: str | None
    target: str | None


EVENT_COLUMNS: Final = Event._fields
# Positional on purpose, unlike the rest of dltrack: the column list is the Event's
# own field list, so the two cannot disagree, and a merge of 100,000 events spends
# a third less than with names (bench/record.py).
_INSERT: Final = (
    f"INSERT OR IGNORE INTO event ({', '.join(EVENT_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in EVENT_COLUMNS)})"
)
SELECT_EVENTS: Final = f"SELECT {', '.join(EVENT_COLUMNS)} FROM event"


class Change(Record):
    """What deriving an item's state needs of an event: a third less to read than Event."""

    item_id: int
    lamport: int
    id: str
    command: str
    action: str  # an Action value
    at: str
    url: str | None
    title: str | None
    text: str | None
    target: str | None


_SELECT_CHANGES: Final = f"SELECT {', '.join(Change._fields)} FROM event"


def event_of(row: Sequence[object]) -> Event:
    """An Event from a row of SELECT_EVENTS (its columns are the Event's fields, in order)."""
    return Event._make(row)


# -- recording


def _random_hex(n: int) -> str:
    # os.urandom, not secrets: secrets pulls in random and hashlib, on every `done`.
    return os.urandom(n).hex()


def device_id(store: Store) -> str:
    """This database's device id (made by the schema upgrade that introduced the log)."""
    found = store.meta("device")
    if found is None:  # a database whose meta row was removed by hand
        found = _random_hex(6)
        set_meta(store.conn, "device", found)
    return found


def catalogue_of(store: Store) -> str:
    """The identity of the catalogue this database is synced with."""
    found = store.meta("catalogue")
    if found is None:  # sync names it before any command runs
        raise UserError(tr("the database has not been synced with a catalogue yet"))
    return found


def next_lamport(conn: sqlite3.Connection) -> int:
    """One more than every event this database has seen."""
    return int(conn.execute("SELECT COALESCE(MAX(lamport), 0) FROM event").fetchone()[0]) + 1


class Recorder:
    """Records the events of one command, inside the caller's write transaction."""

    # A plain class, not a dataclass: `done` builds this module on every run.
    def __init__(self, store: Store, command_name: str, moment: When) -> None:
        self.store = store
        self.command_name = command_name
        self.moment = moment
        self.command = _random_hex(8)  # what undo takes back

    def record(self, events: Sequence[NewEvent], *, catalogue: str | None = None) -> list[Event]:
        """Append events, in order; they get consecutive clock values."""
        conn = self.store.conn
        first = next_lamport(conn)
        device = device_id(self.store)
        owner = catalogue or catalogue_of(self.store)
        recorded = [
            Event(
                id=_random_hex(8),
                lamport=first + n,
                device=device,
                command=self.command,
                command_name=self.command_name,
                catalogue=owner,
                item_id=e.item_id,
                action=e.action,
                at=e.at or self.moment.at,
                day=local_day(e.at) if e.at else self.moment.day,
                recorded_at=self.moment.recorded_at,
                url=e.url,
                title=e.title,
                text=e.text,
                target=e.target,
            )
            for n, e in enumerate(events)
        ]
        insert_events(conn, recorded)
        return recorded


def insert_events(conn: sqlite3.Connection, events: Iterable[Event]) -> int:
    """Store events; one already stored (the same id) is left as it is. How many were new."""
    before = conn.total_changes
    conn.executemany(_INSERT, events)
    return conn.total_changes - before


# -- the state the events add up to


class ItemState(Record):
    """What the events of one item add up to."""

    status: Status
    started_at: str | None
    done_at: str | None
    updated_at: str | None
    notes: dict[str, tuple[str, str]]  # note event id -> (text, created_at), in order


def fold(events: Iterable[Event | Change], undone: AbstractSet[str]) -> ItemState:
    """The state of an item after its events, in clock order; undone commands left out."""
    status, started, done, updated = Status.UNREAD, None, None, None
    notes: dict[str, tuple[str, str]] = {}
    for e in events:
        if e.command in undone:
            continue
        action = e.action
        if action == Action.STARTED:
            status, started, done = Status.READING, started or e.at, None
        elif action == Action.DONE:
            status, done = Status.DONE, e.at
        elif action == Action.SKIPPED:
            status, done = Status.SKIPPED, None
        elif action == Action.RESET:
            status, started, done = Status.UNREAD, None, None
        elif action == Action.NOTE_ADDED:
            notes[e.id] = (e.text or "", e.at)
            continue
        elif action == Action.NOTE_EDITED:
            if e.target in notes:
                notes[e.target] = (e.text or "", notes[e.target][1])
            continue
        elif action == Action.NOTE_DELETED:
            notes.pop(e.target or "", None)
            continue
        else:
            continue
        updated = e.at
    return ItemState(status, started, done, updated, notes)


def undone_commands(conn: sqlite3.Connection, catalogue: str) -> set[str]:
    """The commands taken back by an undo, in one catalogue's events."""
    return {
        r[0]
        for r in conn.execute(
            # target IS NOT NULL: only the few events that point at another are indexed.
            # Named: without statistics SQLite would rather walk the catalogue's events.
            "SELECT DISTINCT target FROM event INDEXED BY ix_event_target "
            "WHERE target IS NOT NULL AND action = 'undone' AND catalogue = ?",
            (catalogue,),
        )
    }


def _events_by_item(
    conn: sqlite3.Connection, catalogue: str, item_ids: Sequence[int] | None
) -> Iterator[tuple[int, list[Change]]]:
    """Each item's events in clock order, item by item (the item index gives that order)."""
    sql = f"{_SELECT_CHANGES} WHERE catalogue = ?"
    args: list[object] = [catalogue]
    if item_ids is not None:
        sql += f" AND item_id IN ({','.join('?' * len(item_ids))})"
        args += item_ids
    sql += " ORDER BY item_id, lamport, id"
    current: int | None = None
    batch: list[Change] = []
    make = Change._make
    for row in conn.execute(sql, args):
        event = make(row)
        if event.item_id != current:
            if batch:
                yield current, batch  # type: ignore[misc]
            current, batch = event.item_id, []
        batch.append(event)
    if batch:
        yield current, batch  # type: ignore[misc]


def same_article(event: Event | Change, url: str | None, title: str) -> bool:
    """True when an event was about the article an id names today, (url, title).

    The same article: the same canonical URL, or the same title (a fixed link keeps
    its title, a corrected title keeps its link). Only when both differ did the id
    change meaning.
    """
    if event.url is None and event.title is None:
        return True  # nothing was remembered: take it as the same
    if event.url == url or event.title == title:
        return True  # most events: the item as it is today, to the letter
    # Only now: the importer package costs 25 ms to load, and `done` never needs it.
    from dltrack.importer.urls import canonical
    from dltrack.text import same_title

    if event.url and url and canonical(event.url) == canonical(url):
        return True
    return event.title is not None and same_title(event.title) == same_title(title)


def rebuild(
    conn: sqlite3.Connection,
    catalogue: str,
    item_ids: Sequence[int] | None = None,
    *,
    mirror: dict[int, int] | None = None,
) -> int:
    """Derive the progress and notes of items (default: all) from one catalogue's events.

    item_ids are the events' item ids; mirror maps them to the ids the items have in
    the mirror tables (the learner's own items: their key to minus their number),
    None when they are the same. Returns how many items have a record under an id
    that now means another article.
    """
    undone = undone_commands(conn, catalogue)
    to_mirror = (lambda i: i) if mirror is None else (lambda i: mirror.get(i))
    wanted = None if item_ids is None else {to_mirror(i) for i in item_ids}
    items = {
        r[0]: (r[1], r[2])
        for r in conn.execute("SELECT id, url, title FROM item")
        if wanted is None or r[0] in wanted
    }
    if wanted is None:
        # The learner's own items have negative ids in the mirror, the catalogue's positive.
        side = "item_id < 0" if catalogue == PERSONAL else "item_id > 0"
        conn.execute(f"DELETE FROM progress WHERE {side}")
        conn.execute(f"DELETE FROM note WHERE {side}")
    else:
        for chunk in _chunks([i for i in wanted if i is not None]):
            marks = ",".join("?" * len(chunk))
            conn.execute(f"DELETE FROM progress WHERE item_id IN ({marks})", chunk)
            conn.execute(f"DELETE FROM note WHERE item_id IN ({marks})", chunk)
    progress_rows: list[tuple[object, ...]] = []
    note_rows: list[tuple[int, str, str, str]] = []
    others = 0
    for key, events in _events_by_item(conn, catalogue, item_ids):
        item_id = to_mirror(key)
        known = None if item_id is None else items.get(item_id)
        if item_id is None or known is None:
            continue  # an id the synced catalogue never had: kept in the log only
        url, title = known
        # One pass: what is still in force, split into this article's and another's.
        # An item's events mostly carry one (url, title): each pair is judged once.
        judged: dict[tuple[str | None, str | None], bool] = {}
        mine = []
        foreign: Change | None = None  # the latest event about another article
        for e in events:
            if e.command in undone:
                continue
            pair = (e.url, e.title)
            same = judged.get(pair)
            if same is None:
                same = judged[pair] = same_article(e, url, title)
            if same:
                mine.append(e)
            elif e.action != Action.UNDONE:
                foreign = e
        state = fold(mine, _NONE)
        other_title = (foreign.title or "?") if foreign else None
        others += other_title is not None
        if state.updated_at is not None or foreign:
            updated = state.updated_at or foreign.at  # type: ignore[union-attr]
            progress_rows.append(
                (item_id, state.status, state.started_at, state.done_at, updated, other_title)
            )
        note_rows += [
            (item_id, text, created, event_id) for event_id, (text, created) in state.notes.items()
        ]
        if len(progress_rows) + len(note_rows) >= _BATCH:
            _write_state(conn, progress_rows, note_rows)
    _write_state(conn, progress_rows, note_rows)
    return others


_BATCH: Final = 5_000


def _write_state(
    conn: sqlite3.Connection,
    progress_rows: list[tuple[object, ...]],
    note_rows: list[tuple[int, str, str, str]],
) -> None:
    conn.executemany(
        "INSERT INTO progress (item_id, status, started_at, done_at, updated_at, other_title) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        progress_rows,
    )
    conn.executemany(
        "INSERT INTO note (item_id, text, created_at, event_id) VALUES (?, ?, ?, ?)", note_rows
    )
    progress_rows.clear()
    note_rows.clear()


_NONE: Final[frozenset[str]] = frozenset()  # nothing left for fold to skip


def _chunks(values: list[int], size: int = 900) -> Iterator[list[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
