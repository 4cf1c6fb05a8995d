"""The learner's view of the catalogue: tracks, stages, items, and marking them.

Every function takes an open Store and returns frozen data; nothing here prints.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Final, NamedTuple

from dltrack.errors import UserError
from dltrack.store.db import Store, set_meta, utc_now
from dltrack.text import normalise

STATUSES: Final = ("unread", "reading", "done", "skipped")
LINK_VERDICTS: Final = ("ok", "moved", "dead", "blocked", "error")
SHOWN_CHECKS: Final = 5
MAX_IDS: Final = 10_000  # a range like 1-999999999 is a typo, not a request


class Counts(NamedTuple):
    """How many items a track or stage has, and how far the learner is."""

    total: int
    done: int = 0
    skipped: int = 0
    reading: int = 0

    @property
    def unread(self) -> int:
        """Items neither done nor skipped nor being read."""
        return self.total - self.done - self.skipped - self.reading

    @property
    def percent(self) -> float:
        """Share of items done, 0-100."""
        return 100.0 * self.done / self.total if self.total else 0.0


class TrackRef(NamedTuple):
    """A track's identity."""

    slug: str
    title: str
    title_en: str | None


class TrackSummary(NamedTuple):
    """A track with its progress."""

    track: TrackRef
    position: int
    counts: Counts
    current: bool


class StageSummary(NamedTuple):
    """A stage with its progress."""

    track: TrackRef
    slug: str
    title: str
    title_en: str | None
    position: int
    counts: Counts


class Entry(NamedTuple):
    """An item as it stands in one stage of a track."""

    id: int
    title: str
    url: str | None
    kind: str | None
    status: str
    track_slug: str
    stage_slug: str
    stage_title: str
    link: str | None  # the latest link-check verdict for the current URL, if any


class Place(NamedTuple):
    """One track and stage an item appears in."""

    track_slug: str
    track_title: str
    stage_slug: str
    stage_title: str


class Note(NamedTuple):
    """A note the learner wrote on an item."""

    text: str
    created_at: str


class TrackList(NamedTuple):
    """Every track, and which one is current."""

    current: str | None
    tracks: list[TrackSummary]


class StageList(NamedTuple):
    """A track's stages in order."""

    track: TrackRef
    stages: list[StageSummary]


class ItemList(NamedTuple):
    """Items of a track, filtered."""

    track: TrackRef
    stage: str | None
    status: str
    items: list[Entry]


class NextItems(NamedTuple):
    """What to read next in a track."""

    track: TrackRef
    items: list[Entry]
    counts: Counts

    @property
    def finished(self) -> bool:
        """True when nothing is left unread or in progress."""
        return self.counts.unread + self.counts.reading == 0


class Marked(NamedTuple):
    """The result of done/skip/start/undo: what changed, and the stages' new progress."""

    status: str
    changed: list[Entry]
    unchanged: list[Entry]
    stages: list[StageSummary]


class Check(NamedTuple):
    """One past check of an item's link."""

    url: str
    verdict: str
    http_status: int | None
    reason: str
    moved_to: str | None
    checked_at: str


class ItemDetail(NamedTuple):
    """Everything known about one item."""

    id: int
    title: str
    url: str | None
    kind: str | None
    tags: list[str]
    in_catalogue: bool
    status: str
    started_at: str | None
    done_at: str | None
    updated_at: str | None
    notes: list[Note]
    places: list[Place]
    checks: list[Check]  # newest first


class SearchHit(NamedTuple):
    """An item whose title matches a search."""

    id: int
    title: str
    url: str | None
    status: str
    places: list[Place]


class SearchResult(NamedTuple):
    """Items matching a query, in catalogue order."""

    query: str
    hits: list[SearchHit]


# ---------------------------------------------------------------- ids


_ID_PART = re.compile(r"^#?(\d+)(?:-(\d+))?$")


