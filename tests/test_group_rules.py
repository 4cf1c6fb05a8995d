"""The database enforces who may do what, whatever the client: tried with raw connections.

A member connects as psql would (their own role, their own password) and tries
what dltrack never does: writing in another's name, changing or deleting an
event, admitting someone, lifting their own removal.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from pgfixtures import GroupServer, Member, require_driver, set_up
from test_startup import loaded_after

require_driver()
import psycopg  # noqa: E402  (the group extra)

EVENT = (
    "INSERT INTO dltrack.event (member, id, lamport, device, command, command_name, item_id, "
    "action, at, day, recorded_at) VALUES (%s, %s, 1, 'dev', 'cmd', 'done', 1, 'done', "
    "'2026-12-01T10:00:00+00:00', '2026-12-01', '2026-12-01T10:00:00+00:00')"
)


@pytest.fixture
def group(group_server: GroupServer, machines: Callable[[str], Member]) -> GroupServer:
    """A group with alice and bob joined, and one event of bob's on the server."""
    _, _, bob = set_up(group_server, machines, "alice", "bob")
    bob("done", "1")
    assert bob("group", "sync").code == 0
    return group_server


def refused(conn: psycopg.Connection, sql: str, args: tuple[object, ...] = ()) -> str:  # type: ignore[type-arg]
    """Run sql expecting the server to refuse it; the error's SQLSTATE. Rolls back."""
    with pytest.raises(psycopg.Error) as caught:
        conn.execute(sql, args)
    conn.rollback()
    return str(caught.value.sqlstate)


def test_a_member_cannot_write_in_another_members_name(group: GroupServer) -> None:
    alice, bob = group.members["alice"], group.members["bob"]
    with group.connect_as("alice") as conn:
        assert refused(conn, EVENT, (bob, "forged1")) == "42501"  # row-level security
        conn.execute(EVENT, (alice, "mine1"))  # in her own name it goes in
        conn.commit()
    with group.admin() as admin:
        found = admin.execute("SELECT member FROM dltrack.event WHERE id IN ('forged1', 'mine1')")
        rows = found.fetchall()
    assert rows == [(alice,)]


def test_no_one_changes_or_deletes_an_event(group: GroupServer) -> None:
    bob = group.members["bob"]
    with group.connect_as("alice") as conn:
        assert refused(conn, "UPDATE dltrack.event SET action = 'skipped'") == "42501"
        assert refused(conn, "DELETE FROM dltrack.event") == "42501"
        assert refused(conn, "UPDATE dltrack.event SET xact = 0") == "42501"
    with group.connect_as("bob") as conn:  # not even one's own
        assert refused(conn, "DELETE FROM dltrack.event WHERE member = %s", (bob,)) == "42501"
    with group.connect_as("owner") as conn:  # and the owner, who owns the table, neither
        assert refused(conn, "UPDATE dltrack.event SET action = 'skipped'") == "42501"
        assert refused(conn, "TRUNCATE dltrack.event") == "42501"
    with group.admin() as admin:
        rows = admin.execute("SELECT member, action FROM dltrack.event").fetchall()
    assert rows == [(bob, "done")]


def test_only_the_owner_admits_and_removes(group: GroupServer) -> None:
    carol, alice = group.members["carol"], group.members["alice"]
    with group.connect_as("alice") as conn:
        assert refused(conn, "INSERT INTO dltrack.member (role) VALUES (%s)", (carol,)) == "42501"
        assert refused(conn, "UPDATE dltrack.member SET removed_at = now()") == "42501"
        assert refused(conn, "DELETE FROM dltrack.member") == "42501"
        # Her own shown name she may change; another's she cannot even reach.
        conn.execute("UPDATE dltrack.member SET name = 'Ally' WHERE role = %s", (alice,))
        other = conn.execute("UPDATE dltrack.member SET name = 'X' WHERE role <> %s", (alice,))
        assert other.rowcount == 0
        conn.commit()
    with group.connect_as("owner") as conn:
        conn.execute("UPDATE dltrack.member SET removed_at = now() WHERE role = %s", (alice,))
        conn.commit()
    with group.connect_as("alice") as conn:
        # Removed: she reads nothing, writes nothing, and cannot undo her removal.
        assert conn.execute("SELECT COUNT(*) FROM dltrack.event").fetchone() == (0,)
        assert refused(conn, EVENT, (alice, "late1")) == "42501"
        assert refused(conn, "UPDATE dltrack.member SET removed_at = NULL") == "42501"


