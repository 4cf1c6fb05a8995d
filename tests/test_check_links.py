"""`dltrack check-links` end to end: a real catalogue, a real database, a loopback HTTP server."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from linkserver import LinkServer, clear_proxy_env, free_port

FAST = ("--timeout", "1", "--retries", "1")


def write_catalogue(path: Path, urls: dict[int, str], rules: list[dict] | None = None) -> None:
    items = [{"id": i, "title": f"文章 {i}", "url": url} for i, url in urls.items()]
    data = {
        "schema": 1,
        "tracks": [
            {
                "slug": "links",
                "title": "链接",
                "stages": [
                    {"slug": "a", "title": "甲", "items": items[:3]},
                    {"slug": "b", "title": "乙", "items": items[3:]},
                ],
            }
        ],
        "link_rules": rules or [],
    }
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1))


@pytest.fixture
def mix(linkserver: LinkServer, catalogue_path: Path) -> dict[int, str]:
    urls = {
        1: linkserver.url("/ok?id=1"),
        2: linkserver.url("/status/404?id=2"),
        3: linkserver.url("/redirect/301?id=3&to=/ok"),
        4: linkserver.url("/chain/2?id=4"),
        5: linkserver.url("/page?id=5&text=该内容已被发布者删除"),
        6: linkserver.url("/flaky?id=6&times=1&status=503"),
        7: linkserver.url("/status/403?id=7"),
        8: linkserver.url("/status/410?id=8"),
    }
    rules = [{"host": "127.0.0.1", "dead_if": ["该内容已被发布者删除"]}]
    write_catalogue(catalogue_path, urls, rules)
    return urls


def verdicts(result) -> dict[int, str]:  # type: ignore[no-untyped-def]
    data = json.loads(result.out)
    return {r["id"]: r["verdict"] for r in data["results"]}


@pytest.mark.parametrize("head_first", [False, True])
def test_get_by_default_and_head_first_on_request(
    run, linkserver: LinkServer, catalogue_path: Path, head_first: bool
) -> None:
    targets = {1: "/ok?id=1", 2: "/head-refused?id=2", 3: "/status/404?id=3"}
    write_catalogue(catalogue_path, {i: linkserver.url(t) for i, t in targets.items()})
    result = run("check-links", "--format", "json", *FAST, *(["--head-first"] * head_first))
    assert verdicts(result) == {1: "ok", 2: "ok", 3: "dead"}
    seen = {i: linkserver.methods(t) for i, t in targets.items()}
    if head_first:
        # HEAD is enough for a page that is there; anything else is asked again with GET.
        assert seen == {1: ["HEAD"], 2: ["HEAD", "GET"], 3: ["HEAD", "GET"]}
    else:
        assert seen == {1: ["GET"], 2: ["GET"], 3: ["GET"]}


def test_every_verdict_through_the_cli(run, mix: dict[int, str], db_path: Path) -> None:
    result = run("check-links", "--format", "json", *FAST)
    assert result.code == 1, result.err  # dead links were found
    assert verdicts(result) == {
        1: "ok",
        2: "dead",
        3: "moved",
        4: "ok",
        5: "dead",  # a soft 404 by the catalogue's own rule
        6: "ok",  # 503 once, then fine: retried
        7: "blocked",
        8: "dead",
    }
    data = json.loads(result.out)
    assert data["summary"] | {"elapsed_s": 0} == {
        "ok": 3, "moved": 1, "dead": 3, "blocked": 1, "error": 0,
        "checked": 8, "cached": 0, "elapsed_s": 0, "interrupted": False,
        "excluded": 0, "learned_limits": [], "title_mismatch": 0, "offline": None,
        "archive": None,
    }  # fmt: skip
    moved = next(r for r in data["results"] if r["id"] == 3)
    assert moved["moved_to"].endswith("/ok") and moved["http_status"] == 200
    assert set(moved) >= {"id", "url", "verdict", "http_status", "final_url", "reason"}
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM link_check").fetchone()[0] == 8


def test_history_shows_in_show_list_and_next(run, mix: dict[int, str]) -> None:
    run("check-links", *FAST)
    shown = json.loads(run("show", "2", "--json").out)
    assert [c["verdict"] for c in shown["checks"]] == ["dead"]
    assert "404" in run("show", "2").out
    dead = json.loads(run("list", "--link", "dead", "--json").out)["items"]
    assert [i["id"] for i in dead] == [2, 5, 8]
    run("done", "1")
    assert "link found dead" in run("next").out  # item 2 is next, and its link is dead
    assert "[dead link]" in run("list").out


def test_max_age_reuses_good_verdicts_and_rechecks_failures(
    run, mix: dict[int, str], linkserver: LinkServer
) -> None:
    run("check-links", *FAST)
    before = dict(linkserver.hits)
    result = run("check-links", "--format", "json", "--max-age", "1h", *FAST)
    data = json.loads(result.out)
    cached = {r["id"] for r in data["results"] if r["cached"]}
    assert cached == {1, 3, 4, 6}  # ok and moved only
    assert data["summary"]["cached"] == 4 and data["summary"]["checked"] == 4
    assert linkserver.hits["/ok?id=1"] == before["/ok?id=1"]  # not requested again
    assert linkserver.hits["/status/404?id=2"] > before["/status/404?id=2"]


def test_confirm_reports_dead_only_after_consecutive_runs(
    run, linkserver: LinkServer, catalogue_path: Path
) -> None:
    write_catalogue(catalogue_path, {1: linkserver.url("/ok"), 2: linkserver.url("/status/404")})
    first = run("check-links", "--confirm", "2", "--format", "json", *FAST)
    assert first.code == 0
    reported = json.loads(first.out)["results"][1]
    assert reported["verdict"] == "error"
    assert reported["reason"].startswith("dead in 1 of 2 runs so far")
    second = run("check-links", "--confirm", "2", "--format", "json", *FAST)
    assert second.code == 1
    assert verdicts(second)[2] == "dead"


def test_strict_fails_on_blocked(run, linkserver: LinkServer, catalogue_path: Path) -> None:
    write_catalogue(catalogue_path, {1: linkserver.url("/ok"), 2: linkserver.url("/status/403")})
    assert run("check-links", *FAST).code == 0
    assert run("check-links", "--strict", *FAST).code == 1


def test_subset_by_id_stage_and_track(run, mix: dict[int, str], linkserver: LinkServer) -> None:
    only = run("check-links", "--id", "2", "--id", "3-4", "--format", "json", *FAST)
    assert sorted(verdicts(only)) == [2, 3, 4]
    stage = run("check-links", "--track", "links", "--stage", "a", "--format", "json", *FAST)
    assert sorted(verdicts(stage)) == [1, 2, 3]
    assert run("check-links", "--id", "999", *FAST).err == "dltrack: no item with id 999\n"


def test_github_format_annotates_the_catalogue_lines(
    run, mix: dict[int, str], catalogue_path: Path, tmp_path: Path, monkeypatch
) -> None:
    summary = tmp_path / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.chdir(tmp_path)
    result = run("check-links", "--format", "github", *FAST)
    assert result.code == 1
    errors = [line for line in result.out.splitlines() if line.startswith("::error ")]
    warnings = [line for line in result.out.splitlines() if line.startswith("::warning ")]
    assert len(errors) == 3 and len(warnings) == 2  # dead; moved and blocked
    line_of_2 = next(
        n for n, text in enumerate(catalogue_path.read_text().splitlines(), 1) if '"id": 2' in text
    )
    assert errors[0].startswith(f"::error file=catalogue.json,line={line_of_2},title=dead link")
    assert result.out.splitlines()[-1].startswith("Checked 8 links")
    assert "### Dead (3)" in summary.read_text()


def test_markdown_to_an_output_file(run, mix: dict[int, str], tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    result = run("check-links", "--format", "markdown", "--output", str(out), *FAST)
    assert result.code == 1
    report = out.read_text()
    assert report.startswith("## Link check")
    assert "| dead | 3 |" in report and "### Moved (1)" in report
    assert result.out.startswith("Checked 8 links")


def test_table_format_lists_the_problems(run, mix: dict[int, str]) -> None:
    out = run("check-links", *FAST).out
    assert "404" in out and "moved" in out and "blocked" in out
    assert "Checked 8 links (0 from cache)" in out


def test_no_network_stops_with_exit_4_and_records_nothing(
    run, tmp_path: Path, catalogue_path: Path, db_path: Path, monkeypatch
) -> None:
    clear_proxy_env(monkeypatch)
    # Three "hosts" on loopback addresses where nothing listens: every connect is refused.
    urls = {n: f"http://127.0.0.{n + 1}:{free_port()}/page" for n in range(1, 5)}
    write_catalogue(catalogue_path, urls)
    result = run("check-links", *FAST)
    assert result.code == 4
    assert "network" in result.err and result.err.count("\n") == 1
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM link_check").fetchone()[0] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--format", "xml"), "Invalid value for '--format' / '-f': 'xml' is not one of"),
        (("--max-age", "soon"), "Invalid value for '--max-age': not a duration: 'soon'"),
        (("--max-age", "99999999999999w"), "Invalid value for '--max-age': not a duration"),
        (("--per-host", "0"), "Invalid value for '--per-host': 0 is not in the range x>=1"),
        (("--concurrency", "0"), "Invalid value for '--concurrency'"),
        (("--retries", "-1"), "Invalid value for '--retries'"),
        (("--processes", "-1"), "Invalid value for '--processes': -1 is not in the range x>=0"),
        (("--confirm", "0"), "Invalid value for '--confirm': 0 is not in the range x>=1"),
        (("--timeout", "nan"), "Invalid value for '--timeout': nan is not a number of seconds"),
        (("--timeout", "inf"), "Invalid value for '--timeout'"),
        (("--timeout", "1e308"), "Invalid value for '--timeout': 1e+308 is not in the range"),
        (("--timeout", "0"), "Invalid value for '--timeout': 0.0 is not more than 0 seconds"),
        (("--min-interval", "inf"), "Invalid value for '--min-interval'"),
        (("--min-interval", "-1"), "Invalid value for '--min-interval'"),
        (("--user-agent", "bad\x01agent"), "Invalid value for '--user-agent'"),
    ],
)
def test_bad_options(run, mix: dict[int, str], args: tuple[str, ...], message: str) -> None:
    result = run("check-links", *args)
    assert result.code == 2, result
    assert message in result.err and result.err.count("\n") == 1


def test_ctrl_c_keeps_what_was_checked(
    linkserver: LinkServer, catalogue_path: Path, tmp_path: Path
) -> None:
    urls = {1: linkserver.url("/ok?id=a"), 2: linkserver.url("/ok?id=b")}
    urls |= {n: linkserver.url(f"/slow?secs=30&id={n}") for n in range(3, 9)}
    write_catalogue(catalogue_path, urls)
    db = tmp_path / "interrupted.db"
    env = dict(os.environ, DLTRACK_DB=str(db), DLTRACK_SEED=str(catalogue_path))
    proc = subprocess.Popen(
        [sys.executable, "-m", "dltrack", "check-links", "--timeout", "60"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 20
    while linkserver.hits["/ok?id=b"] == 0 or linkserver.hits["/ok?id=a"] == 0:
        assert time.monotonic() < deadline, "the fast links were never requested"
        time.sleep(0.05)
    time.sleep(0.5)
    started = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=15)
    assert time.monotonic() - started < 5, "Ctrl-C was not prompt"
    assert proc.returncode == 130, err
    assert "Interrupted after 2 links" in out
    with sqlite3.connect(db) as conn:
        kept = conn.execute("SELECT item_id, verdict FROM link_check ORDER BY item_id").fetchall()
    assert kept == [(1, "ok"), (2, "ok")]
