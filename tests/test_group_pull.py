"""A big pull, and a sync cut short, against a real PostgreSQL and real processes.

A pull stores the others' events a batch at a time, each batch in its own short
local transaction with the cursor that covers it. So `dltrack done` in another
shell is not held up by a pull of the whole group, and a sync killed at any point
leaves a state the next sync finishes: every event of the server once, the same
progress as a pull that was never interrupted.

The sync under test runs in a process of its own (tests/pgfixtures' members run
in this one), through a small driver that stops it at a chosen point and waits:
the test then kills it, or runs another command beside it, and lets it go on. No
timing is assumed anywhere: each step waits for the previous one to be seen.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from pgfixtures import GroupServer, Member, require_driver, set_up

require_driver()

# What the driver does, by its first argument:
# - fetch N: let the pull store its first batch, and stop before it stores the next
#   (the second is fetched: no local transaction is open then);
# - derive: stop in the first local transaction that derives the others' progress;
# - copy N: stop in the push's server transaction, after its Nth batch went;
# - pushed: stop once the server committed the push, before the push cursor moves.
# It writes the file `stopped` when it stops, and goes on once `go` exists.
DRIVER = """
import pathlib, sys, time
from dltrack.group import exchange, local
from dltrack.cli import main

point, batch, here = sys.argv[1], int(sys.argv[2]), pathlib.Path(sys.argv[3])
exchange._BATCH = batch

def stop():
    (here / "stopped").write_text("", encoding="utf-8")
    while not (here / "go").exists():
        time.sleep(0.01)

if point == "fetch":
    real_stream = exchange.stream
    def stream(*args, **kwargs):
        for n, rows in enumerate(real_stream(*args, **kwargs)):
            if n == 1:
                stop()
            yield rows
    exchange.stream = stream
elif point == "derive":
    real_derive = local.derive
    def derive(conn, touched):
        stop()
        real_derive(conn, touched)
    local.derive = derive
elif point == "copy":
    real_copy, copies = exchange.copy_rows, []
    def copy_rows(conn, sql, rows):
        real_copy(conn, sql, rows)
        copies.append(len(rows))
        if len(copies) == 2:
            stop()
    exchange.copy_rows = copy_rows
elif point == "pushed":
    real_cursor = local.set_cursor
    def set_cursor(conn, name, value):
        if name == "pushed":
            stop()
        real_cursor(conn, name, value)
    local.set_cursor = set_cursor
main(sys.argv[4:])
"""

# Bob's events, made on the server in one statement (as bench/group.py makes a group):
# mostly finishes of the catalogue's six items, some starts, skips and resets.
MANY = """
INSERT INTO dltrack.event (member, id, lamport, device, command, command_name,
    item_id, action, at, day, recorded_at)
