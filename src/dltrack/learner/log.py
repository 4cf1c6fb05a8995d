"""`dltrack log`: the learner's record, newest first."""

from __future__ import annotations

from datetime import date
from typing import Final

from dltrack.learner.history import EVENT_ITEM, PERSONAL
from dltrack.learner.reports import Log, LogEntry
from dltrack.learner.tracks import resolve_track
from dltrack.store.db import Store, named

DEFAULT_LIMIT: Final = 50


def read_log(
    store: Store,
    *,
    since: date | None = None,
    track_name: str | None = None,
    limit: int | None = DEFAULT_LIMIT,
) -> Log:
    """The synced catalogue's events, newest first: since a local day, of one track, up to limit."""
    # The catalogue's events and those of the learner's own items.
    where = [f"e.catalogue IN (:catalogue, '{PERSONAL}')"]
    args: dict[str, object] = {"catalogue": store.meta("catalogue") or ""}
    track = None
    if since is not None:
        where.append("e.day >= :since")
        args["since"] = since.isoformat()
    if track_name is not None:
        track = resolve_track(store, track_name)
        where.append(
            f"{EVENT_ITEM} IN (SELECT p.item_id FROM placement p "
            "JOIN stage s ON s.id = p.stage_id WHERE s.track_slug = :track)"
        )
        args["track"] = track.slug
    condition = " AND ".join(where)
    count = f"SELECT COUNT(*) FROM event e WHERE {condition}"
    total = store.conn.execute(count, args).fetchone()[0]
    sql = f"""
        SELECT e.id, e.at, e.day, e.action, COALESCE({EVENT_ITEM}, 0) AS item_id,
               COALESCE(i.title, e.title) AS title,
               e.command_name, e.device, e.text,
               EXISTS (SELECT 1 FROM event u WHERE u.target = e.command
                       AND u.action = 'undone') AS undone
        FROM event e LEFT JOIN item i ON i.id = {EVENT_ITEM}
        WHERE {condition}
        ORDER BY e.lamport DESC, e.id DESC
    """
    if limit is not None:
        sql += " LIMIT :limit"
        args["limit"] = limit
    entries = [
        LogEntry(
            id=r["id"],
            at=r["at"],
            day=r["day"],
            action=r["action"],
            item_id=r["item_id"],
            title=r["title"],
            command_name=r["command_name"],
            device=r["device"],
            text=r["text"],
            undone=bool(r["undone"]) and r["action"] != "undone",
        )
        for r in named(store.conn, sql, args)
    ]
    return Log(
        since=None if since is None else since.isoformat(),
        track=track,
        entries=entries,
        more=total - len(entries),
    )
