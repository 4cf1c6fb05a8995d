"""A TLS-only PostgreSQL for the study-group tests, with its own test CA.

`openssl` makes a CA, a server certificate for 127.0.0.1 and localhost, a client
certificate for one role (CERT_ROLE, authenticated by `cert`), and a second CA
that signed nothing here (a client trusting it must refuse the server). The
cluster (tests/pgserver.py) accepts only TLS over TCP: `hostssl` with SCRAM for
the password roles, `hostssl ... cert` for CERT_ROLE, and a `hostnossl` reject.
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pgserver import SUPERUSER, ServerTls

# The role that logs in with its certificate (its common name) and has no password.
CERT_ROLE = "dltrack_cert_member"

HBA = f"""\
# TYPE  DATABASE USER               ADDRESS       METHOD
local   all      all                              scram-sha-256
hostssl all      {CERT_ROLE}        127.0.0.1/32  cert
hostssl all      all                127.0.0.1/32  scram-sha-256
hostnossl all    all                127.0.0.1/32  reject
"""


@dataclass(frozen=True)
class Pki:
    """The files openssl made: the test CA, an unrelated CA, server and client pairs."""

    ca: Path
    other_ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path

    def server(self) -> ServerTls:
        return ServerTls(
            cert=self.server_cert,
            key=self.server_key,
            client_ca=self.ca,
            hba=HBA,
            client_settings=f"sslmode=verify-full sslrootcert={self.ca}",
        )


def openssl() -> str | None:
    """The openssl command, or None when it is not installed."""
    return shutil.which("openssl")


def _run(*args: str) -> None:
    tool = openssl()
    if tool is None:
        raise FileNotFoundError("the openssl command is not installed (apt-get install openssl)")
    subprocess.run([tool, *args], check=True, capture_output=True, timeout=60)


def _key_and_request(key: Path, request: Path, subject: str) -> None:
    _run(
        "req", "-new", "-nodes", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-keyout", str(key), "-out", str(request), "-subj", subject,
    )  # fmt: skip
    key.chmod(0o600)  # libpq and the server refuse a key others can read


def _self_signed_ca(directory: Path, name: str) -> tuple[Path, Path]:
    cert, key = directory / f"{name}.crt", directory / f"{name}.key"
    _run(
        "req", "-x509", "-new", "-nodes", "-newkey", "ec",
        "-pkeyopt", "ec_paramgen_curve:prime256v1", "-days", "2",
        "-keyout", str(key), "-out", str(cert), "-subj", f"/CN={name}",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    )  # fmt: skip
    key.chmod(0o600)
    return cert, key


def _signed(directory: Path, name: str, subject: str, ca: tuple[Path, Path], ext: str) -> Path:
    key, request, cert = (directory / f"{name}.{e}" for e in ("key", "csr", "crt"))
    _key_and_request(key, request, subject)
    extensions = directory / f"{name}.ext"
    extensions.write_text(ext, encoding="utf-8")
    _run(
        "x509", "-req", "-in", str(request), "-CA", str(ca[0]), "-CAkey", str(ca[1]),
        "-set_serial", str(secrets.randbits(63)), "-days", "2", "-out", str(cert),
        "-extfile", str(extensions),
    )  # fmt: skip
    return cert


def make_pki(directory: Path) -> Pki:
    """A CA, a server certificate for 127.0.0.1/localhost, a client one for CERT_ROLE."""
    ca = _self_signed_ca(directory, "dltrack-test-ca")
    other, _ = _self_signed_ca(directory, "unrelated-ca")
    server = _signed(
        directory, "server", "/CN=localhost", ca,
        "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
        "subjectAltName=IP:127.0.0.1,DNS:localhost\n",
    )  # fmt: skip
    client = _signed(
        directory, "client", f"/CN={CERT_ROLE}", ca,
        "basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n",
    )  # fmt: skip
    return Pki(
        ca=ca[0],
        other_ca=other,
        server_cert=server,
        server_key=directory / "server.key",
        client_cert=client,
        client_key=directory / "client.key",
    )


__all__ = ["CERT_ROLE", "HBA", "SUPERUSER", "Pki", "make_pki", "openssl"]
