"""The engine: URLs in, one verdict per URL out, as each completes.

Each URL's check is a loop of one request (``http.client``) and one pure decision
(``next_step``) until the decision concludes. Politeness and what the run learns
about each origin are ``scheduling``'s.

Workers. Each host gets ``min(its per_host, its URL count)`` worker tasks pulling from
that host's queue, created round-robin across hosts so that every host is tried
early (which the offline detection relies on) and a 10,000-URL run is a few
hundred tasks.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self, TypeVar

from dltrack.linkcheck.decisions import Hop
from dltrack.linkcheck.handoff import Handoff, Resume
from dltrack.linkcheck.hostpolicy import Policies
from dltrack.linkcheck.http.client import (
    HttpClient,
    Jar,
    Url,
    cookies_of,
    host_of,
    jar_of,
    join,
    origin_of,
    parse_url,
    sends_token,
)
from dltrack.linkcheck.next_step import Confirm, Finish, Follow, Outcome, Retry, next_step
from dltrack.linkcheck.options import CheckOptions
from dltrack.linkcheck.outcomes import LinkResult
from dltrack.linkcheck.plan import (
    Checked,
    Done,
    Plan,
    collect,
    invalid_url,
    result_of,
    results_of,
    skipped,
    slots_of,
)
from dltrack.linkcheck.rules import ContentRule, RuleLike, RuleSet
from dltrack.linkcheck.scheduling import HostGate, Run
from dltrack.linkcheck.verdicts import Verdict

K = TypeVar("K")
RulesArg = RuleSet | Iterable[ContentRule | RuleLike | dict[str, Any]] | None


class LinkChecker:
    """Checks URLs over one shared HTTP client; use ``async with``."""

    def __init__(
        self,
        options: CheckOptions | None = None,
        rules: RulesArg = None,
        *,
        transport: object | None = None,
        hosts: Policies | None = None,
        owns: Callable[[str], bool] | None = None,
    ) -> None:
        self.options = options or CheckOptions()
        # In a run split over processes: the hosts this one may ask (see shards).
        self._owns = owns
        self.rules = rules if isinstance(rules, RuleSet) else RuleSet(rules or ())
        self.hosts = hosts or Policies()  # per-host politeness (the built-ins at least)
        self._transport = transport  # tests pass an httpx.MockTransport here
        self._client: HttpClient | None = None
        self._global: asyncio.Semaphore | None = None
        self._gates: dict[str, HostGate] = {}

    async def __aenter__(self) -> Self:
        if self._client is not None:
            raise RuntimeError("LinkChecker is already open")
        # Pools as large as the largest per-host limit in force, a host rule's included.
        widest = max(self.options.per_host, self.hosts.widest())
        self._client = HttpClient(replace(self.options, per_host=widest), self._transport)
        # Created here, inside the running loop: asyncio primitives bind to one loop.
        self._global = asyncio.Semaphore(self.options.concurrency)
        self._gates = {}
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP client; the checker can be opened again afterwards."""
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    @contextlib.asynccontextmanager
    async def _session(self) -> AsyncIterator[None]:
        # Lets results()/check() work without ``async with`` (opening and closing a client).
        if self._client is not None:
            yield
            return
        async with self:
            yield

    async def check(self, url: str) -> LinkResult[str]:
        """Check one URL (no offline detection); the key of the result is the URL."""
        async with self._session():
            checked = await self._check_or_skip(parse_url(url), Run(self.options))
            assert isinstance(checked, Checked), "check() of a checker that owns some hosts only"
            return result_of(url, url, checked)

    async def run(
        self,
        jobs: Iterable[tuple[K, str]] | Plan[K],
        on_result: Callable[[LinkResult[K]], object] | None = None,
    ) -> list[LinkResult[K]]:
        """Check every job, calling on_result as each finishes; return all results."""
        collected: list[LinkResult[K]] = []
        async with contextlib.aclosing(self.results(jobs)) as stream:
            async for result in stream:
                collected.append(result)
                if on_result is not None:
                    on_result(result)
        return collected

    async def results(
        self, jobs: Iterable[tuple[K, str]] | Plan[K]
    ) -> AsyncGenerator[LinkResult[K], None]:
        """Yield one result per (key, url) job as soon as it is final; may raise NetworkUnreachable.

        The same URL under several keys is checked once. Closing the iterator early
        (``contextlib.aclosing``, break, cancellation, Ctrl-C) cancels the work in flight;
        everything already yielded stays valid.
        """
        async with self._session():
            plan = jobs if isinstance(jobs, Plan) else Plan.of(jobs)
            run = Run(self.options)
            out: asyncio.Queue[Done | BaseException] = asyncio.Queue()
            tasks = self.start_workers(plan.queues, run, out)
            try:
                for url in plan.invalid:
                    for result in results_of(url, plan.keys_by_url[url], invalid_url()):
                        yield result
                async for result in collect(out, plan.valid, plan.keys_by_url, run, plan.origins):
                    yield result
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)

    def start_workers(
        self,
        queues: dict[str, deque[tuple[str, Url]]],
        run: Run,
        out: asyncio.Queue[Done | BaseException],
    ) -> list[asyncio.Task[None]]:
        """The worker tasks of a run: per host, as many as it may have in flight."""
        workers = slots_of(queues, self.options, self.hosts)
        tasks: list[asyncio.Task[None]] = []
        for round_ in range(max(workers.values(), default=0)):
            for host, queue in queues.items():
                if round_ < workers[host]:
                    tasks.append(asyncio.create_task(self._worker(queue, run, out)))
        return tasks

    async def resume(
        self, url: str, state: Resume, run: Run, out: asyncio.Queue[Done | BaseException]
    ) -> None:
        """Go on with a check another process handed over (see handoff)."""
        try:
            target = parse_url(state.target)
            assert target is not None  # it was usable where the redirect was read
            out.put_nowait((url, await self._check_url(target, run, state)))
        except Exception as exc:  # a bug: hand it to the consumer rather than hang it
            out.put_nowait(exc)

    async def _worker(
        self, queue: deque[tuple[str, Url]], run: Run, out: asyncio.Queue[Done | BaseException]
    ) -> None:
        try:
            while queue:
                url, parsed = queue.popleft()
                out.put_nowait((url, await self._check_or_skip(parsed, run)))
        except Exception as exc:  # a bug: hand it to the consumer rather than hang it
            out.put_nowait(exc)

    async def _check_or_skip(self, url: Url | None, run: Run) -> Checked | Handoff:
        if url is None:
            return invalid_url()
        tripped = run.origin(origin_of(url)).tripped
        if tripped is not None:
            # The host failed the same way several times in a row: asking again would
            # only cost time (a blackholed host times out for every one of its URLs).
            return skipped(
                replace(
                    tripped,
                    reason=f"{tripped.reason} (not requested: same failure repeated on this host)",
                    http_status=None,
                    final_url=None,
                )
            )
        return await self._check_url(url, run)

    def _gate(self, host: str) -> HostGate:
        gate = self._gates.get(host)
        if gate is None:
            opts = self.options
            policy = self.hosts.for_host(host, opts.per_host, opts.min_interval)
            gate = HostGate(policy.per_host, policy.min_interval, policy.accept)
            self._gates[host] = gate
        return gate

    async def _check_url(
        self, url: Url, run: Run, resume: Resume | None = None
    ) -> Checked | Handoff:
        """Request and decide, request and decide, until the decision concludes."""
        opts = self.options
        loop = asyncio.get_running_loop()
        started = loop.time()
        attempts = 0
        retries_left = opts.retries
        chain: list[Hop] = []
        current, current_text = url, str(url)
        use_get = not opts.head_first
        head_status: int | None = None  # what HEAD answered before a confirming GET
        jar: Jar = None  # cookies set during this URL's redirect chain
        public_only = False  # after a redirect from a public address
        # The GitHub token goes only to GitHub's hosts, and never again once a redirect
        # has led elsewhere: a chain that comes back may be steered by the other site.
        token = True
        if resume is not None:
            started -= resume.elapsed
            attempts, retries_left, use_get = resume.attempts, resume.retries_left, resume.use_get
            chain, head_status, jar = list(resume.chain), resume.head_status, jar_of(resume.cookies)
            public_only, token, current_text = resume.public_only, resume.token, resume.target_text
        while True:
            host = host_of(current)
            gate = self._gate(host)
            origin = run.origin(origin_of(current))
            needs_text = self.rules.has_rules(host)
            method = "GET" if use_get or needs_text or gate.head_unreliable else "HEAD"
            attempts += 1
            token = token and sends_token(current)
            outcome, jar, target = await self._request(
                gate, method, current, current_text, jar, needs_text, public_only, token
            )
            if outcome.failure is None:
                run.answered(origin, outcome.status)
            step = next_step(
                outcome,
                chain=chain,
                retries_left=retries_left,
                head_status=head_status,
                rules=self.rules if needs_text else None,
                options=opts,
            )
            match step:
                case Retry():
                    retries_left -= 1
                    use_get = use_get or step.use_get
                    wait = step.wait * random.uniform(0.5, 1.0) if step.jitter else step.wait
                    if step.host_wide:
                        gate.pause(wait)  # the retry waits at the gate with the host's others
                    elif wait:
                        await asyncio.sleep(wait)
                case Confirm():
                    head_status, use_get = step.head_status, True
                case Follow():
                    chain.append(step.hop)
                    public_only = step.public_only
                    assert target is not None  # next_step follows only usable targets
                    current, current_text = target, step.hop.location or str(target)
                    if self._owns is not None and not self._owns(host_of(target)):
                        state = Resume(
                            str(target), current_text, tuple(chain), attempts, retries_left,
                            use_get, head_status, cookies_of(jar), public_only, token,
                            loop.time() - started,
                        )  # fmt: skip
                        return Handoff(host_of(target), state)
                case Finish():
                    decision = step.decision
                    if decision.http_status in gate.accept and decision.verdict not in (
                        Verdict.OK,
                        Verdict.MOVED,
                    ):
                        # The curator says this answer is fine on this host.
                        reason = f"{decision.reason} (accepted for this host)"
                        step.decision = replace(decision, verdict=Verdict.OK, reason=reason)
                    if step.pause_host:
                        gate.pause(step.pause_host)
                    if step.head_unreliable:
                        gate.head_unreliable = True  # save this host's other URLs the HEAD
                    run.concluded(origin, step.decision)
                    elapsed = round((loop.time() - started) * 1000)
                    return Checked(step.decision, attempts, elapsed, datetime.now(UTC))

    async def _request(
        self,
        gate: HostGate,
        method: str,
        url: Url,
        url_text: str,
        jar: Jar,
        needs_text: bool,
        public_only: bool,
        token: bool = False,
    ) -> tuple[Outcome, Jar, Url | None]:
        """One request under the host's gate and a global slot; and its redirect's target."""
        client, global_slots = self._client, self._global
        assert client is not None and global_slots is not None, "used outside its session"
        await gate.acquire()
        try:
            async with global_slots:
                deadline = asyncio.get_running_loop().time() + self.options.timeout
                outcome, jar = await client.exchange(
                    method,
                    url,
                    url_text,
                    jar,
                    read_text=needs_text,
                    deadline=deadline,
                    public_only=public_only,
                    token=token,
                )
        finally:
            gate.release()
        target = None
        if outcome.location and outcome.failure is None:
            target = join(url, outcome.location)
            if target is not None:
                outcome.target = str(target)
        return outcome, jar, target


async def check_links_async(
    jobs: Iterable[tuple[K, str]] | Plan[K],
    *,
    options: CheckOptions | None = None,
    rules: RulesArg = None,
    on_result: Callable[[LinkResult[K]], object] | None = None,
    transport: object | None = None,
    on_tick: Callable[[], object] | None = None,
    tick: float = 1.0,
    hosts: Policies | None = None,
) -> list[LinkResult[K]]:
    """Check every job with a fresh LinkChecker; on_result sees each result as it comes.

    on_tick, when given, is called every tick seconds while the run goes on, also when
    no result arrives for a long time (a caller that stores results in batches keeps
    them current even while the last URLs hang).
    """
    async with LinkChecker(options, rules, transport=transport, hosts=hosts) as checker:
        ticker = asyncio.create_task(every(tick, on_tick)) if on_tick else None
        try:
            return await checker.run(jobs, on_result)
        finally:
            if ticker is not None:
                ticker.cancel()
                await asyncio.gather(ticker, return_exceptions=True)


async def every(seconds: float, call: Callable[[], object]) -> None:
    while True:
        await asyncio.sleep(seconds)
        call()
