"""`group sync`: send one's own events to the group, receive the others'.

Both ways are idempotent by event id, so an interrupted sync is simply run again:

- push: one transaction on the server (all of this sync's events land, or none);
  an event already there is left as it is. The push cursor moves only once the
  server has committed, so a sync cut short in between sends those events again,
  and the server keeps one copy.
- pull: events are read in sequence order from a REPEATABLE READ snapshot. Its
  xmin is the horizon: every transaction below it had finished when the snapshot
  was taken, so whatever it wrote is in the snapshot. The events are stored here a
  batch at a time, each batch in a short local transaction with the cursor that
  covers it: (floor, seq, horizon) says that every event of a transaction below
  the floor is here, and so is every event of a transaction below the horizon with
  a sequence number up to seq. A pull cut short resumes from there and takes the
  rest, and what it reads twice (transactions still open at the horizon) is stored
  once. A whole pull moves the floor to its horizon. Nothing is fetched from the
  server while a local transaction is open: `done` in another shell waits for one
  batch at most, not for the pull.
- the others' progress is derived from their stored events after the pull, a few
  members per local transaction; members not yet derived stay listed (see local),
  so a sync cut short during this is finished by the next.

A sync with nothing to send asks first, in one statement over the bare driver,
whether there is anything to receive (`_nothing_new`): when the group's schema,
one's membership and the roster are as this machine has them and no event is past
the pull cursor, it is done without loading SQLAlchemy, which alone takes longer
than an empty sync should. A connection that fails is said at once; anything
else (something to do, an unexpected answer, a refused statement) takes the full way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from dltrack.errors import UserError
from dltrack.group import local
from dltrack.group.auto import AUTO_KEY
from dltrack.group.results import GroupSynced
from dltrack.group.server import ask, connected, copy_rows, run, stream, where_of
from dltrack.group.serverschema import SCHEMA_VERSION, require_schema
from dltrack.lang import tr
from dltrack.learner.history import Action, catalogue_of
from dltrack.store.db import Store, set_meta

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

# Events per batch, both ways. A pull's batch is one local transaction: a member's
# events are spread over the whole pull, so each commit writes pages all over the
# table's indexes, whatever the batch's size. Measured on a first pull of 500,000
# events (bench/group.py's group): 5,000 a batch took 18-21 s in all, with each
# transaction under 0.15 s; 20,000 took 13-14 s, each under 0.45 s (one
# transaction, before batches: 9-10 s, holding the lock throughout).
_BATCH: Final = 20_000
# A member with more touched items than this is derived whole (one pass over their events).
_WHOLE: Final = 64
_COLUMNS: Final = ", ".join(local.PUSHED_COLUMNS)
# A temporary table, gone at commit: the events are copied in, then moved to the
# group's table in one statement (row-level security checks each one there).
_INCOMING: Final = (
    "CREATE TEMP TABLE incoming (id text, lamport bigint, device text, command text, "
    "command_name text, item_id bigint, action text, at text, day text, recorded_at text, "
    "url text, title text, text text, target text) ON COMMIT DROP"
)
_COPY: Final = f"COPY incoming ({_COLUMNS}) FROM STDIN"
_MOVE: Final = (
    f"INSERT INTO dltrack.event (member, {_COLUMNS}) SELECT current_user, {_COLUMNS} "
    "FROM incoming ON CONFLICT (member, id) DO NOTHING"
)
# Everything an empty sync must know, in one statement (one snapshot): the schema's
# version, whether one is still a member, whether any other member's event is past
# the pull cursor (the pull's own condition), and the roster as the full way stores it.
_QUIET: Final = (
    "SELECT (SELECT COALESCE(MAX(version), 0) FROM dltrack.schema_version), "
    "(SELECT removed_at IS NULL AND left_at IS NULL FROM dltrack.member "
    "WHERE role = current_user), "
    "(SELECT catalogue FROM dltrack.group_info) IS NOT NULL, "
    "EXISTS (SELECT 1 FROM dltrack.event WHERE xact >= %(floor)s "
    "AND (seq > %(seq)s OR xact >= %(horizon)s) AND member <> current_user), "
    "(SELECT json_agg(json_build_array(role, name, removed_at IS NULL AND left_at IS NULL "
    "AND joined_at IS NOT NULL)) FROM dltrack.member)"
)
_PULL: Final = (
    f"SELECT seq, {', '.join(local.PULLED_COLUMNS)} FROM dltrack.event "
    "WHERE xact >= :floor AND (seq > :seq OR xact >= :horizon) AND member <> current_user "
    "ORDER BY seq"
)


def _check_member(pg: Connection) -> None:
    row = run(
        pg,
        "SELECT removed_at IS NULL AND left_at IS NULL FROM dltrack.member "
        "WHERE role = current_user",
    ).first()
    if row is None or not row[0]:
        raise UserError(
            tr("your role is no longer a member of this group (its owner admits members again)")
        )


def _push(store: Store, pg: Connection, s: local.GroupSettings) -> tuple[int, int]:
    """Send every own event after the push cursor; (sent, new on the server)."""
    cursor, sent = s.pushed, 0
    rows, last = local.to_push(store.conn, s.catalogue, cursor, s.share_notes, _BATCH)
    if not rows:
        return 0, 0  # nothing to send: not even a transaction
    with pg.begin():
        run(pg, _INCOMING)
        while rows:
            copy_rows(pg, _COPY, rows)
            sent += len(rows)
            cursor = last
            rows, last = local.to_push(store.conn, s.catalogue, cursor, s.share_notes, _BATCH)
        new = int(run(pg, _MOVE).rowcount)
    # Committed there: cut short before this, the next sync sends them again (kept once).
    with store.write() as conn:
        local.set_cursor(conn, "pushed", cursor)
    return sent, new


def _touch(touched: dict[str, set[int] | None], rows: list[tuple[Any, ...]]) -> None:
    """Note the items whose state these events change (None: all of a member's)."""
    for r in rows:
        member, item, action = r[0], r[4], r[5]
        items = touched.get(member, set())
        if items is None:
            continue
        if action == Action.UNDONE or len(items) >= _WHOLE:
            touched[member] = None  # an undo reaches back to any item
        else:
            items.add(item)
            touched[member] = items


def _pull(store: Store, pg: Connection, s: local.GroupSettings) -> tuple[int, int, int]:
    """Receive the others' events after the pull cursor; (received, new here, active members)."""
    received = new = 0
    # As for a folder sync (learner.syncing): a merge touches every page of the table's
    # keys, and SQLite's 2 MB page cache would re-read them. For this command only.
    store.conn.execute("PRAGMA cache_size = -65536")
    # Members a pull cut short left underived: derived whole now.
    touched: dict[str, set[int] | None] = dict.fromkeys(local.stale_members(store.conn))
    weight: dict[str, int] = {}
    pg = pg.execution_options(isolation_level="REPEATABLE READ")
    with pg.begin():
        # The first statement takes the snapshot that everything below reads.
        snapshot = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint"
        horizon = int(run(pg, snapshot).scalar_one())
        members: list[tuple[str, str | None, bool]] = [
            (str(r[0]), r[1], bool(r[2]))
            for r in run(
                pg,
                "SELECT role, name, removed_at IS NULL AND left_at IS NULL "
                "AND joined_at IS NOT NULL FROM dltrack.member",
            )
        ]
        after = {"floor": s.pulled, "seq": s.pulled_seq, "horizon": s.pulled_horizon}
        for batch in stream(pg, _PULL, after, _BATCH):
            rows = [r[1:] for r in batch]
            received += len(rows)
            _touch(touched, rows)
            for r in rows:
                weight[r[0]] = weight.get(r[0], 0) + 1
            with store.write() as conn:
                new += local.store_events(conn, rows)
                local.mark_stale(conn, {r[0] for r in rows})
                local.set_pull_cursor(conn, s.pulled, batch[-1][0], horizon)
        with store.write() as conn:
            local.store_members(conn, [m for m in members if m[0] != s.role])
            local.set_pull_cursor(conn, horizon, 0, horizon)
    _derive(store, touched, weight)
    active = sum(1 for m in members if m[2])
    return received, new, active


def _derive(store: Store, touched: dict[str, set[int] | None], weight: dict[str, int]) -> None:
    """Derive the touched members' progress, about _BATCH events' worth per local transaction."""
    chunk: dict[str, set[int] | None] = {}
    size = 0
    for n, (member, items) in enumerate(touched.items(), start=1):
        chunk[member] = items
        if items is None:
            size += local.event_count(store.conn, member)
        else:
            size += weight.get(member, 1)
        if size >= _BATCH or n == len(touched):
            with store.write() as conn:
                local.derive(conn, chunk)
                local.mark_stale(conn, chunk, stale=False)
            chunk, size = {}, 0


def sync(store: Store, *, share_notes: bool = False, auto: bool | None = None) -> GroupSynced:
    """Push this learner's events of the group's catalogue and pull the other members'.

    auto (when given) turns the background sync after marking commands on or off.
    """
    s = local.joined_settings(store)
    if auto is not None:
        with store.write() as conn:
            set_meta(conn, AUTO_KEY, "1" if auto else "0")
    catalogue = catalogue_of(store)
    if catalogue != s.catalogue:
        said = tr(
            "the group follows catalogue {theirs!r}; this database now follows "
            "{catalogue!r} (use that catalogue's --seed to sync)"
        )
        raise UserError(said.format(theirs=s.catalogue, catalogue=catalogue))
    if share_notes and not s.share_notes:
        # Sharing notes from now on: send everything again, notes included (the
        # server keeps one copy of what it had).
        with store.write() as conn:
            local.remember(conn, s._replace(share_notes=True, pushed=0))
        s = s._replace(share_notes=True, pushed=0)
    quiet = _nothing_new(store, s)
    if quiet is not None:
        return GroupSynced(where_of(s.dsn), 0, 0, 0, 0, quiet, auto=store.meta(AUTO_KEY) == "1")
    with connected(s.dsn) as pg:
        with pg.begin():
            require_schema(pg)
            _check_member(pg)
        sent, sent_new = _push(store, pg, s)
        received, received_new, active = _pull(store, pg, s)
    return GroupSynced(
        where_of(s.dsn),
        sent,
        sent_new,
        received,
        received_new,
        active,
        auto=store.meta(AUTO_KEY) == "1",
    )


def _nothing_new(store: Store, s: local.GroupSettings) -> int | None:
    """The number of active members when this sync has nothing to send or receive.

    None whenever the full way has something to do or to say: events to send,
    members left underived, an answer that is not the expected one, or no answer.
    The pull cursor stays where it is: the next pull's condition is the same.
    """
    if local.stale_members(store.conn):
        return None
    if local.to_push(store.conn, s.catalogue, s.pushed, s.share_notes, 1)[0]:
        return None
    after = {"floor": s.pulled, "seq": s.pulled_seq, "horizon": s.pulled_horizon}
    row = ask(s.dsn, _QUIET, after)
    if row is None:
        return None
    version, member, finished, news, roster = row
    if version != SCHEMA_VERSION or member is not True or not finished or news:
        return None
    members = {(str(r[0]), r[1], bool(r[2])) for r in roster or ()}
    roles = {m[0] for m in members}
    here = local.roster(store.conn)
    # A role gone from the server is kept here as inactive (local.store_members).
    if {m for m in members if m[0] != s.role} != {m for m in here if m[0] in roles} or any(
        m[2] for m in here if m[0] not in roles
    ):
        return None  # someone joined, left or was renamed: the full way stores it
    return sum(1 for m in members if m[2])
