"""Hostile documents: `dltrack import` stays linear in its input, and still reads it right.

Each test imports one document of a shape that once made the importer quadratic (a
regex backtracking over a long run, a scan to the end of the text from every
position, a per-item search of a growing list), sized so that the old code took well
over a minute. The import runs in a subprocess with a timeout: a timeout means that
class of slowness is back. No test measures speed; each checks what was found.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "curator"
URL = "https://example.org/a"
LINK = f"[x]({URL})"
HTML_LINK = f'<a href="{URL}">x</a>'
LIMIT = 60  # seconds; the fixed importer needs well under one for each document


def dry_run(tmp_path: Path, text: str) -> dict[str, Any]:
    """The --json report of `dltrack import DOC --dry-run`, run in a fresh process."""
    doc = tmp_path / "doc.md"
    doc.write_text(text, encoding="utf-8")
    catalogue = tmp_path / "curator-catalogue.json"
    shutil.copy(FIXTURES / "catalogue.json", catalogue)
    argv = [sys.executable, "-m", "dltrack", "import", str(doc), "--track", "t"]
    argv += ["--catalogue", str(catalogue), "--dry-run", "--json"]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=LIMIT, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the import took over {LIMIT} s: the importer is super-linear again")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def items(report: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    """(stage title, item title, url) of every item the import would add."""
    return [(s["title"], i["title"], i["url"]) for s in report["stages"] for i in s["items"]]


# -- Markdown --------------------------------------------------------------------------------


def test_a_long_run_of_decoration_in_a_link_text(tmp_path: Path) -> None:
    # The title clean-up stripped trailing decoration with `[...=]+$`, which retried the
    # whole run of '=' from each of its characters.
    report = dry_run(tmp_path, "[" + "=" * 60_000 + "x](" + URL + ")\n")
    assert items(report) == [("Introduction", "x", URL)]


def test_a_heading_padded_with_spaces(tmp_path: Path) -> None:
    # The heading regex's lazy text before an optional closing '#' run retried the
    # spaces after every character.
    report = dry_run(tmp_path, "# a" + " " * 60_000 + "b\n\n" + LINK + "\n")
    assert items(report) == [("a b", "x", URL)]
    assert report["stages"][0]["slug"] == "a-b"


def test_a_line_of_pipes_before_a_link(tmp_path: Path) -> None:
    report = dry_run(tmp_path, "|" * 80_000 + LINK + "\n")
    assert items(report) == [("Introduction", "x", URL)]


def test_a_line_of_spaced_pipes_without_a_link(tmp_path: Path) -> None:
    report = dry_run(tmp_path, LINK + "\n\n" + "| " * 40_000 + "x\n")
    assert items(report) == [("Introduction", "x", URL)]


def test_deeply_nested_brackets(tmp_path: Path) -> None:
    # Each '[' looked its text up as a reference label, a scan of everything up to its ']'.
    report = dry_run(tmp_path, "[" * 120_000 + "]" * 120_000 + "\n\n" + LINK + "\n")
    assert items(report) == [("Introduction", "x", URL)]


def test_many_links_in_one_stage(tmp_path: Path) -> None:
    lines = "".join(f"- [Item {n}](https://example.org/p/{n})\n" for n in range(4_000))
    report = dry_run(tmp_path, "# Stage\n\n" + lines)
    found = items(report)
    assert len(found) == 4_000
    assert found[0] == ("Stage", "Item 0", "https://example.org/p/0")
    assert found[-1] == ("Stage", "Item 3999", "https://example.org/p/3999")
    assert [i["id"] for i in report["stages"][0]["items"]] == list(range(21, 4_021))


def test_many_reference_links_in_one_stage(tmp_path: Path) -> None:
    uses = "".join(f"- [Item {n}][r{n}]\n" for n in range(4_000))
    definitions = "".join(f"[r{n}]: https://example.org/r/{n}\n" for n in range(4_000))
    report = dry_run(tmp_path, "# Stage\n\n" + uses + "\n" + definitions)
    found = items(report)
    assert len(found) == 4_000
    assert found[1234] == ("Stage", "Item 1234", "https://example.org/r/1234")
    assert report["counts"]["new"] == 4_000


def test_many_code_spans_on_one_line(tmp_path: Path) -> None:
    # Each backtick copied the rest of the line to count its run.
    report = dry_run(tmp_path, LINK + " " + "`x` " * 300_000 + "\n")
    assert items(report) == [("Introduction", "x", URL)]


def test_deeply_nested_block_quotes(tmp_path: Path) -> None:
    # Each '>' marker copied the rest of the line.
    report = dry_run(tmp_path, ">" * 2_000_000 + " " + LINK + "\n")
    assert items(report) == [("Introduction", "x", URL)]


# -- HTML ------------------------------------------------------------------------------------


def test_unclosed_tags_with_quoted_attributes(tmp_path: Path) -> None:
    # html.parser read each tag to the end of the text, gave up, and moved on to the next.
    report = dry_run(tmp_path, HTML_LINK + ' <a x=">" ' * 16_000)
    assert items(report) == [("Introduction", "x", URL)]


def test_unclosed_tags_without_any_end(tmp_path: Path) -> None:
    report = dry_run(tmp_path, HTML_LINK + " <p>" + "<a " * 20_000)
    assert items(report) == [("Introduction", "x", URL)]


def test_unclosed_comments(tmp_path: Path) -> None:
    report = dry_run(tmp_path, HTML_LINK + " <p>" + "<!-- " * 60_000)
    assert items(report) == [("Introduction", "x", URL)]


def test_deeply_nested_html_links(tmp_path: Path) -> None:
    # Each closing </a> copied the text of every link inside it.
    depth = 24_000
    report = dry_run(tmp_path, "<p>" + f'<a href="{URL}">' * depth + "x" + "</a>" * depth)
    assert items(report) == [("Introduction", "x", URL)]


def test_many_open_elements_and_stray_end_tags(tmp_path: Path) -> None:
    # Each end tag searched the whole stack of open elements.
    report = dry_run(tmp_path, HTML_LINK + "\n<p>" + "<div>" * 80_000 + "</p>" * 80_000)
    assert items(report) == [("Introduction", "x", URL)]


def test_many_empty_bold_elements(tmp_path: Path) -> None:
    # Each </b> looked back over every piece written since its <b>.
    report = dry_run(tmp_path, HTML_LINK + "\n<p>" + "<b> " * 40_000 + "</b>" * 40_000 + LINK)
    assert items(report) == [("Introduction", "x", URL)]


def test_unclosed_tags_before_an_entity(tmp_path: Path) -> None:
    # Without a '>' the rest of a page is read as text in one piece, unless it holds an
    # '&' (an entity must be decoded): then each tag is read, and that must stay linear.
    report = dry_run(tmp_path, HTML_LINK + " <p>" + "<a b " * 20_000 + "&amp; " + LINK)
    assert items(report) == [("Introduction", "x", URL)]


def test_nested_brackets_with_reference_definitions(tmp_path: Path) -> None:
    # With definitions a '[' may open a reference link: each is looked at, still linearly.
    text = "[" * 120_000 + "]" * 120_000 + "\n\n[x][r]\n\n[r]: " + URL + "\n"
    report = dry_run(tmp_path, text)
    assert items(report) == [("Introduction", "x", URL)]


def test_bold_between_many_code_spans(tmp_path: Path) -> None:
    # A '**' sends the line through the pairing of bold markers, past every code span.
    report = dry_run(tmp_path, "**a** " + "`x` " * 200_000 + LINK + "\n")
    assert items(report) == [("Introduction", "x", URL)]
