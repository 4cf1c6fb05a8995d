"""The group's schema on PostgreSQL: versioned steps of literal DDL, and who may do what.

Everything lives in the schema `dltrack` of the group's database, owned by the role
that ran `group init` (the group's owner). The database enforces the rules, not
the client:

- members are the roles listed in dltrack.member; only the owner (who owns the
  table) may add or remove them, a member may only set their own shown name;
- a member may insert events only under their own role (`member = current_user`,
  row-level security) and read the group's; no one updates or deletes an event
  (no privilege to, and a trigger for the owner too: the log is append-only);
- the pull cursor (`xact`, the inserting transaction's id) is set by the server;
- every event has the shape dltrack writes (the checks of an event file's line),
  so what one member sends is safe for the others to read.

Membership is asked once per statement, not once per row: `(SELECT
dltrack.is_member(current_user))` has no reference to the row, so PostgreSQL
evaluates it once (an InitPlan); a pull reads 500,000 rows.

As with the local database, a step once released is never edited; a change is a
new step at the end.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from dltrack.group.server import GroupServerError, run
from dltrack.lang import tr

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

SCHEMA: Final = "dltrack"
# pg_advisory_xact_lock key: two owners running init at once take turns.
_INIT_LOCK: Final = 0x64_6C_74_72_61_63_6B  # "dltrack"

_V1: Final = r"""
CREATE TABLE dltrack.schema_version (version integer PRIMARY KEY, name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE dltrack.group_info (single boolean PRIMARY KEY DEFAULT true CHECK (single),
    catalogue text NOT NULL, owner name NOT NULL DEFAULT current_user,
    created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE dltrack.member (role name PRIMARY KEY,
    name text UNIQUE CHECK (length(name) BETWEEN 1 AND 64 AND name !~ '[[:cntrl:]]'),
    admitted_at timestamptz NOT NULL DEFAULT now(), removed_at timestamptz,
    joined_at timestamptz, left_at timestamptz);
CREATE TABLE dltrack.event (seq bigserial PRIMARY KEY,
    xact bigint NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
    member name NOT NULL DEFAULT current_user, id text NOT NULL, lamport bigint NOT NULL,
    device text NOT NULL, command text NOT NULL, command_name text NOT NULL,
    item_id bigint NOT NULL, action text NOT NULL, at text NOT NULL, day text NOT NULL,
    recorded_at text NOT NULL, url text, title text, text text, target text,
    received_at timestamptz NOT NULL DEFAULT now(), UNIQUE (member, id),
    CHECK (id ~ '^[0-9a-z_-]{1,64}$' AND device ~ '^[0-9a-z_-]{1,64}$'
        AND command ~ '^[0-9a-z_-]{1,64}$' AND command_name ~ '^[0-9a-z_-]{1,64}$'),
    CHECK (action IN ('started', 'done', 'skipped', 'reset', 'note_added', 'note_edited',
        'note_deleted', 'undone', 'item_added')),
    CHECK (lamport BETWEEN 1 AND 9007199254740991 AND item_id BETWEEN 1 AND 9007199254740991),
    CHECK (at ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$'
        AND recorded_at ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$'
        AND day ~ '^\d{4}-\d\d-\d\d$'),
    CHECK (length(url) <= 2048 AND length(title) <= 2048 AND length(target) <= 2048
        AND octet_length(text) <= 65536));
CREATE INDEX event_xact ON dltrack.event (xact);
CREATE FUNCTION dltrack.is_member(who name) RETURNS boolean LANGUAGE sql STABLE
    SECURITY DEFINER SET search_path = pg_catalog
    AS $$ SELECT EXISTS (SELECT 1 FROM dltrack.member m
        WHERE m.role = who AND m.removed_at IS NULL) $$;
CREATE FUNCTION dltrack.append_only() RETURNS trigger LANGUAGE plpgsql
    AS $$ BEGIN RAISE EXCEPTION 'the events of a group are never changed or deleted'
        USING ERRCODE = 'insufficient_privilege'; END $$;
CREATE TRIGGER event_append_only BEFORE UPDATE OR DELETE ON dltrack.event
    FOR EACH ROW EXECUTE FUNCTION dltrack.append_only();
CREATE TRIGGER event_no_truncate BEFORE TRUNCATE ON dltrack.event
    FOR EACH STATEMENT EXECUTE FUNCTION dltrack.append_only();
ALTER TABLE dltrack.member ENABLE ROW LEVEL SECURITY;
ALTER TABLE dltrack.event ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON ALL TABLES IN SCHEMA dltrack FROM PUBLIC;
GRANT USAGE ON SCHEMA dltrack TO PUBLIC;
GRANT SELECT ON dltrack.schema_version, dltrack.group_info TO PUBLIC;
GRANT SELECT ON dltrack.member TO PUBLIC;
GRANT UPDATE (name, joined_at, left_at) ON dltrack.member TO PUBLIC;
CREATE POLICY member_read ON dltrack.member FOR SELECT
    USING ((SELECT dltrack.is_member(current_user)));
CREATE POLICY member_own ON dltrack.member FOR UPDATE
    USING (role = current_user AND removed_at IS NULL) WITH CHECK (role = current_user);
GRANT SELECT ON dltrack.event TO PUBLIC;
GRANT INSERT (member, id, lamport, device, command, command_name, item_id, action, at, day,
    recorded_at, url, title, text, target) ON dltrack.event TO PUBLIC;
GRANT USAGE ON SEQUENCE dltrack.event_seq_seq TO PUBLIC;
CREATE POLICY event_read ON dltrack.event FOR SELECT
    USING ((SELECT dltrack.is_member(current_user)));
CREATE POLICY event_own ON dltrack.event FOR INSERT
    WITH CHECK (member = current_user AND (SELECT dltrack.is_member(current_user)))
"""

# (version, name, DDL). Append only.
STEPS: Final[tuple[tuple[int, str, str], ...]] = ((1, "members, events and their rules", _V1),)
SCHEMA_VERSION: Final = STEPS[-1][0]


def found_version(conn: Connection) -> int | None:
    """The group schema's version in this database; None when there is none."""
    exists = run(conn, "SELECT to_regclass('dltrack.schema_version') IS NOT NULL").scalar()
    if not exists:
        return None
    latest = "SELECT COALESCE(MAX(version), 0) FROM dltrack.schema_version"
    return int(run(conn, latest).scalar_one())


def _refuse_newer(version: int) -> None:
    if version > SCHEMA_VERSION:
        said = tr(
            "the group's schema is version {version}, newer than this dltrack knows "
            "({known}); upgrade dltrack"
        )
        raise GroupServerError(said.format(version=version, known=SCHEMA_VERSION))


def require_schema(conn: Connection) -> str:
    """Check that the database holds a group this dltrack can use; the group's catalogue."""
    version = found_version(conn)
    if version is None:
        raise GroupServerError(
            tr(
                "this database holds no dltrack group "
                "(its owner creates one with: dltrack group init)"
            )
        )
    _refuse_newer(version)
    if version < SCHEMA_VERSION:
        said = tr(
            "the group's schema is version {version}; its owner upgrades it with: "
            "dltrack group init"
        )
        raise GroupServerError(said.format(version=version))
    catalogue = run(conn, "SELECT catalogue FROM dltrack.group_info").scalar()
    if catalogue is None:
        raise GroupServerError(
            tr("this database's group was never finished (run group init again)")
        )
    return str(catalogue)


def create_or_upgrade(conn: Connection, catalogue: str) -> tuple[int, int]:
    """Bring the group schema to this dltrack's version, inside the caller's transaction.

    Idempotent, and safe when two owners run it at once (an advisory lock). Returns
    (the version found, the version now). Refuses a group of another catalogue.
    """
    run(conn, "SELECT pg_advisory_xact_lock(:key)", {"key": _INIT_LOCK})
    run(conn, "CREATE SCHEMA IF NOT EXISTS dltrack")
    before = found_version(conn) or 0
    _refuse_newer(before)
    for number, name, ddl in STEPS:
        if number > before:
            for statement in ddl.split(";\n"):
                if statement.strip():
                    conn.exec_driver_sql(statement)
            run(
                conn,
                "INSERT INTO dltrack.schema_version (version, name) VALUES (:v, :n)",
                {"v": number, "n": name},
            )
    theirs = run(conn, "SELECT catalogue FROM dltrack.group_info").scalar()
    if theirs is None:
        run(conn, "INSERT INTO dltrack.group_info (catalogue) VALUES (:c)", {"c": catalogue})
    elif theirs != catalogue:
        said = tr("this database is the group of catalogue {theirs!r}, not of {catalogue!r}")
        raise GroupServerError(said.format(theirs=theirs, catalogue=catalogue))
    return before, SCHEMA_VERSION
