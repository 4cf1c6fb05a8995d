"""Schema versions: an ordered list of upgrade steps, each written once as literal DDL.

A step is never derived from today's models (``store.schema``): a step that built
tables from the current classes would change meaning whenever a class changed, and
an upgraded database would then differ from a new one. So each step says exactly
what it did on the day it was written, and a new database runs the same steps from
version 0. The test suite checks that a new database, databases upgraded from older
versions and the SQLModel classes agree column by column and index by index.

A step, once released, is never edited; a change is a new step at the end.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Final

from dltrack.errors import StoreError
from dltrack.store.db import rollback, utc_now


def _v1_initial(conn: sqlite3.Connection) -> None:
    _run(
        conn,
        """
        CREATE TABLE meta (key VARCHAR NOT NULL, value VARCHAR NOT NULL, PRIMARY KEY (key));
        CREATE TABLE migration (version INTEGER NOT NULL, name VARCHAR NOT NULL,
            applied_at VARCHAR NOT NULL, PRIMARY KEY (version));
        CREATE TABLE track (slug VARCHAR NOT NULL, position INTEGER NOT NULL,
            title VARCHAR NOT NULL, title_en VARCHAR, source_document VARCHAR,
            source_author VARCHAR, source_published VARCHAR, source_url VARCHAR,
            PRIMARY KEY (slug));
        CREATE TABLE stage (id INTEGER NOT NULL, track_slug VARCHAR NOT NULL,
            slug VARCHAR NOT NULL, position INTEGER NOT NULL, title VARCHAR NOT NULL,
            title_en VARCHAR, PRIMARY KEY (id), UNIQUE (track_slug, slug));
        CREATE INDEX ix_stage_track_slug ON stage (track_slug);
        CREATE TABLE item (id INTEGER NOT NULL, title VARCHAR NOT NULL, url VARCHAR,
            kind VARCHAR, tags VARCHAR NOT NULL, active BOOLEAN NOT NULL, PRIMARY KEY (id));
        CREATE TABLE placement (stage_id INTEGER NOT NULL, position INTEGER NOT NULL,
            item_id INTEGER NOT NULL, PRIMARY KEY (stage_id, position));
        CREATE INDEX ix_placement_item ON placement (item_id);
        CREATE TABLE progress (item_id INTEGER NOT NULL, status VARCHAR NOT NULL,
            started_at VARCHAR, done_at VARCHAR, updated_at VARCHAR NOT NULL, note VARCHAR,
            PRIMARY KEY (item_id));
        CREATE INDEX ix_progress_done_at ON progress (done_at);
        """,
    )


def _v2_notes_and_search(conn: sqlite3.Connection) -> None:
    # Version 1 kept one note per item in progress.note; notes now accumulate in their own table.
    _run(
        conn,
        """
        CREATE TABLE note (id INTEGER NOT NULL, item_id INTEGER NOT NULL, text TEXT NOT NULL,
            created_at VARCHAR NOT NULL, PRIMARY KEY (id));
        CREATE INDEX ix_note_item_id ON note (item_id);
        ALTER TABLE track ADD COLUMN item_count INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE stage ADD COLUMN item_count INTEGER NOT NULL DEFAULT 0;
        DROP INDEX ix_stage_track_slug;
        CREATE INDEX ix_stage_order ON stage (track_slug, position);
        INSERT INTO note (item_id, text, created_at)
            SELECT item_id, note, updated_at FROM progress WHERE note IS NOT NULL AND note != '';
        ALTER TABLE progress DROP COLUMN note;
        CREATE VIRTUAL TABLE item_search USING fts5(title, tokenize='trigram');
        """,
    )
    _resync(conn)  # fills the new search index


def _v3_link_checks(conn: sqlite3.Connection) -> None:
    _run(
        conn,
        """
        CREATE TABLE link_check (id INTEGER NOT NULL, item_id INTEGER NOT NULL,
            url VARCHAR NOT NULL, verdict VARCHAR NOT NULL, http_status INTEGER,
            final_url VARCHAR, moved_to VARCHAR, reason VARCHAR NOT NULL,
            elapsed_ms INTEGER NOT NULL, checked_at VARCHAR NOT NULL, PRIMARY KEY (id));
        CREATE INDEX ix_link_check_item ON link_check (item_id, checked_at);
        CREATE INDEX ix_link_check_url ON link_check (url, checked_at);
        """,
    )


def _v4_one_catalogue_mirror(conn: sqlite3.Connection) -> None:
    # Until this version, a database upgraded from version 1 had item_count DEFAULT 0
    # and a new one had no default. Tracks, stages and placements only mirror the
    # catalogue file, so they are rebuilt with one definition and synced again.
    _run(
        conn,
        """
        DROP TABLE placement;
        DROP TABLE stage;
        DROP TABLE track;
        CREATE TABLE track (slug VARCHAR NOT NULL, position INTEGER NOT NULL,
            title VARCHAR NOT NULL, title_en VARCHAR, source_document VARCHAR,
            source_author VARCHAR, source_published VARCHAR, source_url VARCHAR,
            item_count INTEGER NOT NULL, PRIMARY KEY (slug));
        CREATE TABLE stage (id INTEGER NOT NULL, track_slug VARCHAR NOT NULL,
            slug VARCHAR NOT NULL, position INTEGER NOT NULL, title VARCHAR NOT NULL,
            title_en VARCHAR, item_count INTEGER NOT NULL, PRIMARY KEY (id),
            UNIQUE (track_slug, slug));
        CREATE INDEX ix_stage_order ON stage (track_slug, position);
        CREATE TABLE placement (stage_id INTEGER NOT NULL, position INTEGER NOT NULL,
            item_id INTEGER NOT NULL, PRIMARY KEY (stage_id, position));
        CREATE INDEX ix_placement_item ON placement (item_id);
        """,
    )
    _resync(conn)


def _run(conn: sqlite3.Connection, script: str) -> None:
    """Each statement of a script, inside the caller's transaction.

    (sqlite3's executescript would commit the upgrade's transaction first.)
    """
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def _resync(conn: sqlite3.Connection) -> None:
    """Make the next command sync the catalogue again, whatever its stamp says."""
    conn.execute("DELETE FROM meta WHERE key IN ('seed_sha256', 'seed_stamp')")


Step = Callable[[sqlite3.Connection], None]
# (version, name, the step from the version before). Append only.
STEPS: Final[tuple[tuple[int, str, Step], ...]] = (
    (1, "initial schema", _v1_initial),
    (2, "notes table and title search index", _v2_notes_and_search),
    (3, "link check history", _v3_link_checks),
    (4, "one definition of the catalogue mirror", _v4_one_catalogue_mirror),
)
SCHEMA_VERSION: Final = STEPS[-1][0]


def refuse_newer(version: int) -> None:
    """Refuse a database written by a newer dltrack, whose schema this one cannot know."""
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"the database was written by a newer dltrack (schema {version}, "
            f"this one knows {SCHEMA_VERSION}); upgrade dltrack"
        )


def upgrade(conn: sqlite3.Connection) -> None:
    """Bring the database to the latest schema, in one transaction; a no-op when it is there.

    A database written by a newer dltrack is refused before anything is changed (the
    caller checks first, without a lock; this checks again inside it).
    """
    refuse_newer(conn.execute("PRAGMA user_version").fetchone()[0])
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Read the version inside the lock: another process may have upgraded meanwhile.
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        refuse_newer(version)
        for number, name, step in STEPS:
            if number > version:
                step(conn)
                conn.execute(
                    "INSERT INTO migration (version, name, applied_at) VALUES (?, ?, ?)",
                    (number, name, utc_now()),
                )
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        rollback(conn)
        raise
