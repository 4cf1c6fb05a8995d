"""Study groups against a real PostgreSQL: init, admit, join, sync, board, leave.

Every member has a database of their own (a file in tmp_path) and their own role
on the server; passwords come from the .pgpass file the fixture writes.
"""

from __future__ import annotations

from collections.abc import Callable

from pgfixtures import GroupServer, Member, set_up


def test_init_creates_the_schema_once_and_says_so_again(
    group_server: GroupServer, machines: Callable[[str], Member]
) -> None:
    owner = machines("owner")
    first = owner.json("group", "init", group_server.dsn("owner"))
    assert (first["version_before"], first["version"]) == (0, 1)
    assert first["owner"] == group_server.owner
    assert first["catalogue"] == "test-catalogue"
    again = owner.json("group", "init", group_server.dsn("owner"))
    assert (again["version_before"], again["version"]) == (1, 1)
    with group_server.admin() as conn:
        versions = conn.execute("SELECT version FROM dltrack.schema_version").fetchall()
    assert versions == [(1,)]


def test_members_see_each_others_progress_on_the_board(
    group_server: GroupServer, machines: Callable[[str], Member]
) -> None:
    owner, alice, bob = set_up(group_server, machines, "alice", "bob")
    assert alice("done", "1", "2", "3").code == 0
    assert alice("done", "4").code == 0
    assert bob("done", "4").code == 0
    for m in (alice, bob, owner, alice):
        result = m("group", "sync")
        assert result.code == 0, result.err
    board = alice.json("group", "board", "-t", "basics")
    rows = {r["name"]: r for r in board["members"]}
    assert [r["name"] for r in board["members"]] == ["Alice", "Bob", "Teacher"]
    assert rows["Alice"]["me"] and not rows["Bob"]["me"]
    assert (rows["Alice"]["done"], rows["Alice"]["items"]) == (4, 5)
    assert [(s["slug"], s["done"], s["items"]) for s in rows["Bob"]["stages"]] == [
        ("resources", 0, 3),
        ("intro", 1, 3),
    ]
    assert rows["Bob"]["streak_days"] == 1
    assert rows["Bob"]["last_activity"] is not None
    assert rows["Teacher"]["done"] == 0 and rows["Teacher"]["last_activity"] is None
    screen = alice("group", "board", "-t", "basics")
    assert screen.code == 0
    assert "Bob" in screen.out and "4/5 80%" in screen.out and "一、学习资源" in screen.out


def test_an_undo_and_a_reset_reach_the_others(
    group_server: GroupServer, machines: Callable[[str], Member]
) -> None:
    _, alice, bob = set_up(group_server, machines, "alice", "bob")
    alice("done", "1", "2")
    alice("done", "3")
    alice("group", "sync")
    bob("group", "sync")
    assert {r["name"]: r["done"] for r in bob.json("group", "board")["members"]}["Alice"] == 3
    assert alice("undo").code == 0  # takes back 3
    assert alice("reset", "1").code == 0
    alice("group", "sync")
    bob("group", "sync")
    rows = {r["name"]: r for r in bob.json("group", "board")["members"]}
    assert rows["Alice"]["done"] == 1
    assert rows["Alice"]["streak_days"] == 1  # item 2 still counts for today


def test_sync_is_idempotent_and_sends_only_what_is_new(
    group_server: GroupServer, machines: Callable[[str], Member]
) -> None:
    _, alice = set_up(group_server, machines, "alice")
    alice("done", "1", "2")
    first = alice.json("group", "sync")
    assert (first["pushed"], first["pushed_new"]) == (2, 2)
    again = alice.json("group", "sync")
    assert (again["pushed"], again["pulled"]) == (0, 0)
    alice("done", "3")
    third = alice.json("group", "sync")
    assert (third["pushed"], third["pushed_new"]) == (1, 1)
    with group_server.admin() as conn:
        n = conn.execute(
            "SELECT COUNT(*), COUNT(DISTINCT id) FROM dltrack.event WHERE member = %s",
            (group_server.members["alice"],),
        ).fetchone()
    assert n == (3, 3)


