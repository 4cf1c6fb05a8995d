"""Study groups when things go wrong: no server, bad connections, syncs at once or cut short."""

from __future__ import annotations

import socket
import sqlite3
import subprocess
import sys
from collections.abc import Callable

import pytest

from pgfixtures import GroupServer, Member, require_driver, set_up

require_driver()
from dltrack.group import exchange, local, server  # noqa: E402  (needs the driver)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_events(group: GroupServer, who: str) -> tuple[int, int]:
    with group.admin() as conn:
        row = conn.execute(
            "SELECT COUNT(*), COUNT(DISTINCT id) FROM dltrack.event WHERE member = %s",
            (group.members[who],),
        ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def local_events(member: Member) -> int:
    with sqlite3.connect(member.db) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM event").fetchone()[0])


def churn(member: Member, rounds: int) -> None:
    """Many events: five items marked done and reset, again and again."""
    for _ in range(rounds):
        assert member("done", "1-5").code == 0
        assert member("reset", "1-5").code == 0
    assert member("done", "1", "2").code == 0


def test_an_unreachable_server_is_one_line_exit_4_and_the_events_wait(
    group_server: GroupServer, machines: Callable[[str], Member]
) -> None:
    _, alice = set_up(group_server, machines, "alice")
    good = group_server.dsn("alice")
    with sqlite3.connect(alice.db) as conn:
        conn.execute(
            "UPDATE meta SET value = ? WHERE key = 'group_dsn'",
            (f"host=127.0.0.1 port={closed_port()} dbname=club user=nobody",),
        )
    assert alice("done", "1", "2").code == 0  # marking never waits for the group
    result = alice("group", "sync")
    assert result.code == 4
    assert "cannot be reached" in result.err and len(result.err.strip().splitlines()) == 1
    assert alice("done", "3").code == 0
    with sqlite3.connect(alice.db) as conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'group_dsn'", (good,))
    sent = alice.json("group", "sync")
    assert (sent["pushed"], sent["pushed_new"]) == (3, 3)
    assert server_events(group_server, "alice") == (3, 3)


def test_a_wrong_password_is_one_clear_line(
    group_server: GroupServer, machines: Callable[[str], Member], monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = machines("owner")
    assert owner("group", "init", group_server.dsn("owner")).code == 0
    monkeypatch.setenv("PGPASSWORD", "not-the-password")
    monkeypatch.setenv("PGPASSFILE", "/nonexistent")
    result = owner("group", "admit", group_server.members["alice"])
    assert result.code == 1
    assert result.err.strip().splitlines() == [
        f"dltrack: the group's server at 127.0.0.1:{group_server.cluster.port}/"
        f"{group_server.dbname} refused the password (it comes from PGPASSWORD, ~/.pgpass "
        "or a service file)"
    ]


def test_a_database_without_the_schema_is_named(
    group_server: GroupServer, machines: Callable[[str], Member]
) -> None:
    # The owner's database, before any group init: no schema there.
    alice = machines("alice")
    result = alice("group", "join", group_server.dsn("owner"), "--as", "A")
    assert result.code == 3
    assert result.err.strip().splitlines() == [
        "dltrack: this database holds no dltrack group (its owner creates one with: "
        "dltrack group init)"
    ]
    missing = alice("group", "join", group_server.dsn("owner", "no_such_db"), "--as", "A")
    assert missing.code == 1 and "has no such database" in missing.err


def test_a_newer_schema_is_refused_by_every_command(
    group_server: GroupServer, machines: Callable[[str], Member]
) -> None:
    owner, alice = set_up(group_server, machines, "alice")
    with group_server.admin() as conn:
        conn.execute("INSERT INTO dltrack.schema_version (version, name) VALUES (2, 'future')")
    alice("done", "1")
    for result in (alice("group", "sync"), owner("group", "init", group_server.dsn("owner"))):
        assert result.code == 3
        assert result.err.strip().splitlines() == [
            "dltrack: the group's schema is version 2, newer than this dltrack knows (1); "
            "upgrade dltrack"
        ]
    assert server_events(group_server, "alice") == (0, 0)


def test_two_members_syncing_at_once_leave_the_group_whole(
    group_server: GroupServer, machines: Callable[[str], Member]
) -> None:
    _, alice, bob = set_up(group_server, machines, "alice", "bob")
    churn(alice, 40)
    churn(bob, 40)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "dltrack", "--db", str(m.db), "group", "sync"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for m in (alice, bob, alice, bob)  # each twice, at the same moment
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    for m in (alice, bob, alice, bob):
        assert m("group", "sync").code == 0
    assert server_events(group_server, "alice") == (local_events(alice),) * 2
    assert server_events(group_server, "bob") == (local_events(bob),) * 2
    for me, other in ((alice, "Bob"), (bob, "Alice")):
        rows = {r["name"]: r for r in me.json("group", "board")["members"]}
        assert rows[other]["done"] == 2
    with sqlite3.connect(alice.db) as conn:
        pulled = conn.execute("SELECT COUNT(*) FROM group_event").fetchone()[0]
    assert pulled == local_events(bob)


def test_a_push_cut_short_lands_nothing_and_the_next_sync_sends_all_once(
    group_server: GroupServer, machines: Callable[[str], Member], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, alice = set_up(group_server, machines, "alice")
    churn(alice, 20)
    monkeypatch.setattr(exchange, "_BATCH", 50)
    calls = []
    real = server.copy_rows

    def cut(conn, sql, rows):  # type: ignore[no-untyped-def]
        calls.append(len(rows))
        if len(calls) == 3:
            raise KeyboardInterrupt  # Ctrl-C in the middle of the push
        real(conn, sql, rows)

    monkeypatch.setattr(exchange, "copy_rows", cut)
    assert alice("group", "sync").code == 130
    assert server_events(group_server, "alice") == (0, 0)
    monkeypatch.setattr(exchange, "copy_rows", real)
    sent = alice.json("group", "sync")
    assert sent["pushed_new"] == local_events(alice) == server_events(group_server, "alice")[0]


def test_a_pull_cut_short_keeps_whole_batches_and_the_next_takes_the_rest(
    group_server: GroupServer, machines: Callable[[str], Member], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, alice, bob = set_up(group_server, machines, "alice", "bob")
    churn(bob, 10)
    assert bob("group", "sync").code == 0
    alice("done", "1")
    monkeypatch.setattr(exchange, "_BATCH", 5)
    real = local.set_pull_cursor
    calls = []

    def cut(conn, floor, seq, horizon):  # type: ignore[no-untyped-def]
        calls.append(seq)
        if len(calls) == 3:
            raise KeyboardInterrupt  # Ctrl-C while the third batch is being stored
        real(conn, floor, seq, horizon)

    monkeypatch.setattr(local, "set_pull_cursor", cut)
    assert alice("group", "sync").code == 130
    with sqlite3.connect(alice.db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM group_event").fetchone() == (10,)
        # Stored, not yet derived: listed, so that the next sync derives it.
        stale = conn.execute("SELECT value FROM meta WHERE key = 'group_stale'").fetchone()
    assert stale == (f'["{group_server.members["bob"]}"]',)
    monkeypatch.setattr(local, "set_pull_cursor", real)
    # The push had landed, and its cursor moved, before the pull began.
    again = alice.json("group", "sync")
    assert (again["pushed"], again["pushed_new"]) == (0, 0)
    assert again["pulled"] == again["pulled_new"] == local_events(bob) - 10
    rows = {r["name"]: r["done"] for r in alice.json("group", "board")["members"]}
    assert rows["Bob"] == 2
    with sqlite3.connect(alice.db) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'group_stale'").fetchone() in (
            None,
            ("[]",),
        )
    assert alice.json("group", "sync")["pulled"] == 0


def test_tls_settings_in_the_dsn_reach_libpq_and_no_password_is_kept(
    group_server: GroupServer, machines: Callable[[str], Member]
) -> None:
    owner = machines("owner")
    # The test server speaks no TLS: a DSN that requires it must fail, in one line.
    result = owner("group", "init", group_server.dsn("owner") + " sslmode=require")
    assert result.code == 1
    assert "SSL" in result.err and len(result.err.strip().splitlines()) == 1
    dsn = group_server.dsn("owner") + " sslmode=prefer"
    assert owner("group", "init", dsn).code == 0
    with sqlite3.connect(owner.db) as conn:
        kept = dict(conn.execute("SELECT key, value FROM meta WHERE key LIKE 'group%'"))
    assert "sslmode=prefer" in kept["group_dsn"]
    secret = group_server.passwords[group_server.owner]
    assert all(secret not in value for value in kept.values())
    assert owner.db.read_bytes().find(secret.encode()) == -1


def test_an_event_committed_after_a_later_one_is_still_pulled(
    group_server: GroupServer, machines: Callable[[str], Member]
) -> None:
    """The pull cursor is a snapshot's horizon, not a counter: a slow push is never skipped."""
    from test_group_rules import EVENT

    owner, alice, _ = set_up(group_server, machines, "alice", "bob")
    slow = group_server.connect_as("bob")  # a push still open: it began first
    slow.execute(EVENT, (group_server.members["bob"], "slow1"))
    owner("done", "1")
    assert owner("group", "sync").code == 0  # a later push, committed first
    first = alice.json("group", "sync")
    assert first["pulled_new"] == 1  # the owner's; bob's is not committed yet
    slow.commit()
    slow.close()
    second = alice.json("group", "sync")
    assert second["pulled_new"] == 1  # bob's, although it sits below what was read
    rows = {r["name"]: r["done"] for r in alice.json("group", "board")["members"]}
    assert rows == {"Teacher": 1, "Bob": 1, "Alice": 0}
