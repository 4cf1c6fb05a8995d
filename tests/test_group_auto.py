"""`group sync --auto`: every command that records an event starts a sync in the background.

How a background sync is seen: before each command, bob has one more event on the
server; the command's sync pulls it to alice's machine. A sync started by an
earlier command cannot be the one that brings it: that one had taken its snapshot
before its own event of bob's reached alice, and so before this one was made.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from pgfixtures import GroupServer, Member, require_driver, set_up

require_driver()

from test_group_rules import EVENT  # noqa: E402  (needs the driver)

# Generous: a background sync on a loaded machine starts an interpreter and connects.
DEADLINE_S = 120


def pulled(member: Member, event_id: str) -> bool:
    with sqlite3.connect(member.db, timeout=30) as conn:
        found = conn.execute("SELECT COUNT(*) FROM group_event WHERE id = ?", (event_id,))
        return found.fetchone() == (1,)


def sent(group: GroupServer, who: str) -> int:
    with group.admin() as conn:
        row = conn.execute(
            "SELECT COUNT(*) FROM dltrack.event WHERE member = %s", (group.members[who],)
        ).fetchone()
    return int(row[0]) if row else 0


def wait_until(done: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + DEADLINE_S
    while not done():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.fixture
def files(tmp_path: Path, machines: Callable[[str], Member]) -> dict[str, Path]:
    """A document to import, an export and a sync folder from another machine of alice's."""
    page = tmp_path / "reading.md"
    page.write_text(
        "# Mine\n\n- [A paper](http://127.0.0.1:9/paper)\n- [A post](http://127.0.0.1:9/post)\n",
        encoding="utf-8",
    )
    laptop = machines("laptop")  # alice's other machine, in no group
    assert laptop("done", "5").code == 0
    export = tmp_path / "laptop.events"
    assert laptop("export", str(export)).code == 0
    folder = tmp_path / "shared"
    folder.mkdir()
    assert laptop("start", "6").code == 0
    assert laptop("sync", str(folder)).code == 0
    return {"page": page, "export": export, "folder": folder}


def test_every_command_that_records_an_event_syncs_in_the_background(
    group_server: GroupServer, machines: Callable[[str], Member], files: dict[str, Path]
) -> None:
    _, alice, _ = set_up(group_server, machines, "alice", "bob")
    assert alice("group", "sync", "--auto").code == 0
    commands: list[tuple[tuple[str, ...], int]] = [  # (command, alice's events it shares)
        (("note", "1", "a first note"), 0),  # notes are not shared: a pull shows the sync
        (("note", "1", "--edit", "1", "a better note"), 0),
        (("note", "1", "--delete", "1"), 0),
        (("done", "1"), 1),
        (("start", "2"), 1),
        (("skip", "3"), 1),
        (("reset", "2"), 1),
        (("undo",), 1),
        (("undo", "1"), 1),  # the older spelling of reset
        (("add", "http://127.0.0.1:9/mine", "--title", "Mine"), 0),  # own items: never shared
        (("import", "--personal", str(files["page"]), "--track", "reading"), 0),
        (("restore", str(files["export"])), 1),
        (("sync", str(files["folder"])), 1),
    ]
    role = group_server.members["bob"]
    expected = 0
    with group_server.admin() as admin:
        for n, (command, shared) in enumerate(commands):
            admin.execute(EVENT, (role, f"auto{n}"))
            result = alice(*command)
            assert result.code == 0, (command, result.err)
            expected += shared
            event = f"auto{n}"
            assert wait_until(lambda e=event: pulled(alice, e)), command  # type: ignore[misc]
            assert wait_until(lambda x=expected: sent(group_server, "alice") == x), command  # type: ignore[misc]


def test_a_dry_run_a_failed_command_and_a_reading_one_start_no_sync(
    machines: Callable[[str], Member], files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Which commands start one, seen where they do (no server needed for that)."""
    from dltrack.group import auto

    alice = machines("alice")
    assert alice("tracks").code == 0
    with sqlite3.connect(alice.db) as conn:
        conn.execute("INSERT INTO meta (key, value) VALUES ('group_auto', '1')")
    started: list[Path] = []
    monkeypatch.setattr(auto, "start_sync", lambda db, seed: started.append(db))
    quiet = [
        ("import", "--personal", str(files["page"]), "--track", "reading", "--dry-run"),
        ("note", "99", "no such item"),
        ("done", "99"),
        ("show", "1"),
        ("log",),
        ("next",),
    ]
    for command in quiet:
        alice(*command)
    assert started == []
    assert alice("note", "1", "kept").code == 0
    assert started == [alice.db]
