"""Opening the database: connection settings, upgrades, and keeping it in step with the catalogue.

This is on every command's path, so it imports only the standard library; the
heavy modules (sqlmodel for upgrades, pydantic for the catalogue) load only when
there is something to upgrade or sync.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from dltrack.errors import CatalogueError, StoreError

SCHEMA_VERSION = 3
BUSY_TIMEOUT_S = 15.0


def utc_now() -> str:
    """The current time as stored: ISO 8601 in UTC, to the second."""
    from datetime import UTC, datetime  # only writes need the time

    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class Store:
    """An open database, synced with its catalogue."""

    conn: sqlite3.Connection
    path: Path

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it lands or none of it does.

        BEGIN IMMEDIATE takes the write lock up front, so two commands from two
        shells queue on the busy timeout instead of failing half-way.
        """
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def meta(self, key: str) -> str | None:
        """A value from the meta table."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    """Set a value in the meta table (inside the caller's transaction)."""
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def describe_db_error(error: sqlite3.Error, path: Path) -> str:
    """A plain sentence for a sqlite3 error about the database file."""
    text = str(error)
    if "readonly" in text or "read-only" in text:
        return f"database {path} is read-only; dltrack needs to write to it"
    if "not a database" in text or "malformed" in text:
        return f"database {path} is not a usable SQLite file ({text})"
    if "locked" in text or "busy" in text:
        return f"database {path} stayed locked by another dltrack for {BUSY_TIMEOUT_S:.0f} s"
    if "unable to open" in text:
        return f"cannot open database {path}"
    return f"database {path}: {text}"


def open_store(db_path: Path, seed_path: Path) -> Store:
    """Open (creating, upgrading and syncing as needed) the database for a catalogue file."""
    if db_path.is_dir():
        raise StoreError(f"database path is a directory: {db_path}")
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(f"cannot create {db_path.parent}: {error.strerror}") from None
    conn: sqlite3.Connection | None = None
    try:
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, one transaction per command.
        conn = sqlite3.connect(db_path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute("PRAGMA synchronous = NORMAL")
        if version != SCHEMA_VERSION:
            # WAL lets readers run while a `done` writes; it is a property of the
            # file, set once when the file is created or upgraded.
            conn.execute("PRAGMA journal_mode = WAL")
            from dltrack.store.migrations import upgrade

            upgrade(conn)
        store = Store(conn, db_path)
        _sync_if_changed(store, seed_path)
        return store
    except sqlite3.Error as error:
        if conn is not None:
            conn.close()
        raise StoreError(describe_db_error(error, db_path)) from None
    except BaseException:
        if conn is not None:
            conn.close()
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


def _sync_if_changed(store: Store, seed_path: Path) -> None:
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
    import hashlib  # ~4 ms, and only needed when the file looks changed

    digest = hashlib.sha256(raw).hexdigest()
    if store.meta("seed_sha256") != digest:
        from dltrack.store.sync import load_and_sync

        load_and_sync(store, seed_path, raw, digest, stamp)
        return
    with store.write() as conn:
        set_meta(conn, "seed_stamp", stamp)