def test_notes_only_with_share_notes_and_own_items_never(
    group_server: GroupServer, machines: Callable[[str], Member]
) -> None:
    _, alice = set_up(group_server, machines, "alice")
    alice("done", "1", "--note", "第一章很清楚")
    alice("add", "http://127.0.0.1:9/mine", "--title", "我的文章")
    alice("done", "m1")
    alice("group", "sync")
    role = group_server.members["alice"]
    query = "SELECT action, text FROM dltrack.event WHERE member = %s ORDER BY seq"
    with group_server.admin() as conn:
        actions = conn.execute(query, (role,)).fetchall()
    assert actions == [("done", None)]  # no note, nothing of the own item
    shared = alice.json("group", "sync", "--share-notes")
    assert shared["pushed_new"] == 1
    with group_server.admin() as conn:
        actions = conn.execute(query, (role,)).fetchall()
    assert sorted(actions, key=str) == sorted(
        [("done", None), ("note_added", "第一章很清楚")], key=str
    )
    with group_server.admin() as conn:
        others = conn.execute(
            "SELECT COUNT(*) FROM dltrack.event WHERE title = '我的文章' OR item_id > 1000"
        ).fetchone()
    assert others == (0,)


def test_a_name_with_quotes_travels_as_a_parameter(
    group_server: GroupServer, machines: Callable[[str], Member]
) -> None:
    owner = machines("owner")
    owner("group", "init", group_server.dsn("owner"))
    owner("group", "admit", group_server.members["alice"])
    alice = machines("alice")
    name = "O'Brien'); DROP TABLE dltrack.event; --"
    assert alice("group", "join", group_server.dsn("alice"), "--as", name).code == 0
    with group_server.admin() as conn:
        found = conn.execute(
            "SELECT name FROM dltrack.member WHERE role = %s", (group_server.members["alice"],)
        ).fetchone()
        assert conn.execute("SELECT to_regclass('dltrack.event') IS NOT NULL").fetchone() == (True,)
    assert found == (name,)


def test_only_admitted_roles_join_and_a_removed_member_stops(
    group_server: GroupServer, machines: Callable[[str], Member]
) -> None:
    owner, alice = set_up(group_server, machines, "alice")
    carol = machines("carol")
    refused = carol("group", "join", group_server.dsn("carol"), "--as", "Carol")
    assert refused.code == 1
    assert "is not a member of this group" in refused.err
    assert len(refused.err.strip().splitlines()) == 1
    taken = machines("bob")
    owner("group", "admit", group_server.members["bob"])
    dup = taken("group", "join", group_server.dsn("bob"), "--as", "Alice")
    assert dup.code == 1 and "taken" in dup.err
    assert owner("group", "remove", group_server.members["alice"]).code == 0
    alice("done", "1")
    stopped = alice("group", "sync")
    assert stopped.code == 1 and "no longer a member" in stopped.err
    # Not the owner: alice's machine cannot admit anyone.
    assert alice("group", "admit", group_server.members["carol"]).code == 1


def test_leave_forgets_the_group_here_and_hides_you_there(
    group_server: GroupServer, machines: Callable[[str], Member]
) -> None:
    owner, alice = set_up(group_server, machines, "alice")
    alice("done", "1")
    alice("group", "sync")
    owner("group", "sync")
    assert len(owner.json("group", "board")["members"]) == 2
    assert alice("group", "leave").code == 0
    assert alice("group", "sync").code == 1  # in no group now
    assert alice.json("progress")["tracks"][0]["done"] == 1  # her record is hers
    owner("group", "sync")
    assert [r["name"] for r in owner.json("group", "board")["members"]] == ["Teacher"]


def test_a_dsn_with_a_password_is_refused(
    group_server: GroupServer, machines: Callable[[str], Member]
) -> None:
    owner = machines("owner")
    result = owner("group", "init", group_server.dsn("owner") + " password=secret")
    assert result.code == 1
    assert "PGPASSWORD" in result.err and "secret" not in result.err
    assert len(result.err.strip().splitlines()) == 1
