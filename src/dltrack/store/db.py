"""The database connection: settings, one write transaction per command, small facts.

The bottom layer: it imports nothing of dltrack but the errors, and only the
standard library, since every command opens it. Upgrading the schema
(``store.migrations``) and keeping the database in step with a catalogue file
(``dltrack.session``) are composed above it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

from dltrack.errors import StoreError
from dltrack.lang import tr

BUSY_TIMEOUT_S = 15.0
# Trigram search (3.34) and ALTER TABLE ... DROP COLUMN (3.35), which upgrades use.
SQLITE_MINIMUM = (3, 35, 0)
# SQLite's primary result codes (the low byte of an extended code).
_READONLY, _CANTOPEN, _IOERR, _FULL = 8, 14, 10, 13
# Below this much free space, an I/O error while writing is the disk being full:
# SQLite then fails to grow the WAL or its shared-memory index, and says only "disk I/O error".
_NEARLY_FULL = 1 << 20


def utc_now() -> str:
    """The current time as stored: ISO 8601 in UTC, to the second."""
    from datetime import UTC, datetime  # only writes need it (bench/README.md)

    return datetime.now(UTC).isoformat(timespec="seconds")


class Store:
    """An open database.

    A plain class, not a dataclass: every command opens one, and a dataclass's
    generated methods are compiled at import, a cost `done` would pay on each run.
    """

    __slots__ = ("conn", "created", "notices", "path", "read_only")

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path,
        *,
        read_only: bool = False,
        created: bool = False,
    ) -> None:
        self.conn = conn
        self.path = path
        # Opened read-only because nothing else could read it (see connect).
        self.read_only = read_only
        # Sentences for the learner about this database that are not errors (a stale
        # catalogue shown from a read-only database); the CLI shows them on stderr.
        self.notices: list[str] = []
        # The file did not exist before this command: the learner's first run here.
        self.created = created

    @property
    def version(self) -> int:
        """The schema version the file is at (0 for a new, empty file)."""
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it lands or none of it does.

        BEGIN IMMEDIATE takes the write lock up front, so two commands from two
        shells queue on the busy timeout instead of failing half-way.
        """
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            rollback(self.conn)
            raise
        self.conn.execute("COMMIT")

    def meta(self, key: str) -> str | None:
        """A value from the meta table."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    """Set a value in the meta table (inside the caller's transaction)."""
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


@contextmanager
def indexes_built_after(conn: sqlite3.Connection, table: str) -> Iterator[None]:
    """Drop a table's indexes for a bulk load inside, and build them again after it.

    Sorting many rows into an index once is quicker than inserting them into it one
    by one. Inside the caller's transaction: a failure puts the indexes back with
    everything else.
    """
    found = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL",
        (table,),
    ).fetchall()
    for name, _ in found:
        conn.execute(f'DROP INDEX "{name}"')
    yield
    for _, sql in found:
        conn.execute(sql)


def rollback(conn: sqlite3.Connection) -> None:
    """Undo the open transaction, if SQLite has not already undone it.

    After some errors (a full disk, an I/O error) SQLite rolls back by itself; a
    second ROLLBACK would then fail and hide the error that matters.
    """
    with suppress(sqlite3.Error):  # a closed connection has nothing left to undo
        if conn.in_transaction:
            conn.execute("ROLLBACK")


def named(
    conn: sqlite3.Connection, sql: str, args: Sequence[object] | Mapping[str, object] = ()
) -> sqlite3.Cursor:
    """The rows of a query addressable by column name (row["title"]), not by position.

    Results are built by keyword from these, so that reordering a SELECT cannot
    silently swap two fields.
    """
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row
    return cursor.execute(sql, args)


