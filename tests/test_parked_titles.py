"""Parked domains are dead; every GET records the page's title; a title that no longer matches."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from dltrack.links.titles import title_mismatch
from linkserver import LinkServer, Reply
from test_check_links import FAST

PARKED_PAGES = {
    "/for-sale": "<html><head><title>a.org</title></head><h1>This domain is for sale!</h1>",
    "/buy": "<html><head><title>Buy this domain</title></head><body>Contact the owner</body>",
    "/cn": "<html><head><title>优质域名出售</title></head><body>本域名可转让</body></html>",
    "/sedo": '<html><head><script src="https://img.sedoparking.com/js/x.js"></script></head>',
    "/adblockkey": '<html data-adblockkey="MFwwDQYJKo"><head><title>x</title></head></html>',
}
# An article that mentions a domain sale far down the page is not a parked domain.
ARTICLE = (
    "<html><head><title>反向传播算法详解</title></head><body>"
    + "<p>正文</p>" * 1200
    + "<p>Buy this domain, said the spam comment.</p></body></html>"
)


def write(path: Path, items: list[tuple[int, str, str]]) -> None:
    data = {
        "schema": 1,
        "tracks": [
            {
                "slug": "t",
                "title": "链接",
                "stages": [
                    {
                        "slug": "a",
                        "title": "甲",
                        "items": [{"id": i, "title": t, "url": u} for i, t, u in items],
                    }
                ],
            }
        ],
    }
    path.write_text(json.dumps(data, ensure_ascii=False))


def serve(server: LinkServer, path: str, body: str) -> str:
    server.route(path, lambda _request: Reply(body=body))
    return server.url(path)


def results(run, *args: str) -> dict[int, dict]:  # type: ignore[no-untyped-def]
    out = run("check-links", "--format", "json", *FAST, *args).out
    return {r["id"]: r for r in json.loads(out)["results"]}


def test_parked_and_for_sale_pages_are_dead(
    run, linkserver: LinkServer, catalogue_path: Path
) -> None:
    items = [
        (n, "文章", serve(linkserver, p, b)) for n, (p, b) in enumerate(PARKED_PAGES.items(), 1)
    ]
    items.append((9, "反向传播算法详解", serve(linkserver, "/article", ARTICLE)))
    write(catalogue_path, items)
    got = results(run)
    assert {i: r["verdict"] for i, r in got.items()} == {
        1: "dead",
        2: "dead",
        3: "dead",
        4: "dead",
        5: "dead",
        9: "ok",
    }
    assert got[3]["reason"] == "parked domain: 域名出售"
    assert got[4]["reason"] == "parked domain: sedoparking.com"


def test_every_get_records_the_page_title(
    run, linkserver: LinkServer, catalogue_path: Path, db_path: Path
) -> None:
    og = (
        '<html><head><title>站点名</title><meta property="og:title" '
        'content="深度学习入门：反向传播"></head></html>'
    )
    write(
        catalogue_path,
        [
            (1, "深度学习入门", serve(linkserver, "/og", og)),
            (2, "反向传播算法详解", serve(linkserver, "/article", ARTICLE)),
            (3, "没有标题", serve(linkserver, "/bare", "<p>no title here</p>")),
        ],
    )
    got = results(run)
    assert {i: r["page_title"] for i, r in got.items()} == {
        1: "深度学习入门：反向传播",
        2: "反向传播算法详解",
        3: None,
    }
    assert not any(r["title_mismatch"] for r in got.values())
    with sqlite3.connect(db_path) as conn:
        kept = dict(conn.execute("SELECT item_id, page_title FROM link_check"))
    assert kept == {1: "深度学习入门：反向传播", 2: "反向传播算法详解", 3: None}


@pytest.fixture
def renamed(linkserver: LinkServer, catalogue_path: Path) -> None:
    home = "<html><head><title>欢迎来到我的主页 - Home</title></head><body>hi</body></html>"
    write(
        catalogue_path,
        [
            (1, "反向传播算法详解", serve(linkserver, "/home", home)),
            (2, "反向传播算法详解（二）", serve(linkserver, "/article", ARTICLE)),
        ],
    )


def test_a_title_that_no_longer_matches_is_flagged_but_ok(run, renamed: None) -> None:
    result = run("check-links", "--format", "json", *FAST)
    assert result.code == 0  # the verdict stays ok
    data = json.loads(result.out)
    got = {r["id"]: (r["verdict"], r["title_mismatch"]) for r in data["results"]}
    assert got == {1: ("ok", True), 2: ("ok", False)}
    assert data["summary"]["title_mismatch"] == 1
    table = run("check-links", *FAST).out
    assert "title no longer matches" in table and "欢迎来到我的主页" in table
    assert "1 title no longer matches" in table
    markdown = run("check-links", "--format", "markdown", *FAST).out
    assert "### Title no longer matches (1)" in markdown
    github = run("check-links", "--format", "github", *FAST).out
    assert github.startswith("::warning ") and "title no longer matches" in github
    assert run("check-links", "--strict", *FAST).code == 1
    shown = run("show", "1").out
    assert "title no longer matches" in shown and "欢迎来到我的主页" in shown
    assert "title no longer matches" not in run("show", "2").out


@pytest.mark.parametrize(
    ("ours", "theirs", "mismatch"),
    [
        ("深度学习入门", "深度学习入门：反向传播 - 知乎", False),
        ("反向传播算法详解", "知乎 - 有问题，就会有答案", True),
        ("Attention Is All You Need", "[1706.03762] Attention Is All You Need", False),
        ("Attention Is All You Need", "Page not available - Example Blog", True),
        ("卷积神经网络", "卷积", False),
        ("CNN 卷积神经网络入门", "Intro to CNNs", True),
        ("CNN 卷积神经网络入门", "CNN explained", False),
        ("任何标题", None, False),
        ("任何标题", "——", False),  # nothing to compare
    ],
)
def test_the_bigram_measure(ours: str, theirs: str | None, mismatch: bool) -> None:
    assert title_mismatch(ours, theirs) is mismatch
