"""check_links for synchronous callers: one run, in this process or split over several.

Kept apart from the engine so that the engine knows nothing of processes, and the
shards (which use the engine) nothing of this choice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import TypeVar

from dltrack.linkcheck.engine import RulesArg, check_links_async
from dltrack.linkcheck.hostpolicy import Policies
from dltrack.linkcheck.options import PARALLEL_MIN, CheckOptions
from dltrack.linkcheck.outcomes import LinkResult
from dltrack.linkcheck.plan import Plan

K = TypeVar("K")


def check_links(
    jobs: Iterable[tuple[K, str]],
    *,
    options: CheckOptions | None = None,
    rules: RulesArg = None,
    on_result: Callable[[LinkResult[K]], object] | None = None,
    transport: object | None = None,
    on_tick: Callable[[], object] | None = None,
    tick: float = 1.0,
    hosts: Policies | None = None,
) -> list[LinkResult[K]]:
    """Blocking form of check_links_async for synchronous callers such as the CLI.

    A large run is split over processes (options.processes; see shards), with the
    same results; a test's transport keeps it in this one.
    """
    options = options or CheckOptions()
    plan = Plan.of(jobs)
    count = 1
    # shards is loaded only for a run that may be split: every other run starts faster.
    if (
        transport is None
        and options.processes != 1
        and (options.processes or plan.valid >= PARALLEL_MIN)
    ):
        from dltrack.linkcheck import shards

        sites = len({shards.site_of(host) for host in plan.queues})
        count = shards.processes_for(plan.valid, sites, options.processes)
        if count > 1:
            return shards.check_sharded(
                plan, count, options=options, rules=rules, hosts=hosts or Policies(),
                on_result=on_result, on_tick=on_tick, tick=tick,
            )  # fmt: skip
    return asyncio.run(
        check_links_async(
            plan,
            options=options,
            rules=rules,
            on_result=on_result,
            transport=transport,
            on_tick=on_tick,
            tick=tick,
            hosts=hosts,
        )
    )