def parse_ids(words: list[str]) -> list[int]:
    """Item ids from the command line: `3`, `3,4,5` and ranges `3-7`, in order, without repeats."""
    ids: list[int] = []
    for word in words:
        for part in filter(None, (p.strip() for p in word.split(","))):
            match = _ID_PART.match(part)
            if not match:
                raise UserError(f"not an item id: {part!r} (ids are numbers, like 17 or 3-7)")
            first = int(match.group(1))
            last = int(match.group(2) or first)
            if first < 1 or last < first:
                raise UserError(f"not an item id range: {part!r}")
            if last - first >= MAX_IDS:
                raise UserError(f"range {part!r} is too long (at most {MAX_IDS} ids at once)")
            ids.extend(range(first, last + 1))
    if not ids:
        raise UserError("give at least one item id")
    return list(dict.fromkeys(ids))


# ---------------------------------------------------------------- tracks and stages


def _track_ref(row: sqlite3.Row | tuple[str, str, str | None]) -> TrackRef:
    return TrackRef(row[0], row[1], row[2])


def resolve_track(store: Store, name: str | None) -> TrackRef:
    """The named track (slug or 1-based number), or the current one, or the first."""
    conn = store.conn
    if name is None:
        name = store.meta("current_track")
        if name is not None:
            row = conn.execute(
                "SELECT slug, title, title_en FROM track WHERE slug = ?", (name,)
            ).fetchone()
            if row:
                return _track_ref(row)
        # No choice made, or the chosen track left the catalogue: start at the top.
        row = conn.execute(
            "SELECT slug, title, title_en FROM track ORDER BY position LIMIT 1"
        ).fetchone()
        if row is None:
            raise UserError("the catalogue has no tracks")
        return _track_ref(row)
    if name.isdigit():
        row = conn.execute(
            "SELECT slug, title, title_en FROM track WHERE position = ?", (int(name) - 1,)
        ).fetchone()
    else:
        row = conn.execute(
            "SELECT slug, title, title_en FROM track WHERE slug = ?", (name,)
        ).fetchone()
    if row is None:
        slugs = [r[0] for r in conn.execute("SELECT slug FROM track ORDER BY position")]
        raise UserError(f"no track {name!r}; tracks are: {', '.join(slugs)}")
    return _track_ref(row)


def track_counts(store: Store, track_slug: str | None = None) -> dict[str, Counts]:
    """Counts per track slug (one track's, or every track's)."""
    only = " AND s.track_slug = :slug" if track_slug else ""
    # Driven from the progress table, which holds only items the learner touched.
    by_track: dict[str, dict[str, int]] = {}
    for slug, status, n in store.conn.execute(
        f"""
        SELECT s.track_slug, pr.status, COUNT(DISTINCT pr.item_id)
        FROM progress pr
        JOIN placement p ON p.item_id = pr.item_id
        JOIN stage s ON s.id = p.stage_id
        WHERE pr.status != 'unread'{only}
        GROUP BY s.track_slug, pr.status
        """,
        {"slug": track_slug},
    ):
        by_track.setdefault(slug, {})[status] = n
    totals = store.conn.execute(
        "SELECT slug, item_count FROM track" + (" WHERE slug = :slug" if track_slug else ""),
        {"slug": track_slug},
    )
    return {slug: _counts(total, by_track.get(slug, {})) for slug, total in totals}


def _counts(total: int, by_status: dict[str, int]) -> Counts:
    return Counts(
        total=total,
        done=by_status.get("done", 0),
        skipped=by_status.get("skipped", 0),
        reading=by_status.get("reading", 0),
    )


def list_tracks(store: Store) -> TrackList:
    """Every track in catalogue order with item counts and progress."""
    current = resolve_track(store, None).slug
    counts = track_counts(store)
    rows = store.conn.execute(
        "SELECT slug, title, title_en, position FROM track ORDER BY position"
    ).fetchall()
    return TrackList(
        current=current,
        tracks=[TrackSummary(_track_ref(r), r[3], counts[r[0]], r[0] == current) for r in rows],
    )


def use_track(store: Store, name: str) -> TrackRef:
    """Make a track the current one."""
    track = resolve_track(store, name)
    with store.write() as conn:
        set_meta(conn, "current_track", track.slug)
    return track


