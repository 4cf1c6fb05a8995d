"""Checking the catalogue's links: which URLs, the cache, confirmation across runs, the record.

Every result is kept in the database as it arrives, so an interrupted run keeps
what it learned.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Final
from urllib.parse import urlsplit

from dltrack.errors import NetworkUnreachable
from dltrack.lang import tr
from dltrack.learner.items import require_items
from dltrack.learner.tracks import resolve_stage, resolve_track
from dltrack.linkcheck.blocking import check_links
from dltrack.linkcheck.hostpolicy import Policies
from dltrack.linkcheck.options import CheckOptions
from dltrack.linkcheck.outcomes import LinkResult
from dltrack.linkcheck.verdicts import Verdict
from dltrack.links.limits import learn, learned_limits
from dltrack.links.results import CheckedLink, LinkReport
from dltrack.links.titles import title_mismatch
from dltrack.store.db import Store, named

# Results are written in one transaction per second (or per FLUSH_EVERY results) while
# a run is going: often enough that a crash loses little (Ctrl-C loses nothing: the
# rest is written on the way out), rarely enough that writing costs next to nothing.
# A result after a pause of FLUSH_IDLE seconds is written at once too: the check is
# then waiting on the network (retries at the end of a run), so writing is free.
FLUSH_EVERY: Final = 2000
FLUSH_SECONDS: Final = 1.0
FLUSH_IDLE: Final = 0.1
_AGE = re.compile(r"^(\d+(?:\.\d+)?)\s*([smhdw]?)$")
_AGE_UNITS: Final = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_age(text: str) -> timedelta:
    """A duration such as 90s, 30m, 24h, 7d or 2w (a bare number is seconds).

    Raises ValueError for anything else, and for a duration too long to mean anything.
    """
    match = _AGE.match(text.strip().lower())
    if not match:
        raise ValueError(
            tr("not a duration: {text!r} (write it like 30m, 24h or 7d)").format(text=text)
        )
    try:
        return timedelta(seconds=float(match.group(1)) * _AGE_UNITS[match.group(2)])
    except OverflowError:
        said = tr("not a duration dltrack can count: {text!r} is too long")
        raise ValueError(said.format(text=text)) from None


def select_links(
    store: Store,
    *,
    track_name: str | None = None,
    stage: str | None = None,
    ids: list[int] | None = None,
) -> list[tuple[int, str, str]]:
    """(id, title, url) of the items to check, in catalogue order; items without a URL are left out.

    With no track, stage or ids: every item of the catalogue.
    """
    conn = store.conn
    where = ["i.active = 1", "i.url IS NOT NULL"]
    args: list[object] = []
    if ids:
        require_items(store, ids)
        marks = ",".join("?" * len(ids))
        where.append(f"i.id IN ({marks})")
        args.extend(ids)
    if track_name is not None or stage is not None:
        track = resolve_track(store, track_name)
        where.append("s.track_slug = ?")
        args.append(track.slug)
        if stage is not None:
            where.append("s.id = ?")
            args.append(resolve_stage(store, track, stage)[0])
    rows = named(
        conn,
        f"""
        SELECT i.id, i.title, i.url FROM item i
        JOIN placement p ON p.item_id = i.id
        JOIN stage s ON s.id = p.stage_id
        JOIN track t ON t.slug = s.track_slug
        WHERE {" AND ".join(where)}
        ORDER BY t.position, s.position, p.position
        """,
        args,
    )
    first_place: dict[int, tuple[int, str, str]] = {}
    for row in rows:
        first_place.setdefault(row["id"], (row["id"], row["title"], row["url"]))
    return list(first_place.values())


def changed_links(
    links: list[tuple[int, str, str]], old_urls: dict[int, str | None]
) -> list[tuple[int, str, str]]:
    """The links that are new, or whose URL changed, next to an older catalogue's URLs."""
    return [link for link in links if link[0] not in old_urls or old_urls[link[0]] != link[2]]


def _fresh(conn: sqlite3.Connection, urls: set[str], max_age: timedelta) -> dict[str, sqlite3.Row]:
    """The latest ok/moved check of each URL within max_age; failures are never cached."""
    try:
        since = (datetime.now(UTC) - max_age).isoformat(timespec="seconds")
    except OverflowError:  # older than the calendar: every check is young enough
        since = ""
    fresh: dict[str, sqlite3.Row] = {}
    for row in named(
        conn,
        """
        SELECT url, verdict, http_status, final_url, moved_to, reason, elapsed_ms, checked_at,
               page_title
        FROM link_check WHERE checked_at >= ? ORDER BY checked_at, id
        """,
        (since,),
    ):
        if row["url"] in urls:
            fresh[row["url"]] = row  # later rows win: the newest check decides
    alive = (Verdict.OK, Verdict.MOVED)
    return {url: row for url, row in fresh.items() if row["verdict"] in alive}


def _dead_streak(conn: sqlite3.Connection, item_id: int, url: str, limit: int) -> int:
    """How many of this link's latest checks in a row were dead."""
    streak = 0
    for (verdict,) in conn.execute(
        "SELECT verdict FROM link_check WHERE item_id = ? AND url = ? "
        "ORDER BY checked_at DESC, id DESC LIMIT ?",
        (item_id, url, limit),
    ):
        if verdict != Verdict.DEAD:
            break
        streak += 1
    return streak


