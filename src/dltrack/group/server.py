"""The group's PostgreSQL server: connecting through SQLAlchemy and psycopg 3, and what fails.

The only module of dltrack that imports psycopg or SQLAlchemy's PostgreSQL dialect,
and only the group's commands import it: `next` and `done` never pay for them.
SQLAlchemy itself is imported by the first connection through it, not with this
module: an empty sync asks its one question over the bare driver (`ask`), since
importing SQLAlchemy alone takes longer than that whole command should.

The DSN is handed to libpq as it is (through psycopg), so everything libpq reads is
honoured: PGPASSWORD, ~/.pgpass (or PGPASSFILE), a service file, client
certificates, and `sslmode` / `sslrootcert` in the DSN. dltrack itself never
stores a password; a DSN that carries one is refused before it is remembered.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Final

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from dltrack.errors import DltrackError, ExitCode, NetworkUnreachable, UserError
from dltrack.lang import N_, tr

if TYPE_CHECKING:
    import sqlalchemy as sa
    from sqlalchemy.engine import Connection

# Seconds to wait for the server before calling it unreachable (unless the DSN says).
CONNECT_TIMEOUT: Final = 5


class GroupServerError(DltrackError):
    """The group's database cannot be used: no group schema, a newer one, a refused change."""

    exit_code = ExitCode.DATA


def checked_dsn(dsn: str) -> str:
    """The DSN as dltrack may remember it: well-formed and without a password."""
    try:
        parts = conninfo_to_dict(dsn)
    except psycopg.ProgrammingError as error:
        said = tr("not a PostgreSQL DSN: {why}")
        raise UserError(said.format(why=_first_line(error))) from None
    if "password" in parts:
        raise UserError(
            tr(
                "the DSN holds a password; dltrack remembers the DSN, so give the password "
                "through PGPASSWORD, ~/.pgpass or a service file instead"
            )
        )
    if "sslpassword" in parts:
        raise UserError(
            tr(
                "the DSN holds the client key's password (sslpassword); dltrack remembers "
                "the DSN, so use a key without a passphrase, readable only by you"
            )
        )
    return make_conninfo("", **{k: str(v) for k, v in parts.items()})


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return lines[-1] if lines else type(error).__name__


# libpq's words for a server that cannot be reached (as opposed to one that said no).
_UNREACHABLE: Final = (
    "connection refused",
    "could not translate host name",
    "timeout expired",
    "no route to host",
    "network is unreachable",
    "could not connect to server",
    "name or service not known",
    "temporary failure in name resolution",
    "server closed the connection unexpectedly",
    "no such file or directory",  # a Unix socket that is not there: no server
)


def _reason(error: BaseException, phrase: str) -> str:
    """libpq's own words for the failure: the line that says phrase, without the
    "connection to server at ... failed:" in front (the message names the server)."""
    for line in str(error).splitlines():
        if phrase in line.lower():
            reason = line.rsplit(" failed: ", 1)[-1].strip()
            return reason.removeprefix("FATAL:").strip()
    return _first_line(error)


# libpq's and the server's words for TLS failures, and what dltrack says of each.
_TLS: Final = (
    (
        ("certificate verify failed",),
        N_(
            "the certificate of the group's server at {where} is not signed by the "
            "authority in sslrootcert: {why}"
        ),
    ),
    (
        ("does not match host name",),
        N_("the certificate of the group's server at {where} is for another host name: {why}"),
    ),
    (
        ("server does not support ssl",),
        N_(
            "the group's server at {where} does not offer TLS, which the DSN's sslmode "
            "requires: {why}"
        ),
    ),
    (
        ("no encryption",),
        N_(
            "the group's server at {where} accepts only TLS connections; put "
            "sslmode=verify-full and sslrootcert in the DSN"
        ),
    ),
    (
        ("root certificate file", "could not read root certificate"),
        N_("the sslrootcert file of the DSN for {where} cannot be used: {why}"),
    ),
    (
        ("certificate authentication failed", "valid client certificate"),
        N_("the group's server at {where} refused the client certificate: {why}"),
    ),
    (
        ("certificate file", "private key file", "certificate present"),
        N_("the client certificate or key of the DSN for {where} cannot be used: {why}"),
    ),
    (("ssl error",), N_("TLS with the group's server at {where} failed: {why}")),
)


def tls_problem(error: BaseException, where: str) -> DltrackError | None:
    """One line for a TLS failure (exit 1: the DSN or a certificate must change), else None.

    Asked before the unreachable words: a missing certificate file says "No such
    file or directory", and that is not a server that is down.
    """
    text = str(error).lower()
    for phrases, sentence in _TLS:
        for phrase in phrases:
            if phrase in text:
                why = _reason(error, phrase)
                return UserError(tr(sentence).format(where=where, why=why))
    return None


