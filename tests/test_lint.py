"""`dltrack lint`: every finding one line with its JSON path; exit 1 on errors only."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from dltrack.catalogue.lint import lint_data

FIXTURES = Path(__file__).parent / "fixtures" / "curator"
REPO = Path(__file__).resolve().parents[1]
LINE = re.compile(r"^(error|warning) \S+: .+$")


def base() -> dict[str, Any]:
    """The small test catalogue as JSON data, to be spoiled by each test."""
    return json.loads((FIXTURES / "catalogue.json").read_text(encoding="utf-8"))


def write(tmp_path: Path, data: Any, name: str = "seed.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def findings(out: str) -> list[str]:
    """The finding lines of human output (all but the summary), each checked for shape."""
    lines = out.splitlines()[:-1]
    for line in lines:
        assert LINE.match(line), line
    return lines


def item(data: dict[str, Any], stage: int, index: int) -> dict[str, Any]:
    return data["tracks"][0]["stages"][stage]["items"][index]


# -- the real catalogue ---------------------------------------------------------------------


def test_the_real_catalogue_has_no_errors(run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)  # FILE defaults to data/seed.json in the current directory
    result = run("lint")
    assert result.code == 0, result.out
    assert "data/seed.json: 0 errors" in result.out
    assert not [line for line in findings(result.out) if line.startswith("error")]


def test_a_clean_catalogue(run, tmp_path: Path) -> None:
    result = run("lint", write(tmp_path, base()))
    assert result.code == 0
    # One url-less item (the book) is a warning, summarised per track.
    assert findings(result.out) == ["warning tracks[0]: 1 of 3 items has no URL (ids 10)"]
    assert result.out.splitlines()[-1].endswith(": 0 errors, 1 warning (3 items in 1 tracks)")


# -- schema ---------------------------------------------------------------------------------


def test_every_schema_error_with_its_path(run, tmp_path: Path) -> None:
    data = base()
    item(data, 0, 0)["url"] = "ftp://example.org/paper.pdf"
    item(data, 0, 1)["title"] = "   "
    data["tracks"][0]["stages"][1]["title"] = ""
    del data["tracks"][0]["title"]
    result = run("lint", write(tmp_path, data))
    assert result.code == 1
    assert findings(result.out) == [
        "error tracks[0].title: required",
        "error tracks[0].stages[0].items[0].url: not an http(s) URL: 'ftp://example.org/paper.pdf'",
        "error tracks[0].stages[0].items[1].title: must not be empty",
        "error tracks[0].stages[1].title: must not be empty",
    ]
    assert result.out.splitlines()[-1].endswith(": 4 errors, 0 warnings (0 items in 0 tracks)")


def test_every_duplicate_slug_and_id_clash_even_when_the_schema_stops_at_one(
    run, tmp_path: Path
) -> None:
    data = base()
    track = data["tracks"][0]
    track["stages"].append(copy.deepcopy(track["stages"][1]))  # stage slug "books" twice
    data["tracks"].append(copy.deepcopy(track))  # track slug "classics" twice
    data["tracks"][1]["stages"][0]["items"][0]["title"] = "Another article"  # id 3 clashes
    result = run("lint", write(tmp_path, data))
    assert result.code == 1
    lines = findings(result.out)
    assert lines[0] == (
        "error tracks[0].stages[2].slug: stage slug 'books' appears twice in the track "
        "(also stages[1])"
    )
    assert [line.split(":")[0] for line in lines] == [
        "error tracks[0].stages[2].slug",
        "error tracks[1].slug",
        "error tracks[1].stages[0].items[0].id",
        "error tracks[1].stages[2].slug",
    ]
    assert "id 3 stands for two different items: 'Another article' here" in lines[2]


def test_not_json_is_an_error_and_a_missing_file_cannot_be_linted(run, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema": 1,', encoding="utf-8")
    result = run("lint", str(broken))
    assert result.code == 1
    assert findings(result.out)[0].startswith("error (file): not valid JSON (line 1")
    missing = run("lint", str(tmp_path / "missing.json"))
    assert missing.code == 3
    assert (
        missing.err
        == f"dltrack: no catalogue at {tmp_path / 'missing.json'}: pass the file to check\n"
    )


# -- content --------------------------------------------------------------------------------


def test_two_ids_for_one_article(run, tmp_path: Path) -> None:
    data = base()
    # The same paper under http, with a fragment and a tracking parameter: one article.
    item(data, 0, 1)["url"] = "http://arxiv.org/abs/1512.03385?utm_source=x#section"
    result = run("lint", write(tmp_path, data))
    assert result.code == 1
    assert (
        "error tracks[0].stages[0].items[1].url: id 4 is the same article as id 3 "
        "(tracks[0].stages[0].items[0]); one article keeps one id"
    ) in findings(result.out)


def test_the_same_id_in_two_places_is_fine(run, tmp_path: Path) -> None:
    data = base()
    data["tracks"][0]["stages"][1]["items"].append(item(data, 0, 0))
    result = run("lint", write(tmp_path, data))
    assert result.code == 0, result.out


@pytest.mark.parametrize(
    "wrapped",
    [
        "https://link.zhihu.com/?target=https%3A//arxiv.org/abs/1409.4842",
        "http://xueshu.baidu.com/s?wd=x&sc_vurl=http%3A%2F%2Farxiv.org%2Fabs%2F1409.4842",
    ],
)
def test_url_still_behind_a_redirector(run, tmp_path: Path, wrapped: str) -> None:
    data = base()
    item(data, 0, 1)["url"] = wrapped
    result = run("lint", write(tmp_path, data))
    assert result.code == 1
    target = "arxiv.org/abs/1409.4842"
    assert any(
        line.startswith("error tracks[0].stages[0].items[1].url: still wrapped in a redirector")
        and line.endswith(target)
        for line in findings(result.out)
    ), result.out


def test_invisible_titles_are_empty(run, tmp_path: Path) -> None:
    data = base()
    item(data, 0, 0)["title"] = "\u200b\u200b"
    data["tracks"][0]["stages"][1]["title"] = "\ufeff"
    result = run("lint", write(tmp_path, data))
    assert result.code == 1
    lines = findings(result.out)
    assert "error tracks[0].stages[1].title: empty (only invisible characters)" in lines
    assert "error tracks[0].stages[0].items[0].title: empty (only invisible characters)" in lines


def test_tracking_parameters_are_a_warning(run, tmp_path: Path) -> None:
    data = base()
    item(data, 0, 1)["url"] = "https://example.org/1409.4842?utm_source=feed&spm=1.2&v=2"
    result = run("lint", write(tmp_path, data))
    assert result.code == 0, result.out
    assert (
        "warning tracks[0].stages[0].items[1].url: tracking parameters left in the URL: "
        "spm, utm_source (clean: https://example.org/1409.4842?v=2)"
    ) in findings(result.out)


def test_items_without_url_are_counted_once_per_track(run, tmp_path: Path) -> None:
    data = base()
    books = data["tracks"][0]["stages"][1]["items"]
    books += [{"id": n, "title": f"Book {n}", "kind": "book"} for n in (11, 12, 13, 15)]
    result = run("lint", write(tmp_path, data))
    assert result.code == 0
    assert findings(result.out) == ["warning tracks[0]: 5 of 7 items have no URL (ids 10-13, 15)"]


def test_missing_last_id_is_a_warning(run, tmp_path: Path) -> None:
    data = base()
    del data["last_id"]
    result = run("lint", write(tmp_path, data))
    assert result.code == 0
    assert findings(result.out)[0].startswith("warning last_id: not set")


# -- against an older version ---------------------------------------------------------------


def test_against_an_unchanged_copy(run, tmp_path: Path) -> None:
    old = write(tmp_path, base(), "old.json")
    result = run("lint", write(tmp_path, base()), "--against", old)
    assert result.code == 0
    assert result.out.splitlines()[-1].endswith(f", compared with {old})")


def test_an_id_that_changed_its_meaning(run, tmp_path: Path) -> None:
    old = write(tmp_path, base(), "old.json")
    data = base()
    item(data, 0, 1).update(
        title="Attention Is All You Need", url="https://arxiv.org/abs/1706.03762"
    )
    result = run("lint", write(tmp_path, data), "--against", old)
    assert result.code == 1
    assert findings(result.out) == [
        "error tracks[0].stages[0].items[1].id: id 4 meant 'Going deeper with convolutions' "
        "(https://arxiv.org/abs/1409.4842) and now means 'Attention Is All You Need' "
        "(https://arxiv.org/abs/1706.03762); give the new item a new id",
        "warning tracks[0]: 1 of 3 items has no URL (ids 10)",
    ]
    # Without --against the file itself is fine: only the comparison finds this.
    assert run("lint", write(tmp_path, data)).code == 0


def test_a_url_less_item_is_compared_by_title(run, tmp_path: Path) -> None:
    old = write(tmp_path, base(), "old.json")
    data = base()
    data["tracks"][0]["stages"][1]["items"][0]["title"] = "统计学习方法"
    result = run("lint", write(tmp_path, data), "--against", old)
    assert result.code == 1
    assert "id 10 meant '深度学习' (no URL) and now means '统计学习方法' (no URL)" in result.out


def test_equivalent_urls_and_a_link_added_to_a_book_keep_the_meaning(run, tmp_path: Path) -> None:
    old = write(tmp_path, base(), "old.json")
    data = base()
    item(data, 0, 0)["url"] = "http://arxiv.org/abs/1512.03385#abstract"  # same canonical URL
    data["tracks"][0]["stages"][1]["items"][0]["url"] = "https://www.deeplearningbook.org/"
    result = run("lint", write(tmp_path, data), "--against", old)
    assert result.code == 0, result.out


def test_a_moved_article_with_its_title_is_a_warning(run, tmp_path: Path) -> None:
    old = write(tmp_path, base(), "old.json")
    data = base()
    item(data, 0, 1)["url"] = "https://www.cv-foundation.org/openaccess/Szegedy_Going_Deeper.pdf"
    result = run("lint", write(tmp_path, data), "--against", old)
    assert result.code == 0
    assert (
        "warning tracks[0].stages[0].items[1].url: id 4 kept its title but moved from "
        "https://arxiv.org/abs/1409.4842; check that it is the same article"
    ) in findings(result.out)


def test_a_retired_id_used_again_and_last_id_going_down(run, tmp_path: Path) -> None:
    old_data = base()
    old = write(tmp_path, old_data, "old.json")
    data = base()
    # 15 was issued once (last_id was 20) and has been removed since: it may not return.
    data["tracks"][0]["stages"][1]["items"].append({"id": 15, "title": "New book", "kind": "book"})
    data["last_id"] = 15
    result = run("lint", write(tmp_path, data), "--against", old)
    assert result.code == 1
    lines = findings(result.out)
    assert "error last_id: went down from 20 to 15: retired ids could be handed out again" in lines
    assert (
        "error tracks[0].stages[1].items[1].id: id 15 was issued before (the old catalogue "
        "goes up to 20) and retired; it cannot stand for 'New book' now"
    ) in lines


def test_against_a_missing_or_invalid_file(run, tmp_path: Path) -> None:
    new = write(tmp_path, base())
    result = run("lint", new, "--against", str(tmp_path / "nope.json"))
    assert result.code == 3
    assert result.err.startswith("dltrack: the catalogue to compare with: catalogue file not found")
    assert result.err.count("\n") == 1


def test_json_output(run, tmp_path: Path) -> None:
    data = base()
    item(data, 0, 1)["url"] = "https://link.zhihu.com/?target=https%3A//arxiv.org/abs/1409.4842"
    result = run("lint", write(tmp_path, data), "--json")
    assert result.code == 1
    report = json.loads(result.out)
    assert report["errors"] == 1 and report["warnings"] == 1
    assert report["tracks"] == 1 and report["items"] == 3
    assert report["findings"][0] == {
        "level": "error",
        "path": "tracks[0].stages[0].items[1].url",
        "message": "still wrapped in a redirector; the real address is https://arxiv.org/abs/1409.4842",
    }


def test_lint_data_never_raises_on_odd_json() -> None:
    for odd in (None, [], "x", {"tracks": "no"}, {"tracks": [None, {"stages": [1, {"items": 3}]}]}):
        found, _, _ = lint_data(odd)
        assert found and all(f.level == "error" for f in found)


@pytest.mark.parametrize(
    "url", ["http://xn--zz/paper", "http://a..b/", "https://" + "x" * 64 + ".com/"]
)
def test_a_host_no_resolver_takes_is_an_error(run, tmp_path: Path, url: str) -> None:
    data = base()
    item(data, 0, 1)["url"] = url
    result = run("lint", write(tmp_path, data))
    assert result.code == 1
    assert any(
        f.startswith("error tracks[0].stages[0].items[1].url: not an http(s) URL")
        for f in findings(result.out)
    )


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/notes",
        "http://localhost/",
        "http://169.254.169.254/",
        "http://10.0.0.2/",
    ],
)
def test_a_private_address_is_a_warning(run, tmp_path: Path, url: str) -> None:
    data = base()
    item(data, 0, 1)["url"] = url
    result = run("lint", write(tmp_path, data))
    assert result.code == 0, result.out
    assert any(
        f.startswith("warning tracks[0].stages[0].items[1].url: ")
        and "is a private or local address" in f
        for f in findings(result.out)
    )


# -- what import would have refused -----------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("https://arxiv.org/abs/1512.03385", "https://arxiv.org/pdf/1512.03385v2.pdf"),
        ("https://www.example.org/a", "http://example.org/a"),
        ("https://doi.org/10.1000/ABC", "http://dx.doi.org/10.1000/abc"),
    ],
)
def test_two_ids_for_one_article_under_the_canonical_form(
    run, tmp_path: Path, first: str, second: str
) -> None:
    data = base()
    item(data, 0, 0)["url"] = first
    item(data, 0, 1)["url"] = second
    result = run("lint", write(tmp_path, data))
    assert result.code == 1
    assert any(
        line.startswith("error tracks[0].stages[0].items[1].url: ")
        and "is the same article as id" in line
        for line in findings(result.out)
    ), result.out


@pytest.mark.parametrize(
    ("url", "glued"),
    [
        ("https://example.org/a?x=1&amp;y=2", "'&amp;'"),
        ("https://example.org/a)后面的中文", "')后'"),
        ("https://example.org/a](https://example.org/b)", "']('"),
        ("https://example.org/a，然后", "'，'"),
    ],
)
def test_mangled_addresses_are_errors(run, tmp_path: Path, url: str, glued: str) -> None:
    data = base()
    item(data, 0, 0)["url"] = url
    result = run("lint", write(tmp_path, data))
    assert result.code == 1
    assert f"error tracks[0].stages[0].items[0].url: {glued} in the address" in result.out


@pytest.mark.parametrize("title", ["[pdf]", "链接", "2", "https://example.org/a"])
def test_generic_or_address_titles_are_warnings(run, tmp_path: Path, title: str) -> None:
    data = base()
    item(data, 0, 0)["title"] = title
    result = run("lint", write(tmp_path, data))
    assert result.code == 0, result.out
    assert f"warning tracks[0].stages[0].items[0].title: {title!r} says what the link is" in (
        result.out
    )
