"""The study group's notes on an item, for `show`: read from what the last sync brought.

Standard library only, and no server: `show` works offline and loads no driver.
Only notes reach this machine that their writers shared (`--share-notes`: a member
who never said so sends none), and only for the group's catalogue (one's own items
are never sent). A note's later edits, its deletion and an undo of any of them are
folded in as in one's own record (learner.history.fold).
"""

from __future__ import annotations

from typing import Final

from dltrack.group import local
from dltrack.learner.history import Action, Change, fold
from dltrack.learner.results import GroupNote
from dltrack.store.db import Store

_NOTE_ACTIONS: Final = (Action.NOTE_ADDED, Action.NOTE_EDITED, Action.NOTE_DELETED)
# Member by member through the item index: a thousand lookups of one item's events,
# not a pass over half a million rows. Members who left or were removed are not
# shown, as on the board. After role, name and day: the columns of a Change.
_NOTES: Final = (
    "SELECT m.role, m.name, e.day, e.item_id, e.lamport, e.id, e.command, e.action, e.at, "
    "NULL, NULL, e.text, e.target FROM group_member m "
    "JOIN group_event e INDEXED BY ix_group_event_item ON e.member = m.role AND e.item_id = ? "
    f"WHERE m.active AND e.action IN ({', '.join('?' * len(_NOTE_ACTIONS))}) "
    "ORDER BY m.role, e.lamport, e.id"
)


def shared_notes(store: Store, item_id: int) -> tuple[GroupNote, ...]:
    """The other members' notes on one of the catalogue's items, oldest first."""
    group = store.meta("group_catalogue")
    if item_id <= 0 or group is None or group != store.meta("catalogue"):
        return ()  # an own item, no group, or the group follows another catalogue
    by_member: dict[str, list[Change]] = {}
    names: dict[str, str] = {}
    days: dict[str, str] = {}  # note event id -> the day it was written
    for role, name, day, *change in store.conn.execute(
        _NOTES, (item_id, *(str(a) for a in _NOTE_ACTIONS))
    ):
        event = Change._make(change)
        by_member.setdefault(role, []).append(event)
        names[role] = name or role
        days[event.id] = day
    found = []
    for role, events in by_member.items():
        undone = local.undone_commands_of(store.conn, role)
        for note_id, (text, created_at) in fold(events, undone).notes.items():
            found.append(GroupNote(names[role], role, text, days[note_id], created_at))
    found.sort(key=lambda n: (n.created_at, n.member))
    return tuple(found)
