"""The learner's commands, run through the CLI against a real SQLite file."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest


def as_json(result) -> dict:  # type: ignore[no-untyped-def]
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_next_shows_the_first_item_of_the_first_track(run) -> None:
    result = run("next")
    assert result.code == 0, result.err
    assert "深度学习基础" in result.out
    assert "1  卷积神经网络入门" in result.out
    assert "https://example.org/cnn" in result.out
    assert "dltrack done 1" in result.out
    assert result.err == ""


def test_bare_dltrack_is_next(run) -> None:
    assert run().out == run("next").out


def test_next_n_lists_items_in_catalogue_order_once_each(run) -> None:
    data = as_json(run("next", "-n", "10", "--json"))
    # Item 1 stands in both stages of the track but is read once.
    assert [i["id"] for i in data["items"]] == [1, 2, 3, 4, 5]
    assert data["items"][3]["stage"] == "intro"
    assert data["finished"] is False


def test_done_moves_next_on_and_reports_the_stage(run) -> None:
    result = run("done", "1")
    assert result.code == 0, result.err
    assert "✓ 1  卷积神经网络入门" in result.out
    assert "basics › 一、学习资源  1/3 done" in result.out
    assert as_json(run("next", "--json"))["items"][0]["id"] == 2


def test_done_several_ids_and_ranges(run) -> None:
    data = as_json(run("done", "2,3", "4-5", "--json"))
    assert [e["id"] for e in data["changed"]] == [2, 3, 4, 5]
    stages = {s["slug"]: (s["done"], s["items"]) for s in data["stages"]}
    assert stages == {"resources": (2, 3), "intro": (2, 3)}


def test_done_twice_says_it_was_already_done(run) -> None:
    run("done", "2")
    data = as_json(run("done", "2", "--json"))
    assert data["changed"] == []
    assert [e["id"] for e in data["unchanged"]] == [2]


def test_start_puts_an_item_first_in_next(run) -> None:
    run("start", "3")
    data = as_json(run("next", "-n", "2", "--json"))
    assert [(i["id"], i["status"]) for i in data["items"]] == [(3, "reading"), (1, "unread")]
    assert "reading" in run("next").out


def test_skip_and_undo(run) -> None:
    run("skip", "1")
    assert as_json(run("next", "--json"))["items"][0]["id"] == 2
    assert as_json(run("show", "1", "--json"))["status"] == "skipped"
    run("undo", "1")
    detail = as_json(run("show", "1", "--json"))
    assert (detail["status"], detail["done_at"]) == ("unread", None)
    assert as_json(run("next", "--json"))["items"][0]["id"] == 1


def test_a_track_with_a_skipped_item_is_not_finished(run) -> None:
    run("done", "6")
    run("skip", "1")
    result = run("next", "--track", "cv-path")
    assert result.code == 0
    assert "finished" not in result.out
    assert "1 done, 1 skipped" in result.out
    assert "dltrack list -t cv-path --status skipped" in result.out
    data = as_json(run("next", "--track", "cv-path", "--json"))
    assert (data["finished"], data["caught_up"], data["items"]) == (False, True, [])


def test_finished_track_says_so(run) -> None:
    run("done", "6,1")
    result = run("next", "--track", "cv-path")
    assert "Track finished: all 2 read" in result.out
    data = as_json(run("next", "--track", "cv-path", "--json"))
    assert (data["finished"], data["caught_up"], data["items"]) == (True, True, [])


def test_progress_is_per_item_wherever_it_stands(run) -> None:
    run("done", "1")
    stages = as_json(run("stages", "--track", "cv-path", "--json"))["stages"]
    assert [(s["slug"], s["done"], s["items"]) for s in stages] == [
        ("step-01", 0, 1),
        ("step-02", 1, 1),
    ]


def test_tracks_and_use(run) -> None:
    data = as_json(run("tracks", "--json"))
    assert data["current"] == "basics"
    assert [(t["slug"], t["items"]) for t in data["tracks"]] == [("basics", 5), ("cv-path", 2)]
    assert run("use", "cv-path").code == 0
    assert as_json(run("tracks", "--json"))["current"] == "cv-path"
    assert as_json(run("next", "--json"))["items"][0]["id"] == 6
    assert run("use", "1").code == 0  # tracks can be named by number too
    assert as_json(run("tracks", "--json"))["current"] == "basics"
    human = run("tracks").out
    assert "▶" in human and "cv-path" in human


def test_stages_shows_order_counts_and_bars(run) -> None:
    run("done", "2")
    result = run("stages")
    assert result.code == 0
    lines = result.out.splitlines()
    first = next(line for line in lines if "一、学习资源" in line)
    second = next(line for line in lines if "二、基础介绍文章" in line)
    assert lines.index(first) < lines.index(second)
    assert "33%" in first and "█" in first
    assert "0%" in second


def test_list_filters_by_stage_and_status(run) -> None:
    run("done", "2")
    everything = as_json(run("list", "--json"))["items"]
    assert [i["id"] for i in everything] == [1, 2, 3, 4, 1, 5]
    intro = as_json(run("list", "--stage", "intro", "--json"))["items"]
    assert [i["id"] for i in intro] == [4, 1, 5]
    assert [i["id"] for i in as_json(run("list", "--stage", "2", "--json"))["items"]] == [4, 1, 5]
    done = as_json(run("list", "--status", "done", "--json"))["items"]
    assert [i["id"] for i in done] == [2]
    unread = as_json(run("list", "--status", "unread", "--json"))["items"]
    assert 2 not in [i["id"] for i in unread]
    assert set(everything[0]) >= {"id", "title", "stage", "status", "url"}


def test_show_has_places_dates_and_notes(run) -> None:
    run("done", "1", "--note", "第二遍再看")
    data = as_json(run("show", "1", "--json"))
    assert data["title"] == "卷积神经网络入门"
    assert data["status"] == "done" and data["done_at"]
    assert [(p["track"], p["stage"]) for p in data["places"]] == [
        ("basics", "resources"),
        ("basics", "intro"),
        ("cv-path", "step-02"),
    ]
    assert [n["text"] for n in data["notes"]] == ["第二遍再看"]
    human = run("show", "1").out
    assert "第二遍再看" in human and "cv-path › 2、卷积" in human


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        ("卷积", [1]),  # two characters: shorter than a trigram
        ("神经网络", [1]),
        ("深度学习", [2, 3]),
        ("cnn", [4]),  # full-width ＣＮＮ in the title, any case in the query
        ("CNN RNN", [4]),
        ("attention", [5]),
        ("不存在的词", []),
        ("100%", []),
    ],
)
def test_search_finds_substrings_in_chinese_and_latin(run, query: str, ids: list[int]) -> None:
    data = as_json(run("search", query, "--json"))
    assert [i["id"] for i in data["items"]] == ids


def test_search_human_output_and_track_filter(run) -> None:
    result = run("search", "卷积")
    assert "卷积神经网络入门" in result.out and "1 found" in result.out
    data = as_json(run("search", "卷积", "--track", "cv-path", "--json"))
    assert [p["track"] for p in data["items"][0]["places"]] == ["cv-path"]


def test_open_hands_the_url_to_the_browser(run, tmp_path: Path, monkeypatch) -> None:
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\necho "$1" > {opened}\n')
    browser.chmod(browser.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("BROWSER", str(browser))
    result = run("open", "5")
    assert result.code == 0, result.err
    assert opened.read_text().strip() == "https://arxiv.org/abs/1706.03762"


def test_open_an_item_without_link(run) -> None:
    result = run("open", "3")
    assert result.code == 1
    assert result.err == "dltrack: item 3 has no link (花书《深度学习》)\n"


def test_version(run) -> None:
    from dltrack import __version__

    assert run("--version").out == f"dltrack {__version__}\n"


def test_database_uses_wal_and_records_the_schema(run, db_path: Path) -> None:
    run("next")
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        versions = [r[0] for r in conn.execute("SELECT version FROM migration ORDER BY version")]
    # A new database runs every upgrade step from version 0, as an old one does.
    from dltrack.store.migrations import SCHEMA_VERSION

    assert versions == list(range(1, SCHEMA_VERSION + 1))


def test_db_and_seed_options_override_the_environment(run, tmp_path: Path) -> None:
    other_db = tmp_path / "elsewhere" / "other.db"
    other_db.parent.mkdir()
    result = run("--db", str(other_db), "done", "1")
    assert result.code == 0, result.err
    assert other_db.exists()
    # The default database (from the environment) saw nothing.
    assert as_json(run("show", "1", "--json"))["status"] == "unread"
    assert os.path.getsize(other_db) > 0


def test_a_check_this_machine_failed_does_not_tag_the_item(run, db_path: Path) -> None:
    from dltrack.linkcheck.outcomes import Failure

    run("next")
    urls = {i["id"]: i["url"] for i in as_json(run("list", "--json"))["items"] if i["url"]}
    first, second, third, fourth = sorted(urls)[:4]
    checks = [  # item, verdict, failure
        (first, "dead", Failure.REFUSED),
        (second, "error", Failure.DNS_FAILED),
        (third, "error", Failure.UNREACHABLE),
        (fourth, "error", Failure.TIMEOUT),
    ]
    with sqlite3.connect(db_path) as conn:
        conn.executemany(
            "INSERT INTO link_check (item_id, url, verdict, reason, elapsed_ms, checked_at,"
            " failure) VALUES (?, ?, ?, 'r', 1, '2026-12-01T00:00:00+00:00', ?)",
            [(item, urls[item], verdict, failure.value) for item, verdict, failure in checks],
        )
    links = {i["id"]: i["link"] for i in as_json(run("list", "--json"))["items"]}
    # The offline machine's failures (no DNS, no route) say nothing about the link.
    assert [links[i] for i in (first, second, third, fourth)] == ["dead", None, None, "error"]
