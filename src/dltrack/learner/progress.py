"""How far the learner is: per-track and per-stage tables, streaks, a calendar and forecasts.

Every statistic over time comes from the event log, in the learner's local days: a
day counts when an item was finished that day and that finish was not undone.
Finishing an item again later adds a day; it never takes the first one away.
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Final

from dltrack.learner.history import NOT_UNDONE
from dltrack.learner.results import Forecast, ProgressReport, TrackProgress
from dltrack.learner.tracks import list_tracks, resolve_track, stage_summaries, track_counts
from dltrack.store.db import Store

CALENDAR_WEEKS: Final = 26
PACE_DAYS: Final = 30
_IN_TRACK: Final = (
    "e.item_id IN (SELECT p.item_id FROM placement p JOIN stage s ON s.id = p.stage_id "
    "WHERE s.track_slug = ?)"
)


def streak(days: set[date], today: date) -> int:
    """Consecutive days with something done, ending today (or yesterday: today is not over)."""
    day = today if today in days else today - timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= timedelta(days=1)
    return count


def longest_streak(days: set[date]) -> int:
    """The most consecutive days with something done, ever."""
    best = 0
    for day in days:
        if day - timedelta(days=1) in days:
            continue  # not the first day of a run
        length = 1
        while day + timedelta(days=length) in days:
            length += 1
        best = max(best, length)
    return best


def calendar_start(today: date) -> date:
    """The Monday CALENDAR_WEEKS - 1 weeks before this week's: the heat-map's first cell."""
    return today - timedelta(days=today.weekday(), weeks=CALENDAR_WEEKS - 1)


def finishes(store: Store, track_slug: str | None = None) -> list[tuple[str, int]]:
    """(local day, item id) of every finish not taken back, in the synced catalogue."""
    catalogue = store.meta("catalogue") or ""
    sql = (
        "SELECT e.day, e.item_id FROM event e "
        f"WHERE e.catalogue = ? AND e.action = 'done' AND {NOT_UNDONE}"
    )
    args: list[object] = [catalogue]
    if track_slug is not None:
        sql += f" AND {_IN_TRACK}"
        args.append(track_slug)
    return store.conn.execute(sql, args).fetchall()


def forecast(done_recently: int, remaining: int, today: date) -> Forecast:
    """The day a track is finished at the pace of the last PACE_DAYS days."""
    pace = done_recently / PACE_DAYS
    if remaining == 0 or pace == 0:
        return Forecast(pace_per_day=pace, finish_on=None)
    finish = today + timedelta(days=math.ceil(remaining / pace))
    return Forecast(pace_per_day=pace, finish_on=finish.isoformat())


def _recent_by_track(store: Store, since: date) -> Counter[str]:
    """Items finished per track since a day (each item once per track)."""
    rows = store.conn.execute(
        f"""
        SELECT s.track_slug, COUNT(DISTINCT e.item_id) FROM event e
        JOIN placement p ON p.item_id = e.item_id JOIN stage s ON s.id = p.stage_id
        WHERE e.catalogue = ? AND e.action = 'done' AND e.day >= ? AND {NOT_UNDONE}
        GROUP BY s.track_slug
        """,
        (store.meta("catalogue") or "", since.isoformat()),
    )
    return Counter(dict(rows.fetchall()))


def progress_report(
    store: Store, track_name: str | None = None, *, now: datetime | None = None
) -> ProgressReport:
    """Progress of every track (or one), recent activity, streaks, calendar and forecasts."""
    today = (now if now is not None else datetime.now().astimezone()).date()
    if track_name is None:
        counted = [(t.track, t.counts) for t in list_tracks(store).tracks]
    else:
        ref = resolve_track(store, track_name)
        counted = [(ref, track_counts(store, ref.slug)[ref.slug])]
    recent = _recent_by_track(store, today - timedelta(days=PACE_DAYS - 1))
    tracks = [
        TrackProgress(
            track=ref,
            counts=c,
            stages=stage_summaries(store, ref),
            forecast=forecast(recent[ref.slug], c.unread + c.reading, today),
        )
        for ref, c in counted
    ]
    done = finishes(store, None if track_name is None else counted[0][0].slug)
    by_day: dict[str, set[int]] = {}
    for day, item_id in done:
        by_day.setdefault(day, set()).add(item_id)
    days = {date.fromisoformat(d) for d in by_day}

    def since(n: int) -> int:
        first = (today - timedelta(days=n - 1)).isoformat()
        return len({i for d, items in by_day.items() if first <= d for i in items})

    start = calendar_start(today)
    span = (today - start).days + 1
    calendar = tuple(
        (day.isoformat(), len(by_day.get(day.isoformat(), ())))
        for day in (start + timedelta(days=n) for n in range(span))
    )
    others = tuple(
        r[0]
        for r in store.conn.execute(
            "SELECT item_id FROM progress WHERE other_title IS NOT NULL ORDER BY item_id"
        )
    )
    return ProgressReport(
        tracks=tracks,
        done_last_7_days=since(7),
        done_last_30_days=since(PACE_DAYS),
        streak_days=streak(days, today),
        longest_streak_days=longest_streak(days),
        today=today.isoformat(),
        days=calendar,
        other_articles=others,
    )