def stage_summaries(store: Store, track: TrackRef) -> list[StageSummary]:
    """A track's stages in order, each with its counts."""
    conn = store.conn
    rows = conn.execute(
        "SELECT id, slug, title, title_en, position, item_count FROM stage "
        "WHERE track_slug = ? ORDER BY position",
        (track.slug,),
    ).fetchall()
    by_stage: dict[int, dict[str, int]] = {}
    for stage_id, status, n in conn.execute(
        """
        SELECT p.stage_id, pr.status, COUNT(DISTINCT pr.item_id)
        FROM progress pr
        JOIN placement p ON p.item_id = pr.item_id
        JOIN stage s ON s.id = p.stage_id
        WHERE s.track_slug = ?
        GROUP BY p.stage_id, pr.status
        """,
        (track.slug,),
    ):
        by_stage.setdefault(stage_id, {})[status] = n
    return [
        StageSummary(track, r[1], r[2], r[3], r[4], _counts(r[5], by_stage.get(r[0], {})))
        for r in rows
    ]


def list_stages(store: Store, track_name: str | None) -> StageList:
    """A track's stages in order, with done/total."""
    track = resolve_track(store, track_name)
    return StageList(track, stage_summaries(store, track))


def resolve_stage(store: Store, track: TrackRef, name: str) -> tuple[int, str]:
    """(id, slug) of a track's stage named by slug or 1-based number."""
    if name.isdigit():
        row = store.conn.execute(
            "SELECT id, slug FROM stage WHERE track_slug = ? AND position = ?",
            (track.slug, int(name) - 1),
        ).fetchone()
    else:
        row = store.conn.execute(
            "SELECT id, slug FROM stage WHERE track_slug = ? AND slug = ?", (track.slug, name)
        ).fetchone()
    if row is None:
        slugs = [
            r[0]
            for r in store.conn.execute(
                "SELECT slug FROM stage WHERE track_slug = ? ORDER BY position", (track.slug,)
            )
        ]
        raise UserError(f"no stage {name!r} in track {track.slug}; stages are: {', '.join(slugs)}")
    return row[0], row[1]


# ---------------------------------------------------------------- items

# The latest check of the item's current URL: a fixed URL sheds its old verdict.
LATEST_LINK_VERDICT = """
    (SELECT c.verdict FROM link_check c WHERE c.item_id = i.id AND c.url = i.url
     ORDER BY c.checked_at DESC, c.id DESC LIMIT 1)
"""

_ENTRY_SELECT = f"""
    SELECT i.id, i.title, i.url, i.kind, COALESCE(pr.status, 'unread'),
           s.track_slug, s.slug, s.title, {LATEST_LINK_VERDICT}
    FROM stage s
    JOIN placement p ON p.stage_id = s.id
    JOIN item i ON i.id = p.item_id
    LEFT JOIN progress pr ON pr.item_id = i.id
"""


def list_items(
    store: Store,
    track_name: str | None,
    *,
    stage: str | None = None,
    status: str = "all",
    link: str | None = None,
) -> ItemList:
    """A track's items in order, optionally one stage's, of one status, or by link verdict."""
    if status != "all" and status not in STATUSES:
        raise UserError(f"unknown status {status!r}; use one of: {', '.join(STATUSES)}, all")
    if link is not None and link not in LINK_VERDICTS:
        raise UserError(f"unknown link verdict {link!r}; use one of: {', '.join(LINK_VERDICTS)}")
    track = resolve_track(store, track_name)
    sql = _ENTRY_SELECT + " WHERE s.track_slug = ?"
    args: list[object] = [track.slug]
    stage_slug = None
    if stage is not None:
        stage_id, stage_slug = resolve_stage(store, track, stage)
        sql += " AND s.id = ?"
        args.append(stage_id)
    if status != "all":
        sql += " AND COALESCE(pr.status, 'unread') = ?"
        args.append(status)
    sql += " ORDER BY s.position, p.position"
    items = [Entry(*row) for row in store.conn.execute(sql, args)]
    if link is not None:
        items = [e for e in items if e.link == link]
    return ItemList(track, stage_slug, status, items)