def connection_problem(error: BaseException, where: str) -> DltrackError:
    """One line for a failed connection: unreachable (exit 4), or refused and why (exit 1)."""
    text = str(error).lower()
    tls = tls_problem(error, where)
    if tls is not None:
        return tls
    if "password authentication failed" in text or "no password supplied" in text:
        said = tr(
            "the group's server at {where} refused the password (it comes from "
            "PGPASSWORD, ~/.pgpass or a service file)"
        )
        return UserError(said.format(where=where))
    if "does not exist" in text and "database" in text:
        said = tr("the group's server at {where} has no such database")
        return UserError(said.format(where=where))
    if any(words in text for words in _UNREACHABLE):
        said = tr(
            "the group's server at {where} cannot be reached; your record is kept here "
            "and goes with the next sync"
        )
        return NetworkUnreachable(said.format(where=where))
    said = tr("cannot connect to the group's server at {where}: {why}")
    return UserError(said.format(where=where, why=_first_line(error)))


def where_of(dsn: str) -> str:
    """host:port/dbname of a DSN, for messages (never the user or anything secret)."""
    parts = conninfo_to_dict(dsn)
    host = parts.get("host") or parts.get("hostaddr") or "localhost"
    port = parts.get("port") or "5432"
    db = parts.get("dbname") or parts.get("service") or "?"
    return f"{host}:{port}/{db}"


@contextmanager
def connected(dsn: str) -> Iterator[Connection]:
    """A connection to the group's database; the caller opens its transactions on it.

    A failure in the middle (the server gone, a refused statement) rolls back the
    open transaction and becomes one line: nothing of it landed.
    """
    import sqlalchemy as sa
    from sqlalchemy.pool import NullPool

    where = where_of(dsn)

    def connect() -> psycopg.Connection[Any]:
        return psycopg.connect(dsn, **_options(dsn))

    engine = sa.create_engine("postgresql+psycopg://", creator=connect, poolclass=NullPool)
    try:
        try:
            conn = engine.connect()
        except sa.exc.DBAPIError as error:
            raise connection_problem(error.orig or error, where) from None
        try:
            yield conn
        except sa.exc.OperationalError as error:
            if getattr(error.orig, "sqlstate", None):  # the server answered: it refused
                raise refused(error) from None
            raise connection_problem(error.orig or error, where) from None
        except sa.exc.DBAPIError as error:
            raise refused(error) from None
        finally:
            conn.close()
    finally:
        engine.dispose()


def _options(dsn: str) -> dict[str, Any]:
    if "connect_timeout" in conninfo_to_dict(dsn):
        return {}
    return {"connect_timeout": CONNECT_TIMEOUT}


def ask(dsn: str, sql: str, params: dict[str, Any]) -> tuple[Any, ...] | None:
    """The first row of one read-only statement over a bare driver connection.

    A connection that fails is said in one line, as connected() says it (waiting
    for an unreachable server twice would double its timeout). None when the
    statement fails (no schema, a refusal): the caller then takes the way through
    SQLAlchemy, which says why.
    """
    try:
        conn = psycopg.connect(dsn, **_options(dsn))
    except psycopg.Error as error:
        raise connection_problem(error, where_of(dsn)) from None
    try:
        with conn:
            conn.read_only = True
            return conn.execute(sql, params).fetchone()
    except psycopg.Error:
        return None


def refused(error: sa.exc.DBAPIError) -> DltrackError:
    """One line for a statement the server refused (a privilege, a policy, a unique name)."""
    orig = error.orig
    state = getattr(orig, "sqlstate", None)
    message = _first_line(orig or error)
    if state in ("42501",):  # insufficient_privilege, row-level security included
        return UserError(tr("the group's server refused: {why}").format(why=message))
    if state and state.startswith("40"):  # a serialization failure or a deadlock
        return GroupServerError(tr("another member's sync ran at the same moment; sync again"))
    if state == "23505":  # unique_violation
        said = tr("the group's server refused a duplicate: {why}")
        return UserError(said.format(why=message))
    return GroupServerError(tr("the group's server failed: {why}").format(why=message))


def run(conn: Connection, sql: str, params: dict[str, Any] | None = None) -> Any:
    """One statement with bound parameters (names and notes never become SQL text)."""
    import sqlalchemy as sa  # loaded by connected() already: a dictionary lookup

    return conn.execute(sa.text(sql), params or {})


def copy_rows(conn: Connection, copy_sql: str, rows: list[tuple[Any, ...]]) -> None:
    """Rows sent with COPY, in the connection's transaction: a tenth of the time of INSERTs.

    COPY is psycopg's own (SQLAlchemy has no word for it): the same connection,
    reached through SQLAlchemy's handle on it.
    """
    driver = conn.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor, cursor.copy(copy_sql) as copy:
        for row in rows:
            copy.write_row(row)


def stream(
    conn: Connection, sql: str, params: dict[str, Any], size: int
) -> Iterator[list[tuple[Any, ...]]]:
    """The rows of a query, size at a time, read from a server-side cursor."""
    import sqlalchemy as sa

    result = conn.execution_options(stream_results=True, yield_per=size).execute(
        sa.text(sql), params
    )
    for part in result.partitions(size):
        yield [tuple(r) for r in part]
