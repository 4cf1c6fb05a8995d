"""Politeness and what a run learns: per-host gates, and each origin's state.

Every HTTP request (each redirect hop and each retry, not each URL) first takes a
slot of its host's gate, then a global slot. Taking the host slot first means a
slow or paused host holds at most ``per_host`` global slots, never all of them.
Between requests a URL holds no slot at all (backoff sleeps, waits on another
host), so redirects between hosts cannot deadlock. A gate also spaces request
starts by ``min_interval`` and pauses the whole host when it sends Retry-After
(or a bare 429).

An origin is a (host, port) pair, what a connection goes to.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from dltrack.errors import NetworkUnreachable
from dltrack.linkcheck.decisions import Decision
from dltrack.linkcheck.options import CheckOptions
from dltrack.linkcheck.outcomes import Failure, LinkResult
from dltrack.linkcheck.verdicts import Verdict

Origin = tuple[str, int]


class HostGate:
    """Admission to one host: a cap on requests in flight, pacing and Retry-After pauses."""

    __slots__ = (
        "_min_interval", "_sem", "accept", "head_unreliable", "next_start", "paused_until"
    )  # fmt: skip

    def __init__(
        self, per_host: int, min_interval: float, accept: frozenset[int] = frozenset()
    ) -> None:
        self.accept = accept  # statuses that count as ok on this host
        self._sem = asyncio.Semaphore(per_host)
        self._min_interval = min_interval
        self.paused_until = 0.0  # loop time
        self.next_start = 0.0
        self.head_unreliable = False  # HEAD said "no" where GET said "yes": use GET here

    async def acquire(self) -> None:
        """Wait for a slot, then for the host's pause and pacing to allow a start."""
        await self._sem.acquire()
        try:
            loop = asyncio.get_running_loop()
            while True:
                now = loop.time()
                start = max(self.paused_until, self.next_start)
                if start <= now:
                    break
                # Re-checked after the sleep: a Retry-After may have extended the pause.
                await asyncio.sleep(start - now)
            self.next_start = now + self._min_interval
        except BaseException:
            self._sem.release()
            raise

    def release(self) -> None:
        """Give the slot back."""
        self._sem.release()

    def pause(self, seconds: float) -> None:
        """No new request to this host for this long."""
        until = asyncio.get_running_loop().time() + seconds
        self.paused_until = max(self.paused_until, until)


class OriginState:
    """What a run has learnt about one origin: reachability and repeated failures."""

    __slots__ = ("down", "streak", "streak_key", "tripped", "up")

    def __init__(self) -> None:
        self.up = False  # some request got an HTTP answer
        self.down = False  # some URL failed at DNS/connect level
        self.streak = 0
        self.streak_key: tuple[Verdict, Failure | None, str] | None = None
        self.tripped: Decision | None = None  # set: the remaining URLs are not requested


class Run:
    """Per-run state, so that one LinkChecker can serve several runs one after another.

    Offline detection. A URL whose check failed at DNS/TCP-connect level is held back
    until some server, anywhere, has answered (the network is then proven up). If
    instead at least ``unreachable_min_hosts`` distinct origins have failed that way,
    they are at least ``unreachable_ratio`` of all the run's origins and not a single
    one answered, the run stops with NetworkUnreachable and nothing held is ever
    reported, so a caller never stores 400 "dead" links because the Wi-Fi was off.
    The minimum keeps a catalogue with one or two genuinely dead hosts (and nothing
    else) from reading as "offline"; the ratio, checked against every origin in the
    run, keeps a few fast NXDOMAIN answers from aborting a run whose live hosts are
    merely slower to answer.
    """

    __slots__ = ("any_up", "options", "origins")

    def __init__(self, options: CheckOptions) -> None:
        self.options = options
        self.origins: dict[Origin, OriginState] = {}
        self.any_up = False

    def origin(self, key: Origin) -> OriginState:
        """The state of one origin, made on first use."""
        state = self.origins.get(key)
        if state is None:
            state = self.origins[key] = OriginState()
        return state

    def answered(self, origin: OriginState, status: int) -> None:
        """A request to origin got an HTTP answer: the network is up."""
        self.any_up = True
        origin.up = True
        if status != 429:
            origin.streak = 0
            origin.streak_key = None

    def concluded(self, origin: OriginState, decision: Decision) -> None:
        """A URL on origin ended with decision; repeated host-level failures trip it.

        Host-level: no connection (DNS, refused, unreachable), no answer in time (a
        host that accepts and never answers costs a timeout per URL otherwise), or
        rate limiting.
        """
        failure = decision.failure
        network = failure is not None and failure.network_level
        if network:
            origin.down = True
        if not (network or failure is Failure.TIMEOUT or decision.http_status == 429):
            return
        key = (decision.verdict, failure, decision.reason)
        if origin.streak_key == key:
            origin.streak += 1
        else:
            origin.streak_key, origin.streak = key, 1
        give_up = self.options.host_give_up
        if give_up and origin.streak >= give_up:
            origin.tripped = decision

    def raise_if_unreachable(self, total: int, held: Sequence[LinkResult[Any]]) -> None:
        """Stop the run when it looks offline (see the class docstring)."""
        if self.any_up:
            return
        down = [key for key, state in self.origins.items() if state.down]
        opts = self.options
        if len(down) < opts.unreachable_min_hosts or len(down) < opts.unreachable_ratio * total:
            return
        example = held[0]
        raise NetworkUnreachable(
            f"network unreachable: {len(down)} of {total} hosts could not be resolved or "
            f"connected to and none answered (e.g. {example.url}: {example.reason}); "
            "no link was marked dead"
        )
