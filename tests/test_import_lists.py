"""Importing reading lists of the shapes real ones take (tests/fixtures/lists/).

Each fixture is written for the project in one or more of those shapes; expected.json
is the extraction a person made of each by hand. These tests run the real command on
real files, and check what it wrote.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from dltrack.catalogue.fileio import load_catalogue
from dltrack.importer import ExtractOptions, extract
from dltrack.importer.labels import find_bare_urls, generic_label, glued_text, usable_title

LISTS = Path(__file__).parent / "fixtures" / "lists"
EXPECTED = json.loads((LISTS / "expected.json").read_text(encoding="utf-8"))


def imported(run, tmp_path: Path, name: str, *extra: str) -> list[list[str | None]]:
    catalogue = tmp_path / "seed.json"
    result = run("import", str(LISTS / name), "--track", "t", "--catalogue", str(catalogue), *extra)
    assert result.code == 0, result.out + result.err
    track = load_catalogue(catalogue).tracks[0]
    return [[s.title, i.title, i.url] for s in track.stages for i in s.items]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_list_imports_as_a_person_would_read_it(run, tmp_path: Path, name: str) -> None:
    assert imported(run, tmp_path, name) == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_importing_a_list_twice_changes_nothing(run, tmp_path: Path, name: str) -> None:
    catalogue = tmp_path / "seed.json"
    args = ("import", str(LISTS / name), "--track", "t", "--catalogue", str(catalogue))
    assert run(*args).code == 0
    first = catalogue.read_bytes()
    again = run(*args)
    assert again.code == 0, again.out + again.err
    assert catalogue.read_bytes() == first


def test_a_second_list_with_the_same_headings_goes_to_the_same_stages(run, tmp_path: Path) -> None:
    # Two "教程" sections: the second import must add TensorFlow's to TensorFlow's.
    work = tmp_path / "roadmap.md"
    shutil.copy(LISTS / "roadmap-zh.md", work)
    catalogue = tmp_path / "seed.json"
    args = ("import", str(work), "--track", "t", "--catalogue", str(catalogue))
    assert run(*args).code == 0
    text = work.read_text(encoding="utf-8")
    work.write_text(
        text.replace(
            "- [TensorFlow 入门]",
            "- [Keras 入门](https://keras.example.org/start)\n- [TensorFlow 入门]",
        ),
        encoding="utf-8",
    )
    assert run(*args).code == 0
    stages = {
        s.title: [i.title for i in s.items] for s in load_catalogue(catalogue).tracks[0].stages
    }
    assert stages["TensorFlow › 教程"][-1] == "Keras 入门"
    assert "Keras 入门" not in stages["Python › 教程"]


def test_relative_links_resolve_against_base_url(run, tmp_path: Path) -> None:
    rows = imported(
        run, tmp_path, "roadmap-zh.md", "--base-url", "https://git.example.org/owner/repo/"
    )
    assert ["资料", "第二章", "https://git.example.org/owner/repo/chapter2.md"] in rows


def test_base_url_must_be_an_address(run, tmp_path: Path) -> None:
    result = run(
        "import",
        str(LISTS / "papers.md"),
        "--track",
        "t",
        "--catalogue",
        str(tmp_path / "seed.json"),
        "--base-url",
        "chapters/",
    )
    assert result.code == 2
    assert "Traceback" not in result.err
    assert not (tmp_path / "seed.json").exists()


def test_skipped_links_name_why(run, tmp_path: Path) -> None:
    result = run(
        "import",
        str(LISTS / "papers.md"),
        "--track",
        "t",
        "--catalogue",
        str(tmp_path / "seed.json"),
        "--dry-run",
        "--json",
    )
    skipped = {s["url"]: s["reason"] for s in json.loads(result.out)["skipped"]}
    assert skipped["https://github.com/example-lab/sequence-readings"] == "page chrome"
    # Everything under Translators, Contributing and License is the repository's business.
    assert skipped["https://github.com/zhang-example"] == "page footer"
    assert skipped["https://creativecommons.example.org/licenses/by/4.0/"] == "page footer"
    urls = " ".join(str(u) for u in skipped)
    for never in ("old.example.org", "not-a-reading-item", "pypi.example.org", "helper.tar.gz"):
        assert never not in urls  # comments and code are not even looked at as links


# -- the pieces ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("见 https://example.org/a)后面的中文", "https://example.org/a"),
        ("https://example.org/wiki/Net_(model)。", "https://example.org/wiki/Net_(model)"),
        ("https://example.org/a](https://example.org/b)", "https://example.org/a"),
        ("地址：https://example.org/a，然后", "https://example.org/a"),
        ("at www.example.org/notes/ (free)", "https://www.example.org/notes/"),
        ("**https://example.org/bold**", "https://example.org/bold"),
    ],
)
def test_a_bare_url_ends_where_the_text_resumes(text: str, url: str) -> None:
    assert next(find_bare_urls(text))[2] == url


def test_bare_urls_after_a_cut_are_still_found() -> None:
    found = [u for _, _, u in find_bare_urls("https://example.org/a](https://example.org/b)")]
    assert found == ["https://example.org/a", "https://example.org/b"]


@pytest.mark.parametrize(
    "text", ["[pdf]", "Paper", "code", "链接", "here", "1", "2", ".", "https://x.org/a"]
)
def test_generic_link_texts(text: str) -> None:
    assert generic_label(text) is not None
    assert not usable_title(text)


@pytest.mark.parametrize("text", ["Deep Residual Learning", "深度学习", "PyTorch", "fast.ai"])
def test_titles_are_not_generic(text: str) -> None:
    assert generic_label(text) is None
    assert usable_title(text)


def test_glued_text_is_named() -> None:
    assert glued_text("https://example.org/a)中文") == ")中"
    assert glued_text("https://example.org/a](https://b.example.org)") == "]("
    assert glued_text("https://example.org/a?x=1&amp;y=2") == "&amp;"
    assert glued_text("https://zh.example.org/wiki/卷积") is None


def test_a_book_named_in_prose_is_no_item_unless_linked() -> None:
    options = ExtractOptions(books=True, books_in_prose=False)
    sections = extract(
        "# 书\n\n- 《统计学习方法》 李航 著\n\n入门先读《某本书》，但它太难了，不如先看视频。\n\n"
        "- [《深度学习》](https://book.example.cn/dl)\n- 《深度学习》\n",
        options,
    )
    items = [(i.title, i.url) for s in sections for i in s.items]
    assert items == [("统计学习方法", None), ("《深度学习》", "https://book.example.cn/dl")]


def test_links_in_html_comments_and_code_spans_are_not_items() -> None:
    sections = extract(
        "# A\n<!-- [hidden](https://hidden.example.org/1) -->\n"
        "- [shown](https://shown.example.org/1) <!-- [h](https://hidden.example.org/2) -->\n"
        "<!--\n- [hidden](https://hidden.example.org/3)\n-->\n"
        "- run `curl https://hidden.example.org/4` then read https://shown.example.org/2\n",
        ExtractOptions(bare_urls=True),
    )
    urls = [i.url for s in sections for i in s.items]
    assert urls == ["https://shown.example.org/1", "https://shown.example.org/2"]


def test_a_blog_pages_banner_menus_and_post_links_are_page_chrome(run, tmp_path: Path) -> None:
    # The site's <header> (its title and menu), a search box and the older/newer links
    # are the site's, not the post's: never a stage, never an item, and said so.
    catalogue = tmp_path / "seed.json"
    result = run(
        "import", str(LISTS / "blog.html"), "--track", "t", "--catalogue", str(catalogue),
        "--dry-run", "--json",
    )  # fmt: skip
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert [s["title"] for s in report["stages"]] == [
        "What I read on attention",  # the article's own <header>: its title is kept
        "First pass",
        "Going deeper",
    ]
    chrome = [s["url"] for s in report["skipped"] if s["reason"] == "page chrome"]
    assert chrome == [
        "https://slow-learner.example.net/",
        "https://slow-learner.example.net/posts/",
        "https://slow-learner.example.net/tags/",
        "https://slow-learner.example.net/about/",
        "https://slow-learner.example.net/search/",
        "https://slow-learner.example.net/posts/convolutions/",
        "https://slow-learner.example.net/posts/optimisers/",
    ]
    assert report["track"]["title"] == "What I read on attention"


@pytest.mark.parametrize(
    "chrome",
    [
        '<header><a href="https://site.example.net/">A site</a> '
        '<a href="https://site.example.net/about">About</a></header>',
        '<div role="banner"><h1><a href="https://site.example.net/">A site</a></h1></div>',
        '<ul role="navigation"><li><a href="https://site.example.net/tags">Tags</a></li></ul>',
        '<div class="bar" role="search navigation"><a href="https://site.example.net/q">Find</a></div>',
    ],
)
def test_page_chrome_before_any_heading_is_no_introduction_stage(chrome: str) -> None:
    page = f"<body>{chrome}<h2>Reading</h2><p><a href='https://a.example.org/1'>One</a></p></body>"
    sections = extract(page)
    assert [(s.title, [i.url for i in s.items]) for s in sections if s.items] == [
        ("Reading", ["https://a.example.org/1"])
    ]


def test_a_header_inside_an_article_or_section_is_read() -> None:
    # Inside sectioning content a <header> heads that part, not the site: its links stay.
    for wrapper in ("article", "section", "main"):
        page = (
            f"<{wrapper}><header><h2>Week 1</h2><p><a href='https://a.example.org/w1'>Notes</a>"
            f"</p></header></{wrapper}>"
        )
        items = [(s.title, i.url) for s in extract(page) for i in s.items]
        assert items == [("Week 1", "https://a.example.org/w1")], wrapper


def test_badges_open_a_video_only_on_a_table_row_with_a_title() -> None:
    badge = (
        "[![bilibili](https://img.shields.io/badge/bilibili-watch-blue)](https://v.example.cn/{})"
    )
    text = (
        "# Videos\n\n"
        + badge.format("readme")  # a README's badge line: chrome, as before
        + "\n\n| 3/1/24 | 1:02:03 | "
        + badge.format("untitled")  # a row of numbers only: nothing to name it by
        + " |\n| 3/2/24 | Sparse attention, read closely | "
        + badge.format("titled")
        + " |\n"
    )
    found = [(i.title, i.url, i.kind_hint) for s in extract(text) for i in s.items]
    assert found == [("Sparse attention, read closely", "https://v.example.cn/titled", "video")]


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("- [R](https://www.r-project.example.org/)", "R"),  # one Latin letter names it
        ("- [3D](https://graphics.example.org/3d)", "3D"),
        ("- [2. Reading](https://a.example.org/r)", "Reading"),  # the list's numbering
        ("- [2.5 Normalisation](https://a.example.org/n)", "2.5 Normalisation"),  # a number
    ],
)
def test_short_and_numbered_link_texts(line: str, title: str) -> None:
    assert [i.title for s in extract(line) for i in s.items] == [title]


def test_only_a_label_link_alone_is_a_part_of_the_item_above() -> None:
    text = (
        "# Tools\n\n- [Deep nets, a primer](https://a.example.org/p)\n"
        "- https://pytorch.example.org\n- https://jax.example.org/docs\n"
        "- [pdf](https://a.example.org/p.pdf)\n"
    )
    sections = extract(text, ExtractOptions(bare_urls=True))
    assert [(i.title, i.url) for s in sections for i in s.items] == [
        ("Deep nets, a primer", "https://a.example.org/p"),
        ("pytorch.example.org", "https://pytorch.example.org"),  # addresses: sites of their own
        ("jax.example.org/docs", "https://jax.example.org/docs"),
        ("Deep nets, a primer (pdf)", "https://a.example.org/p.pdf"),
    ]
