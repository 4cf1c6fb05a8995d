"""A run's bookkeeping: its jobs sorted by host, and its results as checks conclude.

Shared by the engine, which checks in this process, and by shards, which collects
what other processes checked; offline detection happens here, for both.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncGenerator, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Generic, TypeVar

from dltrack.linkcheck.decisions import Decision
from dltrack.linkcheck.handoff import Handoff
from dltrack.linkcheck.hostpolicy import Policies
from dltrack.linkcheck.http.client import Url, host_of, origin_of, parse_url
from dltrack.linkcheck.options import CheckOptions
from dltrack.linkcheck.outcomes import Failure, LinkResult
from dltrack.linkcheck.scheduling import Origin, Run
from dltrack.linkcheck.verdicts import Verdict

K = TypeVar("K")


@dataclass(frozen=True, slots=True)
class Checked:
    """A URL's concluded check: its decision, with what it took."""

    decision: Decision
    attempts: int
    elapsed_ms: int
    checked_at: datetime

    def __reduce__(self) -> tuple[type[Checked], tuple[object, ...]]:
        # By position, as Decision's (see there).
        return Checked, (self.decision, self.attempts, self.elapsed_ms, self.checked_at)


def skipped(decision: Decision) -> Checked:
    return Checked(decision, 0, 0, datetime.now(UTC))


def invalid_url() -> Checked:
    """The result of a URL that is not one: nothing was asked, now."""
    return skipped(Decision(Verdict.ERROR, "invalid URL", failure=Failure.INVALID_URL))


@dataclass(slots=True)
class Plan(Generic[K]):
    """A run's jobs sorted out: the keys of each URL, the valid ones queued by host.

    One run's: its workers take the URLs off the queues as they check them.
    """

    keys_by_url: dict[str, list[K]]
    queues: dict[str, deque[tuple[str, Url]]]
    invalid: list[str]
    origins: int  # distinct origins among the valid URLs (for offline detection)

    @property
    def valid(self) -> int:
        """How many distinct URLs will be asked about."""
        return len(self.keys_by_url) - len(self.invalid)

    @classmethod
    def of(cls, jobs: Iterable[tuple[K, str]]) -> Plan[K]:
        """The plan of (key, url) jobs; the same URL under several keys is checked once."""
        keys_by_url: dict[str, list[K]] = {}
        for key, url in jobs:
            keys_by_url.setdefault(url, []).append(key)
        queues: dict[str, deque[tuple[str, Url]]] = {}
        origins: set[Origin] = set()
        invalid: list[str] = []
        for url in keys_by_url:
            parsed = parse_url(url)
            if parsed is None:
                invalid.append(url)
                continue
            queues.setdefault(host_of(parsed), deque()).append((url, parsed))
            origins.add(origin_of(parsed))
        return cls(keys_by_url, queues, invalid, len(origins))


def slots_of(
    queues: dict[str, deque[tuple[str, Url]]], options: CheckOptions, hosts: Policies
) -> dict[str, int]:
    """Requests each host of a run may have in flight: its cap (a host rule's, else
    the run's), or fewer when it has fewer URLs."""
    cap = hosts.for_host
    return {
        host: min(len(queue), cap(host, options.per_host, options.min_interval).per_host)
        for host, queue in queues.items()
    }


# A URL's check that has ended here: concluded, or handed to another process.
Done = tuple[str, Checked | Handoff]


async def collect(
    out: asyncio.Queue[Done | BaseException],
    remaining: int,
    keys_by_url: dict[str, list[K]],
    run: Run,
    origins: int,
) -> AsyncGenerator[LinkResult[K], None]:
    """The results of `remaining` URLs as their checks put them in out, offline detection included.

    run.any_up and the origins' `down` must be kept current by whoever does the
    checking (the workers themselves, or the messages of other processes).
    """
    held: list[LinkResult[K]] = []
    while remaining:
        item = await out.get()
        if isinstance(item, BaseException):
            raise item
        url, checked = item
        assert isinstance(checked, Checked), "a handoff reached the consumer"
        remaining -= 1
        results = results_of(url, keys_by_url[url], checked)
        failure = checked.decision.failure
        if not run.any_up and failure is not None and failure.network_level:
            held.extend(results)
            run.raise_if_unreachable(origins, held)
            continue
        if held:
            # Some server has answered: the held failures are real.
            for result in held:
                yield result
            held.clear()
        for result in results:
            yield result
    if held:
        run.raise_if_unreachable(origins, held)
        for result in held:
            yield result


def result_of(key: K, url: str, checked: Checked) -> LinkResult[K]:
    d = checked.decision
    return LinkResult(
        key=key,
        url=url,
        verdict=d.verdict,
        reason=d.reason,
        http_status=d.http_status,
        final_url=d.final_url,
        moved_to=d.moved_to,
        elapsed_ms=checked.elapsed_ms,
        checked_at=checked.checked_at,
        attempts=checked.attempts,
        failure=d.failure,
        page_title=d.page_title,
    )


def results_of(url: str, keys: Sequence[K], checked: Checked) -> list[LinkResult[K]]:
    return [result_of(key, url, checked) for key in keys]
