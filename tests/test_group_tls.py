"""Study groups over TLS, end to end through the CLI, against a TLS-only PostgreSQL.

The cluster (tests/pgtls.py) has a certificate from a test CA and refuses every
connection without TLS. The DSNs the members give carry `sslmode=verify-full`
and `sslrootcert`; passwords come from .pgpass, PGPASSWORD or a service file's
.pgpass line, and one role logs in with a client certificate and no password at
all. Whatever fails is one line on stderr with exit 1, and nothing is remembered.
"""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pgfixtures import REQUIRED, GroupServer, Member, group_on, require_driver, set_up
from pgserver import Cluster, started
from pgtls import CERT_ROLE, Pki, make_pki, openssl

require_driver()


@dataclass
class TlsCluster:
    cluster: Cluster
    pki: Pki


@pytest.fixture(scope="module")
def tls_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsCluster]:
    """One TLS-only cluster for this module (its certificates made once, too)."""
    if os.environ.get("DLTRACK_TEST_PG"):
        pytest.skip("the TLS tests configure a cluster of their own; DLTRACK_TEST_PG is not one")
    if openssl() is None:
        if REQUIRED:
            pytest.fail("the openssl command is not installed, and CI requires the TLS tests")
        pytest.skip("the openssl command is not installed")
    pki = make_pki(tmp_path_factory.mktemp("pki"))
    try:
        with started(pki.server()) as cluster:
            yield TlsCluster(cluster, pki)
    except FileNotFoundError as missing:
        if REQUIRED:
            pytest.fail(f"{missing}, and CI requires the group tests")
        pytest.skip(f"no PostgreSQL here: {missing}")


@dataclass
class TlsGroup:
    server: GroupServer
    pki: Pki
    tmp_path: Path

    def base(self, who: str, dbname: str | None = None) -> str:
        """The DSN of owner or a member without any TLS setting."""
        role = CERT_ROLE if who == "cert" else None
        if role is None:
            role = self.server.owner if who == "owner" else self.server.members[who]
        c = self.server.cluster
        return f"host={c.host} port={c.port} dbname={dbname or self.server.dbname} user={role}"

    def verified(self, who: str, ca: Path | None = None) -> str:
        return f"{self.base(who)} sslmode=verify-full sslrootcert={ca or self.pki.ca}"

    def where(self) -> str:
        return f"127.0.0.1:{self.server.cluster.port}/{self.server.dbname}"


@pytest.fixture
def tls_group(
    tls_cluster: TlsCluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TlsGroup]:
    """A group's database and roles on the TLS cluster, and the role of the client certificate.

    HOME and the XDG directories point into tmp_path: libpq finds no ~/.postgresql
    certificate or ~/.pgpass of the machine's, and whatever dltrack might write to
    its data or config directory lands where the tests look.
    """
    import psycopg
    from psycopg import sql

    for name in ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        place = tmp_path / name.lower()
        place.mkdir()
        monkeypatch.setenv(name, str(place))
    for name in ("PGSERVICEFILE", "PGSSLMODE", "PGSSLROOTCERT", "PGSSLCERT", "PGSSLKEY"):
        monkeypatch.delenv(name, raising=False)
    cluster = tls_cluster.cluster
    with group_on(cluster, tmp_path, monkeypatch) as server:
        with psycopg.connect(
            cluster.dsn("postgres"), password=cluster.password, autocommit=True
        ) as admin:
            admin.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(CERT_ROLE)))
        yield TlsGroup(server, tls_cluster.pki, tmp_path)
    with psycopg.connect(cluster.dsn("postgres"), password=cluster.password, autocommit=True) as a:
        a.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(CERT_ROLE)))


def one_line(result: object) -> str:
    """The one stderr line of a failed command (no traceback, nothing more)."""
    err: str = result.err  # type: ignore[attr-defined]
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("dltrack: ") and "Traceback" not in err
    return lines[0]


def remembered(member: Member) -> dict[str, str]:
    """What the member's database keeps of a group (nothing when it was never made)."""
    if not member.db.exists():
        return {}
    with sqlite3.connect(member.db) as conn:
        has_meta = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
        ).fetchone()
        if not has_meta:
            return {}
        return dict(conn.execute("SELECT key, value FROM meta WHERE key LIKE 'group%'"))


def assert_no_password_kept(group: TlsGroup) -> None:
    """No file dltrack may write (its databases, data and config dirs) holds a password.

    Everything in tmp_path is looked at but the .pgpass file the fixture wrote.
    """
    secrets = [p.encode() for p in group.server.passwords.values()]
    databases = 0
    for path in group.tmp_path.rglob("*"):
        if not path.is_file() or path.name == "pgpass":
            continue
        databases += path.suffix == ".db"
        content = path.read_bytes()
        for secret in secrets:
            assert secret not in content, path
    assert databases >= 1


