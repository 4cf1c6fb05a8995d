"""A large run split over processes, each asking the hosts of its own sites.

Why. The checker is one asyncio loop: once answers come back fast, a run of
thousands of links is bound by one CPU (parsing answers, deciding, recording), while
lychee's runtime uses every core (bench/linkcheck.py, the large scenario). So a
large run forks workers, one per CPU up to MAX_PROCESSES, and the parent only
collects, records and relays.

Politeness stays exact. Each site (a host name's last two labels, or an IP address)
is asked by one worker only, so every host's cap, pacing and pauses are kept by one
gate, and the usual redirects (http to https, a.com to www.a.com) stay in that
worker. A redirect to a host of another worker ends the check there as a Handoff;
the parent passes it to the owner, which resumes it with its chain, attempts and
cookies as they were.

Offline detection stays the parent's: workers report, with their results, whether
any server answered them and which origins failed to connect, and the parent holds
and decides exactly as a single process does (plan.collect).

Workers are forked before the parent's event loop starts, on Linux only (fork is
cheap there: nothing is imported again). A worker touches nothing it inherited but
its share of the plan and its pipes, and leaves with os._exit.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import math
import os
import pickle
import signal
import struct
import sys
import zlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

from dltrack.linkcheck.engine import LinkChecker, every
from dltrack.linkcheck.handoff import Handoff
from dltrack.linkcheck.hostpolicy import Policies
from dltrack.linkcheck.http.client import Url
from dltrack.linkcheck.options import PARALLEL_MIN, CheckOptions
from dltrack.linkcheck.outcomes import LinkResult
from dltrack.linkcheck.plan import Done, Plan, collect, invalid_url, results_of, slots_of
from dltrack.linkcheck.scheduling import Origin, Run

K = TypeVar("K")

PER_PROCESS_MIN = 1000  # URLs each worker should have at least
MAX_PROCESSES = 4
BATCH_SECONDS = 0.005  # a worker gathers results this long before sending them
_LENGTH = struct.Struct("!I")


def site_of(host: str) -> str:
    """The part of a host name its subdomains share (no public-suffix list: a guess)."""
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return ".".join(host.rstrip(".").split(".")[-2:])  # "example.org." is example.org
    return host


def processes_for(urls: int, sites: int, asked: int = 0) -> int:
    """How many workers to use (1: check in this process); asked 0 picks by size and CPUs."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return 1  # elsewhere a fresh process would import everything again
    if asked:
        return max(1, min(asked, sites))  # a worker without a site would have nothing to do
    cpus = usable_cpus()
    if cpus < 2 or urls < PARALLEL_MIN:
        return 1
    return max(1, min(cpus, sites, MAX_PROCESSES, urls // PER_PROCESS_MIN))


CPU_MAX = Path("/sys/fs/cgroup/cpu.max")  # cgroup v2: "<quota> <period>" or "max <period>"


def usable_cpus() -> int:
    """The CPUs this process may run on, and no more than its container's CPU quota.

    A container limited to one CPU (``docker run --cpus 1``) still sees every CPU of
    the host in its affinity mask; workers beyond the quota would only take turns.
    """
    cpus = len(os.sched_getaffinity(0))
    try:
        quota, period = CPU_MAX.read_text(encoding="ascii").split()[:2]
        if quota != "max":
            cpus = min(cpus, max(1, math.ceil(int(quota) / int(period))))
    except (OSError, ValueError):
        pass  # no cgroup v2 file, or one we do not understand: the affinity mask it is
    return cpus


@dataclass(frozen=True, slots=True)
class Owners:
    """Which worker asks which host: the plan's sites balanced by URL count."""

    assigned: dict[str, int]
    count: int

    @classmethod
    def balanced(cls, queues: dict[str, deque[tuple[str, Url]]], count: int) -> Owners:
        per_site: dict[str, int] = {}
        for host, queue in queues.items():
            site = site_of(host)
            per_site[site] = per_site.get(site, 0) + len(queue)
        load = [0] * count
        assigned: dict[str, int] = {}
        for site in sorted(per_site, key=lambda s: (-per_site[s], s)):
            shard = load.index(min(load))
            assigned[site] = shard
            load[shard] += per_site[site]
        return cls(assigned, count)

    def of(self, host: str) -> int:
        """The worker for host; a site no job named (a redirect's) by a stable hash."""
        site = site_of(host)
        shard = self.assigned.get(site)
        return shard if shard is not None else zlib.crc32(site.encode()) % self.count


class _Frames(asyncio.Protocol):
    """Length-prefixed pickles off a pipe, each handed to on_message; on_end at EOF."""

    def __init__(
        self,
        on_message: Callable[[Any], None],
        on_end: Callable[[], None],
        on_error: Callable[[Exception], None],
    ) -> None:
        self._buffer = bytearray()
        self._on_message, self._on_end, self._on_error = on_message, on_end, on_error

    def data_received(self, data: bytes) -> None:
        buffer = self._buffer
        buffer += data
        while len(buffer) >= _LENGTH.size:
            (size,) = _LENGTH.unpack_from(buffer)
            end = _LENGTH.size + size
            if len(buffer) < end:
                break
            message = pickle.loads(buffer[_LENGTH.size : end])
            del buffer[:end]
            try:
                self._on_message(message)
            except Exception as exc:  # a bug: raised where the run waits, not lost in a log
                self._on_error(exc)

    def eof_received(self) -> bool:
        self._on_end()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self._on_end()


def _frame(message: object) -> bytes:
    data = pickle.dumps(message, pickle.HIGHEST_PROTOCOL)
    return _LENGTH.pack(len(data)) + data


async def _writer(fd: int) -> asyncio.WriteTransport:
    """A pipe to write frames to; asyncio buffers what the pipe cannot take at once."""
    loop = asyncio.get_running_loop()
    pipe = os.fdopen(fd, "wb", buffering=0)
    transport, _ = await loop.connect_write_pipe(asyncio.Protocol, pipe)
    return transport


async def _reader(fd: int, protocol: _Frames) -> asyncio.ReadTransport:
    """Read frames off a pipe into protocol from now on."""
    loop = asyncio.get_running_loop()
    pipe = os.fdopen(fd, "rb", buffering=0)
    transport, _ = await loop.connect_read_pipe(lambda: protocol, pipe)
    return transport


# ------------------------------------------------------------------ the worker side


@dataclass(frozen=True, slots=True)
class _Share:
    """What one worker checks, and how; it reaches the worker by fork, not by pickle."""

    plan: Plan[Any]
    options: CheckOptions  # the global cap is this worker's part of it
    rules: Any
    hosts: Policies
    owners: Owners
    shard: int


def _work(share: _Share, read_fd: int, write_fd: int) -> None:
    """A forked worker's whole life; never returns."""
    # Fresh streams: the inherited ones may be locked by a thread that no longer exists
    # here (a progress bar's), and a worker has nothing to say on them anyway.
    sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115 (kept until os._exit)
    code = 0
    try:
        asyncio.run(_serve(share, read_fd, write_fd))
    except KeyboardInterrupt:
        code = 130  # the parent was interrupted too, and reports it
    except BaseException:  # already told to the parent (see _serve)
        code = 1
    os._exit(code)


async def _serve(share: _Share, read_fd: int, write_fd: int) -> None:
    plan, options, owners, shard = share.plan, share.options, share.owners, share.shard
    mine = {h: q for h, q in plan.queues.items() if owners.of(h) == shard}
    owns = lambda host: owners.of(host) == shard  # noqa: E731
    checker = LinkChecker(options, share.rules, hosts=share.hosts, owns=owns)
    run = Run(options)
    out: asyncio.Queue[Done | BaseException | None] = asyncio.Queue()
    resumed: list[asyncio.Task[None]] = []

    def on_message(message: Any) -> None:
        _kind, url, state = message  # ("resume", url, Resume)
        resumed.append(asyncio.create_task(checker.resume(url, state, run, out)))  # type: ignore[arg-type]

    protocol = _Frames(on_message, lambda: out.put_nowait(None), out.put_nowait)
    async with checker:
        writer = await _writer(write_fd)
        await _reader(read_fd, protocol)
        tasks: list[asyncio.Task[None]] = []
        try:
            tasks = checker.start_workers(mine, run, out)  # type: ignore[arg-type]
            await _relay(out, run, writer)
        except Exception as exc:  # a bug: the parent raises it
            writer.write(_frame(("error", f"{type(exc).__name__}: {exc}")))
            raise
        finally:
            for task in tasks + resumed:
                task.cancel()
            await asyncio.gather(*tasks, *resumed, return_exceptions=True)
            await _flushed(writer)


async def _relay(
    out: asyncio.Queue[Done | BaseException | None], run: Run, writer: asyncio.WriteTransport
) -> None:
    """Send what the checks put in out to the parent, in batches, until it says enough."""
    told: set[Origin] = set()
    while True:
        item = await out.get()
        if item is None:
            return  # the parent has all it needs
        await asyncio.sleep(BATCH_SECONDS)
        batch: list[Done | BaseException | None] = [item]
        while not out.empty():
            batch.append(out.get_nowait())
        if any(part is None for part in batch):
            return
        failures = [part for part in batch if isinstance(part, BaseException)]
        if failures:
            raise failures[0]
        down = [key for key, state in run.origins.items() if state.down and key not in told]
        told.update(down)
        writer.write(_frame(("batch", batch, run.any_up, down)))


async def _flushed(writer: asyncio.WriteTransport, within: float = 5.0) -> None:
    """Wait until what was written has left (a closing loop drops the rest)."""
    loop = asyncio.get_running_loop()
    until = loop.time() + within
    while writer.get_write_buffer_size() and not writer.is_closing() and loop.time() < until:
        await asyncio.sleep(0.01)


# ------------------------------------------------------------------ the parent side


@dataclass(slots=True)
class _Worker:
    pid: int
    read_fd: int
    write_fd: int
    writer: asyncio.WriteTransport | None = None


def check_sharded(
    plan: Plan[K],
    count: int,
    *,
    options: CheckOptions,
    rules: Any,
    hosts: Policies,
    on_result: Callable[[LinkResult[K]], object] | None,
    on_tick: Callable[[], object] | None,
    tick: float,
) -> list[LinkResult[K]]:
    """Check plan's URLs in count forked workers; the same results as one process gives."""
    owners = Owners.balanced(plan.queues, count)
    # Each worker gets a share of the global cap as large as its share of the hosts' slots.
    slots = [0] * count
    for host, n in slots_of(plan.queues, options, hosts).items():
        slots[owners.of(host)] += n
    total = sum(slots) or 1
    workers: list[_Worker] = []
    try:
        for shard in range(count):
            share = max(1, round(options.concurrency * slots[shard] / total))
            down_r, down_w = os.pipe()  # parent to worker
            up_r, up_w = os.pipe()  # worker to parent
            pid = os.fork()
            if pid == 0:  # the worker: never back into the caller's code, whatever happens
                try:
                    os.close(down_w)
                    os.close(up_r)
                    for other in workers:
                        os.close(other.read_fd)
                        os.close(other.write_fd)
                    mine = replace(options, concurrency=share)
                    _work(_Share(plan, mine, rules, hosts, owners, shard), down_r, up_w)
                finally:
                    os._exit(1)
            os.close(down_r)
            os.close(up_w)
            workers.append(_Worker(pid, up_r, down_w))
        return asyncio.run(_gather(plan, workers, owners, options, on_result, on_tick, tick))
    finally:
        _end(workers)


async def _gather(
    plan: Plan[K],
    workers: list[_Worker],
    owners: Owners,
    options: CheckOptions,
    on_result: Callable[[LinkResult[K]], object] | None,
    on_tick: Callable[[], object] | None,
    tick: float,
) -> list[LinkResult[K]]:
    run = Run(options)
    out: asyncio.Queue[Done | BaseException] = asyncio.Queue()
    finished = False

    def on_message(message: Any) -> None:
        if message[0] == "error":
            out.put_nowait(RuntimeError(f"a link-checking process failed: {message[1]}"))
            return
        _kind, batch, any_up, down = message
        run.any_up = run.any_up or any_up
        for key in down:
            run.origin(key).down = True
        for url, done in batch:
            if isinstance(done, Handoff):
                owner = workers[owners.of(done.host)].writer
                assert owner is not None
                owner.write(_frame(("resume", url, done.resume)))
            else:
                out.put_nowait((url, done))

    def on_end() -> None:
        if not finished:
            # A worker that leaves without a word was stopped from outside: Ctrl-C reaches
            # the whole process group (often a worker's pipe closes before this process
            # sees its own signal), or someone killed it. Either way the run was
            # interrupted, and what was checked is kept, as after Ctrl-C.
            out.put_nowait(KeyboardInterrupt())

    # Every writer first: a worker's first batch may hand a check to any other worker.
    for worker in workers:
        worker.writer = await _writer(worker.write_fd)
    readers = [
        await _reader(worker.read_fd, _Frames(on_message, on_end, out.put_nowait))
        for worker in workers
    ]
    ticker = asyncio.create_task(every(tick, on_tick)) if on_tick else None
    collected: list[LinkResult[K]] = []
    try:
        for url in plan.invalid:
            collected += results_of(url, plan.keys_by_url[url], invalid_url())
        if on_result is not None:
            for result in collected:
                on_result(result)
        async for result in collect(out, plan.valid, plan.keys_by_url, run, plan.origins):
            collected.append(result)
            if on_result is not None:
                on_result(result)
        return collected
    finally:
        finished = True
        if ticker is not None:
            ticker.cancel()
            await asyncio.gather(ticker, return_exceptions=True)
        for worker in workers:
            if worker.writer is not None:
                worker.writer.close()  # the worker's end of input: it stops
        for reader in readers:
            reader.close()


def _end(workers: list[_Worker]) -> None:
    """Make sure every worker is gone and reaped, however the run ended."""
    for worker in workers:
        with contextlib.suppress(ChildProcessError, ProcessLookupError):
            pid, _status = os.waitpid(worker.pid, os.WNOHANG)
            if pid == 0:
                os.kill(worker.pid, signal.SIGKILL)
                os.waitpid(worker.pid, 0)
