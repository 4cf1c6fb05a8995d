"""check-links --changed-against OLD_FILE: only new items and items whose URL changed."""

from __future__ import annotations

import json
from pathlib import Path

from linkserver import LinkServer
from test_check_links import FAST, write_catalogue


def test_only_new_and_changed_links_are_requested(
    run, linkserver: LinkServer, catalogue_path: Path, tmp_path: Path
) -> None:
    old = tmp_path / "old.json"
    before = {n: linkserver.url(f"/ok?id={n}") for n in (1, 2, 3)}
    write_catalogue(old, before | {4: linkserver.url("/status/404?id=4")})
    new = {
        1: linkserver.url("/ok?id=1"),  # unchanged
        2: linkserver.url("/status/404?id=2-new"),  # its URL changed
        4: linkserver.url("/status/404?id=4"),  # unchanged (and dead: not this PR's rot)
        5: linkserver.url("/ok?id=5"),  # new
    }
    write_catalogue(catalogue_path, new)
    result = run("check-links", "--changed-against", str(old), "--format", "json", *FAST)
    assert result.code == 1  # the changed link is dead
    assert [r["id"] for r in json.loads(result.out)["results"]] == [2, 5]
    # What the server received proves it: nothing of the unchanged items.
    assert sorted(t for t, _ in linkserver.hits.items()) == ["/ok?id=5", "/status/404?id=2-new"]


def test_no_change_checks_nothing_and_passes(
    run, linkserver: LinkServer, catalogue_path: Path
) -> None:
    write_catalogue(catalogue_path, {1: linkserver.url("/status/404?id=1")})
    result = run("check-links", "--changed-against", str(catalogue_path), *FAST)
    assert result.code == 0 and "Checked 0 links" in result.out
    assert not linkserver.hits


def test_an_unreadable_old_file_is_a_usage_error(
    run, linkserver: LinkServer, catalogue_path: Path, tmp_path: Path
) -> None:
    write_catalogue(catalogue_path, {1: linkserver.url("/ok")})
    for old in (tmp_path / "missing.json", catalogue_path.with_name("bad.json")):
        if old.name == "bad.json":
            old.write_text('{"schema": 1, "tracks": "no"}')
        result = run("check-links", "--changed-against", str(old), *FAST)
        assert result.code == 2, result
        assert result.err.startswith("dltrack: --changed-against:") and result.err.count("\n") == 1
    assert not linkserver.hits