def test_init_join_and_sync_over_verified_tls(
    tls_group: TlsGroup, machines: Callable[[str], Member]
) -> None:
    owner, alice, bob = set_up(tls_group.server, machines, "alice", "bob")
    assert "sslmode=verify-full" in remembered(alice)["group_dsn"]
    assert alice("done", "1", "2").code == 0
    assert bob("done", "3").code == 0
    for m in (alice, bob, owner):
        result = m("group", "sync")
        assert result.code == 0, result.err
    rows = {r["name"]: r["done"] for r in owner.json("group", "board")["members"]}
    assert rows == {"Teacher": 0, "Alice": 2, "Bob": 1}
    assert_no_password_kept(tls_group)


def test_a_certificate_from_another_ca_is_one_line_and_nothing_is_kept(
    tls_group: TlsGroup, machines: Callable[[str], Member]
) -> None:
    owner = machines("owner")
    result = owner("group", "init", tls_group.verified("owner", tls_group.pki.other_ca))
    assert result.code == 1
    assert one_line(result) == (
        f"dltrack: the certificate of the group's server at {tls_group.where()} is not signed "
        "by the authority in sslrootcert: SSL error: certificate verify failed"
    )
    assert remembered(owner) == {}
    # A member trusting the wrong CA cannot join either, and keeps no DSN.
    assert owner("group", "init", tls_group.verified("owner")).code == 0
    assert owner("group", "admit", tls_group.server.members["alice"]).code == 0
    alice = machines("alice")
    joined = alice(
        "group", "join", tls_group.verified("alice", tls_group.pki.other_ca), "--as", "Alice"
    )
    assert joined.code == 1 and "certificate verify failed" in one_line(joined)
    assert remembered(alice) == {}


def test_a_certificate_for_another_host_name_is_one_line(
    tls_group: TlsGroup, machines: Callable[[str], Member]
) -> None:
    owner = machines("owner")
    # The certificate names 127.0.0.1 and localhost; hostaddr skips any name lookup.
    dsn = tls_group.verified("owner").replace(
        "host=127.0.0.1", "host=db.invalid hostaddr=127.0.0.1"
    )
    result = owner("group", "init", dsn)
    assert result.code == 1
    line = one_line(result)
    assert line.startswith(
        "dltrack: the certificate of the group's server at "
        f"db.invalid:{tls_group.server.cluster.port}/{tls_group.server.dbname} "
        "is for another host name: "
    )
    assert 'does not match host name "db.invalid"' in line
    assert remembered(owner) == {}


