"""Limits learnt per host: a host that throttled a run starts the next one gentler.

A host that answered 429, or a verification page, in a run gets half the requests in
flight and twice the spacing it had in that run (bounded; see hostpolicy.gentler)
for its next run. A host checked in a run without throttling it gets one step of that
back (twice the requests in flight, half the spacing, up to its configured limits); one
not checked keeps its limit. The limits live in the database beside the history.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import urlsplit

from dltrack.linkcheck.hostpolicy import Policies, freer, gentler
from dltrack.linkcheck.options import CheckOptions
from dltrack.linkcheck.verdicts import Verdict
from dltrack.links.results import CheckedLink
from dltrack.records import Record
from dltrack.store.db import Store


class LearnedLimit(Record):
    """The limits a host's next run starts with, and why."""

    host: str
    per_host: int
    min_interval: float
    reason: str


def learned_limits(store: Store) -> dict[str, tuple[int, float]]:
    """Host -> (requests in flight, seconds apart) learnt from earlier runs."""
    return {
        host: (per_host, interval)
        for host, per_host, interval in store.conn.execute(
            "SELECT host, per_host, min_interval FROM host_limit"
        )
    }


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def throttled(result: CheckedLink) -> str | None:
    """Why a result says its host throttled the run: a 429 or a verification page."""
    if result.cached:
        return None
    if result.http_status == 429:
        return "429 Too Many Requests"
    if result.verdict is Verdict.BLOCKED and result.reason.startswith("blocked page:"):
        return result.reason
    return None


def learn(
    store: Store,
    results: Iterable[CheckedLink],
    hosts: Policies,
    options: CheckOptions,
) -> list[LearnedLimit]:
    """Record what this run taught about each host it checked; the hosts that throttled it."""
    checked: set[str] = set()
    why: dict[str, str] = {}
    for r in results:
        if r.cached:
            continue
        start = _host(r.url)
        checked.add(start)
        # Most links end where they start: one split is enough for them.
        host = start if not r.final_url or r.final_url == r.url else _host(r.final_url)
        checked.add(host)
        if (reason := throttled(r)) is not None:
            why.setdefault(host, reason)
    learnt = []
    for host, reason in sorted(why.items()):
        per_host, interval = gentler(hosts.for_host(host, options.per_host, options.min_interval))
        learnt.append(LearnedLimit(host, per_host, interval, reason))
    relaxed: list[tuple[int, float, str]] = []
    forgotten: list[tuple[str]] = []
    for host in sorted(checked - why.keys()):
        if host in hosts.learned:
            base = hosts.configured(host, options.per_host, options.min_interval)
            step = freer(hosts.learned[host], base)
            if step is None:
                forgotten.append((host,))
            else:
                relaxed.append((*step, host))
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with store.write() as conn:
        conn.executemany("DELETE FROM host_limit WHERE host = ?", forgotten)
        conn.executemany(
            "UPDATE host_limit SET per_host = ?, min_interval = ? WHERE host = ?", relaxed
        )
        conn.executemany(
            "INSERT INTO host_limit (host, per_host, min_interval, learned_at, reason) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(host) DO UPDATE SET per_host = excluded.per_host, "
            "min_interval = excluded.min_interval, learned_at = excluded.learned_at, "
            "reason = excluded.reason",
            [(lim.host, lim.per_host, lim.min_interval, now, lim.reason) for lim in learnt],
        )
    return learnt
