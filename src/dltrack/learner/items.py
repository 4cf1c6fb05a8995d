"""Items: listing a track, what to read next, one item in full, and title search."""

from __future__ import annotations

import re
import sqlite3
from typing import Final

from dltrack.errors import UserError
from dltrack.lang import tr
from dltrack.learner.hits import hits
from dltrack.learner.ids import shown_id
from dltrack.learner.linkstate import LATEST_LINK_VERDICT
from dltrack.learner.notes import MAX_NOTE_BYTES
from dltrack.learner.results import (
    ItemDetail,
    ItemInStage,
    ItemList,
    ItemNote,
    NextItems,
    PastCheck,
    Place,
    SearchHit,
    SearchResult,
)
from dltrack.learner.status import Status
from dltrack.learner.tracks import resolve_stage, resolve_track, track_counts
from dltrack.linkcheck.verdicts import Verdict
from dltrack.links.titles import title_mismatch
from dltrack.store.db import Store, named
from dltrack.text import normalise

SHOWN_CHECKS: Final = 5
_TRIGRAM: Final = 3


_IN_STAGE = f"""
    SELECT i.id AS id, i.title AS title, i.url AS url, i.kind AS kind,
           COALESCE(pr.status, 'unread') AS status, s.track_slug AS track_slug,
           s.slug AS stage_slug, s.title AS stage_title, {LATEST_LINK_VERDICT} AS link
    FROM stage s
    JOIN placement p ON p.stage_id = s.id
    JOIN item i ON i.id = p.item_id
    LEFT JOIN progress pr ON pr.item_id = i.id
"""


def in_stage(row: sqlite3.Row) -> ItemInStage:
    """An ItemInStage from a row of the _IN_STAGE query."""
    link = row["link"]
    return ItemInStage(
        id=row["id"],
        title=row["title"],
        url=row["url"],
        kind=row["kind"],
        status=Status(row["status"]),
        track_slug=row["track_slug"],
        stage_slug=row["stage_slug"],
        stage_title=row["stage_title"],
        link=Verdict(link) if link is not None else None,
    )


def list_items(
    store: Store,
    track_name: str | None,
    *,
    stage: str | None = None,
    status: Status | None = None,
    link: Verdict | None = None,
) -> ItemList:
    """A track's items in order, optionally one stage's, of one status, or by link verdict."""
    track = resolve_track(store, track_name)
    sql = _IN_STAGE + " WHERE s.track_slug = ?"
    args: list[object] = [track.slug]
    stage_slug = None
    if stage is not None:
        stage_id, stage_slug = resolve_stage(store, track, stage)
        sql += " AND s.id = ?"
        args.append(stage_id)
    if status is not None:
        sql += " AND COALESCE(pr.status, 'unread') = ?"
        args.append(status)
    sql += " ORDER BY s.position, p.position"
    items = [in_stage(row) for row in named(store.conn, sql, args)]
    if link is not None:
        items = [e for e in items if e.link == link]
    return ItemList(track=track, stage=stage_slug, status=status, items=items)


def next_items(
    store: Store, track_name: str | None, n: int = 1, *, on_topic: bool = True
) -> NextItems:
    """The next n items of a track: those being read first, then unread ones, in order.

    With on_topic, a first item without a link comes with the catalogue's items on it
    (a search); callers that want only the item (`done` with no id) skip that.
    """
    track = resolve_track(store, track_name)
    seen: set[int] = set()
    picked: list[ItemInStage] = []
    reading = _IN_STAGE + (
        " WHERE s.track_slug = ? AND pr.status = 'reading' ORDER BY s.position, p.position"
    )
    # NOT EXISTS rather than a LEFT JOIN filter so that SQLite walks the stage
    # order index and the placement key in order and stops after n rows.
    unread = (
        _IN_STAGE
        + """
        WHERE s.track_slug = ?
          AND NOT EXISTS (SELECT 1 FROM progress q
                          WHERE q.item_id = p.item_id AND q.status != 'unread')
        ORDER BY s.position, p.position
    """
    )
    for sql in (reading, unread):
        for row in named(store.conn, sql, (track.slug,)):
            if row["id"] in seen:
                continue  # the same article listed twice in a track is read once
            seen.add(row["id"])
            picked.append(in_stage(row))
            if len(picked) == n:
                break
        if len(picked) == n:
            break
    # A dead link's archived copy is shown instead (looked up only for those).
    picked = [
        e._replace(archive_url=copy[0])
        if e.link is Verdict.DEAD and (copy := archived_copy(store, e.id))
        else e
        for e in picked
    ]
    counts = track_counts(store, track.slug)[track.slug]
    suggested: tuple[SearchHit, ...] = ()
    if on_topic and picked and not picked[0].url:
        from dltrack.learner.topics import on_the_topic  # only for an item with no link

        first = picked[0]
        suggested = on_the_topic(store, first.id, first.title, first.track_slug)
    return NextItems(track=track, items=picked, counts=counts, on_topic=suggested)


