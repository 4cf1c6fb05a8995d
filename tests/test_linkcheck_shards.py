"""A run split over processes: the same verdicts, the same politeness, the same offline rule.

The servers run in this (the test) process, so what they record (hits, the peak in
flight per host, cookies) is what the forked workers really sent.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
import signal
import sqlite3
import subprocess
import sys
import time
from collections import deque
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dltrack.errors import NetworkUnreachable
from dltrack.linkcheck import CheckOptions, LinkResult, Verdict, check_links, shards
from dltrack.linkcheck.decisions import Decision
from dltrack.linkcheck.engine import LinkChecker
from dltrack.linkcheck.http.client import parse_url
from dltrack.linkcheck.outcomes import Failure
from dltrack.linkcheck.plan import Checked
from dltrack.linkcheck.shards import Owners, processes_for, site_of
from linkserver import LinkServer, Reply, Request, extra_servers, free_port, page_url
from test_check_links import FAST as CLI_FAST
from test_check_links import write_catalogue

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="runs are split over processes on Linux only"
)

FAST = CheckOptions(timeout=2, retries=2, backoff=0.01, backoff_max=0.05)


def by_key(results: list[LinkResult[int]]) -> dict[int, tuple[object, ...]]:
    """What a result says, without its timing."""
    return {
        r.key: (r.verdict, r.reason, r.http_status, r.final_url, r.moved_to, r.attempts, r.failure)
        for r in results
    }


def children() -> set[int]:
    """This process's child processes, zombies included (Linux's /proc)."""
    found: set[int] = set()
    for task in Path("/proc/self/task").iterdir():
        found.update(int(pid) for pid in (task / "children").read_text().split())
    return found


def owner_of(servers: list[LinkServer], count: int) -> Owners:
    queues = {
        s.host: deque([("u", parse_url(s.url("/ok")))] * (10 - i)) for i, s in enumerate(servers)
    }
    return Owners.balanced(queues, count)  # type: ignore[arg-type]


def test_a_split_run_gives_the_verdicts_of_one_process(linkserver: LinkServer) -> None:
    with extra_servers(3) as others:
        servers = [linkserver, *others]
        urls: list[str] = []
        for i, server in enumerate(servers):
            after = servers[(i + 1) % len(servers)]
            urls += [server.url(f"/ok?id={n}") for n in range(6)]
            urls += [
                server.url("/status/404"),
                server.url("/status/410"),
                server.url(f"/flaky?times=1&id={i}"),
                server.url(f"/redirect/302?to=/ok%3Fid%3Dsame{i}"),
                # Permanent and temporary redirects to the next server: another process's.
                server.url(f"/redirect/301?to={after.url(f'/ok?id=next{i}')}"),
                server.url(f"/redirect/302?to={after.url('/status/404')}"),
            ]
        urls.append("not a url")
        jobs = [(n, url) for n, url in enumerate(urls)]
        alone = check_links(jobs, options=replace(FAST, processes=1))
        hits_alone = [dict(s.hits) for s in servers]
        for s in servers:
            s.hits.clear()
        split = check_links(jobs, options=replace(FAST, processes=3))
        assert by_key(split) == by_key(alone)
        assert [dict(s.hits) for s in servers] == hits_alone  # the same requests, once each
        verdicts = {r.verdict for r in split}
        assert verdicts == {Verdict.OK, Verdict.DEAD, Verdict.MOVED, Verdict.ERROR}


def test_a_redirect_into_another_process_keeps_that_host_cap() -> None:
    with extra_servers(2, latency=0.05) as (first, second):
        owners = owner_of([first, second], 2)
        assert owners.of(first.host) != owners.of(second.host)
        # Twelve links on the first host lead to the second, which has twelve of its own:
        # all of them are asked by the second host's process, under its one gate.
        jobs = [(n, first.url(f"/redirect/301?to={second.url(f'/ok?id=r{n}')}")) for n in range(12)]
        jobs += [(100 + n, second.url(f"/ok?id={n}")) for n in range(12)]
        results = check_links(jobs, options=replace(FAST, per_host=2, processes=2))
        assert second.peak == 2
        assert first.peak <= 2
        moved = [r for r in results if r.key < 100]
        assert {r.verdict for r in moved} == {Verdict.MOVED}
        assert all(r.attempts == 2 and r.moved_to == r.final_url for r in moved)
        assert sorted(r.final_url for r in moved) == sorted(
            second.url(f"/ok?id=r{n}") for n in range(12)
        )
        assert second.hits["/ok?id=r3"] == 1


def test_a_chain_that_comes_back_keeps_its_cookies() -> None:
    """first sets a cookie and sends to second, which sends back: the cookie must come too."""
    with extra_servers(2) as (first, second):
        assert owner_of([first, second], 2).of(first.host) != owner_of([first, second], 2).of(
            second.host
        )

        def start(request: Request) -> Reply:
            back = first.url(f"/back?{request.query.get('n', '')}")
            return Reply(
                302,
                headers={
                    "Location": second.url(f"/bounce?to={back}"),
                    "Set-Cookie": "seen=1; Path=/",
                },
            )

        def back(request: Request) -> Reply:
            if "seen=1" in request.headers.get("cookie", ""):
                return Reply(200, "<html><body>welcome back</body></html>")
            return Reply(403, "who are you")

        first.route("/start", start)
        first.route("/back", back)
        second.route(
            "/bounce", lambda request: Reply(302, headers={"Location": request.query["to"]})
        )
        jobs = [(n, first.url(f"/start?n={n}")) for n in range(3)]
        jobs += [(10 + n, second.url(f"/ok?id={n}")) for n in range(2)]
        results = check_links(jobs, options=replace(FAST, processes=2))
        ends = {r.key: (r.verdict, r.http_status, r.attempts) for r in results if r.key < 10}
        assert ends == {n: (Verdict.OK, 200, 3) for n in range(3)}


def test_an_offline_machine_stops_a_split_run_too() -> None:
    hosts = [f"127.0.0.{i}" for i in range(2, 8)]
    try:
        ports = {host: free_port(host) for host in hosts}
    except OSError as exc:
        pytest.skip(f"cannot bind the loopback addresses: {exc}")
    # Nothing listens: every connection is refused, as on a machine without a network.
    jobs = [(n, f"http://{host}:{ports[host]}/page/{n}") for n, host in enumerate(hosts * 3)]
    with pytest.raises(NetworkUnreachable, match="no link was marked dead"):
        check_links(jobs, options=replace(FAST, processes=2, retries=0))


def test_refused_hosts_are_dead_when_another_process_heard_an_answer(
    linkserver: LinkServer,
) -> None:
    with extra_servers(1) as (other,):
        hosts = [f"127.0.0.{i}" for i in range(4, 8)]
        ports = {host: free_port(host) for host in hosts}
        jobs = [(n, f"http://{h}:{ports[h]}/x") for n, h in enumerate(hosts)]
        jobs += [(10, linkserver.url("/ok")), (11, other.url("/ok"))]
        results = {
            r.key: r for r in check_links(jobs, options=replace(FAST, processes=3, retries=0))
        }
        assert results[10].verdict is Verdict.OK and results[11].verdict is Verdict.OK
        assert {results[n].reason for n in range(4)} == {"connection refused"}


def test_a_failing_worker_is_reported_not_waited_for(
    linkserver: LinkServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> list[object]:
        raise RuntimeError("no workers today")

    # The forked workers inherit the patch; the parent never starts workers itself.
    monkeypatch.setattr(LinkChecker, "start_workers", broken)
    before = children()
    with extra_servers(1) as (other,):
        jobs = [(1, linkserver.url("/ok")), (2, other.url("/ok"))]
        with pytest.raises(
            RuntimeError, match="a link-checking process failed: RuntimeError: no workers today"
        ):
            check_links(jobs, options=replace(FAST, processes=2))
    assert children() == before  # every worker is gone, and reaped (a zombie is listed)


def test_check_links_split_over_processes_reports_and_records_the_same(
    run, linkserver: LinkServer, catalogue_path: Path, db_path: Path
) -> None:
    with extra_servers(2) as others:
        servers = [linkserver, *others]
        urls: dict[int, str] = {}
        for i, server in enumerate(servers):
            after = servers[(i + 1) % len(servers)]
            urls[10 * i + 1] = server.url("/ok")
            urls[10 * i + 2] = server.url("/status/404")
            urls[10 * i + 3] = server.url(f"/redirect/301?to={after.url('/ok?from=' + str(i))}")
            urls[10 * i + 4] = page_url(server, "该内容已被发布者删除")
        rules = [{"host": s.host, "dead_if": ["该内容已被发布者删除"]} for s in servers]
        write_catalogue(catalogue_path, urls, rules)
        reports = []
        for processes in ("1", "3"):
            result = run("check-links", "--format", "json", "--processes", processes, *CLI_FAST)
            assert result.code == 1, result.err  # dead links
            data = json.loads(result.out)
            reports.append(
                {r["id"]: (r["verdict"], r["final_url"], r["reason"]) for r in data["results"]}
            )
        assert reports[0] == reports[1]
        assert {v for v, _, _ in reports[1].values()} == {"ok", "dead", "moved"}
        with sqlite3.connect(db_path) as conn:
            rows = conn.execute(
                "SELECT item_id, verdict, final_url FROM link_check ORDER BY id"
            ).fetchall()
        assert len(rows) == 2 * len(urls)
        first, second = rows[: len(urls)], rows[len(urls) :]
        assert sorted(first) == sorted(second)


def test_sites_group_a_host_with_its_subdomains() -> None:
    assert site_of("www.zhihu.com") == site_of("zhuanlan.zhihu.com") == "zhihu.com"
    assert site_of("mp.weixin.qq.com") == "qq.com"
    assert site_of("127.0.0.2") == "127.0.0.2"
    assert site_of("[::1]") == "[::1]"
    assert site_of("localhost") == "localhost"
    assert site_of("www.example.org.") == "example.org"


def test_sites_are_balanced_by_their_links() -> None:
    url = parse_url("http://example.org/")
    sizes = {"a.org": 50, "www.a.org": 50, "b.org": 60, "c.org": 30, "d.org": 10}
    queues = {host: deque([("u", url)] * n) for host, n in sizes.items()}
    owners = Owners.balanced(queues, 2)  # type: ignore[arg-type]
    assert owners.of("a.org") == owners.of("www.a.org") == owners.of("cdn.a.org")
    load = [0, 0]
    for host, n in sizes.items():
        load[owners.of(host)] += n
    assert sorted(load) == [100, 100]
    # A site no job named (a redirect's target) always goes to the same process.
    assert owners.of("elsewhere.net") == owners.of("www.elsewhere.net") in (0, 1)


def test_small_runs_stay_in_one_process() -> None:
    assert processes_for(50, 10) == 1
    assert processes_for(100_000, 1) == 1
    assert processes_for(50, 10, asked=3) == 3
    assert processes_for(50, 2, asked=3) == 2  # no process without a site
    cpus = shards.usable_cpus()
    assert processes_for(100_000, 50) == (min(cpus, 4) if cpus >= 2 else 1)


@pytest.mark.parametrize(
    ("cpu_max", "expected"),
    [("max 100000\n", None), ("100000 100000\n", 1), ("150000 100000\n", 2), ("junk\n", None)],
)
def test_a_container_cpu_quota_caps_the_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cpu_max: str, expected: int | None
) -> None:
    affinity = len(os.sched_getaffinity(0))
    quota = tmp_path / "cpu.max"
    quota.write_text(cpu_max)
    monkeypatch.setattr(shards, "CPU_MAX", quota)
    assert shards.usable_cpus() == (affinity if expected is None else min(affinity, expected))
    monkeypatch.setattr(shards, "CPU_MAX", tmp_path / "absent")
    assert shards.usable_cpus() == affinity


def _processes_with(marker: str) -> list[int]:
    """Live processes whose environment holds marker (zombies have none)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                environ = (entry / "environ").read_bytes()
            except OSError:
                continue  # gone, or not ours to read
            if marker.encode() in environ.split(b"\0"):
                found.append(int(entry.name))
    return found


