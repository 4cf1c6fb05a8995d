"""The group's shared notes, seen in `show`: only what members shared, never own items.

Every member has their own database and role on a real PostgreSQL; `show` reads
what the last `group sync` stored, offline, without the driver.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import datetime

import pytest

from pgfixtures import GroupServer, Member, require_driver, set_up
from test_startup import loaded_after

require_driver()


def group_notes(member: Member, item: str) -> list[tuple[str, str]]:
    return [(n["member"], n["text"]) for n in member.json("show", item)["group_notes"]]


@pytest.fixture
def shared(group_server: GroupServer, machines: Callable[[str], Member]) -> tuple[Member, ...]:
    """Alice shares her notes, bob does not; carol reads. Everyone has synced."""
    owner, alice, bob, carol = set_up(group_server, machines, "alice", "bob", "carol")
    assert alice("done", "1", "--note", "第一章很清楚").code == 0
    assert alice("note", "1", "a second thought").code == 0
    assert alice("note", "1", "--edit", "2", "a second thought, edited").code == 0
    assert alice("note", "2", "not worth keeping").code == 0
    assert alice("note", "2", "--delete", "1").code == 0
    assert alice("note", "3", "a slip").code == 0
    assert alice("undo").code == 0  # takes the slip back
    assert alice("add", "http://127.0.0.1:9/mine", "--title", "Mine").code == 0
    assert alice("note", "m1", "about my own article").code == 0
    assert bob("note", "1", "bob keeps this to himself").code == 0
    assert alice("group", "sync", "--share-notes").code == 0
    for m in (bob, carol, owner):
        assert m("group", "sync").code == 0
    return owner, alice, bob, carol


def test_show_lists_the_notes_members_shared_with_their_name_and_day(
    shared: tuple[Member, ...],
) -> None:
    owner, alice, bob, carol = shared
    for reader in (carol, bob, owner):
        assert group_notes(reader, "1") == [
            ("Alice", "第一章很清楚"),
            ("Alice", "a second thought, edited"),
        ]
        assert group_notes(reader, "2") == []  # deleted
        assert group_notes(reader, "3") == []  # undone
    first = carol.json("show", "1")["group_notes"][0]
    local_day = datetime.fromisoformat(first["created_at"]).astimezone().date().isoformat()
    assert first["day"] == local_day
    assert first["role"].startswith("alice_")
    screen = carol("show", "1")
    assert screen.code == 0
    assert "group note" in screen.out and "Alice" in screen.out and "第一章很清楚" in screen.out
    # Written moments ago: shown by its time of day, like one's own notes.
    assert re.search(r"group note +(?:today|yesterday) \d\d:\d\d +Alice +第一章很清楚", screen.out)
    assert "bob keeps this" not in screen.out
    # One's own notes are one's own, not the group's.
    assert group_notes(alice, "1") == []
    assert [n["text"] for n in alice.json("show", "1")["notes"]] == [
        "第一章很清楚",
        "a second thought, edited",
    ]


def test_unshared_notes_and_own_items_never_show(
    group_server: GroupServer, shared: tuple[Member, ...]
) -> None:
    _, alice, _, carol = shared
    assert all(member != "Bob" for member, _ in group_notes(alice, "1"))
    sql = "SELECT text FROM dltrack.event WHERE text IS NOT NULL"
    with group_server.admin() as conn:
        texts = {r[0] for r in conn.execute(sql)}
    # What alice shared (the deleted and the undone too: the log keeps them), nothing else.
    assert texts == {
        "第一章很清楚",
        "a second thought",
        "a second thought, edited",
        "a slip",
        "not worth keeping",
    }
    assert carol("show", "m1").code != 0  # carol has no item m1: nothing of alice's there
    assert "about my own article" not in carol("show", "1").out


def test_a_member_who_left_is_no_longer_shown(shared: tuple[Member, ...]) -> None:
    _, alice, _, carol = shared
    assert alice("group", "leave").code == 0
    assert carol("group", "sync").code == 0
    assert group_notes(carol, "1") == []


def test_show_of_group_notes_in_chinese_and_without_the_driver(
    shared: tuple[Member, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    carol = shared[3]
    env = {**os.environ, "DLTRACK_DB": str(carol.db)}
    loaded = loaded_after(env, "show", "1")
    assert not {"sqlalchemy", "psycopg"} & set(loaded)
    monkeypatch.setenv("DLTRACK_LANG", "zh")
    screen = carol("show", "1")
    assert screen.code == 0 and "组员笔记" in screen.out and "第一章很清楚" in screen.out
