"""The database connection: settings, one write transaction per command, small facts.

The bottom layer: it imports nothing of dltrack but the errors, and only the
standard library, since every command opens it. Upgrading the schema
(``store.migrations``) and keeping the database in step with a catalogue file
(``dltrack.session``) are composed above it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from dltrack.errors import StoreError

BUSY_TIMEOUT_S = 15.0
# Trigram search (3.34) and ALTER TABLE ... DROP COLUMN (3.35), which upgrades use.
SQLITE_MINIMUM = (3, 35, 0)


def utc_now() -> str:
    """The current time as stored: ISO 8601 in UTC, to the second."""
    from datetime import UTC, datetime  # only writes need it (bench/README.md)

    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class Store:
    """An open database."""

    conn: sqlite3.Connection
    path: Path

    @property
    def version(self) -> int:
        """The schema version the file is at (0 for a new, empty file)."""
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

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


def named(
    conn: sqlite3.Connection, sql: str, args: Sequence[object] | Mapping[str, object] = ()
) -> sqlite3.Cursor:
    """The rows of a query addressable by column name (row["title"]), not by position.

    Results are built by keyword from these, so that reordering a SELECT cannot
    silently swap two fields.
    """
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row
    return cursor.execute(sql, args)


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


def check_sqlite_version(version: tuple[int, int, int] = sqlite3.sqlite_version_info) -> None:
    """Refuse an SQLite library too old for the schema's features."""
    if version < SQLITE_MINIMUM:
        have = ".".join(map(str, version))
        need = ".".join(map(str, SQLITE_MINIMUM))
        raise StoreError(
            f"SQLite {have} is too old: dltrack needs {need} or newer "
            "(trigram title search, DROP COLUMN); upgrade Python or its sqlite3"
        )


def connect(db_path: Path) -> Store:
    """Open (creating if need be) the database file; nothing is read or changed yet."""
    check_sqlite_version()
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
        conn.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.Error as error:
        if conn is not None:
            conn.close()
        raise StoreError(describe_db_error(error, db_path)) from None
    return Store(conn, db_path)
