"""Archived copies: check-links --archive against a loopback archive, and the learner's side."""

from __future__ import annotations

import json
import sqlite3
import webbrowser
from collections.abc import Iterator
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from dltrack.linkcheck.archive import parse_answer
from linkserver import LinkServer, Reply, Request
from test_check_links import FAST


def snapshot(url: str, stamp: str, status: str = "200") -> dict[str, Any]:
    return {
        "archived_snapshots": {
            "closest": {"available": True, "url": url, "timestamp": stamp, "status": status}
        }
    }


class FakeArchive:
    """Speaks the availability API: a copy for the pages it knows, {} for the rest."""

    def __init__(self, server: LinkServer) -> None:
        self.server = server
        self.copies: dict[str, dict[str, Any]] = {}
        self.asked: list[dict[str, str]] = []
        self.status = 200
        self.delay = 0.0
        server.route("/wayback/available", self.answer)

    def answer(self, request: Request) -> Reply:
        self.asked.append(request.query)
        if self.status != 200:
            return Reply(self.status, "down for maintenance")
        found = self.copies.get(request.query.get("url", ""), {"archived_snapshots": {}})
        return Reply(body=json.dumps(found), content_type="application/json", delay=self.delay)

    def asked_for(self) -> dict[str, str | None]:
        return {q["url"]: q.get("timestamp") for q in self.asked}


@pytest.fixture
def archive(no_proxy_env: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeArchive]:
    with LinkServer() as server:
        monkeypatch.setenv("DLTRACK_WAYBACK_URL", server.url("/wayback/available"))
        yield FakeArchive(server)


def write(path: Path, old: dict[int, str], new: dict[int, str], **extra: Any) -> None:
    """Two tracks: one from a source published 2017-01-29, one with no date."""

    def items(urls: dict[int, str]) -> list[dict[str, Any]]:
        return [
            {"id": i, "title": f"文章 {i}", "url": u} | extra.get(str(i), {})
            for i, u in urls.items()
        ]

    data = {
        "schema": 1,
        "tracks": [
            {
                "slug": "old",
                "title": "旧文",
                "source": {"document": "list.txt", "published": "2017-01-29"},
                "stages": [{"slug": "a", "title": "甲", "items": items(old)}],
            },
            {
                "slug": "new",
                "title": "新文",
                "stages": [{"slug": "b", "title": "乙", "items": items(new)}],
            },
        ],
    }
    path.write_text(json.dumps(data, ensure_ascii=False))


@pytest.fixture
def pages(linkserver: LinkServer, catalogue_path: Path) -> dict[int, str]:
    urls = {
        1: linkserver.url("/status/404?id=1"),
        2: linkserver.url("/ok?id=2"),
        3: linkserver.url("/status/410?id=3"),
    }
    write(catalogue_path, {1: urls[1], 2: urls[2]}, {3: urls[3]})
    return urls


def copy_of(n: int) -> str:
    return f"http://127.0.0.1:9/web/20170203000000/page-{n}"


def test_dead_links_get_the_copy_closest_to_their_day(
    run, archive: FakeArchive, pages: dict[int, str], db_path: Path
) -> None:
    archive.copies[pages[1]] = snapshot(copy_of(1), "20170203101500")
    result = run("check-links", "--archive", "--format", "json", *FAST)
    assert result.code == 1, result.err  # dead links still fail the run
    # Only dead links are looked up; the old track's item for its published day, the
    # other for the day this database first saw it (today), never the newest copy.
    assert archive.asked_for() == {pages[1]: "20170129", pages[3]: date.today().strftime("%Y%m%d")}
    data = json.loads(result.out)
    got = {r["id"]: (r["archive_url"], r["archived_at"]) for r in data["results"]}
    assert got == {1: (copy_of(1), "2017-02-03T10:15:00+00:00"), 2: (None, None), 3: (None, None)}
    assert data["summary"]["archive"] == {"found": 1, "none": 1, "failed": 0, "problem": None}
    with sqlite3.connect(db_path) as conn:
        kept = conn.execute(
            "SELECT item_id, archive_url FROM link_check WHERE archive_url IS NOT NULL"
        ).fetchall()
    assert kept == [(1, copy_of(1))]
    # The learner sees it: show, show --json, next.
    shown = json.loads(run("show", "1", "--json").out)
    assert (shown["archive_url"], shown["archived_at"]) == (copy_of(1), "2017-02-03T10:15:00+00:00")
    assert "archived copy" in run("show", "1").out and "2017-02-03" in run("show", "1").out
    assert json.loads(run("show", "3", "--json").out)["archive_url"] is None
    assert "archived copy" in run("next").out


def test_a_copy_of_the_error_page_is_not_offered(
    run, archive: FakeArchive, pages: dict[int, str]
) -> None:
    archive.copies[pages[1]] = snapshot(copy_of(1), "20170203101500", status="404")
    data = json.loads(run("check-links", "--archive", "--format", "json", *FAST).out)
    assert data["summary"]["archive"]["none"] == 2
    assert all(r["archive_url"] is None for r in data["results"])


def test_a_failing_archive_leaves_the_check_whole(
    run, archive: FakeArchive, linkserver: LinkServer, catalogue_path: Path
) -> None:
    dead = {n: linkserver.url(f"/status/404?id={n}") for n in range(1, 7)}
    write(catalogue_path, dead, {})
    archive.status = 503
    result = run("check-links", "--archive", "--format", "json", *FAST)
    assert result.code == 1, result.err
    data = json.loads(result.out)
    assert [r["verdict"] for r in data["results"]] == ["dead"] * 6
    tally = data["summary"]["archive"]
    assert (tally["found"], tally["failed"]) == (0, 6) and "503" in tally["problem"]
    assert len(archive.asked) == 3  # given up after three failures in a row
    assert "not looked up" in run("check-links", "--archive", *FAST).out


