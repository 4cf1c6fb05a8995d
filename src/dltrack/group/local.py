"""The study group on this machine: its settings, what to push, and the others' pulled events.

Standard library only (no driver): `group board` reads just this, offline.

The settings live in the meta table: the DSN (never a password: see
``server.checked_dsn``), the role and shown name, whether notes are shared, and
two cursors. The push cursor is the rowid of the last own event sent: events are
appended and never deleted, so rowids only grow. The pull cursor is the server's
(transaction ids and a sequence number, see ``exchange``). Other members' events
go to group_event, never to the learner's own log, and their state is derived
with the log's own ``fold``. A pull stores its events batch by batch, and derives
afterwards: the members whose events are stored but not yet derived are listed
under group_stale, so that a pull cut short in between is finished by the next.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any, Final

from dltrack.errors import UserError
from dltrack.lang import tr
from dltrack.learner.history import EVENT_COLUMNS, Action, Change, fold
from dltrack.records import Record
from dltrack.store.db import Store, set_meta

_KEYS: Final = (
    "dsn", "role", "name", "catalogue", "share_notes", "pushed", "pulled", "owner",
    "pulled_seq", "pulled_horizon",
)  # fmt: skip
_STALE: Final = "group_stale"
_NOTE_ACTIONS: Final = (Action.NOTE_ADDED, Action.NOTE_EDITED, Action.NOTE_DELETED)
# The columns of an event sent to the group (the group is of one catalogue).
PUSHED_COLUMNS: Final = tuple(c for c in EVENT_COLUMNS if c != "catalogue")
# The columns of a pulled event, in group_event's order.
PULLED_COLUMNS: Final = (
    "member", "id", "lamport", "command", "item_id", "action", "at", "day", "text", "target",
)  # fmt: skip


class GroupSettings(Record):
    """This machine's membership of a study group."""

    dsn: str
    role: str
    name: str
    catalogue: str
    share_notes: bool
    pushed: int  # rowid of the last own event sent
    pulled: int  # the pull cursor's floor: every event of a transaction below it is here
    owner: bool
    # A pull under way (or cut short): also every event from `pulled` up to
    # transaction `pulled_horizon` whose sequence number is at most `pulled_seq`.
    pulled_seq: int = 0
    pulled_horizon: int = 0


def settings(store: Store) -> GroupSettings | None:
    """This database's group, or None when it has joined none."""
    found = dict(
        store.conn.execute(
            f"SELECT key, value FROM meta WHERE key IN ({','.join('?' * len(_KEYS))})",
            [f"group_{k}" for k in _KEYS],
        ).fetchall()
    )
    if "group_dsn" not in found:
        return None
    return GroupSettings(
        dsn=found["group_dsn"],
        role=found.get("group_role", ""),
        name=found.get("group_name", ""),
        catalogue=found.get("group_catalogue", ""),
        share_notes=found.get("group_share_notes") == "1",
        pushed=int(found.get("group_pushed", "0")),
        pulled=int(found.get("group_pulled", "0")),
        owner=found.get("group_owner") == "1",
        pulled_seq=int(found.get("group_pulled_seq", "0")),
        pulled_horizon=int(found.get("group_pulled_horizon", "0")),
    )


def joined_settings(store: Store) -> GroupSettings:
    """This machine's group, or a line saying how to join one."""
    found = settings(store)
    if found is None:
        raise UserError(
            tr("this machine is in no study group: join one with dltrack group join DSN --as NAME")
        )
    return found


def remember(conn: sqlite3.Connection, s: GroupSettings) -> None:
    """Store the settings (inside the caller's transaction)."""
    for key, value in s._asdict().items():
        shown = ("1" if value else "0") if isinstance(value, bool) else str(value)
        set_meta(conn, f"group_{key}", shown)


def set_cursor(conn: sqlite3.Connection, name: str, value: int) -> None:
    """Move the push cursor, or a part of the pull cursor."""
    set_meta(conn, f"group_{name}", str(value))


