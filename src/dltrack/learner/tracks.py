"""Tracks and stages: finding them by what the learner types, and their progress counts."""

from __future__ import annotations

from dltrack.errors import UserError
from dltrack.lang import tr
from dltrack.learner.linkstate import LATEST_LINK_VERDICT
from dltrack.learner.results import (
    Counts,
    LinkHealth,
    StageList,
    StageSummary,
    TrackList,
    TrackRef,
    TrackSummary,
)
from dltrack.learner.status import Status
from dltrack.linkcheck.verdicts import Verdict
from dltrack.store.db import Store, named, set_meta

_TRACK = "SELECT slug, title, title_en FROM track"


def _track_ref(store: Store, where: str, args: tuple[object, ...]) -> TrackRef | None:
    row = named(store.conn, f"{_TRACK} {where}", args).fetchone()
    if row is None:
        return None
    return TrackRef(slug=row["slug"], title=row["title"], title_en=row["title_en"])


def track_by_slug(store: Store, slug: str) -> TrackRef | None:
    """The track with this slug, for code that has a slug (never the learner's words)."""
    return _track_ref(store, "WHERE slug = ?", (slug,))


def _position(name: str) -> int | None:
    """The 0-based position a learner's 1-based number names, or None when it is no number.

    Only ASCII digits count ("²" is a digit to str.isdigit), and only as many as a
    position can have: a longer number is beyond every track, never an int() of
    thousands of digits or an integer SQLite cannot hold.
    """
    if not (name.isascii() and name.isdigit()) or len(name.lstrip("0")) > 9:
        return None
    return int(name) - 1


def _shown(name: str) -> str:
    return repr(name if len(name) <= 40 else f"{name[:30]}… ({len(name)} characters)")


def _by_prefix(slugs: list[str], name: str, what: str) -> str | None:
    """The one slug that starts with name; None when none does; several are a UserError.

    A learner types the start of a slug (`dltrack use zhihu`), as a shell completes it.
    """
    found = [s for s in slugs if name and s.startswith(name)]
    if len(found) > 1:
        raise UserError(
            tr("{name} could be {what} {found}; type more of it").format(
                name=_shown(name), what=tr(what), found=", ".join(found)
            )
        )
    return found[0] if found else None


def resolve_track(store: Store, name: str | None) -> TrackRef:
    """The track the learner named (slug, number, or a slug's unique start), or the current one."""
    if name is None:
        current = store.meta("current_track")
        if current is not None and (found := track_by_slug(store, current)):
            return found
        # No choice made, or the chosen track left the catalogue: start at the top.
        first = _track_ref(store, "ORDER BY position LIMIT 1", ())
        if first is None:
            raise UserError(tr("the catalogue has no tracks"))
        return first
    found = track_by_slug(store, name)
    if found is None and (position := _position(name)) is not None:
        found = _track_ref(store, "WHERE position = ?", (position,))
    if found is None:
        slugs = [r[0] for r in store.conn.execute("SELECT slug FROM track ORDER BY position")]
        if (slug := _by_prefix(slugs, name, "track")) is not None:
            return _track_ref(store, "WHERE slug = ?", (slug,)) or TrackRef(slug, slug, None)
        raise UserError(
            tr("no track {name}; tracks are: {slugs}").format(
                name=_shown(name), slugs=", ".join(slugs)
            )
        )
    return found


def resolve_stage(store: Store, track: TrackRef, name: str) -> tuple[int, str]:
    """(id, slug) of a track's stage named by slug, number or a slug's unique start."""
    row = store.conn.execute(
        "SELECT id, slug FROM stage WHERE track_slug = ? AND slug = ?", (track.slug, name)
    ).fetchone()
    if row is None and (position := _position(name)) is not None:
        row = store.conn.execute(
            "SELECT id, slug FROM stage WHERE track_slug = ? AND position = ?",
            (track.slug, position),
        ).fetchone()
    if row is None:
        slugs = [
            r[0]
            for r in store.conn.execute(
                "SELECT slug FROM stage WHERE track_slug = ? ORDER BY position", (track.slug,)
            )
        ]
        if (slug := _by_prefix(slugs, name, "stage")) is not None:
            return resolve_stage(store, track, slug)
        raise UserError(
            tr("no stage {name} in track {value}; stages are: {slugs}").format(
                name=_shown(name), value=track.slug, slugs=", ".join(slugs)
            )
        )
    return row[0], row[1]