def next_items(store: Store, track_name: str | None, n: int = 1) -> NextItems:
    """The next n items of a track: those being read first, then unread ones, in order."""
    if n < 1:
        raise UserError("-n must be at least 1")
    track = resolve_track(store, track_name)
    conn = store.conn
    seen: set[int] = set()
    picked: list[Entry] = []
    reading = _ENTRY_SELECT + (
        " WHERE s.track_slug = ? AND pr.status = 'reading' ORDER BY s.position, p.position"
    )
    # NOT EXISTS rather than a LEFT JOIN filter so that SQLite walks the stage
    # order index and the placement key in order and stops after n rows.
    unread = (
        _ENTRY_SELECT
        + """
        WHERE s.track_slug = ?
          AND NOT EXISTS (SELECT 1 FROM progress q
                          WHERE q.item_id = p.item_id AND q.status != 'unread')
        ORDER BY s.position, p.position
    """
    )
    for sql in (reading, unread):
        for row in conn.execute(sql, (track.slug,)):
            if row[0] in seen:
                continue  # the same article listed twice in a track is read once
            seen.add(row[0])
            picked.append(Entry(*row))
            if len(picked) == n:
                break
        if len(picked) == n:
            break
    counts = track_counts(store, track.slug)[track.slug]
    return NextItems(track, picked, counts)


def _entries_for(store: Store, ids: list[int]) -> dict[int, Entry]:
    """The first place (in catalogue order) of each id; ids not in the catalogue are absent."""
    marks = ",".join("?" * len(ids))
    rows = store.conn.execute(
        _ENTRY_SELECT + f" JOIN track t ON t.slug = s.track_slug WHERE i.id IN ({marks}) "
        "ORDER BY t.position, s.position, p.position",
        ids,
    ).fetchall()
    found: dict[int, Entry] = {}
    for row in rows:
        found.setdefault(row[0], Entry(*row))
    return found


def require_items(store: Store, ids: list[int]) -> dict[int, Entry]:
    """The first place of each id; one that is unknown or left the catalogue is a UserError."""
    found = _entries_for(store, ids)
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
            raise UserError(f"item {first} is no longer in the catalogue{others}")
        raise UserError(f"no item with id {first}{others}")
    return found


# How each status is entered; only items whose status changes are updated.
_TRANSITIONS: Final = {
    "done": "status = 'done', done_at = :now",
    "reading": "status = 'reading', started_at = COALESCE(started_at, :now), done_at = NULL",
    "skipped": "status = 'skipped', done_at = NULL",
    "unread": "status = 'unread', started_at = NULL, done_at = NULL",
}


def mark(store: Store, ids: list[int], status: str, *, note: str | None = None) -> Marked:
    """Set items' status (done, reading, skipped or unread) in one transaction.

    Every id is checked before anything is written, so one unknown id changes nothing.
    """
    if status not in _TRANSITIONS:
        raise UserError(f"unknown status {status!r}")
    if note is not None and not note.strip():
        raise UserError("the note is empty")
    now = utc_now()
    with store.write() as conn:
        entries = require_items(store, ids)
        marks = ",".join("?" * len(ids))
        before = dict(
            conn.execute(
                f"SELECT item_id, status FROM progress WHERE item_id IN ({marks})", ids
            ).fetchall()
        )
        changed = [entries[i] for i in ids if before.get(i, "unread") != status]
        conn.executemany(
            "INSERT INTO progress (item_id, status, updated_at) VALUES (:id, 'unread', :now) "
            "ON CONFLICT(item_id) DO NOTHING",
            [{"id": e.id, "now": now} for e in changed],
        )
        conn.executemany(
            f"UPDATE progress SET {_TRANSITIONS[status]}, updated_at = :now WHERE item_id = :id",
            [{"id": e.id, "now": now} for e in changed],
        )
        if note is not None:
            conn.executemany(
                "INSERT INTO note (item_id, text, created_at) VALUES (?, ?, ?)",
                [(i, note.strip(), now) for i in ids],
            )
    unchanged = [entries[i] for i in ids if before.get(i, "unread") == status]
    stages = _stages_of(store, list(entries.values()))
    return Marked(status, [e._replace(status=status) for e in changed], unchanged, stages)


