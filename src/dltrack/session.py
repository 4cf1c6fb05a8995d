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
from dltrack.store.db import Store, connect, describe_db_error, set_meta
from dltrack.store.migrations import SCHEMA_VERSION, upgrade


def open_store(db_path: Path, seed_path: Path) -> Store:
    """The database for a catalogue file, created, upgraded and synced as needed."""
    store = connect(db_path)
    try:
        if store.version != SCHEMA_VERSION:
            # Checked again inside upgrade's lock; refused there, unchanged, when newer.
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


def sync_if_changed(store: Store, seed_path: Path) -> None:
    """Sync the catalogue into the database when the file differs from the last one synced."""
    try:
        stat = seed_path.stat()
    except FileNotFoundError:
        raise CatalogueError(f"catalogue file not found: {seed_path}") from None
    except OSError as error:
        raise CatalogueError(f"cannot read catalogue file {seed_path}: {error.strerror}") from None
    # A cheap stamp avoids hashing the file on every command; the hash decides.
    stamp = f"{seed_path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    if store.meta("seed_stamp") == stamp:
        return
    try:
        raw = seed_path.read_bytes()
    except OSError as error:
        raise CatalogueError(f"cannot read catalogue file {seed_path}: {error.strerror}") from None
    import hashlib  # only needed when the file looks changed (bench/README.md)

    digest = hashlib.sha256(raw).hexdigest()
    if store.meta("seed_sha256") != digest:
        from dltrack.catalogue.sync import load_and_sync  # pydantic: only for a changed file

        load_and_sync(store, seed_path, raw, digest, stamp)
        return
    with store.write() as conn:
        set_meta(conn, "seed_stamp", stamp)
