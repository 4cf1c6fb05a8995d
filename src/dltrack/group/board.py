"""`group board`: every member's progress on a track, from what the last sync brought.

Read from this machine only (no server, no driver): the board works offline and
shows the group as of the last `group sync`, with the learner's own row as it is now.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from dltrack.group import local
from dltrack.group.results import Board, BoardRow, MemberStage
from dltrack.learner.history import NOT_UNDONE
from dltrack.learner.progress import streak
from dltrack.learner.tracks import resolve_track
from dltrack.store.db import Store

_STAGES = "SELECT id, slug, title, item_count FROM stage WHERE track_slug = ? ORDER BY position"
# Distinct items per stage: an item placed twice in a stage counts once, as in `stages`.
# Driven from the track's placements, through the finishes' own index: a board of
# 1,000 members reads only the finishes of this track's items (bench/group.py).
_FINISHES = (
    "FROM stage s JOIN placement p ON p.stage_id = s.id "
    "JOIN group_progress gp INDEXED BY ix_group_progress_done "
    "ON gp.item_id = p.item_id AND gp.status = 'done' WHERE s.track_slug = ?"
)
_OTHERS_DONE = (
    f"SELECT gp.member, p.stage_id, COUNT(DISTINCT gp.item_id) {_FINISHES} "
    "GROUP BY gp.member, p.stage_id"
)
_OTHERS_TOTAL = f"SELECT gp.member, COUNT(DISTINCT gp.item_id) {_FINISHES} GROUP BY gp.member"
_MY_DONE = (
    "SELECT p.stage_id, COUNT(DISTINCT pr.item_id) FROM progress pr "
    "JOIN placement p ON p.item_id = pr.item_id JOIN stage s ON s.id = p.stage_id "
    "WHERE s.track_slug = ? AND pr.status = 'done' GROUP BY p.stage_id"
)


def _track_items(store: Store, slug: str) -> int:
    return int(
        store.conn.execute(
            "SELECT COUNT(DISTINCT p.item_id) FROM placement p JOIN stage s ON s.id = p.stage_id "
            "WHERE s.track_slug = ?",
            (slug,),
        ).fetchone()[0]
    )


def _my_days(store: Store, catalogue: str) -> tuple[set[date], str | None]:
    conn = store.conn
    days = {
        date.fromisoformat(r[0])
        for r in conn.execute(
            f"SELECT DISTINCT e.day FROM event e WHERE e.catalogue = ? AND e.action = 'done' "
            f"AND {NOT_UNDONE}",
            (catalogue,),
        )
    }
    last = conn.execute("SELECT MAX(at) FROM event WHERE catalogue = ?", (catalogue,)).fetchone()
    return days, last[0]


def board(store: Store, track_name: str | None, today: date) -> Board:
    """The board of a track (default: the current one), most progress first."""
    s = local.joined_settings(store)
    track = resolve_track(store, track_name)
    stages = store.conn.execute(_STAGES, (track.slug,)).fetchall()
    total = _track_items(store, track.slug)
    by_member: dict[str, dict[int, int]] = defaultdict(dict)
    for member, stage_id, n in store.conn.execute(_OTHERS_DONE, (track.slug,)):
        by_member[member][stage_id] = n
    mine = dict(store.conn.execute(_MY_DONE, (track.slug,)).fetchall())

    # Distinct items done in the track: an item in two stages counts once in the total.
    def done_in_track(sql: str, args: tuple[object, ...]) -> int:
        return int(store.conn.execute(sql, args).fetchone()[0])

    track_items = (
        "SELECT p.item_id FROM placement p JOIN stage s ON s.id = p.stage_id WHERE s.track_slug = ?"
    )
    others_total = dict(store.conn.execute(_OTHERS_TOTAL, (track.slug,)).fetchall())
    my_total = done_in_track(
        f"SELECT COUNT(*) FROM progress WHERE status = 'done' AND item_id IN ({track_items})",
        (track.slug,),
    )

    def stage_cells(done: dict[int, int]) -> tuple[MemberStage, ...]:
        return tuple(MemberStage(slug, done.get(sid, 0), n) for sid, slug, _, n in stages)

    days, my_last = _my_days(store, s.catalogue)
    rows = [
        BoardRow(
            name=s.name,
            role=s.role,
            me=True,
            done=my_total,
            items=total,
            stages=stage_cells(mine),
            streak_days=streak(days, today),
            last_activity=my_last,
        )
    ]
    for role, name, last_at, streak_end, streak_days in store.conn.execute(
        "SELECT role, name, last_at, streak_end, streak_days FROM group_member "
        "WHERE active AND role <> ?",
        (s.role,),
    ):
        rows.append(
            BoardRow(
                name=name or role,
                role=role,
                me=False,
                done=int(others_total.get(role, 0)),
                items=total,
                stages=stage_cells(by_member.get(role, {})),
                streak_days=local.streak_on(streak_end, streak_days, today),
                last_activity=last_at,
            )
        )
    rows.sort(key=lambda r: (-r.done, -r.streak_days, r.name))
    return Board(
        track=track,
        stage_titles=tuple((slug, title) for _, slug, title, _ in stages),
        rows=tuple(rows),
        today=today.isoformat(),
    )