def first_places(store: Store, ids: list[int]) -> dict[int, ItemInStage]:
    """The first place (in catalogue order) of each id; ids not in the catalogue are absent."""
    marks = ",".join("?" * len(ids))
    found: dict[int, ItemInStage] = {}
    for row in named(
        store.conn,
        _IN_STAGE + f" JOIN track t ON t.slug = s.track_slug WHERE i.id IN ({marks}) "
        "ORDER BY t.position, s.position, p.position",
        ids,
    ):
        if row["id"] not in found:
            found[row["id"]] = in_stage(row)
    return found


def require_items(store: Store, ids: list[int]) -> dict[int, ItemInStage]:
    """The first place of each id; one that is unknown or left the catalogue is a UserError."""
    found = first_places(store, ids)
    missing = [i for i in ids if i not in found]
    if missing:
        gone = {
            r[0]
            for r in store.conn.execute(
                f"SELECT id FROM item WHERE id IN ({','.join('?' * len(missing))})", missing
            )
        }
        first = missing[0]
        others = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        if first in gone:
            raise UserError(
                tr("item {first} is no longer in the catalogue{others}").format(
                    first=shown_id(first), others=others
                )
            )
        if first < 0:
            raise UserError(
                tr("no item of your own with id {first}{others}").format(
                    first=shown_id(first), others=others
                )
            )
        raise UserError(tr("no item with id {first}{others}").format(first=first, others=others))
    return found


def _place(row: sqlite3.Row) -> Place:
    return Place(
        track_slug=row["track_slug"],
        track_title=row["track_title"],
        stage_slug=row["stage_slug"],
        stage_title=row["stage_title"],
    )


def places(store: Store, item_id: int) -> list[Place]:
    """Every track and stage an item stands in, in catalogue order."""
    return [
        _place(r)
        for r in named(
            store.conn,
            """
            SELECT t.slug AS track_slug, t.title AS track_title,
                   s.slug AS stage_slug, s.title AS stage_title
            FROM placement p JOIN stage s ON s.id = p.stage_id
            JOIN track t ON t.slug = s.track_slug
            WHERE p.item_id = ? ORDER BY t.position, s.position, p.position
            """,
            (item_id,),
        )
    ]


def show_item(store: Store, item_id: int) -> ItemDetail:
    """Title, link, places, status, dates and notes of one item."""
    row = named(
        store.conn,
        """
        SELECT i.id, i.title, i.url, i.kind, i.tags, i.active,
               COALESCE(pr.status, 'unread') AS status, pr.started_at, pr.done_at, pr.updated_at,
               pr.other_title
        FROM item i LEFT JOIN progress pr ON pr.item_id = i.id WHERE i.id = ?
        """,
        (item_id,),
    ).fetchone()
    if row is None:
        raise UserError(tr("no item with id {item_id}").format(item_id=shown_id(item_id)))
    notes = [
        _note(store, note_id, created_at)
        for note_id, created_at in store.conn.execute(
            "SELECT id, created_at FROM note WHERE item_id = ? ORDER BY created_at, id", (item_id,)
        ).fetchall()
    ]
    checks = [
        PastCheck(
            url=r["url"],
            verdict=Verdict(r["verdict"]),
            http_status=r["http_status"],
            reason=r["reason"],
            moved_to=r["moved_to"],
            checked_at=r["checked_at"],
            page_title=r["page_title"]
            if r["verdict"] in (Verdict.OK, Verdict.MOVED)
            and title_mismatch(row["title"], r["page_title"])
            else None,
        )
        for r in named(
            store.conn,
            "SELECT url, verdict, http_status, reason, moved_to, checked_at, page_title "
            "FROM link_check "
            "WHERE item_id = ? ORDER BY checked_at DESC, id DESC LIMIT ?",
            (item_id, SHOWN_CHECKS),
        )
    ]
    from dltrack.learner.history import NOT_UNDONE, PERSONAL  # `show` only

    # The log knows one's own items by their key, the catalogue's by their id.
    owner, key = store.meta("catalogue") or "", item_id
    if item_id < 0:
        found = store.conn.execute(
            "SELECT key FROM personal_item WHERE number = ?", (-item_id,)
        ).fetchone()
        owner, key = PERSONAL, found[0] if found else 0
    finished = tuple(
        r[0]
        for r in store.conn.execute(
            f"""
            SELECT e.day FROM event e JOIN item i ON i.id = ?
            WHERE e.catalogue = ? AND e.item_id = ? AND e.action = 'done' AND {NOT_UNDONE}
              AND (e.url IS i.url OR e.title IS i.title)
            ORDER BY e.lamport
            """,
            (item_id, owner, key),
        )
    )
    copy = archived_copy(store, item_id)
    suggested: tuple[SearchHit, ...] = ()
    where = places(store, item_id)
    if not row["url"]:
        from dltrack.learner.topics import on_the_topic  # only for an item with no link

        track = where[0].track_slug if where else None
        suggested = on_the_topic(store, item_id, row["title"], track)
    latest = named(
        store.conn, f"SELECT {LATEST_LINK_VERDICT} AS link FROM item i WHERE i.id = ?", (item_id,)
    ).fetchone()["link"]
    from dltrack.group.notes import shared_notes  # `show` only; no driver, no server

    return ItemDetail(
        group_notes=shared_notes(store, item_id),
        archive_url=copy[0] if copy else None,
        archived_at=copy[1] if copy else None,
        link=Verdict(latest) if latest else None,
        id=row["id"],
        title=row["title"],
        url=row["url"],
        kind=row["kind"],
        tags=_tags(row["tags"]),
        in_catalogue=bool(row["active"]),
        status=Status(row["status"]),
        started_at=row["started_at"],
        done_at=row["done_at"],
        updated_at=row["updated_at"],
        notes=notes,
        places=where,
        checks=checks,
        other_title=row["other_title"],
        finished_on=finished,
        on_topic=suggested,
    )


