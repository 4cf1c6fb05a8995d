"""What a shell offers on Tab: track and stage slugs, item ids, each with its title.

Read from the database as it stands (opened read-only by the caller), and quick: a
Tab waits on it. A database of another schema, or a locked one, offers nothing rather
than an error in the middle of the learner's command line.
"""

from __future__ import annotations

import sqlite3

from dltrack.learner.ids import shown_id
from dltrack.learner.status import Status
from dltrack.store.db import Store

# Enough for a screen of candidates; a shell asked for thousands is no help.
_AT_MOST = 200

Choice = tuple[str, str]  # (what is typed, what it is)


def _starting(rows: list[Choice], incomplete: str) -> list[Choice]:
    return [(value, help_) for value, help_ in rows if value.startswith(incomplete)][:_AT_MOST]


def track_choices(store: Store, incomplete: str) -> list[Choice]:
    """Track slugs starting with incomplete, in catalogue order, with their titles."""
    try:
        rows = store.conn.execute("SELECT slug, title FROM track ORDER BY position").fetchall()
    except sqlite3.Error:
        return []
    return _starting(rows, incomplete)


def _track_slug(store: Store, name: str | None) -> str | None:
    """The track a command line names (its slug or the unique start of one), or the current."""
    slugs = [r[0] for r in store.conn.execute("SELECT slug FROM track ORDER BY position")]
    if name is None:
        current = store.meta("current_track")
        return current if current in slugs else (slugs[0] if slugs else None)
    if name in slugs:
        return name
    found = [s for s in slugs if s.startswith(name)]
    return found[0] if len(found) == 1 else None


def stage_choices(store: Store, track_name: str | None, incomplete: str) -> list[Choice]:
    """Stage slugs (or, once a digit is typed, numbers) of the named or current track."""
    try:
        slug = _track_slug(store, track_name)
        rows = store.conn.execute(
            "SELECT slug, title, position FROM stage WHERE track_slug = ? ORDER BY position",
            (slug,),
        ).fetchall()
    except sqlite3.Error:
        return []
    if incomplete[:1].isdigit():
        return _starting([(str(position + 1), title) for _s, title, position in rows], incomplete)
    return _starting([(s, title) for s, title, _position in rows], incomplete)


def item_choices(store: Store, wanted: tuple[Status, ...], incomplete: str) -> list[Choice]:
    """Ids of items with one of the wanted statuses, those of the current track first.

    In the current track, the items being read come first, then the rest in reading
    order: what `next` would show is at the top.
    """
    marks = ",".join("?" * len(wanted))
    try:
        current = _track_slug(store, None)
        rows = store.conn.execute(
            f"""
            SELECT i.id, i.title, s.track_slug = :current AS here,
                   COALESCE(pr.status, 'unread') AS status
            FROM placement p
            JOIN stage s ON s.id = p.stage_id
            JOIN track t ON t.slug = s.track_slug
            JOIN item i ON i.id = p.item_id
            LEFT JOIN progress pr ON pr.item_id = i.id
            WHERE COALESCE(pr.status, 'unread') IN ({marks})
            ORDER BY here DESC, status = 'reading' DESC, t.position, s.position, p.position
            """.replace(":current", "?"),
            (current, *wanted),
        ).fetchall()
    except sqlite3.Error:
        return []
    seen: set[int] = set()
    out: list[Choice] = []
    for item_id, title, _here, _status in rows:
        if item_id not in seen:
            seen.add(item_id)
            out.append((shown_id(item_id), title))
    return _starting(out, incomplete)
