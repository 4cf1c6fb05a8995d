"""Learned limits: a host that throttled a run starts the next one gentler, and it is reported."""

from __future__ import annotations

import json
import sqlite3
from itertools import pairwise
from pathlib import Path

from linkserver import LinkServer
from test_check_links import write_catalogue

QUICK = ("--timeout", "2", "--retries", "0", "--per-host", "4")


def limits(db_path: Path) -> dict[str, tuple[int, float]]:
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute("SELECT host, per_host, min_interval FROM host_limit").fetchall()
    return {host: (n, gap) for host, n, gap in rows}


def test_a_throttling_host_is_halved_then_forgiven_step_by_step(
    run, linkserver: LinkServer, catalogue_path: Path, db_path: Path
) -> None:
    # Two 429s (fewer than the three that give a host up) among slow pages.
    urls = {n: linkserver.url(f"/delay?ms=200&id={n}") for n in range(1, 7)}
    urls |= {7: linkserver.url("/status/429?id=7"), 8: linkserver.url("/status/429?id=8")}
    write_catalogue(catalogue_path, urls)
    first = run("check-links", *QUICK).out
    assert linkserver.peak == 4
    assert limits(db_path) == {"127.0.0.1": (2, 0.5)}
    assert "127.0.0.1 throttled the run (429 Too Many Requests): next time 2 in flight" in first

    # The next run of that host starts at the learnt limits: the server sees it.
    linkserver.reset_stats()
    second = json.loads(run("check-links", "--format", "json", *QUICK).out)
    assert linkserver.peak <= 2
    starts = sorted(start for start, _ in linkserver.spans)
    assert min(b - a for a, b in pairwise(starts)) >= 0.45
    # Throttled again: halved and doubled again, and reported.
    assert limits(db_path) == {"127.0.0.1": (1, 1.0)}
    assert second["summary"]["learned_limits"] == [
        {"host": "127.0.0.1", "per_host": 1, "min_interval": 1.0, "reason": "429 Too Many Requests"}
    ]

    # Each run without throttling gives one step back, until the limit is gone.
    write_catalogue(catalogue_path, {n: urls[n] for n in range(1, 3)})
    run("check-links", *QUICK)
    assert limits(db_path) == {"127.0.0.1": (2, 0.5)}
    linkserver.reset_stats()
    run("check-links", *QUICK)
    assert linkserver.peak <= 2  # still held to the step it had
    assert limits(db_path) == {}


def test_a_verification_page_teaches_the_same(
    run, linkserver: LinkServer, catalogue_path: Path, db_path: Path
) -> None:
    rules = [{"host": "127.0.0.1", "blocked_if": ["请完成安全验证"]}]
    urls = {1: linkserver.url("/page?id=1&text=请完成安全验证"), 2: linkserver.url("/ok?id=2")}
    write_catalogue(catalogue_path, urls, rules)
    run("check-links", *QUICK)
    assert limits(db_path) == {"127.0.0.1": (2, 0.5)}


def test_freer_undoes_gentler_one_step_at_a_time() -> None:
    from dltrack.linkcheck.hostpolicy import Effective, freer, gentler

    configured = Effective(8, 0.0, frozenset())
    steps = [gentler(configured)]
    for _ in range(3):
        steps.append(gentler(Effective(*steps[-1], frozenset())))
    assert steps == [(4, 0.5), (2, 1.0), (1, 2.0), (1, 4.0)]
    back = [steps[-1]]
    while (step := freer(back[-1], configured)) is not None:
        back.append(step)
    assert back == [(1, 4.0), (2, 2.0), (4, 1.0), (8, 0.5)]
    # A host with a spacing of its own (a rule's) never gets less than that.
    ruled = Effective(2, 1.0, frozenset())
    assert freer((1, 2.0), ruled) is None
    assert freer((1, 4.0), ruled) == (2, 2.0)
