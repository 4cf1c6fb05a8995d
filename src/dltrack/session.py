"""One command's database: open it, upgrade it, and sync it with its catalogue file.

This is on every command's path. The store and the migrations are standard
library only; the catalogue's validation (pydantic) and sync are imported only
when the catalogue file has changed since the last sync.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dltrack.errors import CatalogueError, StoreError
from dltrack.files import CATALOGUE_LIMIT, FileProblem, file_kind, read_bytes
from dltrack.lang import tr
from dltrack.store.db import Store, connect, describe_db_error, is_read_only_error, set_meta
from dltrack.store.migrations import SCHEMA_VERSION, refuse_newer, upgrade


def open_store(db_path: Path, seed_path: Path) -> Store:
    """The database for a catalogue file, created, upgraded and synced as needed."""
    store = connect(db_path)
    try:
        version = store.version
        # Before any lock or change: a newer dltrack's file is left exactly as it was.
        refuse_newer(version)
        if version != SCHEMA_VERSION:
            upgrade(store.conn)
            # WAL lets readers run while a `done` writes; it is a property of the file,
            # set once, after the schema is known to be one this dltrack can use.
            store.conn.execute("PRAGMA journal_mode = WAL")
        sync_if_changed(store, seed_path)
        return store
    except sqlite3.Error as error:
        store.close()
        raise StoreError(describe_db_error(error, db_path)) from None
    except BaseException:
        store.close()
        raise


@contextmanager
def session(db_path: Path, seed_path: Path) -> Iterator[Store]:
    """An open store for one command; database errors inside become one StoreError."""
    store = open_store(db_path, seed_path)
    try:
        yield store
    except sqlite3.Error as error:
        raise StoreError(describe_db_error(error, db_path)) from None
    finally:
        store.close()


def catalogue_stamp(seed_path: Path) -> str:
    """What identifies one state of the catalogue file without reading it.

    Size and mtime alone miss an edit that keeps both (an editor restoring the
    mtime, a copy with `cp -p`); the inode changes when a file is replaced and the
    ctime on every write, and neither can be set back by hand.
    """
    try:
        info = seed_path.stat()
    # The sentences of dltrack.files, which reads the file afterwards.
    except FileNotFoundError:
        said = tr("{what} file not found: {path}")
        raise CatalogueError(said.format(what=tr("catalogue"), path=seed_path)) from None
    except OSError as error:
        said = tr("cannot read {what} file {path}: {why}")
        why = tr(error.strerror or str(error))
        raise CatalogueError(said.format(what=tr("catalogue"), path=seed_path, why=why)) from None
    if (kind := file_kind(info.st_mode)) is not None:
        # Refused on the stat: /dev/zero would be read until memory ran out.
        said = tr("{what} file {path} is {kind}, not a regular file")
        raise CatalogueError(said.format(what=tr("catalogue"), path=seed_path, kind=tr(kind)))
    return (
        f"{seed_path.resolve()}|{info.st_size}|{info.st_mtime_ns}"
        f"|{info.st_dev}:{info.st_ino}|{info.st_ctime_ns}"
    )


def sync_if_changed(store: Store, seed_path: Path) -> None:
    """Sync the catalogue into the database when the file differs from the last one synced.

    A read-only database still serves reads: a new stamp for an unchanged file is
    simply not recorded, and a changed catalogue is shown as it was last synced,
    with a notice (a command that writes fails as it would anyway).
    """
    # A cheap stamp avoids hashing the file on every command; the hash decides.
    stamp = catalogue_stamp(seed_path)
    if store.meta("seed_stamp") == stamp:
        return
    try:
        raw = read_bytes(seed_path, what="catalogue", limit=CATALOGUE_LIMIT)
    except FileProblem as problem:
        raise CatalogueError(problem.message) from None
    import hashlib  # only needed when the file looks changed (bench/README.md)

    # The path is part of it: an unnamed catalogue is known by where it is, so the
    # same bytes elsewhere are another catalogue (catalogue.sync.catalogue_identity).
    digest = hashlib.sha256(raw + b"\0" + str(seed_path.resolve()).encode()).hexdigest()
    synced = store.meta("seed_sha256")
    try:
        if synced != digest:
            from dltrack.catalogue.sync import load_and_sync  # pydantic: only for a changed file

            load_and_sync(store, seed_path, raw, digest, stamp)
            return
        with store.write() as conn:
            set_meta(conn, "seed_stamp", stamp)
    except sqlite3.Error as error:
        if not is_read_only_error(error, store.path) or synced is None:
            raise
        if synced != digest:
            said = tr(
                "database {path} is read-only: showing the catalogue as last synced, "
                "without the changes to {seed}"
            )
            store.notices.append(said.format(path=store.path, seed=seed_path))
        # Unchanged content: the stamp only spares the hashing next time.
