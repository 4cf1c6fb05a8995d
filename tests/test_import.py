"""`dltrack import`: documents into tracks, ids kept, nothing written on a dry run or bad input."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dltrack.catalogue.fileio import dump_catalogue, load_catalogue
from dltrack.catalogue.importing import import_documents, read_document, slugify
from dltrack.catalogue.model import Catalogue, CatalogueTrack
from dltrack.errors import UserError
from dltrack.importer import canonical
from helpers import one_line

FIXTURES = Path(__file__).parent / "fixtures" / "curator"
REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"


@pytest.fixture
def cat(tmp_path: Path) -> Path:
    """A small catalogue: ids 3, 4 and 10 in use, last_id 20 (11-20 retired)."""
    path = tmp_path / "work" / "catalogue.json"
    path.parent.mkdir()
    shutil.copy(FIXTURES / "catalogue.json", path)
    return path


def doc(name: str) -> str:
    return str(FIXTURES / name)


def track_of(path: Path, slug: str) -> CatalogueTrack:
    return next(t for t in load_catalogue(path).tracks if t.slug == slug)


def stage_items(track: CatalogueTrack) -> dict[str, list[tuple[int, str, str | None]]]:
    return {s.slug: [(i.id, i.title, i.url) for i in s.items] for s in track.stages}


@pytest.fixture
def imported(run: Callable[..., Any], cat: Path) -> CatalogueTrack:
    result = run("import", doc("reading-list.md"), "--track", "dl-list", "--catalog", str(cat))
    assert result.code == 0, result
    return track_of(cat, "dl-list")


# -- what an import makes -------------------------------------------------------------------


def test_stages_in_order_with_slugs_and_titles_as_written(imported: CatalogueTrack) -> None:
    assert [(s.slug, s.title) for s in imported.stages] == [
        ("intro", "Introduction"),  # the link before the first heading
        ("foundations", "Foundations"),
        ("convolutional-networks", "Convolutional networks"),  # a bold line, not a heading
        ("stage-04", "参考文献"),  # a Chinese heading is numbered by its position
    ]
    # The document's h1 holds only the author's profile links: no empty stage for it.
    assert imported.title == "A Deep Learning Reading List"  # from the front matter


def test_items_in_order_with_new_ids_above_last_id(imported: CatalogueTrack) -> None:
    items = stage_items(imported)
    # last_id is 20 although the highest id in use is 10: ids 11-20 stay retired.
    assert items["intro"] == [(21, "a preface", "https://example.org/preface?page=2")]
    assert items["foundations"] == [
        (22, "Gradient descent, explained", "https://example.org/gradient-descent"),
        (23, "Batch Normalization (via Baidu Scholar)", "https://arxiv.org/abs/1502.03167"),
        (24, "深度学习", None),
        (25, "Pattern Recognition and Machine Learning", None),
    ]
    # The numbered list keeps its order; ResNet was already id 3 in another track.
    assert items["convolutional-networks"] == [
        (26, "AlexNet", "https://papers.nips.cc/paper/4824-imagenet"),
        (27, "VGG", "https://arxiv.org/abs/1409.1556"),
        (3, "Deep Residual Learning for Image Recognition", "https://arxiv.org/abs/1512.03385"),
    ]


def test_numbered_references_repeat_earlier_articles_with_the_same_id(
    imported: CatalogueTrack,
) -> None:
    # "[1] [Batch Normalization](https://arxiv…)" is the Baidu Scholar link of stage 2,
    # "[2] [Deep Residual Learning](http://…#fig1)" the ResNet of stage 3.
    assert stage_items(imported)["stage-04"] == [
        (23, "Batch Normalization (via Baidu Scholar)", "https://arxiv.org/abs/1502.03167"),
        (3, "Deep Residual Learning for Image Recognition", "https://arxiv.org/abs/1512.03385"),
        (28, "Dropout", "https://jmlr.org/papers/v15/srivastava14a.html"),
    ]


def test_books_without_links_are_url_less_book_items(imported: CatalogueTrack) -> None:
    books = [i for s in imported.stages for i in s.items if i.url is None]
    assert [(b.title, b.kind) for b in books] == [
        ("深度学习", "book"),
        ("Pattern Recognition and Machine Learning", "book"),
    ]


def test_last_id_and_existing_items_unchanged(imported: CatalogueTrack, cat: Path) -> None:
    after = load_catalogue(cat)
    before = load_catalogue(FIXTURES / "catalogue.json")
    assert after.last_id == 28
    assert after.tracks[0] == before.tracks[0]  # the existing track is untouched
    assert after.items()[3] == before.items()[3]
    # Stable, reviewable layout: exactly what dump_catalogue writes.
    assert cat.read_text(encoding="utf-8") == dump_catalogue(after)


def test_nothing_unwanted_is_imported(imported: CatalogueTrack) -> None:
    urls = " ".join(str(i.url) for s in imported.stages for i in s.items)
    for unwanted in ("zhihu.com/people", "zhimg", "spam.example", "mailto", "javascript", "#end"):
        assert unwanted not in urls
    assert "utm_" not in urls and "spm=" not in urls and "link.zhihu.com" not in urls


def test_html_bold_paragraphs_comment_thread_and_images(run, cat: Path) -> None:
    result = run("import", doc("study-plan.html"), "-t", "vision", "--catalog", str(cat))
    assert result.code == 0, result
    track = track_of(cat, "vision")
    assert track.title == "Vision study plan"  # the first heading
    assert stage_items(track) == {
        "part-1-image-basics": [
            (21, "OpenCV tutorials", "https://docs.opencv.org/4.x/tutorials.html"),
            (22, "Colour spaces", "https://example.com/colour-spaces"),
        ],
        "part-2-networks": [
            (23, "CNN intro", "https://example.com/cnn-intro"),
            (24, "A WeChat article", "https://mp.weixin.qq.com/s?__biz=QUJD&mid=42&idx=1&sn=abc"),
            # After the comment thread (<div id="comments">) the page goes on.
            (25, "Pooling, explained", "https://example.com/after-the-comments"),
        ],
    }


def test_markdown_and_html_mixed_in_one_file(run, cat: Path) -> None:
    result = run("import", doc("mixed.md"), "-t", "transformers", "--catalog", str(cat))
    assert result.code == 0, result
    track = track_of(cat, "transformers")
    assert track.title == "Transformer notes"
    assert stage_items(track) == {
        "papers": [(21, "Attention Is All You Need", "https://arxiv.org/abs/1706.03762")],
        "blog-posts": [
            (
                22,
                "The Illustrated Transformer",
                "http://jalammar.github.io/illustrated-transformer/",
            ),
            (23, "positional encoding", "https://example.org/positional-encoding"),
        ],
        "code": [
            (
                24,
                "The Annotated Transformer",
                "https://nlp.seas.harvard.edu/annotated-transformer/",
            ),
            (25, "Natural Language Processing with Transformers", None),
        ],
    }


def test_several_files_go_into_one_track_in_order(run, cat: Path) -> None:
    result = run(
        "import", doc("study-plan.html"), doc("mixed.md"), "-t", "all", "--catalog", str(cat)
    )
    assert result.code == 0, result
    track = track_of(cat, "all")
    assert [s.slug for s in track.stages] == [
        "part-1-image-basics",
        "part-2-networks",
        "papers",
        "blog-posts",
        "code",
    ]
    assert track.title == "Vision study plan"  # the first file's
    assert track.source is not None and track.source.document == "study-plan.html, mixed.md"


def test_title_option_and_slug_fallback(run, cat: Path, tmp_path: Path) -> None:
    bare = tmp_path / "links.md"
    bare.write_text("- [One](https://example.org/1)\n- [Two](https://example.org/2)\n")
    assert run("import", str(bare), "-t", "untitled", "--catalog", str(cat)).code == 0
    assert track_of(cat, "untitled").title == "untitled"
    assert [s.slug for s in track_of(cat, "untitled").stages] == ["intro"]
    result = run(
        "import", doc("mixed.md"), "-t", "named", "--title", "我的书单", "--catalog", str(cat)
    )
    assert result.code == 0
    assert track_of(cat, "named").title == "我的书单"


def test_stage_slugs_are_unique_within_a_track(tmp_path: Path) -> None:
    text = "## Notes\n[a](https://e.org/a)\n## Notes\n[b](https://e.org/b)\n## 笔记\n[c](https://e.org/c)\n"
    empty = Catalogue.model_validate({"schema": 1, "tracks": []})
    catalogue, _ = import_documents(empty, [read_doc(tmp_path, text)], "t")
    assert [s.slug for s in catalogue.tracks[0].stages] == ["notes", "notes-2", "stage-03"]


def read_doc(tmp_path: Path, text: str, name: str = "doc.md") -> Any:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_document(path)


@pytest.mark.parametrize(
    ("heading", "slug"),
    [
        ("Part 1: Image basics", "part-1-image-basics"),
        ("Café & Crème", "cafe-creme"),
        ("ＣＮＮ", "cnn"),  # full-width letters are Latin letters
        ("2.1、为什么要用Linux", ""),  # mostly Chinese: numbered by the caller
        ("!!!", ""),
    ],
)
def test_slugify(heading: str, slug: str) -> None:
    assert slugify(heading) == slug


# -- dry run and report ---------------------------------------------------------------------


def test_dry_run_writes_nothing_and_reports_everything(run, cat: Path) -> None:
    before = cat.read_bytes()
    result = run(
        "import", doc("reading-list.md"), "-t", "dl-list", "--catalog", str(cat), "--dry-run"
    )
    assert result.code == 0, result
    assert cat.read_bytes() == before
    assert list(cat.parent.iterdir()) == [cat]  # no temporary file left either
    out = result.out
    assert "Dry run, nothing written" in out
    assert "+    21  a preface" in out
    assert "=     3  Deep Residual Learning for Image Recognition" in out
    assert "already in classics › vision" in out
    for reason in (
        "profile or column page: Some Author",
        "duplicate in this section: Gradient descent, shared again",
        "in-page anchor: jump to the end",
        "mailto: link: mail the author",
        "javascript: link: share",
        "comment thread: my course",
        "image ×1",
    ):
        assert reason in out, reason
    assert "8 new items (ids 21-28), 1 reused, 2 repeated" in out
    assert "last_id 20 → 28" in out


def test_json_report(run, cat: Path) -> None:
    result = run(
        "import", doc("reading-list.md"), "-t", "dl-list", "--catalog", str(cat), "--dry-run",
        "--json",
    )  # fmt: skip
    assert result.code == 0, result
    data = json.loads(result.out)
    assert data["dry_run"] is True
    assert data["track"] == {
        "slug": "dl-list",
        "title": "A Deep Learning Reading List",
        "new": True,
    }
    assert data["last_id"] == {"before": 20, "after": 28}
    assert data["counts"]["new"] == 8 and data["counts"]["reused"] == 1
    assert data["counts"]["repeat"] == 2
    resnet = data["stages"][2]["items"][2]
    assert resnet == {
        "id": 3,
        "title": "Deep Residual Learning for Image Recognition",
        "url": "https://arxiv.org/abs/1512.03385",
        "kind": "paper",
        "status": "reused",
        "also_in": ["classics › vision"],
    }
    repeat = data["stages"][3]["items"][0]
    assert repeat["status"] == "repeat" and repeat["also_in"] == ["Foundations"]
    reasons = {(s["reason"], s["url"]) for s in data["skipped"]}
    assert ("comment thread", "https://spam.example.com/course") in reasons
    assert ("image", "https://pic2.zhimg.com/v2-figure_hd.jpg") in reasons
    assert ("in-page anchor", "#end") in reasons
    assert ("javascript: link", "javascript:void(0);") in reasons
    assert all(s["file"] == "reading-list.md" for s in data["skipped"])


# -- ids across imports ---------------------------------------------------------------------


def test_reimport_into_the_same_track_changes_nothing(
    run, cat: Path, imported: CatalogueTrack
) -> None:
    before = cat.read_bytes()
    result = run("import", doc("reading-list.md"), "-t", "dl-list", "--catalog", str(cat))
    assert result.code == 0, result
    assert cat.read_bytes() == before
    assert "0 new items" in result.out and "already in this stage: id 22" in result.out


def test_reimport_into_another_track_reuses_every_id(
    run, cat: Path, imported: CatalogueTrack
) -> None:
    result = run("import", doc("reading-list.md"), "-t", "copy", "--catalog", str(cat))
    assert result.code == 0, result
    copy = track_of(cat, "copy")
    url_ids = [i.id for s in copy.stages for i in s.items if i.url]
    assert url_ids == [i.id for s in imported.stages for i in s.items if i.url]
    # Books without a link are matched by title only within a track: new ids there.
    assert [i.id for s in copy.stages for i in s.items if not i.url] == [29, 30]
    assert load_catalogue(cat).last_id == 30


def test_appending_to_an_existing_track(run, cat: Path, imported: CatalogueTrack) -> None:
    result = run("import", doc("reading-list-v2.md"), "-t", "dl-list", "--catalog", str(cat))
    assert result.code == 0, result
    track = track_of(cat, "dl-list")
    items = stage_items(track)
    # Existing stages keep their items and order; the matching stage gets the new item at
    # its end; a new section becomes a new stage after the existing ones.
    assert [s.slug for s in track.stages] == [s.slug for s in imported.stages] + ["transformers"]
    assert items["foundations"] == stage_items(imported)["foundations"] + [
        (29, "Momentum, explained", "https://example.org/momentum")
    ]
    assert items["transformers"] == [
        (30, "Attention Is All You Need", "https://arxiv.org/abs/1706.03762")
    ]
    assert "(existing stage: items added at its end)" in result.out


def test_retired_ids_are_never_handed_out(run, cat: Path, tmp_path: Path) -> None:
    # Remove the newest item and lower nothing: its id must stay retired.
    data = json.loads(cat.read_text(encoding="utf-8"))
    data["tracks"][0]["stages"][1]["items"] = []  # id 10, the highest in use
    data["last_id"] = 10
    cat.write_text(json.dumps(data), encoding="utf-8")
    assert run("import", doc("mixed.md"), "-t", "t", "--catalog", str(cat)).code == 0
    ids = sorted(i.id for s in track_of(cat, "t").stages for i in s.items)
    assert ids == [11, 12, 13, 14, 15]


def test_the_result_passes_lint(run, cat: Path, imported: CatalogueTrack) -> None:
    result = run("lint", str(cat))
    assert result.code == 0, result
    assert "0 errors" in result.out


def test_default_catalogue_is_data_seed_json_in_the_current_directory(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("import", doc("mixed.md"), "-t", "t")
    assert result.code == 3
    assert one_line(result.err) == (
        "dltrack: no catalogue at data/seed.json: "
        "run this in a dltrack checkout or pass --catalogue PATH\n"
    )
    (tmp_path / "data").mkdir()
    shutil.copy(FIXTURES / "catalogue.json", tmp_path / "data" / "seed.json")
    assert run("import", doc("mixed.md"), "-t", "t").code == 0
    assert track_of(tmp_path / "data" / "seed.json", "t").title == "Transformer notes"


# -- bad input ------------------------------------------------------------------------------


def bad_files(tmp_path: Path) -> dict[str, Path]:
    png = tmp_path / "figure.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    latin = tmp_path / "latin1.md"
    latin.write_bytes("[Café](https://example.org/caf\xe9)".encode("latin-1"))
    empty = tmp_path / "prose.md"
    empty.write_text("# Just prose\n\nNo links here at all.\n", encoding="utf-8")
    return {"binary": png, "latin": latin, "empty": empty, "dir": tmp_path}


@pytest.mark.parametrize(
    ("case", "code", "message"),
    [
        ("missing", 1, "file not found: "),
        ("binary", 1, "binary data, not a Markdown or HTML document"),
        ("latin", 1, "not UTF-8 text"),
        ("dir", 1, "is a directory"),
        ("empty", 1, "no links or book titles found in prose.md; nothing imported"),
    ],
)
def test_bad_documents_change_nothing(
    run, cat: Path, tmp_path: Path, case: str, code: int, message: str
) -> None:
    files = bad_files(tmp_path)
    path = files.get(case, tmp_path / "nope.md")
    before = cat.read_bytes()
    # A good document first: a bad one anywhere in the list stops the whole import.
    result = run("import", doc("mixed.md"), str(path), "-t", "t", "--catalog", str(cat))
    assert result.code == code, result
    assert message in one_line(result.err)
    assert cat.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["-t", "Bad Slug"], 2, "not a track slug"),
        (["-t", "ok", "--title", "  "], 2, "Invalid value for '--title': must not be empty"),
        ([], 2, "Missing option '--track'"),
    ],
)
def test_bad_options(run, cat: Path, args: list[str], code: int, message: str) -> None:
    before = cat.read_bytes()
    result = run("import", doc("mixed.md"), "--catalog", str(cat), *args)
    assert result.code == code, result
    assert message in one_line(result.err)
    assert cat.read_bytes() == before


def test_invalid_catalogue_is_refused(run, cat: Path) -> None:
    cat.write_text('{"schema": 1, "tracks": [{"slug": "x"}]}', encoding="utf-8")
    before = cat.read_bytes()
    result = run("import", doc("mixed.md"), "-t", "t", "--catalog", str(cat))
    assert result.code == 3
    assert "tracks[0].title: required" in one_line(result.err)
    assert cat.read_bytes() == before


def test_utf16_with_bom_is_text(tmp_path: Path) -> None:
    path = tmp_path / "saved-by-notepad.md"
    path.write_bytes("\ufeff# 标题\n[链接](https://example.org/x)\n".encode("utf-16-le"))
    assert "[链接]" in read_document(path).text


def test_read_document_errors_are_user_errors(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="file not found"):
        read_document(tmp_path / "missing.md")


# -- the real seed documents ----------------------------------------------------------------


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed documents (../shared/seeds) are absent")
def test_importing_each_seed_document_finds_every_linked_item_of_its_tracks(
    run, tmp_path: Path
) -> None:
    seed = load_catalogue(REPO / "data" / "seed.json")
    # Import into a catalogue holding nothing, so that every item must be found afresh.
    empty = tmp_path / "empty.json"
    empty.write_text('{"schema": 1, "tracks": []}', encoding="utf-8")
    checked = 0
    for n, path in enumerate(sorted(SEEDS.glob("*.txt"))):
        tracks = [t for t in seed.tracks if t.source and t.source.document == path.name]
        assert tracks, path.name
        wanted = {canonical(i.url) for t in tracks for s in t.stages for i in s.items if i.url}
        result = run("import", str(path), "-t", f"doc-{n}", "--catalog", str(empty), "--json")
        if not wanted:
            # The course outline names modules and topics only: nothing to link.
            assert result.code == 1 and "no links or book titles found" in result.err
            continue
        assert result.code == 0, result.err
        data = json.loads(result.out)
        got = {canonical(i["url"]) for s in data["stages"] for i in s["items"] if i["url"]}
        # The seed builder only selects and renames on top of the same extractor, so every
        # linked item it keeps must be found by a plain import: the overlap is exact.
        assert wanted <= got, (path.name, sorted(wanted - got))
        checked += len(wanted)
    assert checked == sum(1 for i in seed.items().values() if i.url)


# -- the extractor's account of what it left out --------------------------------------------


def reasons(text: str) -> list[tuple[str | None, str, str]]:
    from dltrack.importer.extract import extract_report

    return [(s.url, s.reason, s.section) for s in extract_report(text).skipped]


def test_extract_report_gives_a_reason_for_every_link_left_out() -> None:
    text = (
        "## Reading\n"
        "[a](https://e.org/a) ![fig](https://e.org/fig.png) [top](#top) [m](mailto:x@y.z)\n"
        "[![avatar](https://avatars.githubusercontent.com/u/1)](https://github.com/someone)\n"
        "[me](https://www.jianshu.com/u/abc) [s](https://service.weibo.com/share/share.php?u=1)\n"
        "[rel](docs/page.html) [ftp](ftp://e.org/f) [a again](https://e.org/a?utm_source=x)\n"
    )
    assert reasons(text) == [
        ("https://e.org/fig.png", "image", "Reading"),
        ("#top", "in-page anchor", "Reading"),
        ("mailto:x@y.z", "mailto: link", "Reading"),
        ("https://github.com/someone", "profile or column page", "Reading"),  # a person
        ("https://www.jianshu.com/u/abc", "profile or column page", "Reading"),
        ("https://service.weibo.com/share/share.php?u=1", "share button", "Reading"),
        ("docs/page.html", "relative link (no base URL)", "Reading"),
        ("ftp://e.org/f", "not a web address", "Reading"),
        ("https://e.org/a", "duplicate in this section", "Reading"),
    ]


@pytest.mark.parametrize(
    "thread",
    [
        '<div id="comments"><p><a href="https://spam.example/x">x</a></p></div>',
        '<ol class="commentlist"><li class="comment"><a href="https://spam.example/x">x</a></li></ol>',
        '<section class="post comments-area"><h2>Reply</h2><a href="https://spam.example/x">x</a></section>',
        '<div id="disqus_thread"><a href="https://spam.example/x">x</a></div>',
    ],
)
def test_html_comment_threads_are_skipped_and_the_page_goes_on(thread: str) -> None:
    from dltrack.importer import extract

    page = (
        "<h2>Links</h2><p><a href='https://e.org/before'>before</a></p>"
        + thread
        + "<p><a href='https://e.org/after'>after</a></p>"
    )
    sections = extract(page)
    assert [e.url for s in sections for e in s.items] == [
        "https://e.org/before",
        "https://e.org/after",
    ]
    assert [s.title for s in sections] == ["", "Links"]  # no section from the thread's heading
    assert reasons(page) == [("https://spam.example/x", "comment thread", "")]


def test_a_comment_class_on_inline_text_is_not_a_thread() -> None:
    from dltrack.importer import extract

    page = "<p><span class='comment'>note</span> <a href='https://e.org/a'>a</a></p>"
    assert [e.url for s in extract(page) for e in s.items] == ["https://e.org/a"]


@pytest.mark.parametrize(
    "footer", ["3 Responses to “Deep learning”", "发表评论", "2 thoughts on x"]
)
def test_more_comment_headings_end_the_reading_list(footer: str) -> None:
    text = f"## List\n[a](https://e.org/a)\n## {footer}\n[b](https://e.org/b)\n"
    assert reasons(text) == [("https://e.org/b", "comment thread", footer)]


def test_title_renames_an_existing_track_and_otherwise_it_is_kept(run, cat: Path) -> None:
    assert run("import", doc("mixed.md"), "-t", "classics", "--catalog", str(cat)).code == 0
    assert track_of(cat, "classics").title == "Classic papers"
    result = run(
        "import", doc("mixed.md"), "-t", "classics", "--title", "经典", "--catalog", str(cat)
    )
    assert result.code == 0
    assert track_of(cat, "classics").title == "经典"
    assert [s.slug for s in track_of(cat, "classics").stages] == [
        "vision",
        "books",
        "papers",
        "blog-posts",
        "code",
    ]


def test_topics_option_keeps_link_less_list_items(run, cat: Path, tmp_path: Path) -> None:
    outline = tmp_path / "outline.md"
    outline.write_text(
        "# 课程大纲\n\n## 基础\n\n- 线性代数\n- 概率论\n- [反向传播详解](https://example.org/bp)\n",
        encoding="utf-8",
    )
    plain = run("import", str(outline), "--track", "plain", "--catalog", str(cat))
    assert plain.code == 0, plain.err
    assert [i.title for s in track_of(cat, "plain").stages for i in s.items] == ["反向传播详解"]
    with_topics = run(
        "import", str(outline), "--track", "outline", "--catalog", str(cat), "--topics"
    )
    assert with_topics.code == 0, with_topics.err
    items = [(i.title, i.url, i.kind) for s in track_of(cat, "outline").stages for i in s.items]
    assert items == [
        ("线性代数", None, "topic"),
        ("概率论", None, "topic"),
        ("反向传播详解", "https://example.org/bp", "article"),
    ]


def test_import_can_start_a_new_catalogue_file(run, tmp_path: Path) -> None:
    document = tmp_path / "list.md"
    document.write_text("# 清单\n\n- [一篇](https://example.net/one)\n", encoding="utf-8")
    new = tmp_path / "My List.json"
    result = run("import", str(document), "-t", "mine-first", "--catalogue", str(new))
    assert result.code == 0, result.err
    data = json.loads(new.read_text(encoding="utf-8"))
    assert data["catalogue"] == "my-list"
    assert [t["slug"] for t in data["tracks"]] == ["mine-first"]
    # And it is a catalogue dltrack can walk.
    assert run("--seed", str(new), "next", "--json").code == 0
