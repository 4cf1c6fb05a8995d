"""Moving the record between machines: event files in a shared folder, and one-shot exports.

Merging is a union of events: each is stored once, by its id, whatever order the
files are read in and however often, so merging is idempotent, order-independent
and free of conflicts by construction. The state is then derived again from the
log (``history.rebuild``); two machines holding the same events show the same.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Final

from dltrack.errors import UserError
from dltrack.lang import tr
from dltrack.learner import eventfile
from dltrack.learner.eventfile import BadEventFile, Reading
from dltrack.learner.history import (
    PERSONAL,
    SELECT_EVENTS,
    Action,
    Event,
    catalogue_of,
    device_id,
    event_of,
    insert_events,
)
from dltrack.learner.personal import refresh
from dltrack.learner.reports import EventsRestored, FolderSynced, SyncedFile
from dltrack.store.db import Store, indexes_built_after, set_meta, utc_now

SUFFIX: Final = ".events"
_NOTE_CHANGES: Final = frozenset({Action.NOTE_EDITED, Action.NOTE_DELETED})
_BATCH: Final = 5_000
# Further ahead than any time zone: a clock this far ahead is wrong, and is said so.
_FUTURE: Final = timedelta(days=1)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # gone, or unreadable: opening it says why


def own_file_name(device: str) -> str:
    """The name of a device's own file in the sync folder."""
    return f"dltrack-{device}{SUFFIX}"


def _events_of(conn: sqlite3.Connection, where: str, args: tuple[object, ...]) -> Iterator[Event]:
    for row in conn.execute(f"{SELECT_EVENTS} WHERE {where} ORDER BY lamport, id", args):
        yield event_of(row)


def _batched(events: Iterable[Event]) -> Iterator[list[Event]]:
    batch: list[Event] = []
    for e in events:
        batch.append(e)
        if len(batch) == _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _merge_file(conn: sqlite3.Connection, reading: Reading) -> tuple[int, int]:
    """Store a file's events in a savepoint: all of a good file, nothing of a corrupt one.

    Returns (events read, events new here). Raises BadEventFile, having stored nothing.
    """
    conn.execute("SAVEPOINT event_file")
    try:
        new = sum(insert_events(conn, batch) for batch in _batched(reading.events))
    except BaseException:
        conn.execute("ROLLBACK TO event_file")
        conn.execute("RELEASE event_file")
        raise
    conn.execute("RELEASE event_file")
    return reading.read, new


# An event line is about 400 bytes; a file set that holds more events than the
# database has is a bulk load.
_BYTES_PER_EVENT: Final = 400


@contextmanager
def _bulk(conn: sqlite3.Connection, incoming_bytes: int) -> Iterator[None]:
    """For a merge bigger than the log it joins, build the event indexes afterwards.

    Sorting 100,000 rows into an index once is quicker than inserting them into it
    one by one (a tenth of a big sync, bench/record.py). Inside the caller's
    transaction: a failure puts the indexes back with everything else.
    """
    have = conn.execute("SELECT COUNT(*) FROM event").fetchone()[0]
    if incoming_bytes // _BYTES_PER_EVENT <= have:
        yield
        return
    with indexes_built_after(conn, "event"):
        yield


def _future_notice(conn: sqlite3.Connection) -> list[str]:
    """A sentence per device whose events are dated well after this machine's clock."""
    limit = (datetime.now(UTC) + _FUTURE).isoformat(timespec="seconds")
    return [
        f"{n} events of device {device} are dated up to {latest[:10]}, after this machine's "
        "clock; they are kept (their order comes from the log, not from clocks)"
        for device, n, latest in conn.execute(
            "SELECT device, COUNT(*), MAX(recorded_at) FROM event WHERE recorded_at > ? "
            "GROUP BY device ORDER BY device",
            (limit,),
        )
    ]


