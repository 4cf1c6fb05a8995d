"""Shared fixtures: every test gets its own database and catalogue in tmp_path."""

from __future__ import annotations

import ipaddress
import shutil
import socket
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from dltrack.cli import main
from linkserver import LinkServer, clear_proxy_env
from pgfixtures import group_server, machines, pg_cluster  # noqa: F401  (fixtures of the group tests)

DATA = Path(__file__).parent / "data"


def pytest_report_header() -> str:
    """The SQLite library under test: the schema's features depend on its version."""
    return f"sqlite: {sqlite3.sqlite_version} (the sqlite3 module's library)"


@dataclass(frozen=True)
class Run:
    """What one CLI invocation did."""

    code: int
    out: str
    err: str


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point dltrack at files in tmp_path; never at the user's real data."""
    catalogue = tmp_path / "catalogue.json"
    shutil.copy(DATA / "catalogue.json", catalogue)
    monkeypatch.setenv("DLTRACK_DB", str(tmp_path / "dltrack.db"))
    monkeypatch.setenv("DLTRACK_SEED", str(catalogue))
    monkeypatch.setenv("COLUMNS", "160")
    # The screens tests compare are English with the usual glyphs, whatever the
    # machine's locale; tests of Chinese and of the other glyph sets set these.
    monkeypatch.setenv("DLTRACK_LANG", "en")
    monkeypatch.setenv("DLTRACK_ASCII", "0")
    # The consoles are made once a process; each test's COLUMNS and colour make new ones.
    from dltrack.render import base

    base.stdout.cache_clear()
    base.stderr.cache_clear()
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


_real_getaddrinfo = socket.getaddrinfo


def _loopback_getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
    """getaddrinfo that never asks a DNS server: only literals and localhost resolve."""
    name = host.decode() if isinstance(host, bytes) else host
    if name is None or name == "localhost":
        return _real_getaddrinfo(host, *args, **kwargs)  # type: ignore[arg-type]
    try:
        ipaddress.ip_address(name)  # type: ignore[arg-type]
    except ValueError:
        # Every other name (nonexistent.invalid included) is unknown, as a resolver
        # would answer for .invalid: the question never leaves this process.
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None
    return _real_getaddrinfo(host, *args, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _no_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests talk to 127.0.0.0/8 only: name lookups must not reach the system resolver."""
    monkeypatch.setattr(socket, "getaddrinfo", _loopback_getaddrinfo)


@pytest.fixture
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No proxy from the environment: requests go straight to the loopback server."""
    clear_proxy_env(monkeypatch)


@pytest.fixture
def linkserver(no_proxy_env: None) -> Iterator[LinkServer]:
    """A fresh loopback HTTP server (tests/linkserver.py) for one test."""
    with LinkServer() as server:
        yield server


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """The database file the CLI uses in this test."""
    return tmp_path / "dltrack.db"


@pytest.fixture
def catalogue_path(tmp_path: Path) -> Path:
    """The catalogue file the CLI uses in this test (a copy tests may edit)."""
    return tmp_path / "catalogue.json"


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Run `dltrack ARGS...` in-process and return its exit code and output."""

    def invoke(*args: str) -> Run:
        capsys.readouterr()
        try:
            main(list(args))
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
        else:  # pragma: no cover - main always exits
            code = 0
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return invoke
