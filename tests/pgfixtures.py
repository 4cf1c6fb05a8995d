"""Fixtures for the study-group tests: a real PostgreSQL, a group database, member roles.

`pg_cluster` (one per test run) starts a throw-away cluster (tests/pgserver.py)
or uses DLTRACK_TEST_PG. Without PostgreSQL the group tests are skipped, with the
reason, unless DLTRACK_TEST_PG_REQUIRED=1 (CI), when they fail instead.

`group_server` (one per test) makes a database owned by a fresh owner role, and
member roles alice, bob and carol with passwords, all written to a .pgpass file
that PGPASSFILE points at: dltrack gets passwords the standard way, never in a DSN.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pgserver import Cluster, from_environment, started

REQUIRED = os.environ.get("DLTRACK_TEST_PG_REQUIRED") == "1"


def require_driver() -> None:
    """At the top of a group test module: skip it without psycopg (fail it in CI)."""
    try:
        import psycopg  # noqa: F401  (the group extra)
    except ImportError:
        if REQUIRED:
            raise
        pytest.skip("psycopg is not installed (pip install '.[test]')", allow_module_level=True)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """A running PostgreSQL for the whole test run."""
    try:
        import psycopg  # noqa: F401  (the group extra)
    except ImportError:
        if REQUIRED:
            pytest.fail("psycopg is not installed, and CI requires the group tests")
        pytest.skip("psycopg is not installed (pip install '.[test]')")
    given = from_environment()
    if given is not None:
        yield given
        return
    try:
        with started() as cluster:
            yield cluster
    except FileNotFoundError as missing:
        if REQUIRED:
            pytest.fail(f"{missing}, and CI requires the group tests")
        pytest.skip(f"no PostgreSQL here: {missing}")


@dataclass
class GroupServer:
    """A database for one test's group, its owner and member roles, and their passwords."""

    cluster: Cluster
    dbname: str
    owner: str
    members: dict[str, str]  # short name (alice) -> role
    passwords: dict[str, str] = field(default_factory=dict)  # role -> password

    def dsn(self, who: str, dbname: str | None = None) -> str:
        """The DSN of owner or a member by short name (no password in it)."""
        role = self.owner if who == "owner" else self.members[who]
        return self.cluster.dsn(dbname or self.dbname, role)

    def admin(self, dbname: str | None = None):  # type: ignore[no-untyped-def]
        """A superuser connection (autocommit) to the group's database."""
        import psycopg

        return psycopg.connect(
            self.cluster.dsn(dbname or self.dbname), password=self.cluster.password, autocommit=True
        )

    def connect_as(self, who: str):  # type: ignore[no-untyped-def]
        """A raw psycopg connection as owner or a member, as psql would make one."""
        import psycopg

        role = self.owner if who == "owner" else self.members[who]
        return psycopg.connect(self.dsn(who), password=self.passwords[role])


@pytest.fixture
def group_server(
    pg_cluster: Cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[GroupServer]:
    """A fresh database and roles for one test; dropped afterwards."""
    with group_on(pg_cluster, tmp_path, monkeypatch) as server:
        yield server


@contextlib.contextmanager
def group_on(
    pg_cluster: Cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[GroupServer]:
    """A fresh database, owner and member roles on pg_cluster, their .pgpass; dropped after."""
    import psycopg
    from psycopg import sql

    tag = secrets.token_hex(4)
    owner = f"own_{tag}"
    members = {name: f"{name}_{tag}" for name in ("alice", "bob", "carol")}
    server = GroupServer(pg_cluster, f"club_{tag}", owner, members)
    with psycopg.connect(
        pg_cluster.dsn("postgres"), password=pg_cluster.password, autocommit=True
    ) as admin:
        for role in (owner, *members.values()):
            password = secrets.token_hex(8)
            server.passwords[role] = password
            admin.execute(
                sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                    sql.Identifier(role), sql.Literal(password)
                )
            )
        admin.execute(
            sql.SQL("CREATE DATABASE {} OWNER {}").format(
                sql.Identifier(server.dbname), sql.Identifier(owner)
            )
        )
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(
        "".join(
            f"{pg_cluster.host}:{pg_cluster.port}:*:{role}:{password}\n"
            for role, password in server.passwords.items()
        ),
        encoding="utf-8",
    )
    pgpass.chmod(0o600)
    for name in ("PGPASSWORD", "PGSERVICE", "PGUSER", "PGDATABASE", "PGHOST", "PGPORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    try:
        yield server
    finally:
        with psycopg.connect(
            pg_cluster.dsn("postgres"), password=pg_cluster.password, autocommit=True
        ) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(server.dbname)
                )
            )
            for role in (owner, *members.values()):
                admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


Runner = Callable[..., object]


class Member:
    """One learner's machine: their database and the CLI run against it."""

    def __init__(self, run: Runner, tmp_path: Path, who: str) -> None:
        self.run = run
        self.db = tmp_path / f"{who}.db"
        self.who = who

    def __call__(self, *args: str):  # type: ignore[no-untyped-def]
        return self.run("--db", str(self.db), *args)

    def json(self, *args: str):  # type: ignore[no-untyped-def]
        result = self(*args, "--json")
        assert result.code == 0, result.err
        return json.loads(result.out)


@pytest.fixture
def machines(run: Runner, tmp_path: Path) -> Callable[[str], Member]:
    return lambda who: Member(run, tmp_path, who)


def set_up(server: GroupServer, machines: Callable[[str], Member], *names: str):  # type: ignore[no-untyped-def]
    """The owner creates the group and admits names; each joins under a capitalised name."""
    owner = machines("owner")
    result = owner("group", "init", server.dsn("owner"), "--as", "Teacher")
    assert result.code == 0, result.err
    found = [owner]
    for name in names:
        assert owner("group", "admit", server.members[name]).code == 0
        member = machines(name)
        result = member("group", "join", server.dsn(name), "--as", name.capitalize())
        assert result.code == 0, result.err
        found.append(member)
    return found
