"""Your own reading: `dltrack add`, `import --personal`, m-ids, and how they travel and last.

Pages are served by the loopback server; "offline" is a port nothing listens on.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from helpers import one_line
from linkserver import LinkServer, Reply, free_port

ARTICLE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<meta property="og:title" content="图解 Transformer &amp; 注意力">
<title>图解 Transformer - 某博客</title></head><body><p>正文</p></body></html>"""


def load(run, *args: str) -> dict:  # type: ignore[no-untyped-def]
    result = run(*args, "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def mine(run, *db: str) -> list[tuple[object, str, str]]:  # type: ignore[no-untyped-def]
    """(id, title, status) of one's own items in the default track, in order."""
    return [
        (i["id"], i["title"], i["status"]) for i in load(run, *db, "list", "-t", "mine")["items"]
    ]


def test_an_added_item_is_walked_like_the_catalogues(run) -> None:
    added = load(run, "add", "https://example.net/transformer", "--title", "图解 Transformer")
    assert (added["id"], added["track"], added["already"]) == ("m1", "mine", False)
    assert "mine" in [t["slug"] for t in load(run, "tracks")["tracks"]]
    assert load(run, "next", "-t", "mine")["items"][0]["id"] == "m1"
    done = load(run, "done", "m1", "--note", "讲得清楚")
    assert [e["id"] for e in done["changed"]] == ["m1"]
    shown = load(run, "show", "m1")
    assert (shown["id"], shown["status"], shown["notes"][0]["text"]) == ("m1", "done", "讲得清楚")
    assert "m1" in run("show", "m1").out.splitlines()[0]
    # Bare numbers still mean the catalogue's items.
    assert load(run, "show", "1")["title"] == "卷积神经网络入门"
    assert load(run, "progress", "-t", "mine")["tracks"][0]["done"] == 1
    assert [h["id"] for h in load(run, "search", "Transformer")["items"]] == ["m1"]


def test_the_title_comes_from_the_page(run, linkserver: LinkServer) -> None:
    linkserver.route("/transformer", lambda request: Reply(body=ARTICLE))
    added = load(run, "add", linkserver.url("/transformer"))
    assert (added["title"], added["title_from"]) == ("图解 Transformer & 注意力", "page")


def test_a_hostile_title_is_cut_to_size(run, linkserver: LinkServer) -> None:
    page = "<html><head><title>" + "长" * 3000 + "</title></head></html>"
    linkserver.route("/long", lambda request: Reply(body=page))
    added = load(run, "add", linkserver.url("/long"))
    assert added["title_from"] == "page" and len(added["title"]) == 500


def test_offline_the_link_stands_for_the_title(run) -> None:
    url = f"http://127.0.0.1:{free_port()}/gone"
    result = run("add", url)
    assert result.code == 0
    assert "could not read the page's title" in result.out
    assert mine(run) == [("m1", url, "unread")]


def test_an_article_the_catalogue_has_is_not_added_twice(run, db_path: Path) -> None:
    result = load(run, "add", "https://example.org/cnn?utm_source=feed", "--title", "又一篇")
    assert (result["already"], result["id"]) == (True, 1)
    assert "Already there: 1" in run("add", "https://example.org/cnn").out
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM event").fetchone() == (0,)
    load(run, "add", "https://example.net/own", "--title", "自己的")
    again = load(run, "add", "https://example.net/own?utm_campaign=x", "--title", "again")
    assert (again["already"], again["id"], again["title"]) == (True, "m1", "自己的")


def test_ids_and_places_are_checked(run) -> None:
    load(run, "add", "https://example.net/a", "--title", "一")
    unknown = run("done", "m9")
    assert unknown.code == 1
    assert one_line(unknown.err) == "dltrack: no item of your own with id m9\n"
    clash = run("add", "https://example.net/b", "--title", "二", "--track", "basics")
    assert clash.code == 1
    assert "the catalogue has a track basics" in one_line(clash.err)
    bad = run("add", "ftp://example.net/x", "--title", "三")
    assert bad.code == 1 and "not a web link" in one_line(bad.err)
    assert load(run, "done", "m1-1")["changed"][0]["id"] == "m1"


def test_own_tracks_and_stages(run) -> None:
    load(run, "add", "https://example.net/p1", "--title", "论文一", "-t", "papers", "-s", "cv")
    load(run, "add", "https://example.net/p2", "--title", "论文二", "-t", "papers", "-s", "nlp")
    stages = load(run, "stages", "-t", "papers")["stages"]
    assert [s["slug"] for s in stages] == ["cv", "nlp"]
    assert [i["id"] for i in load(run, "list", "-t", "papers", "-s", "nlp")["items"]] == ["m2"]


def test_own_items_survive_a_catalogue_update(run, catalogue_path: Path) -> None:
    load(run, "add", "https://example.net/keep", "--title", "留下")
    run("done", "m1")
    text = catalogue_path.read_text(encoding="utf-8")
    catalogue_path.write_text(text.replace("深度学习基础", "深度学习入门"), encoding="utf-8")
    assert load(run, "tracks")["tracks"][0]["title"] == "深度学习入门"
    assert mine(run) == [("m1", "留下", "done")]


def test_undoing_an_add_retires_its_number(run) -> None:
    load(run, "add", "https://example.net/1", "--title", "一")
    load(run, "add", "https://example.net/2", "--title", "二")
    assert load(run, "undo")["undone"] == "add"
    assert mine(run) == [("m1", "一", "unread")]
    # The log still names the item taken back by its (retired) number.
    entries = load(run, "log")["entries"]
    assert [(e["action"], e["item_id"]) for e in entries][:2] == [
        ("undone", "m2"),
        ("item_added", "m2"),
    ]
    assert load(run, "add", "https://example.net/3", "--title", "三")["id"] == "m3"


def test_the_personal_file_is_written_beside_the_database(run, db_path: Path) -> None:
    load(run, "add", "https://example.net/f", "--title", "文件里")
    document = json.loads((db_path.parent / "dltrack.personal.json").read_text(encoding="utf-8"))
    assert document["catalogue"] == "personal"
    item = document["tracks"][0]["stages"][0]["items"][0]
    assert (item["id"], item["title"]) == (1, "文件里")


LIST = """# 我的清单

## 基础

- [卷积网络讲解](https://example.net/conv)
- [目录里已有的](https://example.org/cnn?utm_medium=x)

## 进阶

- [注意力机制](https://example.net/attention)
"""


def test_import_personal_uses_every_import_rule(run, tmp_path: Path) -> None:
    document = tmp_path / "list.md"
    document.write_text(LIST, encoding="utf-8")
    dry = run("import", str(document), "-t", "reading", "--personal", "--dry-run")
    assert dry.code == 0 and "Dry run" in dry.out
    assert "reading" not in [t["slug"] for t in load(run, "tracks")["tracks"]]
    report = load(run, "import", str(document), "-t", "reading", "--personal")
    assert report["counts"]["new"] == 2 and report["counts"]["reused"] == 1
    stages = load(run, "stages", "-t", "reading")["stages"]
    assert [s["title"] for s in stages] == ["基础", "进阶"]
    items = load(run, "list", "-t", "reading")["items"]
    assert [(i["id"], i["title"]) for i in items] == [("m1", "卷积网络讲解"), ("m2", "注意力机制")]
    # Importing the same list again changes nothing.
    again = load(run, "import", str(document), "-t", "reading", "--personal")
    assert again["counts"]["new"] == 0
    assert len(load(run, "list", "-t", "reading")["items"]) == 2


def test_own_items_travel_with_sync(run, tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    a, b = ("--db", str(tmp_path / "a.db")), ("--db", str(tmp_path / "b.db"))
    load(run, *a, "add", "https://example.net/x", "--title", "甲加的")
    run(*a, "done", "m1")
    load(run, *b, "add", "https://example.net/y", "--title", "乙加的")  # before either synced
    for m in (a, b, a):
        assert run(*m, "sync", str(folder)).code == 0
    assert mine(run, *a) == mine(run, *b)
    assert sorted(t for _, t, _ in mine(run, *a)) == ["乙加的", "甲加的"]
    assert ("甲加的", "done") in [(t, s) for _, t, s in mine(run, *b)]


def test_own_items_travel_with_export(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load(run, "add", "https://example.net/e", "--title", "带走")
    run("start", "m1")
    out = tmp_path / "record.events"
    assert run("export", str(out)).code == 0
    monkeypatch.setenv("DLTRACK_DB", str(tmp_path / "elsewhere.db"))
    assert load(run, "restore", str(out))["new"] == 2
    assert mine(run) == [("m1", "带走", "reading")]
