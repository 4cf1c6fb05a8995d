"""Making a group, and who is in it: init, admit, remove (the owner), join and leave."""

from __future__ import annotations

from typing import Final

from dltrack.errors import UserError
from dltrack.group import local
from dltrack.group.local import GroupSettings, joined_settings
from dltrack.group.results import GroupCreated, Joined, Left, MemberChanged
from dltrack.group.server import GroupServerError, checked_dsn, connected, run, where_of
from dltrack.group.serverschema import create_or_upgrade, require_schema
from dltrack.lang import tr
from dltrack.learner.history import catalogue_of
from dltrack.store.db import Store

NAME_LIMIT: Final = 64


def check_name(name: str) -> str:
    """A shown name: 1 to 64 printable characters, as typed (trimmed)."""
    shown = name.strip()
    if not shown or len(shown) > NAME_LIMIT or not shown.isprintable():
        said = tr("a name in the group is 1 to {limit} printable characters")
        raise UserError(said.format(limit=NAME_LIMIT))
    return shown


def _owner_settings(store: Store) -> GroupSettings:
    found = joined_settings(store)
    if not found.owner:
        raise UserError(
            tr("only the group's owner admits and removes members (group init made it)")
        )
    return found


def init(store: Store, dsn: str, name: str | None) -> GroupCreated:
    """Create the group's schema (or bring it up to date) and remember the DSN, not a password."""
    remembered = checked_dsn(dsn)
    catalogue = catalogue_of(store)
    with connected(remembered) as pg, pg.begin():
        before, version = create_or_upgrade(pg, catalogue)
        role = str(run(pg, "SELECT current_user").scalar())
        owner = str(run(pg, "SELECT owner FROM dltrack.group_info").scalar())
        if owner != role:
            said = tr("the group in this database is {owner}'s; only they run group init")
            raise UserError(said.format(owner=owner))
        shown = check_name(name or role)
        # The owner is a member too, shown under their chosen name.
        run(
            pg,
            "INSERT INTO dltrack.member (role, name, joined_at) VALUES (:r, :n, now()) "
            "ON CONFLICT (role) DO UPDATE SET name = :n, removed_at = NULL, left_at = NULL, "
            "joined_at = COALESCE(dltrack.member.joined_at, now())",
            {"r": role, "n": shown},
        )
    with store.write() as conn:
        previous = local.settings(store)
        fresh = GroupSettings(remembered, role, shown, catalogue, False, 0, 0, owner=True)
        if previous is not None and previous.dsn == remembered:
            # init again (an upgrade): the cursors and the notes' choice stay.
            fresh = previous._replace(name=shown, catalogue=catalogue, owner=True)
        elif previous is not None:
            local.forget(conn)  # another group's events and cursors
        local.remember(conn, fresh)
    return GroupCreated(where_of(remembered), catalogue, role, before, version)


def admit(store: Store, role: str) -> MemberChanged:
    """Let a PostgreSQL role into the group (the owner only; the database checks it too)."""
    s = _owner_settings(store)
    with connected(s.dsn) as pg, pg.begin():
        require_schema(pg)
        if not run(pg, "SELECT 1 FROM pg_roles WHERE rolname = :r", {"r": role}).first():
            said = tr(
                "the server has no role {role!r}; its administrator creates it first "
                "(see README, Study groups)"
            )
            raise UserError(said.format(role=role))
        before = run(
            pg, "SELECT removed_at IS NULL FROM dltrack.member WHERE role = :r", {"r": role}
        ).first()
        run(
            pg,
            "INSERT INTO dltrack.member (role) VALUES (:r) "
            "ON CONFLICT (role) DO UPDATE SET removed_at = NULL",
            {"r": role},
        )
    return MemberChanged(role, admitted=True, already=bool(before and before[0]))


def remove(store: Store, role: str) -> MemberChanged:
    """Take a member out of the group: their events stay, they can no longer read or add."""
    s = _owner_settings(store)
    if role == s.role:
        raise UserError(tr("the owner cannot be removed from their own group"))
    with connected(s.dsn) as pg, pg.begin():
        require_schema(pg)
        before = run(
            pg, "SELECT removed_at IS NULL FROM dltrack.member WHERE role = :r", {"r": role}
        ).first()
        if before is None:
            raise UserError(tr("{role!r} is not a member of this group").format(role=role))
        run(
            pg,
            "UPDATE dltrack.member SET removed_at = COALESCE(removed_at, now()) WHERE role = :r",
            {"r": role},
        )
    return MemberChanged(role, admitted=False, already=not before[0])


def join(store: Store, dsn: str, name: str, share_notes: bool) -> Joined:
    """Join a group as the DSN's role, shown to the others as name."""
    remembered = checked_dsn(dsn)
    shown = check_name(name)
    catalogue = catalogue_of(store)
    with connected(remembered) as pg, pg.begin():
        theirs = require_schema(pg)
        if theirs != catalogue:
            said = tr("the group follows catalogue {theirs!r}; this database follows {catalogue!r}")
            raise UserError(said.format(theirs=theirs, catalogue=catalogue))
        role = str(run(pg, "SELECT current_user").scalar())
        taken = run(
            pg,
            "SELECT role FROM dltrack.member WHERE name = :n AND role <> current_user",
            {"n": shown},
        ).first()
        if taken:
            said = tr("the name {name!r} is taken in this group; choose another")
            raise UserError(said.format(name=shown))
        changed = run(
            pg,
            "UPDATE dltrack.member SET name = :n, joined_at = now(), left_at = NULL "
            "WHERE role = current_user AND removed_at IS NULL",
            {"n": shown},
        ).rowcount
        if not changed:
            said = tr(
                "role {role!r} is not a member of this group; its owner admits it with "
                "dltrack group admit {name}"
            )
            raise UserError(said.format(role=role, name=role))
        owner = run(pg, "SELECT owner = current_user FROM dltrack.group_info").scalar()
    with store.write() as conn:
        local.forget(conn)  # another group's events and cursors, if any
        local.remember(
            conn,
            GroupSettings(remembered, role, shown, catalogue, share_notes, 0, 0, bool(owner)),
        )
    return Joined(where_of(remembered), role, shown, catalogue, share_notes)


def leave(store: Store) -> Left:
    """Leave the group: the others stop seeing you; this machine forgets the group."""
    s = joined_settings(store)
    with connected(s.dsn) as pg, pg.begin():
        try:
            require_schema(pg)
        except GroupServerError:
            pass  # the group is gone or unusable: leaving it here is all there is to do
        else:
            run(pg, "UPDATE dltrack.member SET left_at = now() WHERE role = current_user")
    with store.write() as conn:
        local.forget(conn)
    return Left(where_of(s.dsn), s.role)
