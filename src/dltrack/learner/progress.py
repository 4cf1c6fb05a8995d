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

from dltrack.learner.history import EVENT_ITEM, NOT_UNDONE, PERSONAL
from dltrack.learner.reports import Forecast, ProgressReport, TrackProgress
from dltrack.learner.tracks import list_tracks, resolve_track, stage_summaries, track_counts
from dltrack.store.db import Store

CALENDAR_WEEKS: Final = 26
PACE_DAYS: Final = 30
_IN_TRACK: Final = (
    f"{EVENT_ITEM} IN (SELECT p.item_id FROM placement p JOIN stage s ON s.id = p.stage_id "
    "WHERE s.track_slug = ?)"
)
# The catalogue's events and those of the learner's own items.
_OURS: Final = f"e.catalogue IN (?, '{PERSONAL}')"


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


# The finishes' own index (done events only, covering day, item and command). Named:
# without statistics SQLite would walk the item index and read three times the rows.
_FINISHES: Final = "event e INDEXED BY ix_event_day"


def _finished(
    store: Store, track_slug: str | None, *, catalogue: str | None = None
) -> tuple[str, list[object]]:
    """The WHERE clause (and its arguments) of the finishes that count.

    Those of the catalogue and of one's own items, or of one catalogue only.
    """
    if catalogue is None:
        where = _OURS
        args: list[object] = [store.meta("catalogue") or ""]
    else:
        where, args = "e.catalogue = ?", [catalogue]
    where += f" AND e.action = 'done' AND {NOT_UNDONE}"
    if track_slug is not None:
        where += f" AND {_IN_TRACK}"
        args.append(track_slug)
    return where, args


def finished_per_day(store: Store, track_slug: str | None = None) -> dict[str, int]:
    """Items finished on each local day (each item once a day): the catalogue's and one's own."""
    per_day: Counter[str] = Counter()
    # One catalogue at a time: with the catalogue fixed, the index hands the finishes
    # over in day and item order, and SQLite counts each day as it passes instead of
    # sorting every finish first (on 100,000 events, about half the time).
    for catalogue in (store.meta("catalogue") or "", PERSONAL):
        where, args = _finished(store, track_slug, catalogue=catalogue)
        rows = store.conn.execute(
            f"SELECT e.day, COUNT(DISTINCT e.item_id) FROM {_FINISHES} WHERE {where} "
            "GROUP BY e.day",
            args,
        )
        per_day.update(dict(rows.fetchall()))
    return dict(per_day)


def finished_since(store: Store, first: date, track_slug: str | None = None) -> int:
    """Distinct items finished from a local day on."""
    where, args = _finished(store, track_slug)
    row = store.conn.execute(
        f"SELECT COUNT(DISTINCT e.catalogue || ' ' || e.item_id) FROM {_FINISHES} "
        f"WHERE {where} AND e.day >= ?",
        [*args, first.isoformat()],
    ).fetchone()
    return int(row[0])


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
        SELECT s.track_slug, COUNT(DISTINCT e.item_id) FROM {_FINISHES}
        JOIN placement p ON p.item_id = {EVENT_ITEM} JOIN stage s ON s.id = p.stage_id
        WHERE {_OURS} AND e.action = 'done' AND e.day >= ? AND {NOT_UNDONE}
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
    only = None if track_name is None else counted[0][0].slug
    per_day = finished_per_day(store, only)
    days = {date.fromisoformat(d) for d in per_day}
    start = calendar_start(today)
    span = (today - start).days + 1
    calendar = tuple(
        (day.isoformat(), per_day.get(day.isoformat(), 0))
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
        done_last_7_days=finished_since(store, today - timedelta(days=6), only),
        done_last_30_days=finished_since(store, today - timedelta(days=PACE_DAYS - 1), only),
        streak_days=streak(days, today),
        longest_streak_days=longest_streak(days),
        today=today.isoformat(),
        days=calendar,
        other_articles=others,
    )
