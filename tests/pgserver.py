"""A real PostgreSQL for the tests: a throw-away cluster on a loopback port.

The cluster is made with initdb in a temporary directory and run by pg_ctl as an
unprivileged user (PostgreSQL refuses to run as root, and CI runs as root: then
the directory is handed to the `postgres` user, or `nobody`, and the tools run
through runuser). It listens on 127.0.0.1 only, with password (SCRAM)
authentication over TCP, so wrong passwords are refused as on a real server.

DLTRACK_TEST_PG=DSN uses a running server instead (a superuser's DSN; the tests
create their own roles and databases in it). DLTRACK_TEST_PG_REQUIRED=1 (set by
.ci/run) makes a missing PostgreSQL a failure instead of a skip.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "dltrack_test_admin"


def binaries() -> Path | None:
    """The directory of initdb and pg_ctl: on PATH, or Debian's /usr/lib/postgresql/N/bin."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    versions = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: (
            int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0
        ),
    )
    return Path(versions[-1]).parent if versions else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _runner() -> tuple[list[str], str | None]:
    """The prefix that runs a command as an unprivileged user, and that user (None: as is)."""
    if os.geteuid() != 0:
        return [], None
    for user in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(user)
            return ["runuser", "-u", user, "--"], user
    raise RuntimeError("running as root, and there is no postgres or nobody user to run PostgreSQL")


@dataclass
class Cluster:
    """A running PostgreSQL: where it listens and its superuser's credentials."""

    host: str
    port: int
    user: str
    password: str
    version: str
    # libpq settings every DSN of this cluster carries (a TLS cluster's sslmode and CA).
    settings: str = ""

    def dsn(self, dbname: str = "postgres", user: str | None = None) -> str:
        """A libpq key/value DSN, without a password (that comes from PGPASSWORD or .pgpass)."""
        dsn = f"host={self.host} port={self.port} dbname={dbname} user={user or self.user}"
        return f"{dsn} {self.settings}" if self.settings else dsn


@dataclass(frozen=True)
class ServerTls:
    """What makes a cluster TLS-only: its certificate and key, the CA for client
    certificates, pg_hba.conf's text, and the settings its clients' DSNs carry."""

    cert: Path
    key: Path
    client_ca: Path
    hba: str
    client_settings: str


@contextlib.contextmanager
def started(tls: ServerTls | None = None) -> Iterator[Cluster]:
    """Start a fresh cluster in a temporary directory; stop and remove it afterwards.

    With tls, the server's files are copied into the data directory (the key owned
    by the user running postgres, mode 0600, as the server demands) and pg_hba.conf
    is replaced by tls.hba.
    """
    bin_dir = binaries()
    if bin_dir is None:
        raise FileNotFoundError("PostgreSQL's initdb is not installed (apt-get install postgresql)")
    prefix, user = _runner()
    root = Path(tempfile.mkdtemp(prefix="dltrack-pg-"))
    data, sockets = root / "data", root / "sockets"
    password = secrets.token_hex(12)
    pwfile = root / "pw"
    pwfile.write_text(password + "\n", encoding="utf-8")
    sockets.mkdir()
    if user is not None:
        info = pwd.getpwnam(user)
        for path in (root, sockets, pwfile):
            os.chown(path, info.pw_uid, info.pw_gid)
    os.chmod(root, 0o700)
    port = _free_port()
    env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
    try:
        subprocess.run(
            [*prefix, str(bin_dir / "initdb"), "-D", str(data), "-U", SUPERUSER,
             f"--pwfile={pwfile}", "--auth-local=scram-sha-256", "--auth-host=scram-sha-256",
             "-E", "UTF8", "--no-instructions"],
            check=True, capture_output=True, env=env, timeout=120,
        )  # fmt: skip
        options = (
            f"-c listen_addresses=127.0.0.1 -p {port} -k {sockets} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
        )
        if tls is not None:
            options += " " + _install_tls(tls, data, user)
        subprocess.run(
            [*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options,
             "-l", str(root / "log"), "-w", "-t", "60", "start"],
            check=True, capture_output=True, env=env, timeout=120,
        )  # fmt: skip
        version = subprocess.run(
            [str(bin_dir / "postgres"), "--version"], capture_output=True, text=True, check=True
        ).stdout.strip()
        settings = tls.client_settings if tls is not None else ""
        yield Cluster("127.0.0.1", port, SUPERUSER, password, version, settings)
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                [*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                capture_output=True, env=env, timeout=60,
            )  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)


def _install_tls(tls: ServerTls, data: Path, user: str | None) -> str:
    """Copy the server's TLS files into data, write pg_hba.conf; the options that use them."""
    placed = {}
    for name, source in (
        ("server.crt", tls.cert),
        ("server.key", tls.key),
        ("ca.crt", tls.client_ca),
    ):
        target = data / name
        shutil.copyfile(source, target)
        target.chmod(0o600)
        placed[name] = target
    hba = data / "pg_hba.conf"
    hba.write_text(tls.hba, encoding="utf-8")
    if user is not None:
        info = pwd.getpwnam(user)
        for path in (*placed.values(), hba):
            os.chown(path, info.pw_uid, info.pw_gid)
    return (
        f"-c ssl=on -c ssl_cert_file={placed['server.crt']} "
        f"-c ssl_key_file={placed['server.key']} -c ssl_ca_file={placed['ca.crt']}"
    )


def from_environment() -> Cluster | None:
    """The server named by DLTRACK_TEST_PG, if any (its password from PGPASSWORD or .pgpass)."""
    dsn = os.environ.get("DLTRACK_TEST_PG")
    if not dsn:
        return None
    from psycopg.conninfo import conninfo_to_dict

    parts = conninfo_to_dict(dsn)
    import psycopg

    with psycopg.connect(dsn) as conn:
        version = str(conn.execute("SELECT version()").fetchone()[0])  # type: ignore[index]
    return Cluster(
        host=str(parts.get("host", "127.0.0.1")),
        port=int(parts.get("port", 5432)),
        user=str(parts.get("user", os.environ.get("PGUSER", "postgres"))),
        password=str(parts.get("password", os.environ.get("PGPASSWORD", ""))),
        version=version.split(" on ")[0],
    )