def _note(store: Store, note_id: int, created_at: str) -> ItemNote:
    """A note, or the first MAX_NOTE_BYTES of an older, longer one.

    Read as a blob, so only the head is ever loaded: an older database may hold a note
    of hundreds of megabytes, and showing it whole took minutes and gigabytes.
    """
    with store.conn.blobopen("note", "text", note_id, readonly=True) as blob:
        size = len(blob)
        head = blob.read(MAX_NOTE_BYTES)
    if len(head) == size:
        return ItemNote(text=head.decode("utf-8", "replace"), created_at=created_at)
    # The cut can fall inside a character: its first bytes go with the rest.
    text = head.decode("utf-8", "ignore")
    shown = len(text.encode("utf-8", "surrogatepass"))
    return ItemNote(text=text, created_at=created_at, omitted_bytes=size - shown)


def _tags(text: str) -> list[str]:
    import json  # only `show` needs it: off the start-up path of `next` (bench/README.md)

    return list(json.loads(text))


def archived_copy(store: Store, item_id: int) -> tuple[str, str | None] | None:
    """The archived copy known for the item's current link, and when it was taken.

    The newest copy a check found, else the catalogue's own (whose date is not known).
    """
    found = store.conn.execute(
        """
        SELECT c.archive_url, c.archived_at FROM link_check c JOIN item i ON i.id = c.item_id
        WHERE c.item_id = ? AND c.url = i.url AND c.archive_url IS NOT NULL
        ORDER BY c.checked_at DESC, c.id DESC LIMIT 1
        """,
        (item_id,),
    ).fetchone()
    if found is None:
        found = store.conn.execute(
            "SELECT archive, NULL FROM item WHERE id = ? AND archive IS NOT NULL", (item_id,)
        ).fetchone()
    return (found[0], found[1]) if found else None


def item_url(store: Store, item_id: int) -> str:
    """The link of an item, for opening it."""
    detail = show_item(store, item_id)
    if not detail.url:
        raise UserError(
            tr("item {item_id} has no link ({value})").format(
                item_id=shown_id(item_id), value=detail.title
            )
        )
    return detail.url


def url_to_open(store: Store, item_id: int, *, original: bool = False) -> tuple[str, str | None]:
    """The URL to open for an item, and when it is an archived copy, the day it was taken.

    The copy is chosen when the link is known dead (unless original): the page itself
    is gone. A copy whose day is not known (the catalogue's own) gives "".
    """
    detail = show_item(store, item_id)
    if not original and detail.link is Verdict.DEAD and detail.archive_url:
        return detail.archive_url, (detail.archived_at or "")[:10]
    return item_url(store, item_id), None


def search(store: Store, query: str, *, track_name: str | None = None) -> SearchResult:
    """Items whose title contains every word of the query, in catalogue order.

    Words of three or more characters use the trigram index; shorter ones
    (two-character Chinese words such as 卷积 are common) fall back to LIKE.
    """
    words = normalise(query).split()
    if not words:
        raise UserError(tr("search needs some text"))
    conditions: list[str] = []
    args: list[object] = []
    phrases = [w for w in words if len(w) >= _TRIGRAM]
    if phrases:
        conditions.append("item_search MATCH ?")
        args.append(" AND ".join('"' + w.replace('"', '""') + '"' for w in phrases))
    for w in words:
        if len(w) < _TRIGRAM:
            conditions.append("title LIKE ? ESCAPE '\\'")
            args.append("%" + re.sub(r"([\\%_])", r"\\\1", w) + "%")
    matching = f"SELECT rowid FROM item_search WHERE {' AND '.join(conditions)}"
    where = f"i.id IN ({matching})"
    if track_name:
        where += " AND t.slug = ?"
        args.append(resolve_track(store, track_name).slug)
    found = hits(store, where, args)
    return SearchResult(query=query, hits=list(found.values()))