def set_pull_cursor(conn: sqlite3.Connection, floor: int, seq: int, horizon: int) -> None:
    """Move the pull cursor (in the transaction that stores what it covers)."""
    set_cursor(conn, "pulled", floor)
    set_cursor(conn, "pulled_seq", seq)
    set_cursor(conn, "pulled_horizon", horizon)


def stale_members(conn: sqlite3.Connection) -> set[str]:
    """The members with events stored here whose progress is not derived from them yet."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (_STALE,)).fetchone()
    return set(json.loads(row[0])) if row else set()


def mark_stale(conn: sqlite3.Connection, members: Iterable[str], stale: bool = True) -> None:
    """Add members to the stale list, or (stale=False) take them off it, once derived."""
    found = stale_members(conn)
    now = found | set(members) if stale else found - set(members)
    if now != found:
        set_meta(conn, _STALE, json.dumps(sorted(now), ensure_ascii=False))


def forget(conn: sqlite3.Connection) -> None:
    """Leave the group on this machine: its settings, cursors and the others' events go."""
    conn.execute("DELETE FROM meta WHERE key LIKE 'group\\_%' ESCAPE '\\'")
    for table in ("group_event", "group_member", "group_progress"):
        conn.execute(f"DELETE FROM {table}")


def to_push(
    conn: sqlite3.Connection, catalogue: str, after: int, share_notes: bool, limit: int
) -> tuple[list[tuple[Any, ...]], int]:
    """Up to limit own events of the group's catalogue after rowid `after`; the last rowid.

    Each event is a tuple of PUSHED_COLUMNS.

    One's own items (another catalogue) are never shared; notes only when asked.
    """
    sql = f"SELECT rowid, {', '.join(PUSHED_COLUMNS)} FROM event WHERE rowid > ? AND catalogue = ?"
    if not share_notes:
        sql += f" AND action NOT IN ({','.join('?' * len(_NOTE_ACTIONS))})"
    sql += " ORDER BY rowid LIMIT ?"
    args: list[object] = [after, catalogue]
    if not share_notes:
        args += [str(a) for a in _NOTE_ACTIONS]
    rows = conn.execute(sql, [*args, limit]).fetchall()
    last = rows[-1][0] if rows else after
    return [r[1:] for r in rows], last


def last_own_rowid(conn: sqlite3.Connection) -> int:
    """The rowid of the newest own event: a push cursor that has everything."""
    return int(conn.execute("SELECT COALESCE(MAX(rowid), 0) FROM event").fetchone()[0])


def roster(conn: sqlite3.Connection) -> set[tuple[str, str | None, bool]]:
    """The other members as the last sync stored them: (role, shown name, active)."""
    rows = conn.execute("SELECT role, name, active FROM group_member")
    return {(str(r[0]), r[1], bool(r[2])) for r in rows}


def store_members(
    conn: sqlite3.Connection, members: Iterable[tuple[str, str | None, bool]]
) -> None:
    """Replace the roster with the server's: (role, shown name, active)."""
    known = {r[0] for r in conn.execute("SELECT role FROM group_member")}
    seen = set()
    for role, name, active in members:
        seen.add(role)
        if role in known:
            conn.execute(
                "UPDATE group_member SET name = ?, active = ? WHERE role = ?", (name, active, role)
            )
        else:
            conn.execute(
                "INSERT INTO group_member (role, name, active, streak_days) VALUES (?, ?, ?, 0)",
                (role, name, active),
            )
    for role in known - seen:
        conn.execute("UPDATE group_member SET active = 0 WHERE role = ?", (role,))


def store_events(conn: sqlite3.Connection, rows: Sequence[Sequence[object]]) -> int:
    """Store pulled events (PULLED_COLUMNS order); those already here are left. How many new."""
    before = conn.total_changes
    conn.executemany(
        f"INSERT OR IGNORE INTO group_event ({', '.join(PULLED_COLUMNS)}) "
        f"VALUES ({', '.join('?' * len(PULLED_COLUMNS))})",
        rows,
    )
    return conn.total_changes - before