SELECT %(member)s, md5('e' || k), k, 'bulk', md5('c' || k), 'done', 1 + k %% 6,
    CASE WHEN k %% 11 = 0 THEN 'reset' WHEN k %% 7 = 0 THEN 'started'
         WHEN k %% 13 = 0 THEN 'skipped' ELSE 'done' END,
    to_char(d, 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"'), to_char(d, 'YYYY-MM-DD'),
    to_char(d, 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"')
FROM generate_series(1, %(n)s::int) k,
    LATERAL (SELECT now() - make_interval(mins => %(n)s::int - k)) t(d)
"""
EVENTS = 30_000
BATCH = 5_000  # the pull's own batch size: six batches


def wait_for(path: Path, proc: subprocess.Popen[str]) -> None:
    """Until the driver has stopped (it wrote `path`); fail at once if it ended instead."""
    while not path.exists():
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"the sync ended (exit {proc.returncode}) before stopping: {err}{out}")
        time.sleep(0.01)


@contextmanager
def stopped_sync(
    member: Member, tmp_path: Path, point: str, batch: int
) -> Iterator[subprocess.Popen[str]]:
    """`group sync --json` of member in its own process, stopped at point (see DRIVER).

    Let go at the end of the block; the caller waits for it (communicate).
    """
    here = tmp_path / f"driver-{point}"
    here.mkdir()
    argv = [sys.executable, "-c", DRIVER, point, str(batch), str(here)]
    argv += ["--db", str(member.db), "group", "sync", "--json"]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(here / "stopped", proc)
        yield proc
    except BaseException:
        proc.kill()
        proc.communicate()
        raise
    finally:
        (here / "go").write_text("", encoding="utf-8")  # the caller reads what it says


def cli(member: Member, *args: str) -> subprocess.CompletedProcess[str]:
    """dltrack in a process of its own, against member's database."""
    return subprocess.run(
        [sys.executable, "-m", "dltrack", "--db", str(member.db), *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def count(db: Path, sql: str) -> int:
    return int(rows(db, sql)[0][0])  # type: ignore[call-overload]


def server_ids(group: GroupServer, who: str) -> list[str]:
    with group.admin() as conn:
        found = conn.execute(
            "SELECT id FROM dltrack.event WHERE member = %s ORDER BY id", (group.members[who],)
        ).fetchall()
    return [r[0] for r in found]


@pytest.fixture
def big(group_server: GroupServer, machines: Callable[[str], Member]) -> tuple[Member, ...]:
    """The owner, alice, bob and carol in a group where bob has EVENTS events on the server."""
    members = set_up(group_server, machines, "alice", "bob", "carol")
    with group_server.admin() as conn:
        conn.execute(MANY, {"member": group_server.members["bob"], "n": EVENTS})
    return tuple(members)


def the_group_as_seen(db: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """What a machine made of the others: their progress and their streaks."""
    progress = rows(db, "SELECT member, item_id, status FROM group_progress ORDER BY 1, 2")
    members = rows(
        db, "SELECT role, last_at, streak_end, streak_days FROM group_member ORDER BY role"
    )
    return progress, members


def test_done_in_another_process_is_not_held_up_by_a_big_pull(
    group_server: GroupServer, big: tuple[Member, ...], tmp_path: Path
) -> None:
    _, alice, _, _ = big
    with stopped_sync(alice, tmp_path, "fetch", BATCH) as pull:
        # The pull has stored its first batch and not its last.
        assert count(alice.db, "SELECT COUNT(*) FROM group_event") == BATCH
        marked = cli(alice, "done", "3", "--json")
        assert marked.returncode == 0, marked.stderr
        assert rows(alice.db, "SELECT item_id, action FROM event") == [(3, "done")]
    out, err = pull.communicate()
    assert pull.returncode == 0, err
    synced = json.loads(out)
    assert synced["pulled"] == synced["pulled_new"] == EVENTS
    assert count(alice.db, "SELECT COUNT(DISTINCT id) FROM group_event") == EVENTS
    # The pull went on past the mark; the mark goes with the next sync.
    again = cli(alice, "group", "sync", "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["pushed_new"] == 1
    assert len(server_ids(group_server, "alice")) == 1


@pytest.mark.parametrize("point", ["fetch", "derive"])
def test_a_pull_killed_halfway_is_finished_by_the_next_sync(
    group_server: GroupServer, big: tuple[Member, ...], tmp_path: Path, point: str
) -> None:
    _, alice, _, carol = big
    with stopped_sync(alice, tmp_path, point, BATCH) as pull:
        os.kill(pull.pid, signal.SIGKILL)
        pull.communicate()
    assert pull.returncode == -signal.SIGKILL
    stored = count(alice.db, "SELECT COUNT(*) FROM group_event")
    assert stored == (BATCH if point == "fetch" else EVENTS)
    stale = rows(alice.db, "SELECT value FROM meta WHERE key = 'group_stale'")
    assert stale == [(json.dumps([group_server.members["bob"]]),)]
    again = cli(alice, "group", "sync", "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["pulled_new"] == EVENTS - stored
    # Exactly the server's events, none twice.
    local_ids = [r[0] for r in rows(alice.db, "SELECT id FROM group_event ORDER BY id")]
    assert local_ids == server_ids(group_server, "bob")
    # And the same picture of the group as a machine whose pull was never cut.
    fresh = cli(carol, "group", "sync")
    assert fresh.returncode == 0, fresh.stderr
    seen = the_group_as_seen(alice.db)
    theirs = the_group_as_seen(carol.db)
    bob = group_server.members["bob"]
    assert [r for r in seen[0] if r[0] == bob] == [r for r in theirs[0] if r[0] == bob]
    assert [r for r in seen[1] if r[0] == bob] == [r for r in theirs[1] if r[0] == bob]
    assert [r for r in seen[0] if r[0] == bob]  # not vacuous: bob has progress
    assert rows(alice.db, "SELECT value FROM meta WHERE key = 'group_stale'") in ([], [("[]",)])
    nothing = cli(alice, "group", "sync", "--json")
    assert json.loads(nothing.stdout)["pulled"] == 0


def churn(member: Member, rounds: int) -> None:
    """Many own events: five items marked done and reset, again and again."""
    for _ in range(rounds):
        assert member("done", "1-5").code == 0
        assert member("reset", "1-5").code == 0


@pytest.mark.parametrize("point", ["copy", "pushed"])
def test_a_push_killed_halfway_is_sent_whole_once_by_the_next_sync(
    group_server: GroupServer, big: tuple[Member, ...], tmp_path: Path, point: str
) -> None:
    _, alice, _, _ = big
    churn(alice, 10)
    own = count(alice.db, "SELECT COUNT(*) FROM event")
    with stopped_sync(alice, tmp_path, point, 30) as push:
        os.kill(push.pid, signal.SIGKILL)
        push.communicate()
    # Killed inside the server's transaction: nothing landed; after its commit: all.
    landed = server_ids(group_server, "alice")
    assert len(landed) == (0 if point == "copy" else own)
    again = cli(alice, "group", "sync", "--json")
    assert again.returncode == 0, again.stderr
    sent = json.loads(again.stdout)
    assert sent["pushed"] == own
    assert sent["pushed_new"] == own - len(landed)
    mine = sorted(r[0] for r in rows(alice.db, "SELECT id FROM event"))  # type: ignore[type-var]
    assert server_ids(group_server, "alice") == mine
