"""check-links reports and exit codes: moved targets, short URLs, offline runs, usage errors."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from dltrack.render.links import short_url
from linkserver import LinkServer, clear_proxy_env, free_port
from test_check_links import FAST, write_catalogue


def test_a_moved_link_names_its_target_once(
    run, linkserver: LinkServer, catalogue_path: Path
) -> None:
    write_catalogue(catalogue_path, {1: linkserver.url("/redirect/301?id=1&to=/ok%3Fnew%3D1")})
    target = linkserver.url("/ok?new=1")
    for fmt in ("markdown", "github", "table"):  # (json has it as final_url and moved_to)
        out = run("check-links", "--format", fmt, *FAST).out
        shown = target if fmt != "table" else short_url(target)
        assert out.count(shown) == 1, (fmt, out)
    moved = json.loads(run("check-links", "--format", "json", *FAST).out)["results"][0]
    assert (moved["reason"], moved["moved_to"]) == ("moved permanently", target)
    checks = [line for line in run("show", "1").out.splitlines() if "link check" in line]
    assert checks and all(line.count("ok?new=1") == 1 for line in checks), checks


def test_the_table_shows_each_url_in_short_form(
    run, linkserver: LinkServer, catalogue_path: Path
) -> None:
    long = linkserver.url("/status/404?id=1&" + "x" * 80 + "&sn=tail42")
    write_catalogue(catalogue_path, {1: long})
    out = run("check-links", *FAST).out
    assert short_url(long) in out and long not in out
    assert short_url(long).startswith("127.0.0.1:") and short_url(long).endswith("sn=tail42")
    assert len(short_url(long)) == 48 and "…" in short_url(long)


def test_short_url_drops_the_scheme_and_www_only() -> None:
    assert short_url("https://www.example.org/a") == "example.org/a"
    assert short_url("http://mp.weixin.qq.com/s/abc") == "mp.weixin.qq.com/s/abc"


@pytest.fixture
def offline(catalogue_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clear_proxy_env(monkeypatch)
    # Loopback addresses where nothing listens: every connect is refused, as offline.
    urls = {n: f"http://127.0.0.{n + 1}:{free_port()}/page" for n in range(1, 5)}
    write_catalogue(catalogue_path, urls)


def test_an_offline_run_still_writes_its_report(run, offline: None, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    result = run("check-links", "--format", "json", "--output", str(report), *FAST)
    assert result.code == 4
    assert "network unreachable" in result.err and result.err.count("\n") == 1
    summary = json.loads(report.read_text())["summary"]
    assert summary["dead"] == 0 and summary["offline"].startswith("network unreachable")
    markdown = tmp_path / "report.md"
    assert run("check-links", "--output", str(markdown), *FAST).code == 4
    assert "Stopped after" in markdown.read_text()
    assert "network unreachable" in markdown.read_text()


def test_an_offline_run_is_one_github_error_naming_the_cause(
    run, offline: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = run("check-links", "--format", "github", *FAST)
    assert result.code == 4
    errors = [line for line in result.out.splitlines() if line.startswith("::error")]
    assert len(errors) == 1, result.out
    assert errors[0].startswith("::error title=network unreachable::network unreachable: 4 of 4")
    assert "network unreachable" in summary.read_text()


def test_a_passing_local_failure_leaves_no_tag_on_the_listing(
    run, linkserver: LinkServer, catalogue_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    urls = {
        1: linkserver.url("/ok?id=1"),
        2: "http://flaky-dns.test/page",
        3: linkserver.url("/status/404?id=3"),
    }
    write_catalogue(catalogue_path, urls)
    lookup = socket.getaddrinfo

    def temporarily_failing(host: object, *args: object, **kwargs: object) -> object:
        if host in ("flaky-dns.test", b"flaky-dns.test"):
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        return lookup(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", temporarily_failing)
    result = run("check-links", "--format", "json", "--retries", "0", "--timeout", "1")
    checked = {r["id"]: r for r in json.loads(result.out)["results"]}
    assert checked[2]["verdict"] == "error" and "DNS" in checked[2]["reason"]
    listing = run("list").out
    assert "[error link]" not in listing and "[dead link]" in listing
    # The check is kept in the item's history all the same.
    assert "DNS lookup failed" in run("show", "2").out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--id", "99"), "99"),
        (("--id", "abc"), "not an item id"),
        (("--track", "no-such-track"), "no-such-track"),
    ],
)
def test_a_bad_selection_is_a_usage_error(
    run, linkserver: LinkServer, catalogue_path: Path, args: tuple[str, ...], message: str
) -> None:
    write_catalogue(catalogue_path, {1: linkserver.url("/ok")})
    result = run("check-links", *args, *FAST)
    assert result.code == 2, result
    assert message in result.err and result.err.count("\n") == 1
    assert linkserver.hits["/ok"] == 0
