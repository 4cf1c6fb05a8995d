"""Mirror a catalogue file into the database without touching the learner's progress."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from dltrack.catalogue.fileio import parse_catalogue_bytes
from dltrack.catalogue.model import Catalogue
from dltrack.learner.history import UNNAMED_PREFIX
from dltrack.learner.personal import refresh
from dltrack.store.db import Store, set_meta
from dltrack.text import normalise


@dataclass(frozen=True)
class SyncReport:
    """What a sync changed in the listings."""

    added: int
    removed: int
    kept: int
    other_articles: int = 0  # ids whose record was made about another article


def catalogue_identity(catalogue: Catalogue, path: Path) -> str:
    """Who a catalogue is: its name, or for a file without one, where the file is.

    The path keeps an unnamed file from sharing progress with any other file (the
    packaged catalogue included); moving it elsewhere starts a new record, which is
    why `dltrack lint` asks for a name.
    """
    return catalogue.name or UNNAMED_PREFIX + str(path.resolve())


def load_and_sync(store: Store, seed_path: Path, raw: bytes, digest: str, stamp: str) -> SyncReport:
    """Validate the catalogue bytes, then sync them in one transaction."""
    catalogue = parse_catalogue_bytes(raw, seed_path)
    with store.write() as conn:
        # Re-check inside the lock: a parallel command may have synced this file already.
        if store.meta("seed_sha256") == digest:
            set_meta(conn, "seed_stamp", stamp)
            return SyncReport(added=0, removed=0, kept=0)
        report = sync_catalogue(conn, catalogue, catalogue_identity(catalogue, seed_path))
        set_meta(conn, "seed_sha256", digest)
        set_meta(conn, "seed_stamp", stamp)
        return report


def sync_catalogue(conn: sqlite3.Connection, catalogue: Catalogue, identity: str) -> SyncReport:
    """Make tracks, stages, items and placements match the catalogue, then derive its progress.

    Items that left the catalogue are kept (inactive) so that their progress and
    notes come back with them if they return. Another catalogue's items are dropped
    from the mirror (their record stays in the log, under that catalogue's name).
    """
    previous = conn.execute("SELECT value FROM meta WHERE key = 'catalogue'").fetchone()
    if previous is None:
        # The first sync after the upgrade to the log: the events it made from the
        # old rows belong to the catalogue this database was being used with.
        conn.execute("UPDATE event SET catalogue = ? WHERE catalogue = ''", (identity,))
    elif previous[0] != identity:
        conn.execute("DELETE FROM item")
    set_meta(conn, "catalogue", identity)
    items = catalogue.items()
    before = dict(conn.execute("SELECT id, active FROM item").fetchall())
    conn.executemany(
        # added_on is set once: the day this database first saw the item.
        "INSERT INTO item (id, title, url, kind, tags, active, archive, added_on) "
        "VALUES (?, ?, ?, ?, ?, 1, ?, date('now')) "
        "ON CONFLICT(id) DO UPDATE SET title = excluded.title, url = excluded.url, "
        "kind = excluded.kind, tags = excluded.tags, active = 1, archive = excluded.archive",
        [
            (i.id, i.title, i.url, i.kind, json.dumps(i.tags, ensure_ascii=False), i.archive)
            for i in items.values()
        ],
    )
    gone = [(item_id,) for item_id, active in before.items() if active and item_id not in items]
    conn.executemany("UPDATE item SET active = 0 WHERE id = ?", gone)

    # Tracks, stages and placements are pure reflections of the file: rebuild them.
    conn.execute("DELETE FROM placement")
    conn.execute("DELETE FROM stage")
    conn.execute("DELETE FROM track")
    for t_pos, track in enumerate(catalogue.tracks):
        source = track.source
        conn.execute(
            "INSERT INTO track (slug, position, title, title_en, source_document, source_author, "
            "source_published, source_url, item_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                track.slug,
                t_pos,
                track.title,
                track.title_en,
                source.document if source else None,
                source.author if source else None,
                source.published.isoformat() if source and source.published else None,
                source.url if source else None,
                len({i.id for stage in track.stages for i in stage.items}),
            ),
        )
        for s_pos, stage in enumerate(track.stages):
            cursor = conn.execute(
                "INSERT INTO stage (track_slug, slug, position, title, title_en, item_count) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    track.slug,
                    stage.slug,
                    s_pos,
                    stage.title,
                    stage.title_en,
                    len({i.id for i in stage.items}),
                ),
            )
            conn.executemany(
                "INSERT INTO placement (stage_id, position, item_id) VALUES (?, ?, ?)",
                [(cursor.lastrowid, i_pos, item.id) for i_pos, item in enumerate(stage.items)],
            )

    conn.execute("DELETE FROM item_search")
    conn.executemany(
        "INSERT INTO item_search (rowid, title) VALUES (?, ?)",
        [(i.id, normalise(i.title)) for i in items.values()],
    )
    set_meta(conn, "link_rules", json.dumps([r.model_dump() for r in catalogue.link_rules]))
    others = refresh(conn, identity)  # the own items are mirrored again after the rebuild
    added = sum(1 for item_id in items if not before.get(item_id))
    return SyncReport(
        added=added, removed=len(gone), kept=len(items) - added, other_articles=others
    )