def _stages_of(store: Store, entries: list[Entry]) -> list[StageSummary]:
    """The new progress of the stages these entries stand in (their first place)."""
    wanted: dict[str, set[str]] = {}
    for e in entries:
        wanted.setdefault(e.track_slug, set()).add(e.stage_slug)
    out: list[StageSummary] = []
    for track_slug, stage_slugs in wanted.items():
        track = resolve_track(store, track_slug)
        out.extend(s for s in stage_summaries(store, track) if s.slug in stage_slugs)
    return out


def _places(store: Store, item_id: int) -> list[Place]:
    rows = store.conn.execute(
        """
        SELECT t.slug, t.title, s.slug, s.title
        FROM placement p JOIN stage s ON s.id = p.stage_id JOIN track t ON t.slug = s.track_slug
        WHERE p.item_id = ? ORDER BY t.position, s.position, p.position
        """,
        (item_id,),
    ).fetchall()
    return [Place(*r) for r in rows]


def show_item(store: Store, item_id: int) -> ItemDetail:
    """Title, link, places, status, dates and notes of one item."""
    row = store.conn.execute(
        """
        SELECT i.id, i.title, i.url, i.kind, i.tags, i.active,
               COALESCE(pr.status, 'unread'), pr.started_at, pr.done_at, pr.updated_at
        FROM item i LEFT JOIN progress pr ON pr.item_id = i.id WHERE i.id = ?
        """,
        (item_id,),
    ).fetchone()
    if row is None:
        raise UserError(f"no item with id {item_id}")
    notes = [
        Note(*r)
        for r in store.conn.execute(
            "SELECT text, created_at FROM note WHERE item_id = ? ORDER BY created_at, id",
            (item_id,),
        )
    ]
    return ItemDetail(
        id=row[0],
        title=row[1],
        url=row[2],
        kind=row[3],
        tags=_json_list(row[4]),
        in_catalogue=bool(row[5]),
        status=row[6],
        started_at=row[7],
        done_at=row[8],
        updated_at=row[9],
        notes=notes,
        places=_places(store, item_id),
        checks=[
            Check(*r)
            for r in store.conn.execute(
                "SELECT url, verdict, http_status, reason, moved_to, checked_at FROM link_check "
                "WHERE item_id = ? ORDER BY checked_at DESC, id DESC LIMIT ?",
                (item_id, SHOWN_CHECKS),
            )
        ],
    )


def _json_list(text: str) -> list[str]:
    import json  # only `show` needs it; kept off the start-up path of `next`

    return list(json.loads(text))


def item_url(store: Store, item_id: int) -> str:
    """The link of an item, for opening it."""
    detail = show_item(store, item_id)
    if not detail.url:
        raise UserError(f"item {item_id} has no link ({detail.title})")
    return detail.url


# ---------------------------------------------------------------- search

_TRIGRAM: Final = 3


def search(store: Store, query: str, *, track_name: str | None = None) -> SearchResult:
    """Items whose title contains every word of the query, in catalogue order.

    Words of three or more characters use the trigram index; shorter ones
    (two-character Chinese words such as 卷积 are common) fall back to LIKE.
    """
    words = normalise(query).split()
    if not words:
        raise UserError("search needs some text")
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
    sql = f"""
        SELECT i.id, i.title, i.url, COALESCE(pr.status, 'unread'), t.slug, t.title, s.slug, s.title
        FROM item i
        JOIN placement p ON p.item_id = i.id
        JOIN stage s ON s.id = p.stage_id
        JOIN track t ON t.slug = s.track_slug
        LEFT JOIN progress pr ON pr.item_id = i.id
        WHERE i.id IN ({matching}) {"AND t.slug = ?" if track_name else ""}
        ORDER BY t.position, s.position, p.position
    """
    if track_name:
        args.append(resolve_track(store, track_name).slug)
    hits: dict[int, SearchHit] = {}
    for row in store.conn.execute(sql, args):
        hit = hits.setdefault(row[0], SearchHit(row[0], row[1], row[2], row[3], []))
        hit.places.append(Place(row[4], row[5], row[6], row[7]))
    return SearchResult(query, list(hits.values()))
