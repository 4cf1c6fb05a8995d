"""The learner's own reading: items added with `dltrack add`, beside the catalogue's tracks.

An item of one's own is an `item_added` event in the log (catalogue "personal"),
known there by a random key, so two machines can each add items before they sync
and never hand out the same key. What the learner types is a number, m1, m2, ...,
given in the order the items were added (clock order, the same on every machine
that holds the same events). Two machines that both added an item before syncing
may see the later one renumbered once; the log, the key and the record stay.

The personal tracks are mirrored into the same tables as the catalogue's (items
under minus their number), so every command walks them alike; they are mirrored
again after each catalogue sync, since that rebuilds those tables.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Final

from dltrack.errors import UserError
from dltrack.lang import tr
from dltrack.learner.days import when
from dltrack.learner.history import (
    NOT_UNDONE,
    PERSONAL,
    Action,
    NewEvent,
    Recorder,
    rebuild,
)
from dltrack.learner.ids import MAX_ITEM_ID, shown_id
from dltrack.learner.reports import Added
from dltrack.store.db import Store
from dltrack.text import is_slug, normalise

DEFAULT_TRACK: Final = ("mine", "我的阅读")
DEFAULT_STAGE: Final = ("inbox", "待读")
MAX_TITLE: Final = 500
MAX_URL: Final = 2048


def _place(target: str | None) -> tuple[str, str]:
    track, _, stage = (target or "").partition("/")
    if not is_slug(track) or not is_slug(stage):
        return DEFAULT_TRACK[0], DEFAULT_STAGE[0]
    return track, stage


def mirror_personal(conn: sqlite3.Connection) -> dict[int, int]:
    """Mirror the learner's own items from the log; their key -> mirror id.

    Runs inside the caller's transaction, after the catalogue's tracks are in place.
    """
    personal_stages = "SELECT DISTINCT p.stage_id FROM placement p WHERE p.item_id < 0"
    tracks_of_theirs = f"SELECT DISTINCT track_slug FROM stage WHERE id IN ({personal_stages})"
    conn.execute(f"DELETE FROM track WHERE slug IN ({tracks_of_theirs})")
    conn.execute(f"DELETE FROM stage WHERE id IN ({personal_stages})")
    conn.execute("DELETE FROM placement WHERE item_id < 0")
    conn.execute("DELETE FROM item WHERE id < 0")
    conn.execute("DELETE FROM item_search WHERE rowid < 0")
    conn.execute("DELETE FROM personal_item")
    taken = {r[0] for r in conn.execute("SELECT slug FROM track")}
    mirror: dict[int, int] = {}
    by_url: dict[str, int] = {}
    items: list[tuple[int, str, str, str, str]] = []  # (mirror id, title, url, track, stage)
    number = 0
    retired: list[tuple[int, int]] = []  # (number, key) of adds taken back
    # Every add is numbered, an undone one too: its number is retired with it, so
    # taking one back never renumbers the items added after it.
    titles: dict[str, str] = {}  # "track" or "track/stage" -> its title, the first one given
    for key, url, title, target, payload, live in conn.execute(
        f"""
        SELECT e.item_id, e.url, e.title, e.target, e.text, {NOT_UNDONE} FROM event e
        WHERE e.catalogue = '{PERSONAL}' AND e.action = 'item_added'
        ORDER BY e.lamport, e.id
        """
    ):
        same = by_url.get(_canonical(url)) if url else None
        if same is not None:
            mirror[key] = same  # added on two machines: one item
            continue
        number += 1
        if not live:
            retired.append((number, key))  # the log still names it by this number
            continue
        mirror[key] = -number
        if url:
            by_url[_canonical(url)] = -number
        track, stage = _place(target)
        for where, given in _titles(payload, track, stage):
            titles.setdefault(where, given)
        items.append((-number, title or url or "?", url or "", track, stage))
    conn.executemany(
        "INSERT INTO personal_item (number, key) VALUES (?, ?)",
        [(-mirror_id, key) for key, mirror_id in mirror.items() if key in _firsts(mirror)]
        + retired,
    )
    conn.executemany(
        "INSERT INTO item (id, title, url, kind, tags, active) VALUES (?, ?, ?, NULL, '[]', 1)",
        [(i, title, url or None) for i, title, url, _, _ in items],
    )
    conn.executemany(
        "INSERT INTO item_search (rowid, title) VALUES (?, ?)",
        [(i, normalise(title)) for i, title, _, _, _ in items],
    )
    _place_items(conn, items, taken, titles)
    return mirror


def place_titles(track_title: str | None, stage_title: str | None) -> str:
    """What an item_added event says of its track's and stage's titles (its text)."""
    import json  # `done` loads this module, and needs no JSON

    return json.dumps({"track": track_title, "stage": stage_title}, ensure_ascii=False)


def _titles(payload: str | None, track: str, stage: str) -> list[tuple[str, str]]:
    import json

    try:
        data = json.loads(payload) if payload else {}
    except ValueError:
        return []  # a hand-edited event: the slugs stand for the titles
    found = []
    if isinstance(data, dict):
        if isinstance(data.get("track"), str) and data["track"].strip():
            found.append((track, data["track"].strip()[:MAX_TITLE]))
        if isinstance(data.get("stage"), str) and data["stage"].strip():
            found.append((f"{track}/{stage}", data["stage"].strip()[:MAX_TITLE]))
    return found


def _canonical(url: str) -> str:
    """One article, however its URL is written (the importer's rule, loaded when needed)."""
    # Not at the top: the importer package costs a sync or an undo 25 ms to load,
    # and most of them have no items of one's own to compare.
    from dltrack.importer.urls import canonical

    return canonical(url)


def _firsts(mirror: dict[int, int]) -> set[int]:
    """The first key of each mirror id (an article added twice has two keys)."""
    seen: dict[int, int] = {}
    for key, mirror_id in mirror.items():
        seen.setdefault(mirror_id, key)
    return set(seen.values())


def _place_items(
    conn: sqlite3.Connection,
    items: list[tuple[int, str, str, str, str]],
    taken: set[str],
    titles: dict[str, str],
) -> None:
    """The personal tracks and stages, after the catalogue's, with their items in order."""
    position = conn.execute("SELECT COALESCE(MAX(position), -1) FROM track").fetchone()[0] + 1
    tracks: dict[str, dict[str, list[int]]] = {}
    for item_id, _, _, track, stage in items:
        tracks.setdefault(track, {}).setdefault(stage, []).append(item_id)
    for slug, stages in tracks.items():
        # A catalogue may later name a track as the learner did: theirs keeps the slug.
        shown = slug if slug not in taken else f"{slug}-mine"
        title = titles.get(slug) or (DEFAULT_TRACK[1] if slug == DEFAULT_TRACK[0] else slug)
        count = sum(len(ids) for ids in stages.values())
        conn.execute(
            "INSERT INTO track (slug, position, title, title_en, item_count) "
            "VALUES (?, ?, ?, ?, ?)",
            (shown, position, title, "My reading" if slug == DEFAULT_TRACK[0] else None, count),
        )
        position += 1
        for s_pos, (stage, ids) in enumerate(stages.items()):
            stage_title = titles.get(f"{slug}/{stage}") or (
                DEFAULT_STAGE[1] if stage == DEFAULT_STAGE[0] else stage
            )
            cursor = conn.execute(
                "INSERT INTO stage (track_slug, slug, position, title, title_en, item_count) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (shown, stage, s_pos, stage_title, None, len(ids)),
            )
            conn.executemany(
                "INSERT INTO placement (stage_id, position, item_id) VALUES (?, ?, ?)",
                [(cursor.lastrowid, n, item_id) for n, item_id in enumerate(ids)],
            )


def refresh(conn: sqlite3.Connection, catalogue: str) -> int:
    """Mirror the own items again and derive every item's state from the log.

    Returns how many records are under ids that now mean other articles.
    """
    mirror = mirror_personal(conn)
    others = rebuild(conn, catalogue)
    rebuild(conn, PERSONAL, mirror=mirror)
    return others


def key_of(conn: sqlite3.Connection, item_id: int) -> int:
    """The log's key of an own item, from its mirror id (minus its number)."""
    row = conn.execute("SELECT key FROM personal_item WHERE number = ?", (-item_id,)).fetchone()
    if row is None:
        raise UserError(
            tr("no item of your own with id {item_id}").format(item_id=shown_id(item_id))
        )
    return int(row[0])


def new_key(conn: sqlite3.Connection) -> int:
    """A fresh random key for an own item, not used by any event yet."""
    while True:
        key = int.from_bytes(os.urandom(7)) % MAX_ITEM_ID + 1
        taken = conn.execute(
            f"SELECT 1 FROM event WHERE catalogue = '{PERSONAL}' AND item_id = ?", (key,)
        ).fetchone()
        if taken is None:
            return key


def _existing(conn: sqlite3.Connection, key: str) -> Added | None:
    """The item (the catalogue's or one's own) that is this canonical URL, if any."""
    from dltrack.importer.urls import canonical

    for item_id, item_title, item_url in conn.execute(
        "SELECT id, title, url FROM item WHERE url IS NOT NULL AND active"
    ):
        if canonical(item_url) == key:
            place = conn.execute(
                "SELECT s.track_slug, s.slug FROM placement p JOIN stage s "
                "ON s.id = p.stage_id WHERE p.item_id = ? LIMIT 1",
                (item_id,),
            ).fetchone()
            return Added(
                item_id=item_id,
                title=item_title,
                url=item_url,
                track_slug=place[0] if place else "",
                stage_slug=place[1] if place else "",
                already=True,
                title_from="given",
            )
    return None


def add_item(
    store: Store,
    url: str,
    *,
    title: str | None = None,
    track: str | None = None,
    stage: str | None = None,
    fetch_title: Callable[[str], tuple[str | None, str | None]] | None = None,
) -> Added:
    """Add an article of one's own, unless the catalogue (or one's own list) already has it.

    Without a title, fetch_title(url) gives (the page's title, or None and why not);
    it runs before the database is locked, so a slow page holds up no other command.
    """
    from dltrack.catalogue.model import is_http_url  # an add validates as the catalogue does
    from dltrack.importer.urls import canonical

    url = url.strip()
    if len(url) > MAX_URL or not is_http_url(url):
        raise UserError(tr("not a web link dltrack can keep: {value!r}").format(value=url[:80]))
    track_slug = track or DEFAULT_TRACK[0]
    stage_slug = stage or DEFAULT_STAGE[0]
    for slug in (track_slug, stage_slug):
        if not is_slug(slug) or slug.isdigit():
            raise UserError(
                tr("not a slug (lower-case letters, digits and '-'): {value!r}").format(
                    value=slug[:80]
                )
            )
    given = title.strip() if title else None
    if title is not None and not given:
        raise UserError(tr("the title is empty"))
    key = canonical(url)
    already = _existing(store.conn, key)
    if already is not None:
        return already
    fetched: tuple[str | None, str | None] = (None, None)
    if not given and fetch_title is not None:
        fetched = fetch_title(url)
    shown_title, source = (given, "given") if given else (fetched[0], "page")
    if not shown_title:
        shown_title, source = url, "url"
    with store.write() as conn:
        already = _existing(conn, key)  # again, inside the lock
        if already is not None:
            return already
        mine = conn.execute(
            "SELECT 1 FROM stage s JOIN placement p ON p.stage_id = s.id "
            "WHERE s.track_slug = ? AND p.item_id < 0 LIMIT 1",
            (track_slug,),
        ).fetchone()
        theirs = conn.execute("SELECT 1 FROM track WHERE slug = ?", (track_slug,)).fetchone()
        if theirs and not mine:
            raise UserError(
                tr(
                    "the catalogue has a track {track_slug}; give your own track another name"
                ).format(track_slug=track_slug)
            )
        Recorder(store, "add", when()).record(
            [
                NewEvent(
                    new_key(conn),
                    Action.ITEM_ADDED,
                    url=url,
                    title=shown_title[:MAX_TITLE],
                    target=f"{track_slug}/{stage_slug}",
                )
            ],
            catalogue=PERSONAL,
        )
        refresh(conn, store.meta("catalogue") or "")
        number = conn.execute("SELECT MAX(number) FROM personal_item").fetchone()[0]
        write_personal_file(conn, personal_file(store.path))
    return Added(
        item_id=-int(number),
        title=shown_title[:MAX_TITLE],
        url=url,
        track_slug=track_slug,
        stage_slug=stage_slug,
        already=False,
        title_from=source,
        note=fetched[1] if source == "url" else None,
    )


def personal_file(db_path: Path) -> Path:
    """Where the readable copy of one's own items is kept: beside the database."""
    return db_path.with_name(f"{db_path.stem}.personal.json")


def personal_catalogue(conn: sqlite3.Connection) -> dict[str, object]:
    """The learner's own items as a catalogue document (what `personal.json` holds)."""
    tracks = []
    for slug, title in conn.execute(
        "SELECT DISTINCT t.slug, t.title FROM track t JOIN stage s ON s.track_slug = t.slug "
        "JOIN placement p ON p.stage_id = s.id WHERE p.item_id < 0 ORDER BY t.position"
    ).fetchall():
        stages = []
        for stage_id, stage_slug, stage_title in conn.execute(
            "SELECT id, slug, title FROM stage WHERE track_slug = ? ORDER BY position", (slug,)
        ).fetchall():
            items = [
                {"id": -item_id, "title": item_title, "url": url}
                for item_id, item_title, url in conn.execute(
                    "SELECT i.id, i.title, i.url FROM placement p JOIN item i ON i.id = p.item_id "
                    "WHERE p.stage_id = ? ORDER BY p.position",
                    (stage_id,),
                )
            ]
            stages.append({"slug": stage_slug, "title": stage_title, "items": items})
        tracks.append({"slug": slug, "title": title, "stages": stages})
    return {"schema": 1, "catalogue": PERSONAL, "tracks": tracks}


def write_personal_file(conn: sqlite3.Connection, path: Path) -> None:
    """Write the learner's own catalogue beside the database, as a readable copy of the log."""
    import json

    from dltrack.files import FileProblem, write_text_atomically

    text = json.dumps(personal_catalogue(conn), ensure_ascii=False, indent=1) + "\n"
    try:
        write_text_atomically(path, text)
    except FileProblem as problem:
        raise UserError(problem.message) from None