def test_archive_all_also_looks_up_live_links_without_a_copy(
    run, archive: FakeArchive, pages: dict[int, str]
) -> None:
    archive.copies[pages[2]] = snapshot(copy_of(2), "20170130000000")
    run("check-links", "--archive", "all", *FAST)
    assert set(archive.asked_for()) == {pages[1], pages[2], pages[3]}
    archive.asked.clear()
    data = json.loads(run("check-links", "--archive", "all", "--format", "json", *FAST).out)
    # The live link has its copy now: only the dead ones are asked again.
    assert set(archive.asked_for()) == {pages[1], pages[3]}
    assert next(r for r in data["results"] if r["id"] == 2)["archive_url"] == copy_of(2)


def test_all_without_archive_is_a_usage_error(run, pages: dict[int, str]) -> None:
    result = run("check-links", "all", *FAST)
    assert result.code == 2 and "--archive" in result.err


def test_a_bad_endpoint_is_a_usage_error(
    run, pages: dict[int, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DLTRACK_WAYBACK_URL", "ftp://archive.example/")
    result = run("check-links", "--archive", *FAST)
    assert result.code == 2 and "DLTRACK_WAYBACK_URL" in result.err and result.err.count("\n") == 1
    monkeypatch.setenv("DLTRACK_LANG", "zh")
    told = run("check-links", "--archive", *FAST)
    assert told.code == 2
    assert told.err == "dltrack: $DLTRACK_WAYBACK_URL 不是 http(s) 链接：'ftp://archive.example/'\n"


@pytest.mark.parametrize(
    ("answer", "chinese"),
    [
        ("<html>", "存档服务的回答不是 JSON"),
        (json.dumps(snapshot("http://a.example/x", "yesterday")), "时间戳有误：'yesterday'"),
    ],
)
def test_an_archive_problem_is_told_in_chinese(
    answer: str, chinese: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dltrack.lang import tr_filled

    monkeypatch.setenv("DLTRACK_LANG", "zh")
    problem = parse_answer(answer).problem
    assert problem is not None and chinese in tr_filled(f"{problem} (not asked again)")


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: opened.append(url) or True)
    return opened


def test_open_takes_the_copy_of_a_dead_link_and_says_so(
    run, archive: FakeArchive, pages: dict[int, str], browser: list[str]
) -> None:
    archive.copies[pages[1]] = snapshot(copy_of(1), "20170203101500")
    run("open", "1")
    assert browser == [pages[1]]  # not known dead yet
    run("check-links", "--archive", *FAST)
    said = run("open", "1").out
    assert browser[-1] == copy_of(1)
    assert "found dead" in said and "archived copy from 2017-02-03" in said and "--original" in said
    run("open", "1", "--original")
    assert browser[-1] == pages[1]
    run("open", "2")
    assert browser[-1] == pages[2]
    run("open", "3")  # dead, but no copy: the link itself
    assert browser[-1] == pages[3]


def test_the_catalogue_archive_is_used_before_any_check(
    run, archive: FakeArchive, pages: dict[int, str], catalogue_path: Path, browser: list[str]
) -> None:
    own = "https://web.archive.org/web/2017/page-3"
    write(catalogue_path, {1: pages[1], 2: pages[2]}, {3: pages[3]}, **{"3": {"archive": own}})
    assert json.loads(run("show", "3", "--json").out)["archive_url"] == own
    data = json.loads(run("check-links", "--archive", "--format", "json", *FAST).out)
    assert pages[3] not in archive.asked_for()  # the catalogue's copy is known
    assert next(r for r in data["results"] if r["id"] == 3)["archive_url"] == own
    run("open", "3")
    assert browser[-1] == own


def test_the_catalogue_archive_must_be_a_link(
    run, pages: dict[int, str], catalogue_path: Path
) -> None:
    write(catalogue_path, {1: pages[1]}, {}, **{"1": {"archive": "not a link"}})
    result = run("lint", str(catalogue_path))
    assert result.code != 0
    assert "tracks[0].stages[0].items[0].archive" in result.err + result.out


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ("<html>", "not JSON"),
        ("[1]", "not a JSON object"),
        (json.dumps(snapshot("javascript:alert(1)", "2017")), "not an http(s) URL"),
        (json.dumps(snapshot("http://a.example/x", "yesterday")), "bad timestamp"),
    ],
)
def test_nonsense_from_the_archive_is_a_problem_not_a_copy(answer: str, problem: str) -> None:
    found = parse_answer(answer)
    assert found.snapshot is None and found.problem is not None and problem in found.problem


def test_a_check_without_archive_asks_nothing(
    run, archive: FakeArchive, pages: dict[int, str]
) -> None:
    json.loads(run("check-links", "--format", "json", *FAST).out)
    assert archive.asked == []


def test_the_archive_has_its_own_pace(
    run, archive: FakeArchive, linkserver: LinkServer, catalogue_path: Path
) -> None:
    dead = {n: linkserver.url(f"/status/404?id={n}") for n in range(1, 9)}
    write(catalogue_path, dead, {})
    archive.delay = 0.3
    run("check-links", "--archive", "--per-host", "8", *FAST)
    assert len(archive.asked) == 8
    assert archive.server.peak <= 4  # not the run's 8
    starts = sorted(start for start, _ in archive.server.spans)
    assert min(b - a for a, b in pairwise(starts)) >= 0.19  # 0.2 s apart