def check_catalogue_links(
    store: Store,
    links: list[tuple[int, str, str]],
    *,
    options: CheckOptions,
    catalogue: str,
    max_age: timedelta | None = None,
    confirm: int = 1,
    on_progress: Callable[[], None] | None = None,
) -> LinkReport:
    """Check links, record every raw result, and report them (dead only once confirmed).

    When the machine seems offline the run stops and the report says so (its
    ``offline``); results recorded until then are real answers and are kept.
    """
    started = time.monotonic()
    titles = {item_id: title for item_id, title, _ in links}
    rules = json.loads(store.meta("link_rules") or "[]")
    fresh = _fresh(store.conn, {url for _, _, url in links}, max_age) if max_age else {}
    results: list[CheckedLink] = []
    for item_id, title, url in links:
        if url in fresh:
            row = fresh[url]
            reused = CheckedLink(
                id=item_id,
                title=title,
                url=url,
                verdict=Verdict(row["verdict"]),
                http_status=row["http_status"],
                final_url=row["final_url"],
                moved_to=row["moved_to"],
                reason=row["reason"],
                elapsed_ms=row["elapsed_ms"],
                checked_at=row["checked_at"],
                cached=True,
                page_title=row["page_title"],
                title_mismatch=title_mismatch(title, row["page_title"]),
            )
            results.append(reused)
            if on_progress:
                on_progress()
    hosts = Policies(rules, learned_limits(store))
    excluded = {
        url for _, _, url in links if hosts.excluded(urlsplit(url).hostname or "", url)
    } if any(r.get("exclude") for r in rules) else set()  # fmt: skip
    jobs = [(i, url) for i, _, url in links if url not in fresh and url not in excluded]
    pending: list[LinkResult[int]] = []
    flushed_at = last_result = time.monotonic()

    def flush() -> None:
        nonlocal flushed_at
        flushed_at = time.monotonic()
        with store.write() as conn:
            conn.executemany(
                "INSERT INTO link_check (item_id, url, verdict, http_status, final_url, moved_to, "
                "reason, elapsed_ms, checked_at, failure, page_title) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        r.key, r.url, r.verdict.value, r.http_status, r.final_url, r.moved_to,
                        r.reason, r.elapsed_ms, r.checked_at.isoformat(timespec="seconds"),
                        r.failure.value if r.failure else None, r.page_title,
                    )
                    for r in pending
                ],
            )  # fmt: skip
            for r in pending:
                results.append(_reported(conn, r, titles[r.key], confirm))
        pending.clear()

    def record(result: LinkResult[int]) -> None:
        nonlocal last_result
        pending.append(result)
        if on_progress:
            on_progress()
        now = time.monotonic()
        if (
            len(pending) >= FLUSH_EVERY
            or now - flushed_at >= FLUSH_SECONDS
            or now - last_result >= FLUSH_IDLE
        ):
            flush()
        last_result = now

    def tick() -> None:
        # Results held back by the batching are written even when no new one comes
        # (the run waits on a slow host): a run killed then keeps them.
        if pending and time.monotonic() - flushed_at >= FLUSH_SECONDS:
            flush()

    interrupted = False
    offline: str | None = None
    try:
        check_links(
            jobs, options=options, rules=rules, on_result=record, on_tick=tick,
            tick=FLUSH_SECONDS, hosts=hosts,
        )  # fmt: skip
    except KeyboardInterrupt:
        interrupted = True
    except NetworkUnreachable as error:
        # Reported, not raised: the report (and --output) still says what happened.
        offline = error.message
    finally:
        if pending:
            flush()
    learnt = learn(store, results, hosts, options) if offline is None else []
    order = {item_id: n for n, (item_id, _, _) in enumerate(links)}
    results.sort(key=lambda r: order[r.id])
    cached = sum(1 for r in results if r.cached)
    return LinkReport(
        results=results,
        checked=len(results) - cached,
        cached=cached,
        elapsed_s=round(time.monotonic() - started, 2),
        interrupted=interrupted,
        catalogue=catalogue,
        offline=offline,
        excluded=sum(1 for _, _, url in links if url in excluded),
        learned=learnt,
    )


def _reported(
    conn: sqlite3.Connection, result: LinkResult[int], title: str, confirm: int
) -> CheckedLink:
    """The verdict to report: a dead link counts as dead after `confirm` dead runs in a row."""
    verdict, reason = result.verdict, result.reason
    if verdict is Verdict.DEAD and confirm > 1:
        streak = _dead_streak(conn, result.key, result.url, confirm)
        if streak < confirm:
            # Not yet confirmed: one bad day of a flaky site is not a dead link.
            verdict, reason = Verdict.ERROR, f"dead in {streak} of {confirm} runs so far: {reason}"
    # Every field by position: the record's quickest constructor, once per link of a run.
    return CheckedLink(
        result.key, title, result.url, verdict, result.http_status, result.final_url,
        result.moved_to, reason, result.elapsed_ms,
        result.checked_at.isoformat(timespec="seconds"), False, None, None, result.page_title,
        # Only a live page can have the wrong title: a dead one has no article at all.
        verdict in (Verdict.OK, Verdict.MOVED) and title_mismatch(title, result.page_title),
    )  # fmt: skip
