"""Archived copies of pages: the Wayback Machine's availability API, asked for a day.

The API answers ``{"archived_snapshots": {"closest": {"available": true, "url": ...,
"timestamp": "20170129...", "status": "200"}}}`` (or ``{}`` when it has nothing). It
is asked for the copy closest to a given day, never the newest: the newest copy of a
dead page is most often the error page itself. A copy whose own status was not 2xx
is not offered either.

The archive is one host of its own: a small cap on requests in flight and a little
space between them, whatever the run's settings for the links themselves.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Final, TypeVar
from urllib.parse import urlencode

from dltrack.errors import UsageError
from dltrack.linkcheck.http.client import HttpClient, parse_url
from dltrack.linkcheck.options import CheckOptions
from dltrack.linkcheck.scheduling import HostGate

K = TypeVar("K")
DEFAULT_ENDPOINT: Final = "https://archive.org/wayback/available"
ENDPOINT_VARIABLE: Final = "DLTRACK_WAYBACK_URL"
IN_FLIGHT: Final = 4
SPACING: Final = 0.2  # seconds between request starts
TIMEOUT: Final = 20.0  # the availability API is often slow


@dataclass(frozen=True, slots=True)
class Snapshot:
    """An archived copy of a page and when it was taken."""

    url: str
    taken_at: datetime  # UTC


@dataclass(frozen=True, slots=True)
class Lookup:
    """What the archive said about one page: a copy, none (problem None), or a failure."""

    snapshot: Snapshot | None
    problem: str | None = None  # why the archive could not be asked, or gave nonsense


def endpoint() -> str:
    """The availability API to ask: $DLTRACK_WAYBACK_URL, else the Internet Archive's."""
    url = os.environ.get(ENDPOINT_VARIABLE) or DEFAULT_ENDPOINT
    if parse_url(url) is None:
        raise UsageError(f"${ENDPOINT_VARIABLE} is not an http(s) URL: {url[:200]!r}")
    return url


def query_url(base: str, page: str, day: date | None) -> str:
    """The API request for page's copy closest to day (the newest copy only without a day)."""
    params = {"url": page}
    if day is not None:
        params["timestamp"] = day.strftime("%Y%m%d")
    return base + ("&" if "?" in base else "?") + urlencode(params)


def parse_answer(text: str) -> Lookup:
    """A Lookup from the API's JSON; anything malformed is a problem, not a copy."""
    try:
        data = json.loads(text)
    except ValueError:
        return Lookup(None, "the archive's answer is not JSON")
    if not isinstance(data, dict):
        return Lookup(None, "the archive's answer is not a JSON object")
    snapshots = data.get("archived_snapshots") or {}
    closest = snapshots.get("closest") if isinstance(snapshots, dict) else None
    if not isinstance(closest, dict) or closest.get("available") is not True:
        return Lookup(None)
    url, stamp, status = closest.get("url"), closest.get("timestamp"), closest.get("status")
    if status is not None and not str(status).startswith("2"):
        return Lookup(None)  # the archive kept the error page: no copy worth offering
    if not isinstance(url, str) or parse_url(url) is None:
        return Lookup(None, "the archive named a copy that is not an http(s) URL")
    try:
        taken = datetime.strptime(str(stamp)[:14], "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return Lookup(None, f"the archive gave a copy with a bad timestamp {str(stamp)[:20]!r}")
    return Lookup(Snapshot(url, taken))


# After this many failures in a row the archive is not asked again in this run: an
# endpoint that is down would cost a time-out per dead link.
GIVE_UP: Final = 3


class _Archive:
    __slots__ = ("client", "failed", "gate")

    def __init__(self, client: HttpClient) -> None:
        self.client = client
        self.gate = HostGate(IN_FLIGHT, SPACING)
        self.failed: list[str] = []  # the latest failures in a row


async def _ask(archive: _Archive, request: str) -> Lookup:
    url = parse_url(request)
    assert url is not None  # made from a checked endpoint
    await archive.gate.acquire()
    try:
        # Looked at once a slot is had: the lookups before may have failed meanwhile.
        if len(archive.failed) >= GIVE_UP:
            return Lookup(None, f"{archive.failed[-1]} (not asked again)")
        deadline = asyncio.get_running_loop().time() + archive.client.options.timeout
        outcome, _ = await archive.client.exchange(
            "GET", url, request, None, read_text=True, deadline=deadline
        )
    finally:
        archive.gate.release()
    if outcome.failure is not None:
        found = Lookup(None, f"the archive could not be asked: {outcome.failure.reason}")
    elif outcome.status != 200:
        found = Lookup(None, f"the archive answered {outcome.status}")
    else:
        found = parse_answer(outcome.text or "")
    if found.problem is None:
        archive.failed.clear()
    else:
        archive.failed.append(found.problem)
    return found


async def _look_up_all(
    pages: list[tuple[K, str, date | None]], base: str, options: CheckOptions
) -> dict[K, Lookup]:
    archive = _Archive(HttpClient(options))
    try:
        answers = await asyncio.gather(
            *(_ask(archive, query_url(base, page, day)) for _, page, day in pages)
        )
    finally:
        await archive.client.aclose()
    return {key: answer for (key, _, _), answer in zip(pages, answers, strict=True)}


def look_up(
    pages: Iterable[tuple[K, str, date | None]], *, options: CheckOptions | None = None
) -> dict[K, Lookup]:
    """The copy of each (key, page URL, day) closest to its day, keyed as given."""
    wanted = list(pages)
    if not wanted:
        return {}
    base = endpoint()
    opts = options or CheckOptions(timeout=TIMEOUT)
    return asyncio.run(_look_up_all(wanted, base, opts))
