"""The catalogue schema: valid files load; bad ones are refused with each problem's JSON path."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from dltrack.catalogue.fileio import dump_catalogue, load_catalogue
from dltrack.catalogue.model import parse_catalogue
from dltrack.errors import CatalogueError

DATA = Path(__file__).parent / "data"
GOOD: dict[str, Any] = json.loads((DATA / "catalogue.json").read_text())


def problems(change) -> list[str]:  # type: ignore[no-untyped-def]
    data = copy.deepcopy(GOOD)
    change(data)
    with pytest.raises(CatalogueError) as info:
        parse_catalogue(data, source="seed.json")
    return info.value.problems


def first_item(data: dict) -> dict:
    return data["tracks"][0]["stages"][0]["items"][0]


def test_the_fixture_catalogue_is_valid() -> None:
    catalogue = load_catalogue(DATA / "catalogue.json")
    assert [t.slug for t in catalogue.tracks] == ["basics", "cv-path"]
    assert sorted(catalogue.items()) == [1, 2, 3, 4, 5, 6]


def test_the_packaged_catalogue_is_valid() -> None:
    catalogue = load_catalogue(Path(__file__).parents[1] / "data" / "seed.json")
    assert catalogue.tracks, "data/seed.json has no tracks"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: first_item(d).update(url="javascript:void(0)"),
            "tracks[0].stages[0].items[0].url: not an http(s) URL: 'javascript:void(0)'",
        ),
        (
            lambda d: first_item(d).update(url="https:///nohost"),
            "tracks[0].stages[0].items[0].url: not an http(s) URL: 'https:///nohost'",
        ),
        (
            lambda d: first_item(d).update(id=0),
            "tracks[0].stages[0].items[0].id: must be a positive number",
        ),
        (
            lambda d: first_item(d).update(id="7"),
            "tracks[0].stages[0].items[0].id: must be a whole number",
        ),
        (
            lambda d: first_item(d).update(title="  "),
            "tracks[0].stages[0].items[0].title: must not be empty",
        ),
        (lambda d: first_item(d).pop("title"), "tracks[0].stages[0].items[0].title: required"),
        (
            lambda d: first_item(d).update(titel="x"),
            "tracks[0].stages[0].items[0].titel: unknown field",
        ),
        (
            lambda d: first_item(d).update(kind="podcast"),
            "tracks[0].stages[0].items[0].kind: must be one of: article, paper, book, repo, "
            "course, topic, video",
        ),
        (lambda d: d.update(schema=2), "schema: unsupported schema version (this dltrack reads 1)"),
        (lambda d: d["tracks"][1].update(slug="CV Path"), "tracks[1].slug: not a slug"),
        (
            lambda d: d["tracks"][1].update(slug="basics"),
            "tracks[1].slug: track slug 'basics' appears twice",
        ),
        (
            lambda d: d["tracks"][0]["stages"][1].update(slug="resources"),
            "tracks[0].stages: stage slug 'resources' appears twice",
        ),
        (
            lambda d: d["tracks"][1]["stages"][0]["items"][0].update(id=1),
            "tracks[1].stages[0].items[0].id: id 1 stands for two different items",
        ),
        (
            lambda d: d["tracks"][1]["stages"][1]["items"][0].update(kind="paper"),
            "tracks[1].stages[1].items[0].id: id 1 stands for two different items",
        ),
        (
            lambda d: first_item(d).update(url="https://example.org/a\tb"),
            "tracks[0].stages[0].items[0].url: not an http(s) URL",
        ),
        (lambda d: d.update(last_id=3), "last_id: 3 is below the highest item id 6"),
        (
            lambda d: d["tracks"][0]["source"].update(published="last year"),
            "tracks[0].source.published: must be a date (YYYY-MM-DD)",
        ),
        (
            lambda d: d.update(link_rules=[{"host": "exa mple.org"}]),
            "link_rules[0].host: not a host name or *.host pattern: 'exa mple.org'",
        ),
    ],
)
def test_problems_carry_their_json_path(change, expected: str) -> None:  # type: ignore[no-untyped-def]
    found = problems(change)
    assert any(p.startswith(expected) for p in found), found


def test_every_problem_is_listed() -> None:
    def many(data: dict) -> None:
        first_item(data).update(url="ftp://x.org/a")
        data["tracks"][1]["stages"][0]["items"][0]["title"] = ""

    assert problems(many) == [
        "tracks[0].stages[0].items[0].url: not an http(s) URL: 'ftp://x.org/a'",
        "tracks[1].stages[0].items[0].title: must not be empty",
    ]


def test_new_ids_start_above_the_high_water_mark() -> None:
    data = copy.deepcopy(GOOD)
    assert parse_catalogue(data, source="x").next_id() == 7
    # Item 6 was removed, but its id stays retired.
    data["tracks"][1]["stages"][0]["items"] = []
    data["last_id"] = 6
    assert parse_catalogue(data, source="x").next_id() == 7


def test_dump_is_stable_and_round_trips(tmp_path: Path) -> None:
    catalogue = load_catalogue(DATA / "catalogue.json")
    text = dump_catalogue(catalogue)
    assert text == dump_catalogue(parse_catalogue(json.loads(text), source="x"))
    assert "卷积神经网络入门" in text  # not \u escaped
    item_lines = [line for line in text.splitlines() if line.strip().startswith('{"id"')]
    assert len(item_lines) == 8  # one line per item placement: reviewable diffs