def test_a_role_that_was_never_admitted_sees_nothing(group: GroupServer) -> None:
    with group.connect_as("carol") as conn:
        assert conn.execute("SELECT COUNT(*) FROM dltrack.event").fetchone() == (0,)
        assert conn.execute("SELECT COUNT(*) FROM dltrack.member").fetchone() == (0,)
        assert refused(conn, EVENT, (group.members["carol"], "c1")) == "42501"


def test_board_works_offline_without_the_driver(
    group: GroupServer, machines: Callable[[str], Member], tmp_path: Path
) -> None:
    alice = machines("alice")
    assert alice("group", "sync").code == 0
    env = {**os.environ, "DLTRACK_DB": str(alice.db)}
    assert loaded_after(env, "group", "board") == []
    rows = json.loads(alice("group", "board", "--json").out)["members"]
    assert {r["name"]: r["done"] for r in rows} == {"Bob": 1, "Alice": 0, "Teacher": 0}


def test_auto_syncs_after_marking_in_the_background(
    group: GroupServer, machines: Callable[[str], Member]
) -> None:
    alice = machines("alice")
    assert alice.json("group", "sync", "--auto")["auto"] is True
    env = {**os.environ, "DLTRACK_DB": str(alice.db)}
    # The marking command itself loads neither the driver nor SQLAlchemy.
    assert loaded_after(env, "done", "2") == []
    assert alice("done", "3").code == 0
    deadline = time.monotonic() + 60
    role = group.members["alice"]
    found = 0
    while time.monotonic() < deadline and found < 2:
        with group.admin() as admin:
            row = admin.execute(
                "SELECT COUNT(*) FROM dltrack.event WHERE member = %s", (role,)
            ).fetchone()
        found = int(row[0]) if row else 0
        time.sleep(0.2)
    assert found == 2  # items 2 and 3, sent by the background syncs
    assert alice.json("group", "sync", "--no-auto")["auto"] is False
    time.sleep(5)  # a background sync still starting up may rightly send what comes next
    alice("done", "4")
    time.sleep(2)
    with group.admin() as admin:
        row = admin.execute("SELECT COUNT(*) FROM dltrack.event WHERE member = %s", (role,))
        assert row.fetchone() == (2,)  # nothing started a sync for item 4


def test_an_event_of_a_shape_dltrack_never_writes_is_refused(group: GroupServer) -> None:
    """What one member sends, the others read: the server holds it to the event file's rules."""
    alice = group.members["alice"]
    bad = [
        EVENT.replace("'done', '2026", "'exploded', '2026"),  # an unknown action
        EVENT.replace("'cmd', 'done', 1,", "'cmd', 'done', 0,"),  # item 0
        EVENT.replace("'2026-12-01', '2026", "'yesterday', '2026"),  # not a day
        EVENT.replace("'dev'", "'dev; DROP'"),  # a device that is no token
    ]
    with group.connect_as("alice") as conn:
        for n, sql in enumerate(bad):
            assert refused(conn, sql, (alice, f"bad{n}")) == "23514", sql  # check_violation
        long_note = EVENT.replace("recorded_at)", "recorded_at, text)").replace(
            "'2026-12-01T10:00:00+00:00')", "'2026-12-01T10:00:00+00:00', %s)"
        )
        assert refused(conn, long_note, (alice, "bad9", "长" * 30_000)) == "23514"


def test_with_psql_a_member_can_neither_forge_nor_change_an_event(group: GroupServer) -> None:
    """The same rules, tried the way a member would by hand: psql with their own role."""
    from pgserver import binaries

    found = binaries()
    psql = shutil.which("psql") or (str(found / "psql") if found else None)
    if psql is None or not Path(psql).exists():
        pytest.skip("psql is not installed")  # the raw-connection tests above still ran
    alice, bob = group.members["alice"], group.members["bob"]

    def as_alice(sql: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [psql, "-X", "-v", "ON_ERROR_STOP=1", "-d", group.dsn("alice"), "-c", sql],
            capture_output=True,
            text=True,
            timeout=60,
        )

    forged = as_alice(EVENT.replace("%s, %s", f"'{bob}', 'psql1'"))
    assert forged.returncode != 0 and "row-level security" in forged.stderr
    changed = as_alice(f"UPDATE dltrack.event SET action = 'reset' WHERE member = '{bob}'")
    assert changed.returncode != 0 and "permission denied" in changed.stderr
    deleted = as_alice("DELETE FROM dltrack.event")
    assert deleted.returncode != 0 and "permission denied" in deleted.stderr
    own = as_alice(EVENT.replace("%s, %s", f"'{alice}', 'psql2'"))
    assert own.returncode == 0, own.stderr
    with group.admin() as admin:
        rows = admin.execute("SELECT member, action FROM dltrack.event ORDER BY seq").fetchall()
    assert rows == [(bob, "done"), (alice, "done")]
