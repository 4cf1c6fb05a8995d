"""check-links against hostile servers: bounded time, bounded memory, a verdict for each link.

Each test runs the real program in a subprocess against tests/hostile.py's server on
127.0.0.1 (and, for redirects into this machine, behind a loopback proxy playing a
public host). Subprocess timeouts here are hang guards, far above what a correct
run takes: the classes they guard against used to hold a run for minutes or for
ever.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hostile import PROBE, HostileServer, PublicHostProxy
from linkserver import clear_proxy_env

# Pages of 127.0.0.1 are read for content rules, so their bodies are decoded.
RULES = [{"host": "127.0.0.1", "dead_if": ["该内容已被发布者删除"]}]


@pytest.fixture
def hostile(no_proxy_env: None) -> Iterator[HostileServer]:
    with HostileServer() as server:
        yield server


def write_catalogue(path: Path, urls: dict[int, str], titles: dict[int, str] | None = None) -> None:
    items = [
        {"id": i, "title": (titles or {}).get(i, f"文章 {i}"), "url": url}
        for i, url in urls.items()
    ]
    data = {
        "schema": 1,
        "tracks": [
            {
                "slug": "links",
                "title": "链接",
                "stages": [{"slug": "a", "title": "甲", "items": items}],
            }
        ],
        "link_rules": RULES,
    }
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def env_for(tmp_path: Path, catalogue: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env.update(DLTRACK_DB=str(tmp_path / "links.db"), DLTRACK_SEED=str(catalogue))
    return env


def check(
    tmp_path: Path,
    catalogue: Path,
    *args: str,
    timeout: float = 60,
    env: dict[str, str] | None = None,
) -> tuple[subprocess.CompletedProcess[str], dict[int, dict[str, object]], int]:
    """Run check-links as JSON; (the process, results by id, peak RSS in MB)."""
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, "check-links", "--format", "json", *args],
        capture_output=True,
        text=True,
        env=env or env_for(tmp_path, catalogue),
        timeout=timeout,
    )
    report = json.loads(proc.stdout) if proc.stdout.startswith("{") else {"results": []}
    rss = [ln for ln in proc.stderr.splitlines() if ln.startswith("maxrss_kb")]
    peak = int(rss[-1].split()[1]) // 1024 if rss else 0
    return proc, {r["id"]: r for r in report["results"]}, peak


def test_decompression_bombs_stay_within_the_cap(
    hostile: HostileServer, tmp_path: Path, catalogue_path: Path
) -> None:
    # Eight bombs at once, each unfolding into 128 MiB (the stacked ones, gzip of gzip,
    # are a few KB on the wire): decoded without a cap they need gigabytes.
    paths = ["/gzip-bomb", "/deflate-bomb", "/stacked-bomb", "/stacked-bomb"] * 2
    urls = {n: hostile.url(f"{p}?n={n}") for n, p in enumerate(paths, 1)}
    write_catalogue(catalogue_path, urls)
    proc, results, peak = check(tmp_path, catalogue_path, "--timeout", "10")
    assert proc.returncode == 0, proc.stderr
    assert {r["verdict"] for r in results.values()} == {"ok"}
    # Eight pages of a 256 KiB cap, plus the interpreter and the libraries.
    assert 0 < peak < 150, f"peak RSS {peak} MB"


@pytest.mark.parametrize("path", ["/brotli", "/compress"])
def test_an_encoding_that_cannot_be_decoded_is_a_verdict(
    hostile: HostileServer, tmp_path: Path, catalogue_path: Path, path: str
) -> None:
    write_catalogue(catalogue_path, {1: hostile.url(path)})
    proc, results, _ = check(tmp_path, catalogue_path)
    assert proc.returncode == 0, proc.stderr
    assert results[1]["verdict"] == "error"
    assert "the page cannot be read: unsupported content encoding" in str(results[1]["reason"])


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/slow-head", "timed out after 1 s"),
        ("/endless-continue", "protocol error: more than 8 informational answers"),
        ("/endless-blank-lines", "protocol error: endless blank lines"),
    ],
)
def test_a_head_that_never_ends_gets_one_deadline(
    hostile: HostileServer, tmp_path: Path, catalogue_path: Path, path: str, reason: str
) -> None:
    write_catalogue(catalogue_path, {1: hostile.url(path)})
    started = time.monotonic()
    proc, results, _ = check(
        tmp_path, catalogue_path, "--timeout", "1", "--retries", "0", timeout=20
    )
    assert proc.returncode == 0, proc.stderr
    assert results[1]["verdict"] == "error"
    assert reason in str(results[1]["reason"])
    # Well inside the hang guard: a per-read timeout would never have ended.
    assert time.monotonic() - started < 20


def test_a_chunked_body_cut_mid_line_fails_at_once(
    hostile: HostileServer, tmp_path: Path, catalogue_path: Path
) -> None:
    write_catalogue(catalogue_path, {1: hostile.url("/chunked-cut")})
    # With a 30 s timeout, waiting for the rest of the cut line would outlast the guard.
    proc, results, _ = check(
        tmp_path, catalogue_path, "--timeout", "30", "--retries", "0", timeout=15
    )
    assert proc.returncode == 0, proc.stderr
    assert results[1]["verdict"] == "ok"  # the status line said 200; the body ended early


def test_a_host_that_accepts_and_never_answers_is_given_up(
    hostile: HostileServer, tmp_path: Path, catalogue_path: Path
) -> None:
    urls = {n: hostile.url(f"/silent?n={n}") for n in range(1, 41)}
    write_catalogue(catalogue_path, urls)
    args = ("--timeout", "1", "--retries", "0", "--per-host", "2")
    # Without giving up: 40 URLs, 2 at a time, 1 s each, 20 s.
    proc, results, _ = check(tmp_path, catalogue_path, *args, timeout=15)
    assert proc.returncode == 0, proc.stderr
    assert len(results) == 40
    skipped = [r for r in results.values() if "not requested" in str(r["reason"])]
    assert len(skipped) >= 30
    assert hostile.hits["/silent"] <= 10


def test_redirects_to_bad_host_names_get_verdicts_and_the_run_goes_on(
    hostile: HostileServer, tmp_path: Path, catalogue_path: Path
) -> None:
    urls = {
        1: hostile.url("/ok"),
        2: hostile.url("/to-bad-host"),
        3: hostile.url("/to-empty-label"),
    }
    write_catalogue(catalogue_path, urls)
    proc, results, _ = check(tmp_path, catalogue_path, "--retries", "0")
    assert proc.returncode == 0, proc.stderr
    assert results[1]["verdict"] == "ok"
    assert {results[n]["verdict"] for n in (2, 3)} == {"error"}
    assert "to an unusable URL: http://xn--zz/" in str(results[2]["reason"])
    with sqlite3.connect(tmp_path / "links.db") as conn:
        assert conn.execute("SELECT COUNT(*) FROM link_check").fetchone()[0] == 3


def test_a_catalogue_with_a_bad_host_name_is_refused_by_its_path(
    hostile: HostileServer, tmp_path: Path, catalogue_path: Path
) -> None:
    write_catalogue(catalogue_path, {1: hostile.url("/ok"), 2: "http://a..b/page"})
    proc, _, _ = check(tmp_path, catalogue_path, "--retries", "0")
    assert proc.returncode == 3
    assert "tracks[0].stages[0].items[1].url: not an http(s) URL" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert hostile.hits["/ok"] == 0


def test_results_are_kept_when_a_stalled_run_is_killed(
    hostile: HostileServer, tmp_path: Path, catalogue_path: Path
) -> None:
    urls = {n: hostile.url(f"/ok?n={n}") for n in range(1, 21)} | {21: hostile.url("/silent")}
    write_catalogue(catalogue_path, urls)
    proc = subprocess.Popen(
        [sys.executable, "-m", "dltrack", "check-links", "--timeout", "120", "--retries", "0"],
        env=env_for(tmp_path, catalogue_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while hostile.hits["/silent"] == 0 or hostile.hits["/ok"] < 20:
            assert time.monotonic() < deadline, "the run did not start"
            time.sleep(0.05)
        # The timer writes what has come in, although nothing new arrives.
        rows = 0
        while rows < 20 and time.monotonic() < deadline:
            time.sleep(0.2)
            with sqlite3.connect(tmp_path / "links.db", timeout=5) as conn:
                rows = conn.execute("SELECT COUNT(*) FROM link_check").fetchone()[0]
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(10)
    with sqlite3.connect(tmp_path / "links.db") as conn:
        assert conn.execute("SELECT COUNT(*) FROM link_check").fetchone()[0] == 20


@pytest.mark.parametrize(
    "inward", ["http://127.0.0.1:{port}/secret", "http://localhost:{port}/secret"]
)
def test_a_redirect_from_a_public_host_into_this_machine_is_not_followed(
    tmp_path: Path, catalogue_path: Path, inward: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    clear_proxy_env(monkeypatch)
    with HostileServer() as inside, PublicHostProxy(inward.format(port=inside.port)) as proxy:
        write_catalogue(catalogue_path, {1: "http://public.example/page"})
        env = env_for(tmp_path, catalogue_path) | {"HTTP_PROXY": f"http://127.0.0.1:{proxy.port}"}
        proc, results, _ = check(tmp_path, catalogue_path, "--retries", "0", env=env)
        assert proc.returncode == 0, proc.stderr
        assert results[1]["verdict"] == "blocked"
        assert "redirect into a private address" in str(results[1]["reason"])
        assert proxy.requested == ["http://public.example/page"]
        assert inside.connections == 0
        # Asked for, it is followed (through the proxy, which answers for both).
        proc, results, _ = check(
            tmp_path, catalogue_path, "--retries", "0", "--allow-private-redirects", env=env
        )
        assert results[1]["verdict"] == "ok"
        assert proxy.requested[-1].endswith("/secret")


def test_reports_never_carry_controls_bidi_or_invisible_characters(
    hostile: HostileServer, tmp_path: Path, catalogue_path: Path
) -> None:
    write_catalogue(
        catalogue_path,
        {1: hostile.url("/to-strange-place"), 2: hostile.url("/status-none")},
        titles={1: "标题\u202e\u200b\x85", 2: "普通\u202e"},
    )
    env = env_for(tmp_path, catalogue_path)
    raw = ("\x85", "\u202e", "\u200b", "\x1b")
    for fmt in ("table", "markdown", "github", "json"):
        proc = subprocess.run(
            [sys.executable, "-m", "dltrack", "check-links", "--format", fmt, "--retries", "0"],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert proc.returncode == 1, (fmt, proc.stderr)  # 2 is a 404: dead
        assert not any(c in proc.stdout for c in raw), fmt
        assert "\\u202e" in proc.stdout or "%E2%80%AE" in proc.stdout.upper(), fmt
    data = json.loads(
        subprocess.run(
            [sys.executable, "-m", "dltrack", "check-links", "--format", "json"],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        ).stdout
    )
    # The JSON escapes are the same characters: the data is unchanged.
    reason = next(r["reason"] for r in data["results"] if r["id"] == 1)
    assert "\u202e" in reason and "\x85" in reason


def test_a_report_that_cannot_be_written_is_still_shown_and_stored(
    hostile: HostileServer, tmp_path: Path, catalogue_path: Path
) -> None:
    write_catalogue(catalogue_path, {1: hostile.url("/ok")})
    env = env_for(tmp_path, catalogue_path)
    for output in (tmp_path / "missing" / "report.md", tmp_path):
        proc = subprocess.run(
            [sys.executable, "-m", "dltrack", "check-links", "--output", str(output)],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.startswith(f"dltrack: cannot write the report to {output}: ")
        assert proc.stderr.count("\n") == 1
        assert "Checked 1 links" in proc.stdout
    summary_dir = tmp_path / "summary-is-a-directory"
    summary_dir.mkdir()
    proc = subprocess.run(
        [sys.executable, "-m", "dltrack", "check-links", "--format", "github"],
        capture_output=True,
        text=True,
        env=env | {"GITHUB_STEP_SUMMARY": str(summary_dir)},
        timeout=60,
    )
    assert proc.returncode == 2, proc.stderr
    assert "cannot add the report to $GITHUB_STEP_SUMMARY" in proc.stderr
    assert "Checked 1 links" in proc.stdout
    with sqlite3.connect(tmp_path / "links.db") as conn:
        assert conn.execute("SELECT COUNT(*) FROM link_check").fetchone()[0] == 3
