"""dltrack fix-links: moved links rewritten, dead ones archived, and lint passes on the result."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dltrack.catalogue.fileio import dump_catalogue, load_catalogue
from linkserver import LinkServer
from test_archive import FakeArchive, archive, snapshot  # noqa: F401  (the fixture)
from test_check_links import FAST


@pytest.fixture
def checked(
    run,
    linkserver: LinkServer,
    catalogue_path: Path,
    archive: FakeArchive,  # noqa: F811
) -> dict[int, str]:
    urls = {
        1: linkserver.url("/redirect/301?id=1&to=/ok%3Fid%3D1-new"),
        2: linkserver.url("/status/404?id=2"),
        3: linkserver.url("/ok?id=3"),
        4: linkserver.url("/status/410?id=4"),  # dead, but no copy anywhere
    }
    items = [{"id": i, "title": f"文章 {i}", "url": u} for i, u in urls.items()]
    data = {
        "schema": 1,
        "catalogue": "fixes",
        "last_id": 4,
        "tracks": [
            {"slug": "t", "title": "链接", "stages": [{"slug": "a", "title": "甲", "items": items}]}
        ],
    }
    # The stable layout from the start, as a curated file is.
    catalogue_path.write_text(dump_catalogue(load_catalogue_from(data, catalogue_path)))
    archive.copies[urls[2]] = snapshot("http://127.0.0.1:9/web/20200101000000/x", "20200101000000")
    # Two runs: a link is dead for fix-links once two checks in a row said so.
    for _ in range(2):
        assert run("check-links", "--archive", *FAST).code == 1
    return urls


def load_catalogue_from(data: dict, path: Path):  # type: ignore[no-untyped-def]
    path.write_text(json.dumps(data, ensure_ascii=False))
    return load_catalogue(path)


def test_without_apply_it_shows_and_writes_nothing(
    run, checked: dict[int, str], catalogue_path: Path, linkserver: LinkServer
) -> None:
    before = catalogue_path.read_bytes()
    result = run("fix-links", "--catalogue", str(catalogue_path))
    assert result.code == 0, result.err
    assert catalogue_path.read_bytes() == before
    new = linkserver.url("/ok?id=1-new")
    assert f"{checked[1]} → {new}" in result.out
    assert "2  文章 2: archived copy http://127.0.0.1:9/web/20200101000000/x" in result.out
    assert "Would change 1 moved and 1 archived" in result.out
    data = json.loads(run("fix-links", "--catalogue", str(catalogue_path), "--format", "json").out)
    assert [(f["id"], f["change"]) for f in data["fixes"]] == [(1, "moved"), (2, "archive")]
    assert data["applied"] is False


def test_apply_writes_one_line_per_fixed_item_and_lint_passes(
    run, checked: dict[int, str], catalogue_path: Path, tmp_path: Path, linkserver: LinkServer
) -> None:
    old = tmp_path / "old.json"
    old.write_bytes(catalogue_path.read_bytes())
    result = run("fix-links", "--catalogue", str(catalogue_path), "--apply")
    assert result.code == 0, result.err
    assert "Wrote" in result.out and "## Link fixes from the link check" in result.out
    assert "| 1 | 文章 1 |" in result.out and "moved permanently" in result.out
    before, after = old.read_text().splitlines(), catalogue_path.read_text().splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert len(changed) == 2  # items 1 and 2, each one line
    fixed = load_catalogue(catalogue_path).items()
    assert fixed[1].url == linkserver.url("/ok?id=1-new") and fixed[1].old_urls == [checked[1]]
    assert (
        fixed[1].title == "文章 1" and fixed[2].archive == "http://127.0.0.1:9/web/20200101000000/x"
    )
    assert fixed[3] == load_catalogue(old).items()[3] and fixed[4].archive is None
    lint = json.loads(run("lint", str(catalogue_path), "--against", str(old), "--json").out)
    # No error, and no "moved" warning: lint knows these moves were recorded. (The
    # loopback URLs do get lint's private-address warning.)
    assert lint["errors"] == 0, lint
    assert not [f for f in lint["findings"] if "moved" in f["message"]], lint
    # A second run has nothing left to do (the fixed URL has not been checked yet).
    again = run("fix-links", "--catalogue", str(catalogue_path), "--apply")
    assert "Nothing to fix" in again.out


def test_lint_still_warns_about_an_unrecorded_move(
    run, checked: dict[int, str], catalogue_path: Path, tmp_path: Path
) -> None:
    old = tmp_path / "old.json"
    old.write_bytes(catalogue_path.read_bytes())
    catalogue_path.write_text(
        catalogue_path.read_text().replace(checked[3], checked[3] + "&moved=1")
    )
    lint = json.loads(run("lint", str(catalogue_path), "--against", str(old), "--json").out)
    assert any("kept its title but moved" in f["message"] for f in lint["findings"]), lint


def test_old_urls_must_be_links(run, catalogue_path: Path) -> None:
    data = json.loads(catalogue_path.read_text())
    data["tracks"][0]["stages"][0]["items"][0]["old_urls"] = ["not a link"]
    catalogue_path.write_text(json.dumps(data))
    result = run("lint", str(catalogue_path))
    assert result.code != 0 and "items[0].old_urls[0]" in result.out + result.err


def test_a_link_dead_fewer_times_than_confirm_gets_no_archive(
    run, checked: dict[int, str], catalogue_path: Path
) -> None:
    data = json.loads(
        run(
            "fix-links", "--catalogue", str(catalogue_path), "--confirm", "3", "--format", "json"
        ).out
    )
    assert [(f["id"], f["change"]) for f in data["fixes"]] == [(1, "moved")]
