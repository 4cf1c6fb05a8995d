"""Archived copies for a link check: which links to look up, for which day, and the record.

Each link is looked up for the copy closest to its item's own day: the published
date of the track it first stands in, else the day this database first saw it in
the catalogue. The copy found is kept with the link's latest check.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from enum import StrEnum

from dltrack.linkcheck.archive import TIMEOUT, look_up
from dltrack.linkcheck.options import CheckOptions
from dltrack.linkcheck.verdicts import Verdict
from dltrack.links.results import ArchiveTally, LinkReport
from dltrack.store.db import Store, named


class ArchiveScope(StrEnum):
    """Which links of a run get an archived copy looked up."""

    DEAD = "dead"  # the links found dead
    ALL = "all"  # also the live ones that have no copy yet


def item_days(store: Store, ids: list[int]) -> dict[int, date | None]:
    """The day each item's copy should come from (see the module docstring)."""
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    days: dict[int, date | None] = {}
    for row in named(
        store.conn,
        f"""
        SELECT i.id, i.added_on, (
            SELECT t.source_published FROM placement p
            JOIN stage s ON s.id = p.stage_id JOIN track t ON t.slug = s.track_slug
            WHERE p.item_id = i.id AND t.source_published IS NOT NULL
            ORDER BY t.position, s.position, p.position LIMIT 1) AS published
        FROM item i WHERE i.id IN ({marks})
        """,
        ids,
    ):
        days[row["id"]] = _day(row["published"]) or _day(row["added_on"])
    return days


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def known_copies(store: Store, ids: list[int]) -> dict[int, tuple[str, str | None]]:
    """The archived copy already known for each item's current link: (url, taken at).

    Taken at is None for the catalogue's own copy (its day is not known).
    """
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    known: dict[int, tuple[str, str | None]] = {}
    for item_id, archive in store.conn.execute(
        f"SELECT id, archive FROM item WHERE id IN ({marks}) AND archive IS NOT NULL", ids
    ):
        known[item_id] = (archive, None)
    for item_id, url, taken in store.conn.execute(
        f"""
        SELECT c.item_id, c.archive_url, c.archived_at FROM link_check c JOIN item i
        ON i.id = c.item_id AND i.url = c.url
        WHERE c.item_id IN ({marks}) AND c.archive_url IS NOT NULL
        ORDER BY c.checked_at, c.id
        """,
        ids,
    ):
        known[item_id] = (url, taken or "")  # a copy found by a check wins over the catalogue's
    return known


def add_archive_copies(
    store: Store, report: LinkReport, scope: ArchiveScope, options: CheckOptions
) -> LinkReport:
    """The report with each wanted link's archived copy, looked up and recorded."""
    ids = [r.id for r in report.results]
    known = known_copies(store, ids)
    # A dead link is asked again each run (a copy may have appeared), unless the
    # catalogue names one: the curator chose it.
    curated = {item_id for item_id, (_, taken) in known.items() if taken is None}
    wanted = [
        r
        for r in report.results
        if (r.verdict is Verdict.DEAD and r.id not in curated)
        or (scope is ArchiveScope.ALL and r.id not in known)
    ]
    days = item_days(store, [r.id for r in wanted])
    # The archive is asked with the run's User-Agent and proxies, at its own pace.
    asking = replace(options, timeout=max(options.timeout, TIMEOUT), retries=0)
    found = look_up(((r.id, r.url, days.get(r.id)) for r in wanted), options=asking)
    tally = ArchiveTally()
    updates: list[tuple[str, str, int, str]] = []
    copies = dict(known)
    for r in wanted:
        lookup = found[r.id]
        if lookup.snapshot is not None:
            taken = lookup.snapshot.taken_at.isoformat(timespec="seconds")
            copies[r.id] = (lookup.snapshot.url, taken)
            updates.append((lookup.snapshot.url, taken, r.id, r.url))
            tally = tally._replace(found=tally.found + 1)
        elif lookup.problem is None:
            tally = tally._replace(none=tally.none + 1)
        else:
            tally = tally._replace(failed=tally.failed + 1, problem=tally.problem or lookup.problem)
    with store.write() as conn:
        conn.executemany(
            """
            UPDATE link_check SET archive_url = ?, archived_at = ? WHERE id = (
                SELECT MAX(id) FROM link_check WHERE item_id = ? AND url = ?)
            """,
            updates,
        )
    results = [
        r._replace(archive_url=copies[r.id][0], archived_at=copies[r.id][1])
        if r.id in copies
        else r
        for r in report.results
    ]
    return report._replace(results=results, archive=tally)
