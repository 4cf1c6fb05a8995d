"""The everyday commands start fast by structure: the heavy libraries stay unloaded.

Each command runs in a fresh interpreter, after a first run has created the
database and synced the catalogue (which is allowed to load pydantic, once).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from linkserver import LinkServer

HEAVY = (
    "pydantic",
    "sqlmodel",
    "sqlalchemy",
    "httpx",
    "rich.table",
    "platformdirs",
    "psycopg",  # the study group's driver: only `group` commands that reach the server
)

PROBE = """
import json, sys
from dltrack.cli import run
code = run(sys.argv[1:])
sys.stdout.flush()
print(json.dumps({"code": code, "loaded": [m for m in %r if m in sys.modules]}), file=sys.stderr)
"""


def loaded_after(
    env: dict[str, str], *args: str, watched: tuple[str, ...] = HEAVY, code: int = 0
) -> list[str]:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE % (watched,), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    report = json.loads(proc.stderr.strip().splitlines()[-1])
    assert report["code"] == code, proc.stderr
    return list(report["loaded"])


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    subprocess.run([sys.executable, "-m", "dltrack", "tracks"], env=env, check=True, timeout=60)
    return env


@pytest.mark.parametrize("args", [("next",), ("done", "1"), ("list",), ("next", "--json")])
def test_everyday_commands_leave_the_heavy_libraries_alone(
    env: dict[str, str], args: tuple[str, ...]
) -> None:
    assert loaded_after(env, *args) == []


def test_the_probe_sees_a_heavy_library(env: dict[str, str]) -> None:
    """Not vacuous: a command that needs rich.table is seen loading it."""
    assert "rich.table" in loaded_after(env, "tracks")


# What a check's first request waits for, beyond what it needs: the catalogue's model
# (pydantic, a tenth of a second), httpx and what it brings (a fifth of the start-up),
# rich (only the terminal's table draws with it).
CHECK_HEAVY = ("pydantic", "httpx", "http.cookiejar", "email.parser", "rich")


@pytest.fixture
def links(env: dict[str, str], tmp_path: Path, linkserver: LinkServer) -> dict[str, str]:
    """A synced catalogue of loopback links: a page, a dead one, redirects to a path."""
    urls = ["/ok", "/status/404", "/redirect/301?to=/ok", "/chain/2"]
    items = [
        {"id": n, "title": f"文章 {n}", "url": linkserver.url(u)} for n, u in enumerate(urls, 1)
    ]
    items.append({"id": 9, "title": "要转义", "url": linkserver.url("/page?text=深度")})
    stage = {"slug": "a", "title": "甲", "items": items}
    catalogue = tmp_path / "links.json"
    data = {"schema": 1, "tracks": [{"slug": "l", "title": "链接", "stages": [stage]}]}
    catalogue.write_text(json.dumps(data, ensure_ascii=False))
    env = {**env, "DLTRACK_SEED": str(catalogue), "DLTRACK_DB": str(tmp_path / "links.db")}
    subprocess.run([sys.executable, "-m", "dltrack", "tracks"], env=env, check=True, timeout=60)
    return env


def test_a_check_of_plain_urls_loads_neither_httpx_nor_the_catalogue_model(
    links: dict[str, str], tmp_path: Path
) -> None:
    """Plain http URLs, a redirect and a dead link: parsed, sent and judged without httpx."""
    report = tmp_path / "report.json"
    args = ("check-links", "--id", "1-4", "--format", "json", "--output", str(report))
    assert loaded_after(links, *args, watched=CHECK_HEAVY, code=1) == []
    verdicts = {r["id"]: r["verdict"] for r in json.loads(report.read_text())["results"]}
    assert verdicts == {1: "ok", 2: "dead", 3: "moved", 4: "ok"}  # 4: temporary redirects


def test_a_url_that_needs_escaping_is_seen_loading_httpx(links: dict[str, str]) -> None:
    """Not vacuous: Chinese in a query goes to httpx to be escaped, and the probe sees it."""
    args = ("check-links", "--id", "9", "--format", "json")
    assert loaded_after(links, *args, watched=CHECK_HEAVY) == [
        "httpx",
        "http.cookiejar",
        "email.parser",
    ]


@pytest.mark.parametrize("fmt", ["json", "junit", "markdown", "github", "shields"])
def test_a_report_for_a_program_does_not_load_rich(env: dict[str, str], fmt: str) -> None:
    """Only the terminal's table draws with rich; CI's formats are plain text."""
    loaded = loaded_after(env, "check-links", "--id", "3", "--format", fmt, watched=("rich",))
    assert loaded == []


def test_the_table_report_is_seen_loading_rich(env: dict[str, str]) -> None:
    """Not vacuous: the probe sees the table format load rich."""
    assert loaded_after(env, "check-links", "--id", "3", watched=("rich",)) == ["rich"]