def _code(error: sqlite3.Error) -> int | None:
    code = getattr(error, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def _directory_writable(path: Path) -> bool:
    return os.access(path.parent if str(path.parent) else Path("."), os.W_OK)


def is_read_only_error(error: sqlite3.Error, path: Path) -> bool:
    """True when error says the database cannot be written here (the file or its directory)."""
    code = _code(error)
    if code == _READONLY or "readonly" in str(error) or "read-only" in str(error):
        return True
    # Writing needs a journal (or WAL) file beside the database; in a directory that
    # cannot be written SQLite says only that it cannot open a file.
    return code == _CANTOPEN and path.exists() and not _directory_writable(path)


def _disk_full(error: sqlite3.Error, path: Path) -> bool:
    if _code(error) == _FULL or "database or disk is full" in str(error):
        return True
    if _code(error) != _IOERR and "disk I/O error" not in str(error):
        return False
    try:
        return shutil.disk_usage(path.parent if str(path.parent) else ".").free < _NEARLY_FULL
    except OSError:
        return False


def describe_db_error(error: sqlite3.Error, path: Path) -> str:
    """A plain sentence for a sqlite3 error about the database file."""
    text = str(error)
    if is_read_only_error(error, path):
        return tr("database {path} is read-only; dltrack needs to write to it").format(path=path)
    if _disk_full(error, path):
        return tr("the disk holding database {path} is full; free some space and try again").format(
            path=path
        )
    if "not a database" in text or "malformed" in text:
        return tr("database {path} is not a usable SQLite file ({text})").format(
            path=path, text=text
        )
    if "locked" in text or "busy" in text:
        return tr("database {path} stayed locked by another dltrack for {seconds} s").format(
            path=path, seconds=f"{BUSY_TIMEOUT_S:.0f}"
        )
    if "unable to open" in text:
        return tr("cannot open database {path}").format(path=path)
    return tr("database {path}: {text}").format(path=path, text=text)


def check_sqlite_version(version: tuple[int, int, int] = sqlite3.sqlite_version_info) -> None:
    """Refuse an SQLite library too old for the schema's features."""
    if version < SQLITE_MINIMUM:
        have = ".".join(map(str, version))
        need = ".".join(map(str, SQLITE_MINIMUM))
        raise StoreError(
            tr(
                "SQLite {have} is too old: dltrack needs {need} or newer "
                "(trigram title search, DROP COLUMN); upgrade Python or its sqlite3"
            ).format(have=have, need=need)
        )


def _open(target: str, *, uri: bool = False) -> sqlite3.Connection:
    # isolation_level=None: we issue BEGIN/COMMIT ourselves, one transaction per command.
    conn = sqlite3.connect(target, timeout=BUSY_TIMEOUT_S, isolation_level=None, uri=uri)
    try:
        conn.execute("PRAGMA synchronous = NORMAL")
        # The first read opens the file itself (and a WAL database's shared memory).
        conn.execute("PRAGMA user_version").fetchone()
    except BaseException:
        conn.close()
        raise
    return conn


def connect(db_path: Path) -> Store:
    """Open (creating if need be) the database file; nothing is changed yet.

    A WAL database in a directory this process cannot write cannot even be read the
    normal way: SQLite would need to create its shared-memory file beside it. It is
    then opened immutable, which is safe for the same reason: nobody can write the
    database there without creating that file. Such a store is read_only.
    """
    check_sqlite_version()
    try:
        info: os.stat_result | None = os.stat(db_path)
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise StoreError(
            tr("cannot open database {path}: {reason}").format(path=db_path, reason=error.strerror)
        ) from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise StoreError(tr("database path is a directory: {path}").format(path=db_path))
    if info is not None and not stat.S_ISREG(info.st_mode):
        # /dev/null "works" until the first transaction, then fails in confusing words.
        raise StoreError(tr("database {path} is not a regular file").format(path=db_path))
    if info is None:
        try:
            db_path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(
                tr("cannot create {path}: {reason}").format(
                    path=db_path.parent, reason=error.strerror
                )
            ) from None
    try:
        return Store(_open(str(db_path)), db_path, created=info is None)
    except sqlite3.Error as error:
        if info is None or _code(error) != _CANTOPEN or _directory_writable(db_path):
            raise StoreError(describe_db_error(error, db_path)) from None
    try:
        conn = _open(f"{db_path.resolve().as_uri()}?immutable=1", uri=True)
    except sqlite3.Error as error:
        raise StoreError(describe_db_error(error, db_path)) from None
    return Store(conn, db_path, read_only=True)


def peek(db_path: Path) -> Store | None:
    """The database opened read-only, for a shell's completion; None when there is none.

    Completion runs on every Tab: it must neither create a database nor wait on a lock,
    upgrade a schema or sync a catalogue. What it offers is the database as it is.
    """
    if not db_path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True, timeout=0.2)
    except sqlite3.Error:
        return None
    return Store(conn, db_path, read_only=True)