def _counts(total: int, by_status: dict[str, int]) -> Counts:
    return Counts(
        total=total,
        done=by_status.get(Status.DONE, 0),
        skipped=by_status.get(Status.SKIPPED, 0),
        reading=by_status.get(Status.READING, 0),
    )


def track_counts(store: Store, track_slug: str | None = None) -> dict[str, Counts]:
    """Counts per track slug (one track's, or every track's)."""
    only = " AND s.track_slug = :slug" if track_slug else ""
    # Driven from the progress table, which holds only items the learner touched.
    by_track: dict[str, dict[str, int]] = {}
    for row in named(
        store.conn,
        f"""
        SELECT s.track_slug AS track, pr.status AS status, COUNT(DISTINCT pr.item_id) AS n
        FROM progress pr
        JOIN placement p ON p.item_id = pr.item_id
        JOIN stage s ON s.id = p.stage_id
        WHERE pr.status != :unread{only}
        GROUP BY s.track_slug, pr.status
        """,
        {"slug": track_slug, "unread": Status.UNREAD},
    ):
        by_track.setdefault(row["track"], {})[row["status"]] = row["n"]
    totals = store.conn.execute(
        "SELECT slug, item_count FROM track" + (" WHERE slug = :slug" if track_slug else ""),
        {"slug": track_slug},
    )
    return {slug: _counts(total, by_track.get(slug, {})) for slug, total in totals}


def link_health(store: Store) -> dict[str, LinkHealth]:
    """Each track's checked and dead links (tracks none of whose links was checked: absent)."""
    if store.conn.execute("SELECT 1 FROM link_check LIMIT 1").fetchone() is None:
        return {}  # never checked: no need to walk the catalogue
    verdicts: dict[str, dict[int, str | None]] = {}
    for track, item_id, verdict in store.conn.execute(
        f"""
        SELECT s.track_slug, i.id, {LATEST_LINK_VERDICT} FROM placement p
        JOIN stage s ON s.id = p.stage_id JOIN item i ON i.id = p.item_id
        WHERE i.url IS NOT NULL
        """
    ):
        verdicts.setdefault(track, {})[item_id] = verdict
    health = {}
    for track, by_item in verdicts.items():
        checked = [v for v in by_item.values() if v is not None]
        if checked:
            health[track] = LinkHealth(len(checked), checked.count(Verdict.DEAD))
    return health


def list_tracks(store: Store) -> TrackList:
    """Every track in catalogue order with item counts, progress and link health."""
    current = resolve_track(store, None).slug
    counts = track_counts(store)
    links = link_health(store)
    rows = named(store.conn, "SELECT slug, title, title_en, position FROM track ORDER BY position")
    return TrackList(
        current=current,
        tracks=[
            TrackSummary(
                track=TrackRef(slug=r["slug"], title=r["title"], title_en=r["title_en"]),
                position=r["position"],
                counts=counts[r["slug"]],
                current=r["slug"] == current,
                links=links.get(r["slug"]),
            )
            for r in rows
        ],
    )


def use_track(store: Store, name: str) -> TrackRef:
    """Make a track the current one."""
    track = resolve_track(store, name)
    with store.write() as conn:
        set_meta(conn, "current_track", track.slug)
    return track


def stage_summaries(store: Store, track: TrackRef) -> list[StageSummary]:
    """A track's stages in order, each with its counts."""
    by_stage: dict[int, dict[str, int]] = {}
    for row in named(
        store.conn,
        """
        SELECT p.stage_id AS stage, pr.status AS status, COUNT(DISTINCT pr.item_id) AS n
        FROM progress pr
        JOIN placement p ON p.item_id = pr.item_id
        JOIN stage s ON s.id = p.stage_id
        WHERE s.track_slug = ?
        GROUP BY p.stage_id, pr.status
        """,
        (track.slug,),
    ):
        by_stage.setdefault(row["stage"], {})[row["status"]] = row["n"]
    return [
        StageSummary(
            track=track,
            slug=r["slug"],
            title=r["title"],
            title_en=r["title_en"],
            position=r["position"],
            counts=_counts(r["item_count"], by_stage.get(r["id"], {})),
        )
        for r in named(
            store.conn,
            "SELECT id, slug, title, title_en, position, item_count FROM stage "
            "WHERE track_slug = ? ORDER BY position",
            (track.slug,),
        )
    ]


def list_stages(store: Store, track_name: str | None) -> StageList:
    """A track's stages in order, with done/total."""
    track = resolve_track(store, track_name)
    return StageList(track=track, stages=stage_summaries(store, track))
