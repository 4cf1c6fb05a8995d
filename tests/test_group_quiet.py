"""A sync with nothing new, against a real PostgreSQL: asked over the bare driver.

`group sync` with nothing to send asks the server one question first; when the
answer is "nothing new", it ends there, without loading SQLAlchemy. These tests
run it in a process of its own, to see what it loaded, and check that whatever
the full sync would have done (a new member, a roster change, events past the
cursor, a fault) still happens: the shortcut is taken only when it changes nothing.
"""

from __future__ import annotations

import contextlib
import json
import socket
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from pgfixtures import GroupServer, Member, require_driver, set_up

require_driver()

# `dltrack ...` in this process, then the libraries it loaded, as JSON on the last line.
DRIVER = """
import json, sys
from dltrack.cli import main
try:
    main(sys.argv[1:])
except SystemExit as end:
    code = end.code
else:
    code = 0
loaded = sorted(m for m in ("sqlalchemy", "psycopg") if m in sys.modules)
print(json.dumps({"exit": code, "loaded": loaded}))
"""


def sync_alone(member: Member) -> tuple[dict[str, object], dict[str, object], str]:
    """`group sync --json` of member in its own process: (its JSON, what it loaded, stderr)."""
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, "--db", str(member.db), "group", "sync", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = done.stdout.strip().splitlines()
    tail = json.loads(lines[-1])
    said = json.loads("\n".join(lines[:-1])) if lines[:-1] else {}
    return said, tail, done.stderr


def roster(db: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT role, name, active FROM group_member ORDER BY role").fetchall()


def test_nothing_new_is_said_without_sqlalchemy(
    group_server: GroupServer, machines: Callable[[str], Member]
) -> None:
    _owner, alice, _bob = set_up(group_server, machines, "alice", "bob")
    full = alice.json("group", "sync")  # the first sync stores the roster: the full way
    said, tail, err = sync_alone(alice)
    assert tail == {"exit": 0, "loaded": ["psycopg"]}, err
    assert said["pushed"] == said["pulled"] == 0
    assert said["members"] == 3  # the owner, alice and bob
    assert said == full  # what the full way said of the same nothing


def test_news_on_either_side_take_the_full_way(
    group_server: GroupServer, machines: Callable[[str], Member]
) -> None:
    _owner, alice, bob = set_up(group_server, machines, "alice", "bob")
    alice.json("group", "sync")
    bob.json("done", "2")
    bob.json("group", "sync")
    said, tail, err = sync_alone(alice)  # bob's event is past alice's cursor
    assert tail["loaded"] == ["psycopg", "sqlalchemy"], err
    assert (said["pulled"], said["pulled_new"]) == (1, 1)
    alice.json("done", "3")
    said, tail, err = sync_alone(alice)  # an own event to send
    assert tail["loaded"] == ["psycopg", "sqlalchemy"], err
    assert (said["pushed"], said["pulled"]) == (1, 0)
    # Both taken: nothing new again.
    said, tail, err = sync_alone(alice)
    assert tail["loaded"] == ["psycopg"], err


def test_a_roster_change_without_events_reaches_the_board(
    group_server: GroupServer, machines: Callable[[str], Member]
) -> None:
    owner, alice = set_up(group_server, machines, "alice")
    alice.json("group", "sync")
    assert owner("group", "admit", group_server.members["carol"]).code == 0
    carol = machines("carol")
    joined = carol("group", "join", group_server.dsn("carol"), "--as", "Carol")
    assert joined.code == 0, joined.err
    said, tail, err = sync_alone(alice)  # no events anywhere, but carol is new
    assert tail["loaded"] == ["psycopg", "sqlalchemy"], err
    assert said["members"] == 3
    assert (group_server.members["carol"], "Carol", 1) in roster(alice.db)
    # A member removed: alice sees it on the next sync, again by the full way.
    assert owner("group", "remove", group_server.members["carol"]).code == 0
    said, tail, err = sync_alone(alice)
    assert tail["loaded"] == ["psycopg", "sqlalchemy"], err
    assert said["members"] == 2
    assert (group_server.members["carol"], "Carol", 0) in roster(alice.db)
    said, tail, err = sync_alone(alice)
    assert tail["loaded"] == ["psycopg"], err
    assert said["members"] == 2


def test_a_removed_member_is_told_so_not_that_nothing_is_new(
    group_server: GroupServer, machines: Callable[[str], Member]
) -> None:
    owner, alice = set_up(group_server, machines, "alice")
    alice.json("group", "sync")
    assert owner("group", "remove", group_server.members["alice"]).code == 0
    said, tail, err = sync_alone(alice)
    assert tail["exit"] == 1 and said == {}
    assert "no longer a member" in err


def test_a_silent_server_is_waited_for_once(
    group_server: GroupServer, machines: Callable[[str], Member]
) -> None:
    """A server that accepts and never answers: one attempt, one line, exit 4."""
    _owner, alice = set_up(group_server, machines, "alice")
    alice.json("group", "sync")
    accepted: list[socket.socket] = []
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]

        def accept() -> None:
            with contextlib.suppress(OSError):
                while True:
                    accepted.append(listener.accept()[0])

        threading.Thread(target=accept, daemon=True).start()
        silent = f"host=127.0.0.1 port={port} dbname=club user=nobody connect_timeout=1"
        with sqlite3.connect(alice.db) as conn:
            # sslmode=disable: one connection per attempt (no TLS first, then plain).
            conn.execute(
                "UPDATE meta SET value = ? WHERE key = 'group_dsn'", (f"{silent} sslmode=disable",)
            )
        _said, tail, err = sync_alone(alice)
        assert tail == {"exit": 4, "loaded": ["psycopg"]}
        assert "cannot be reached" in err and len(err.strip().splitlines()) == 1
        assert len(accepted) == 1
    for peer in accepted:
        peer.close()