@pytest.mark.parametrize("how", ["parent", "group", "kill a worker"])
def test_an_interrupted_split_run_stops_every_process_and_keeps_what_was_checked(
    linkserver: LinkServer, catalogue_path: Path, tmp_path: Path, how: str
) -> None:
    """Ctrl-C on a terminal signals the whole process group; `kill -INT` the parent only."""
    with extra_servers(1) as (other,):
        urls = {1: linkserver.url("/ok?id=a"), 2: other.url("/ok?id=b")}
        for n in range(3, 9):
            server = linkserver if n % 2 else other
            urls[n] = server.url(f"/slow?secs=30&id={n}")
        write_catalogue(catalogue_path, urls)
        db = tmp_path / "interrupted.db"
        env = dict(os.environ, DLTRACK_DB=str(db), DLTRACK_SEED=str(catalogue_path))
        command = [sys.executable, "-m", "dltrack", "check-links", "--timeout", "60"]
        proc = subprocess.Popen(
            [*command, "--processes", "2"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # its own process group, as a shell's job
        )
        slow = [f"/slow?secs=30&id={n}" for n in range(3, 9)]
        deadline = time.monotonic() + 20
        while sum(s.hits[t] for s in (linkserver, other) for t in slow) < 6:
            assert time.monotonic() < deadline, "the links were never all requested"
            time.sleep(0.05)
        workers = [pid for pid in _processes_with(f"DLTRACK_DB={db}") if pid != proc.pid]
        assert len(workers) == 2
        time.sleep(0.3)
        if how == "parent":
            proc.send_signal(signal.SIGINT)
        elif how == "group":
            os.killpg(proc.pid, signal.SIGINT)
        else:
            os.kill(workers[0], signal.SIGKILL)
        out, err = proc.communicate(timeout=15)
        assert proc.returncode == 130, err
        assert "Interrupted after 2 links" in out
        assert "Traceback" not in err
        assert _processes_with(f"DLTRACK_DB={db}") == []
        with sqlite3.connect(db) as conn:
            kept = conn.execute(
                "SELECT item_id, verdict FROM link_check ORDER BY item_id"
            ).fetchall()
        assert kept == [(1, "ok"), (2, "ok")]


def test_what_workers_send_survives_pickling_field_for_field() -> None:
    """Decision and Checked pickle by position: a field added later must be in there too."""
    values: dict[str, object] = {
        "verdict": Verdict.MOVED,
        "reason": "moved permanently",
        "http_status": 301,
        "final_url": "http://127.0.0.2/new",
        "moved_to": "http://127.0.0.2/new",
        "failure": Failure.TLS,
        "page_title": "新的标题",
    }
    assert [f.name for f in dataclasses.fields(Decision)] == list(values)
    decision = Decision(**values)  # type: ignore[arg-type]
    checked = Checked(decision, 3, 120, datetime(2026, 12, 3, tzinfo=UTC))
    assert [f.name for f in dataclasses.fields(Checked)] == [
        "decision", "attempts", "elapsed_ms", "checked_at"
    ]  # fmt: skip
    assert pickle.loads(pickle.dumps(checked)) == checked