def test_without_tls_the_server_says_no_in_one_line(
    tls_group: TlsGroup, machines: Callable[[str], Member], monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = machines("owner")
    result = owner("group", "init", tls_group.base("owner") + " sslmode=disable")
    assert result.code == 1
    assert one_line(result) == (
        f"dltrack: the group's server at {tls_group.where()} accepts only TLS connections; "
        "put sslmode=verify-full and sslrootcert in the DSN"
    )
    assert remembered(owner) == {}
    monkeypatch.setenv("DLTRACK_LANG", "zh")
    chinese = owner("group", "init", tls_group.base("owner") + " sslmode=disable")
    assert chinese.code == 1 and "只接受 TLS 连接" in one_line(chinese)


def test_a_missing_root_certificate_is_not_an_unreachable_server(
    tls_group: TlsGroup, machines: Callable[[str], Member]
) -> None:
    owner = machines("owner")
    missing = tls_group.tmp_path / "no-such-ca.crt"
    result = owner("group", "init", tls_group.verified("owner", missing))
    assert result.code == 1  # not 4: the server is there, the DSN names a file that is not
    line = one_line(result)
    assert line.startswith(f"dltrack: the sslrootcert file of the DSN for {tls_group.where()}")
    assert str(missing) in line


def test_the_password_from_pgpassword(
    tls_group: TlsGroup, machines: Callable[[str], Member], monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = machines("owner")
    assert owner("group", "init", tls_group.verified("owner")).code == 0
    assert owner("group", "admit", tls_group.server.members["alice"]).code == 0
    monkeypatch.setenv("PGPASSFILE", str(tls_group.tmp_path / "none"))
    alice = machines("alice")
    monkeypatch.setenv("PGPASSWORD", "not-it")
    wrong = alice("group", "join", tls_group.verified("alice"), "--as", "Alice")
    assert wrong.code == 1 and "refused the password" in one_line(wrong)
    assert remembered(alice) == {}
    monkeypatch.setenv("PGPASSWORD", tls_group.server.passwords[tls_group.server.members["alice"]])
    joined = alice("group", "join", tls_group.verified("alice"), "--as", "Alice")
    assert joined.code == 0, joined.err
    assert alice("done", "1").code == 0
    assert alice.json("group", "sync")["pushed_new"] == 1
    assert_no_password_kept(tls_group)


def test_a_service_file_names_the_server_and_its_tls(
    tls_group: TlsGroup, machines: Callable[[str], Member], monkeypatch: pytest.MonkeyPatch
) -> None:
    server = tls_group.server
    owner = machines("owner")
    assert owner("group", "init", tls_group.verified("owner")).code == 0
    assert owner("group", "admit", server.members["alice"]).code == 0
    services = tls_group.tmp_path / "pg_service.conf"
    services.write_text(
        "[club]\n"
        f"host={server.cluster.host}\nport={server.cluster.port}\ndbname={server.dbname}\n"
        f"user={server.members['alice']}\nsslmode=verify-full\nsslrootcert={tls_group.pki.ca}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("PGSERVICEFILE", str(services))
    alice = machines("alice")
    joined = alice("group", "join", "service=club", "--as", "Alice")
    assert joined.code == 0, joined.err
    assert remembered(alice)["group_dsn"] == "service=club"
    assert alice("done", "1", "2").code == 0
    assert alice.json("group", "sync")["pushed_new"] == 2
    assert owner("group", "sync").code == 0
    rows = {r["name"]: r["done"] for r in owner.json("group", "board")["members"]}
    assert rows["Alice"] == 2
    # The same service with the unrelated CA: the server is refused, in one line.
    services.write_text(
        services.read_text(encoding="utf-8").replace(
            str(tls_group.pki.ca), str(tls_group.pki.other_ca)
        ),
        encoding="utf-8",
    )
    refused = alice("group", "sync")
    assert refused.code == 1 and "certificate verify failed" in one_line(refused)
    assert_no_password_kept(tls_group)


def test_a_client_certificate_needs_no_password_anywhere(
    tls_group: TlsGroup, machines: Callable[[str], Member], monkeypatch: pytest.MonkeyPatch
) -> None:
    owner, alice = set_up(tls_group.server, machines, "alice")
    assert owner("group", "admit", CERT_ROLE).code == 0
    pgpass = os.environ["PGPASSFILE"]
    monkeypatch.setenv("PGPASSFILE", str(tls_group.tmp_path / "none"))
    monkeypatch.delenv("PGPASSWORD", raising=False)
    pki = tls_group.pki
    cert = machines("cert")
    # No certificate: the server asks for one, and says so.
    bare = cert("group", "join", tls_group.verified("cert"), "--as", "Dave")
    assert bare.code == 1
    assert one_line(bare).startswith(
        f"dltrack: the group's server at {tls_group.where()} refused the client certificate: "
    )
    # A key others may read: libpq will not use it.
    loose = tls_group.tmp_path / "loose.key"
    shutil.copyfile(pki.client_key, loose)
    loose.chmod(0o644)
    dsn = f"{tls_group.verified('cert')} sslcert={pki.client_cert} sslkey={loose}"
    unsafe = cert("group", "join", dsn, "--as", "Dave")
    assert unsafe.code == 1
    assert "client certificate or key" in one_line(unsafe) and str(loose) in unsafe.err
    assert remembered(cert) == {}
    dsn = f"{tls_group.verified('cert')} sslcert={pki.client_cert} sslkey={pki.client_key}"
    joined = cert("group", "join", dsn, "--as", "Dave")
    assert joined.code == 0, joined.err
    assert cert("done", "1", "2", "3").code == 0
    assert cert.json("group", "sync")["pushed_new"] == 3
    monkeypatch.setenv("PGPASSFILE", pgpass)  # alice's password, for alice
    assert alice("group", "sync").code == 0
    rows = {r["name"]: r["done"] for r in alice.json("group", "board")["members"]}
    assert rows == {"Teacher": 0, "Alice": 0, "Dave": 3}
    assert_no_password_kept(tls_group)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("key", ["password", "sslpassword"])
def test_a_dsn_with_a_password_is_refused_before_connecting(
    tls_group: TlsGroup, machines: Callable[[str], Member], key: str
) -> None:
    owner = machines("owner")
    for dsn in (
        f"{tls_group.verified('owner')} {key}=hunter2-secret",
        # Nothing listens here: exit 1, not 4, shows that no connection was tried.
        f"host=127.0.0.1 port={closed_port()} dbname=club user=x {key}=hunter2-secret",
        f"postgresql://x@127.0.0.1:{closed_port()}/club?{key}=hunter2-secret",
    ):
        result = owner("group", "init", dsn)
        assert result.code == 1, result.err
        line = one_line(result)
        assert "hunter2" not in result.err
        assert ("sslpassword" in line) == (key == "sslpassword")
        assert remembered(owner) == {}
    assert_no_password_kept(tls_group)
