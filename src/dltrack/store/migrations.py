"""Schema versions as an ordered list of small upgrade steps, recorded in the database."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy.dialects import sqlite
from sqlalchemy.schema import CreateIndex, CreateTable

from dltrack.store import schema
from dltrack.store.db import SCHEMA_VERSION


def _create_table(conn: sqlite3.Connection, table_name: str) -> None:
    table = schema.metadata.tables[table_name]
    dialect = sqlite.dialect()
    conn.execute(str(CreateTable(table, if_not_exists=True).compile(dialect=dialect)))
    for index in table.indexes:
        conn.execute(str(CreateIndex(index, if_not_exists=True).compile(dialect=dialect)))


def _v2_notes_and_search(conn: sqlite3.Connection) -> None:
    # Version 1 kept one note per item in progress.note; notes now accumulate in their own table.
    _create_table(conn, "note")
    conn.execute("ALTER TABLE track ADD COLUMN item_count INTEGER NOT NULL DEFAULT 0")
    conn.execute("ALTER TABLE stage ADD COLUMN item_count INTEGER NOT NULL DEFAULT 0")
    conn.execute("DROP INDEX IF EXISTS ix_stage_track_slug")
    _create_table(conn, "stage")  # creates only its missing indexes
    conn.execute(
        "INSERT INTO note (item_id, text, created_at) "
        "SELECT item_id, note, updated_at FROM progress WHERE note IS NOT NULL AND note != ''"
    )
    conn.execute("ALTER TABLE progress DROP COLUMN note")
    conn.execute(schema.SEARCH_INDEX_DDL)
    # Make the next run fill the new search index by re-syncing the catalogue.
    conn.execute("DELETE FROM meta WHERE key IN ('seed_sha256', 'seed_stamp')")


def _v3_link_checks(conn: sqlite3.Connection) -> None:
    _create_table(conn, "link_check")


# (version, name, upgrade from the version before). Version 1 is the first schema
# ever released; a new file is created at the latest version directly.
STEPS: list[tuple[int, str, Callable[[sqlite3.Connection], None] | None]] = [
    (1, "initial schema", None),
    (2, "notes table and title search index", _v2_notes_and_search),
    (3, "link check history", _v3_link_checks),
]
assert STEPS[-1][0] == SCHEMA_VERSION, "db.SCHEMA_VERSION must name the last step"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def upgrade(conn: sqlite3.Connection) -> None:
    """Bring the database to the latest schema, in one transaction; a no-op when it is there."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Read the version inside the lock: another process may have upgraded meanwhile.
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == 0:
            for table in schema.metadata.sorted_tables:
                _create_table(conn, table.name)
            conn.execute(schema.SEARCH_INDEX_DDL)
            conn.executemany(
                "INSERT INTO migration (version, name, applied_at) VALUES (?, ?, ?)",
                [(v, name, _now()) for v, name, _ in STEPS],
            )
        elif version > SCHEMA_VERSION:
            from dltrack.errors import StoreError

            raise StoreError(
                f"the database was written by a newer dltrack (schema {version}, "
                f"this one knows {SCHEMA_VERSION}); upgrade dltrack"
            )
        else:
            for v, name, step in STEPS:
                if v > version and step is not None:
                    step(conn)
                    conn.execute(
                        "INSERT INTO migration (version, name, applied_at) VALUES (?, ?, ?)",
                        (v, name, _now()),
                    )
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
