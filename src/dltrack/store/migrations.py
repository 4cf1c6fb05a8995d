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
from dltrack.lang import tr
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


def _v5_history(conn: sqlite3.Connection) -> None:
    # The learner's record becomes an append-only log of events; progress and notes
    # become its materialised state. Each existing progress row and note is turned
    # into the events that explain it, with its dates. The catalogue they belong to
    # is not known here ('' until the next sync adopts them: the file this database
    # was last synced from is the one they were made with). personal_item numbers the
    # learner's own items (m1, m2, ...), which the log knows by a random key.
    _run(
        conn,
        """
        CREATE TABLE event (id VARCHAR NOT NULL, lamport INTEGER NOT NULL,
            device VARCHAR NOT NULL, command VARCHAR NOT NULL, command_name VARCHAR NOT NULL,
            catalogue VARCHAR NOT NULL, item_id INTEGER NOT NULL, action VARCHAR NOT NULL,
            at VARCHAR NOT NULL, day VARCHAR NOT NULL, recorded_at VARCHAR NOT NULL,
            url VARCHAR, title VARCHAR, text TEXT, target VARCHAR, PRIMARY KEY (id));
        CREATE INDEX ix_event_item ON event (catalogue, item_id, lamport);
        CREATE INDEX ix_event_lamport ON event (lamport);
        CREATE INDEX ix_event_target ON event (target) WHERE target IS NOT NULL;
        CREATE INDEX ix_event_day ON event (catalogue, day, item_id, command)
            WHERE action = 'done';
        CREATE TABLE personal_item (number INTEGER NOT NULL, key INTEGER NOT NULL,
            PRIMARY KEY (number), UNIQUE (key));
        ALTER TABLE note ADD COLUMN event_id VARCHAR;
        ALTER TABLE progress ADD COLUMN other_title VARCHAR;
        INSERT INTO meta (key, value) VALUES ('device', lower(hex(randomblob(6))));
        CREATE TEMP TABLE upgrade_event (item_id INTEGER NOT NULL, action VARCHAR NOT NULL,
            at VARCHAR NOT NULL, text TEXT, note_id INTEGER, rank INTEGER NOT NULL);
        INSERT INTO temp.upgrade_event (item_id, action, at, rank)
            SELECT item_id, 'started', COALESCE(started_at, updated_at), 0 FROM progress
            WHERE started_at IS NOT NULL OR status = 'reading';
        INSERT INTO temp.upgrade_event (item_id, action, at, rank)
            SELECT item_id, 'done', COALESCE(done_at, updated_at), 1 FROM progress
            WHERE status = 'done';
        INSERT INTO temp.upgrade_event (item_id, action, at, rank)
            SELECT item_id, 'skipped', updated_at, 1 FROM progress WHERE status = 'skipped';
        INSERT INTO temp.upgrade_event (item_id, action, at, text, note_id, rank)
            SELECT item_id, 'note_added', created_at, text, id, 2 FROM note;
        INSERT INTO event (id, lamport, device, command, command_name, catalogue, item_id,
                action, at, day, recorded_at, url, title, text)
            SELECT lower(hex(randomblob(8))),
                ROW_NUMBER() OVER (ORDER BY u.at, u.rank, u.item_id, u.note_id),
                (SELECT value FROM meta WHERE key = 'device'), 'upgrade', 'upgrade', '',
                u.item_id, u.action, u.at, date(u.at, 'localtime'), u.at, i.url, i.title, u.text
            FROM temp.upgrade_event u LEFT JOIN item i ON i.id = u.item_id;
        DROP TABLE temp.upgrade_event;
        """,
    )
    _resync(conn)  # the next sync names the catalogue and rebuilds the state from the log


def _v6_study_group(conn: sqlite3.Connection) -> None:
    # A study group's events as pulled from its server, apart from the learner's own
    # log (they are other people's record), and what they add up to per member.
    _run(
        conn,
        """
        CREATE TABLE group_event (member VARCHAR NOT NULL, id VARCHAR NOT NULL,
            lamport INTEGER NOT NULL, command VARCHAR NOT NULL, item_id INTEGER NOT NULL,
            action VARCHAR NOT NULL, at VARCHAR NOT NULL, day VARCHAR NOT NULL, text TEXT,
            target VARCHAR, PRIMARY KEY (member, id));
        CREATE INDEX ix_group_event_item ON group_event (member, item_id, lamport);
        CREATE INDEX ix_group_event_done ON group_event (member, day, command)
            WHERE action = 'done';
        CREATE INDEX ix_group_event_undone ON group_event (member, target)
            WHERE action = 'undone';
        CREATE TABLE group_member (role VARCHAR NOT NULL, name VARCHAR, active BOOLEAN NOT NULL,
            last_at VARCHAR, streak_end VARCHAR, streak_days INTEGER NOT NULL,
            PRIMARY KEY (role));
        CREATE TABLE group_progress (member VARCHAR NOT NULL, item_id INTEGER NOT NULL,
            status VARCHAR NOT NULL, PRIMARY KEY (member, item_id));
        CREATE INDEX ix_group_progress_done ON group_progress (item_id, member)
            WHERE status = 'done';
        """,
    )


def _v7_link_recovery(conn: sqlite3.Connection) -> None:
    # Link checks keep why no server answered (a local, passing failure is not the
    # link's fault), the page's own title, and an archived copy of the page. Items
    # keep the day this database first saw them in the catalogue (the archive is
    # asked for a copy from then) and the catalogue's own archive link. Items already
    # here get the day of their first check, else the day of this upgrade. host_limit
    # keeps the gentler limits learnt for a host that throttled the last run.
    _run(
        conn,
        """
        ALTER TABLE link_check ADD COLUMN failure VARCHAR;
        ALTER TABLE link_check ADD COLUMN page_title VARCHAR;
        ALTER TABLE link_check ADD COLUMN archive_url VARCHAR;
        ALTER TABLE link_check ADD COLUMN archived_at VARCHAR;
        ALTER TABLE item ADD COLUMN added_on VARCHAR;
        ALTER TABLE item ADD COLUMN archive VARCHAR;
        CREATE TABLE host_limit (host VARCHAR NOT NULL, per_host INTEGER NOT NULL,
            min_interval FLOAT NOT NULL, learned_at VARCHAR NOT NULL, reason VARCHAR NOT NULL,
            PRIMARY KEY (host));
        UPDATE item SET added_on = COALESCE(
            (SELECT substr(MIN(c.checked_at), 1, 10) FROM link_check c WHERE c.item_id = item.id),
            date('now'));
        """,
    )
    _resync(conn)  # fills item.archive from the catalogue


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
    (5, "an append-only history of the learner's record", _v5_history),
    (6, "a study group's events and members", _v6_study_group),
    (7, "failures, titles, archived copies and learned host limits", _v7_link_recovery),
)
SCHEMA_VERSION: Final = STEPS[-1][0]


def refuse_newer(version: int) -> None:
    """Refuse a database written by a newer dltrack, whose schema this one cannot know."""
    if version > SCHEMA_VERSION:
        raise StoreError(
            tr(
                "the database was written by a newer dltrack (schema {version}, "
                "this one knows {known}); upgrade dltrack"
            ).format(version=version, known=SCHEMA_VERSION)
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