def undone_commands_of(conn: sqlite3.Connection, member: str) -> set[str]:
    """The commands a member took back with an undo."""
    return {
        r[0]
        for r in conn.execute(
            "SELECT target FROM group_event INDEXED BY ix_group_event_undone "
            "WHERE member = ? AND action = 'undone'",
            (member,),
        )
    }


def derive(conn: sqlite3.Connection, touched: dict[str, set[int] | None]) -> None:
    """Derive the state of the touched items (None: all) of each member, and their days."""
    for member, items in touched.items():
        undone = undone_commands_of(conn, member)
        if items is None:
            conn.execute("DELETE FROM group_progress WHERE member = ?", (member,))
            found = conn.execute(
                "SELECT item_id, lamport, id, command, action, at, NULL, NULL, text, target "
                "FROM group_event WHERE member = ? ORDER BY item_id, lamport, id",
                (member,),
            ).fetchall()
        else:
            found = []
            for item in sorted(items):
                conn.execute(
                    "DELETE FROM group_progress WHERE member = ? AND item_id = ?", (member, item)
                )
                found += conn.execute(
                    "SELECT item_id, lamport, id, command, action, at, NULL, NULL, text, target "
                    "FROM group_event WHERE member = ? AND item_id = ? ORDER BY lamport, id",
                    (member, item),
                ).fetchall()
        rows = []
        start = 0
        for end in range(1, len(found) + 1):
            if end == len(found) or found[end][0] != found[start][0]:
                state = fold([Change._make(r) for r in found[start:end]], undone)
                if state.updated_at is not None:
                    rows.append((member, found[start][0], str(state.status)))
                start = end
        conn.executemany(
            "INSERT INTO group_progress (member, item_id, status) VALUES (?, ?, ?)", rows
        )
        _derive_days(conn, member, undone)


def _derive_days(conn: sqlite3.Connection, member: str, undone: set[str]) -> None:
    days = sorted(
        {
            day
            for day, command in conn.execute(
                "SELECT day, command FROM group_event INDEXED BY ix_group_event_done "
                "WHERE member = ? AND action = 'done'",
                (member,),
            )
            if command not in undone
        },
        reverse=True,
    )
    streak_end, length = (days[0], 1) if days else (None, 0)
    if days:
        previous = date.fromisoformat(days[0])
        for day in days[1:]:
            this = date.fromisoformat(day)
            if previous - this != timedelta(days=1):
                break
            length, previous = length + 1, this
    last_at = conn.execute(
        "SELECT MAX(at) FROM group_event WHERE member = ?", (member,)
    ).fetchone()[0]
    conn.execute(
        "UPDATE group_member SET last_at = ?, streak_end = ?, streak_days = ? WHERE role = ?",
        (last_at, streak_end, length, member),
    )
    if conn.execute("SELECT changes()").fetchone()[0] == 0:  # events before the roster named them
        conn.execute(
            "INSERT INTO group_member (role, name, active, last_at, streak_end, streak_days) "
            "VALUES (?, NULL, 0, ?, ?, ?)",
            (member, last_at, streak_end, length),
        )


def streak_on(streak_end: str | None, length: int, today: date) -> int:
    """A member's streak today: their latest run, if it ends today or yesterday."""
    if streak_end is None:
        return 0
    return length if date.fromisoformat(streak_end) >= today - timedelta(days=1) else 0


def event_count(conn: sqlite3.Connection, member: str) -> int:
    """How many of a member's events are stored here."""
    sql = "SELECT COUNT(*) FROM group_event INDEXED BY ix_group_event_item WHERE member = ?"
    return int(conn.execute(sql, (member,)).fetchone()[0])
