"""How far the learner is: per-track and per-stage tables, recent activity, streaks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from dltrack.learner.results import ProgressReport, TrackProgress
from dltrack.learner.tracks import list_tracks, resolve_track, stage_summaries, track_counts
from dltrack.store.db import Store


def streak(days: set[date], today: date) -> int:
    """Consecutive days with something done, ending today (or yesterday: today is not over)."""
    day = today if today in days else today - timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= timedelta(days=1)
    return count


def progress_report(store: Store, track_name: str | None = None) -> ProgressReport:
    """Progress of every track (or one), items done in the last 7 and 30 days, and the streak."""
    if track_name is None:
        counted = [(t.track, t.counts) for t in list_tracks(store).tracks]
    else:
        ref = resolve_track(store, track_name)
        counted = [(ref, track_counts(store, ref.slug)[ref.slug])]
    tracks = [
        TrackProgress(track=ref, counts=c, stages=stage_summaries(store, ref)) for ref, c in counted
    ]

    sql = "SELECT pr.done_at FROM progress pr WHERE pr.status = 'done' AND pr.done_at IS NOT NULL"
    args: tuple[str, ...] = ()
    if track_name is not None:
        sql += (
            " AND pr.item_id IN (SELECT p.item_id FROM placement p "
            "JOIN stage s ON s.id = p.stage_id WHERE s.track_slug = ?)"
        )
        args = (counted[0][0].slug,)
    stamps = [datetime.fromisoformat(r[0]) for r in store.conn.execute(sql, args)]
    now = datetime.now(UTC)
    return ProgressReport(
        tracks=tracks,
        done_last_7_days=sum(1 for t in stamps if now - t <= timedelta(days=7)),
        done_last_30_days=sum(1 for t in stamps if now - t <= timedelta(days=30)),
        streak_days=streak({t.astimezone().date() for t in stamps}, now.astimezone().date()),
    )