def sync_folder(store: Store, folder: Path) -> FolderSynced:
    """Read every device's event file in folder, then write this device's own.

    A file that cannot be used (not an event file, a newer format, a corrupt line) is
    left out whole and named; one cut short gives its complete events and is named.
    """
    if not folder.exists():
        raise UserError(
            tr("sync folder {folder} does not exist; create it, or name another").format(
                folder=folder
            )
        )
    if not folder.is_dir():
        raise UserError(tr("sync folder {folder} is not a folder").format(folder=folder))
    device = device_id(store)
    own = folder / own_file_name(device)
    files: list[SyncedFile] = []
    notices: list[str] = []
    refused = 0
    failure: UserError | None = None
    holders: dict[str, list[str]] = {}
    # A merge touches every index page: a bigger page cache than SQLite's 2 MB default
    # saves a fifth of a 100,000-event sync (bench/record.py). For this command only.
    store.conn.execute("PRAGMA cache_size = -65536")
    paths = sorted(folder.glob(f"*{SUFFIX}"))
    with store.write() as conn:
        with _bulk(conn, sum(_size(p) for p in paths)):
            for path in paths:
                try:
                    reading = eventfile.open_events(path)
                    read, new = _merge_file(conn, reading)
                except BadEventFile as bad:
                    notices.append(bad.message + "; left out")
                    refused += 1
                    continue
                header_device = reading.header.get("device")
                shown = header_device if isinstance(header_device, str) else "?"
                holders.setdefault(shown, []).append(path.name)
                files.append(SyncedFile(name=path.name, device=shown, events=read, new=new))
                if not reading.complete:
                    notices.append(
                        f"{path} ends early (a copy still in progress, or an interrupted one); "
                        f"its {read} complete events were read"
                    )
        for holder, names in holders.items():
            if len(names) > 1:
                notices.append(
                    f"{len(names)} files hold the events of device {holder}: {', '.join(names)} "
                    "(a copy made by the sync service?); each event was taken once"
                )
        notices += _future_notice(conn)
        catalogue = catalogue_of(store)
        if any(f.new for f in files):
            refresh(conn, catalogue)
        own_events = conn.execute("SELECT COUNT(*) FROM event WHERE device = ?", (device,))
        written = int(own_events.fetchone()[0])
        try:
            # Under the write lock: two syncs on this machine cannot interleave the file.
            header = {"device": device, "written_at": utc_now()}
            eventfile.write(own, header, _events_of(conn, "device = ?", (device,)))
        except UserError as error:
            failure = error
    new_total = sum(f.new for f in files)
    if failure is not None:
        raise UserError(
            tr(
                "{value}; the other devices' events were read ({new_total} new), "
                "this device's were not written"
            ).format(value=failure.message, new_total=new_total)
        )
    return FolderSynced(
        folder=str(folder),
        own_file=own.name,
        own_events=written,
        files=tuple(files),
        new_events=new_total,
        notices=tuple(notices),
        refused=refused,
    )


# -- one-shot export and restore of the same format


def export_events(store: Store) -> Iterator[str]:
    """The synced catalogue's whole record as an event file, in pieces."""
    conn = store.conn
    conn.execute("BEGIN")  # one snapshot for the whole file
    try:
        catalogue = catalogue_of(store)
        header = {
            "device": device_id(store),
            "catalogue": catalogue,
            "exported_at": utc_now(),
            "current_track": store.meta("current_track"),
        }
        # One's own items travel with the catalogue's record.
        ours = _events_of(conn, "catalogue IN (?, ?)", (catalogue, PERSONAL))
        yield from eventfile.lines(header, ours)
    finally:
        conn.execute("ROLLBACK")


def _mapped_id(event_id: str, catalogue: str) -> str:
    """The id of an event carried into another catalogue: the same on every run."""
    return hashlib.sha256(f"{event_id} {catalogue}".encode()).hexdigest()[:16]


def restore_events(store: Store, reading: Reading, *, into: bool = False) -> EventsRestored:
    """Merge an exported event file: its catalogue's, or with into, another's mapped by URL."""
    theirs = reading.header.get("catalogue")
    catalogue = catalogue_of(store)
    if not isinstance(theirs, str):
        raise UserError(
            tr("{value} does not say which catalogue it is of").format(value=reading.path)
        )
    if theirs != catalogue and not into:
        raise UserError(
            tr(
                "{value} is the record of catalogue {theirs!r}, not of {catalogue!r} that this "
                "database follows (restore --into maps its items by URL)"
            ).format(value=reading.path, theirs=theirs, catalogue=catalogue)
        )
    with store.write() as conn:
        known = {r[0] for r in conn.execute("SELECT id FROM item")}
        by_url: dict[str, int] = {}
        if theirs != catalogue:
            from dltrack.importer.urls import canonical  # only when mapping

            by_url = {
                canonical(url): item_id
                for item_id, url in conn.execute("SELECT id, url FROM item WHERE url IS NOT NULL")
            }
        # Their item id -> ours, learnt from the events that carry a URL.
        mapping: dict[int, int | None] = {}
        unknown: set[int] = set()
        kept: list[Event] = []
        read = new = 0
        try:
            for e in reading.events:
                read += 1
                if e.catalogue == PERSONAL:
                    pass  # one's own items go wherever one goes
                elif e.catalogue != theirs:
                    continue
                elif theirs != catalogue:
                    if mapping.get(e.item_id) is None:
                        mapping[e.item_id] = by_url.get(canonical(e.url)) if e.url else None
                    ours = mapping[e.item_id]
                    if ours is None:
                        continue
                    target = e.target
                    if target is not None and e.action in _NOTE_CHANGES:
                        target = _mapped_id(target, catalogue)  # the note's event, mapped too
                    e = e._replace(
                        id=_mapped_id(e.id, catalogue),
                        catalogue=catalogue,
                        item_id=ours,
                        target=target,
                    )
                elif e.item_id not in known:
                    unknown.add(e.item_id)
                    continue
                kept.append(e)
                if len(kept) == _BATCH:
                    new += insert_events(conn, kept)
                    kept = []
            new += insert_events(conn, kept)
        except BadEventFile as bad:
            raise UserError(bad.message) from None
        current = reading.header.get("current_track")
        if isinstance(current, str) and store.meta("current_track") is None:
            set_meta(conn, "current_track", current)
        refresh(conn, catalogue)
    mapped = sum(1 for v in mapping.values() if v is not None)
    return EventsRestored(
        file=str(reading.path),
        events=read,
        new=new,
        unknown=tuple(sorted(unknown)),
        mapped_items=mapped if theirs != catalogue else None,
        unmatched_items=len(mapping) - mapped if theirs != catalogue else None,
        complete=reading.complete,
    )
