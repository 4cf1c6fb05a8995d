"""The seed builder: curation of the five documents into tracks, and stable ids."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from dltrack.catalogue.fileio import dump_catalogue, load_catalogue
from dltrack.catalogue.importing import SourceDocument
from dltrack.catalogue.model import Catalogue, CatalogueTrack, Kind, LinkRule
from seedbuild import CurationError, build, main
from seedrules import SHORT_TITLE, SPECS

FIXTURES = Path(__file__).parent / "fixtures" / "importer"
FIXTURE_DOCS = ["seed_000.md", "seed_001.html", "seed_002.md", "seed_003.md", "seed_004.html"]
REPO = Path(__file__).resolve().parents[1]
# The real source documents live beside the repository: ../shared/seeds.
SEEDS = REPO.parent / "shared" / "seeds"
SLUGS = [
    "jiqizhixin-2016",
    "cv-engineer-25",
    "zhihu-how-to-start-dl",
    "sigai-ml-dl-questions",
    "study-outline",
    "dl-course-3-modules",
]


def documents(names: list[str] = FIXTURE_DOCS) -> list[SourceDocument]:
    return [SourceDocument(n, (FIXTURES / n).read_text(encoding="utf-8")) for n in names]


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return build(documents()).catalogue


def track(catalogue: Catalogue, slug: str) -> CatalogueTrack:
    return next(t for t in catalogue.tracks if t.slug == slug)


def titles(catalogue: Catalogue, slug: str, stage: str) -> list[str]:
    found = next(s for s in track(catalogue, slug).stages if s.slug == stage)
    return [i.title for i in found.items]


# -- structure ----------------------------------------------------------------------------------


def test_one_track_per_curriculum_in_spec_order(catalogue: Catalogue) -> None:
    assert [t.slug for t in catalogue.tracks] == SLUGS
    # the first document holds two curricula
    assert track(catalogue, SLUGS[0]).source.document == "seed_000.md"  # type: ignore[union-attr]
    assert track(catalogue, SLUGS[1]).source.document == "seed_000.md"  # type: ignore[union-attr]


def test_stage_slugs_titles_and_translations(catalogue: Catalogue) -> None:
    jiqizhixin = track(catalogue, "jiqizhixin-2016")
    assert [s.slug for s in jiqizhixin.stages] == [
        "resources",
        "basics",
        "getting-started",
        "advanced",
        "frontier",
    ]
    assert jiqizhixin.stages[0].title == "一、学习资源"
    assert all(s.title_en for t in catalogue.tracks for s in t.stages)
    cv = track(catalogue, "cv-engineer-25")
    assert [s.slug for s in cv.stages] == [f"step-{n:02d}" for n in range(1, 26)]
    assert cv.stages[0].title == "2.1、为什么要用Linux"


def test_source_metadata(catalogue: Catalogue) -> None:
    source = track(catalogue, "jiqizhixin-2016").source
    assert source is not None and source.published is not None
    assert source.published.isoformat() == "2017-01-29"
    assert track(catalogue, "zhihu-how-to-start-dl").source.author == "Deeper Go"  # type: ignore[union-attr]


def test_wechat_links_are_cleaned_and_one_article_keeps_one_id(catalogue: Catalogue) -> None:
    stages = track(catalogue, "jiqizhixin-2016").stages
    first, again = stages[0].items[0], stages[1].items[0]
    assert first.url == "http://mp.weixin.qq.com/s?__biz=QUFB&mid=100&idx=1&sn=aa"
    # listed again under another title and another share URL: same item, first title
    assert again == first


def test_unlinked_title_in_a_link_list_is_kept(catalogue: Catalogue) -> None:
    item = track(catalogue, "jiqizhixin-2016").stages[0].items[1]
    assert (item.title, item.url, item.kind) == ("A title that lost its link", None, Kind.ARTICLE)


def test_curriculum_ends_where_the_rules_say(catalogue: Catalogue) -> None:
    every = {i.title for i in catalogue.items().values()}
    for unwanted in ("Not part of the list", "Course advert", "Past article", "Platform"):
        assert not any(unwanted in t for t in every)
    assert not any("comment" in (i.url or "") for i in catalogue.items().values())


def test_cv_steps_collect_sub_sections_and_bare_repository_urls(catalogue: Catalogue) -> None:
    assert titles(catalogue, "cv-engineer-25", "step-04") == ["Step 4 article"]
    assert titles(catalogue, "cv-engineer-25", "step-12") == [
        "example/researchers",
        "Step 12 article",
    ]
    cv = track(catalogue, "cv-engineer-25")
    first = cv.stages[0].items[0]
    assert first.url == "http://mp.weixin.qq.com/s?__biz=QkJC&mid=1&idx=1&sn=x1"


def test_zhihu_answer_numbered_parts_retitles_and_kinds(catalogue: Catalogue) -> None:
    zhihu = track(catalogue, "zhihu-how-to-start-dl")
    assert [s.slug for s in zhihu.stages] == ["intro"] + [f"part-{n}" for n in range(1, 9)]
    intro = {i.title: i for i in zhihu.stages[0].items}
    assert intro["神经网络与深度学习（中文版）"].kind == Kind.BOOK
    assert "Example Book" not in intro  # a book named next to its links is not a second item
    # The author's own work, put first, is promotion (the fixture has it too).
    assert "https://zhuanlan.zhihu.com/p/100558627" not in {i.url for i in zhihu.stages[0].items}
    part2 = {i.title: i for i in zhihu.stages[2].items}
    # Linked by a fragment of its title, named by its full one.
    full = (
        "Delving Deep into Rectifiers: Surpassing Human-Level Performance on ImageNet "
        "Classification"
    )
    assert part2[full].url == "https://arxiv.org/abs/1502.01852"
    assert part2[full].kind == Kind.PAPER
    assert "someone" not in part2  # the author's profile link
    assert titles(catalogue, "zhihu-how-to-start-dl", "part-6") == ["Wavenet note"]


def test_reading_list_only_not_the_qa(catalogue: Catalogue) -> None:
    items = track(catalogue, "sigai-ml-dl-questions").stages[0].items
    assert [i.title for i in items] == [
        "First recommended",
        "Second recommended",
        "Same title twice",
        "Same title twice",
    ]
    assert items[2].id != items[3].id  # same title, different articles
    assert items[0].url == "https://mp.weixin.qq.com/s?__biz=U0lH&mid=1&idx=1&sn=a"


def test_outline_topics_books_and_links(catalogue: Catalogue) -> None:
    outline = track(catalogue, "study-outline")
    topics = outline.stages[0].items
    assert [(i.title, i.url, i.kind) for i in topics] == [
        ("Topic one", None, Kind.TOPIC),
        ("Topic two", None, Kind.TOPIC),
        ("Topic three", None, Kind.TOPIC),
    ]
    digest = [(i.title, i.url, i.kind) for i in outline.stages[1].items]
    assert digest == [
        ("book-repo", "https://github.com/example/book-repo", Kind.REPO),
        ("Plain Book", None, Kind.BOOK),
        ("Another Plain Book (2nd ed.)", None, Kind.BOOK),
        ("A question?", "https://www.zhihu.com/question/1", Kind.ARTICLE),
        ("A lecture ppt", "http://speech.example.edu/~prof/courses_ML.html", Kind.COURSE),
        ("A link that lost its target?", None, Kind.ARTICLE),
    ]


def test_course_modules_become_stages_of_topics(catalogue: Catalogue) -> None:
    course = track(catalogue, "dl-course-3-modules")
    assert [s.title for s in course.stages] == [
        "模块一：基础概念篇",
        "模块二：工具与框架",
        "模块三：经典问题的落地实战",
    ]
    assert all(i.kind == Kind.TOPIC and i.url is None for s in course.stages for i in s.items)
    assert [i.title for i in course.stages[2].items] == ["图像分类", "语义分割", "自然语言处理"]


def test_ids_are_positive_unique_per_item_and_in_order(catalogue: Catalogue) -> None:
    ids = [i.id for t in catalogue.tracks for s in t.stages for i in s.items]
    assert min(ids) == 1
    # In order, with one gap: the id the dropped promotion link had, retired.
    assert len(set(range(1, max(ids) + 1)) - set(ids)) == 1
    assert [i for n, i in enumerate(ids) if i not in ids[:n]] == sorted(set(ids))


# -- stable ids ---------------------------------------------------------------------------------


def test_rerun_keeps_ids_and_new_items_go_above_the_maximum() -> None:
    docs = documents()
    first = build(docs).catalogue
    top = max(first.items())
    again = build(docs, first)
    assert again.catalogue == first
    assert again.new_items == 0

    # Insert a new article at the top of a list and drop another: nothing is renumbered.
    changed = [
        SourceDocument(
            d.name,
            d.text.replace(
                "[1][First recommended]",
                "[0] [Brand new](https://example.org/new)\n\n[1][First recommended]",
            ).replace("- Topic two\n", ""),
        )
        for d in docs
    ]
    result = build(changed, first)
    new = result.catalogue.items()
    assert result.new_items == 1
    assert [i.id for i in new.values() if i.title == "Brand new"] == [top + 1]
    old = first.items()
    assert all(old[i] == new[i] for i in new if i in old)
    dropped = next(i for i in old.values() if i.title == "Topic two")
    assert dropped.id not in new


def test_rerun_keeps_link_rules_and_hand_made_tracks() -> None:
    base = build(documents()).catalogue
    extra = base.tracks[3].model_copy(update={"slug": "hand-made"})
    existing = base.model_copy(
        update={"tracks": [*base.tracks, extra], "link_rules": [LinkRule(host="example.org")]}
    )
    rebuilt = build(documents(["seed_002.md"]), existing).catalogue
    assert [t.slug for t in rebuilt.tracks] == [*SLUGS, "hand-made"]
    assert rebuilt.link_rules == existing.link_rules
    assert rebuilt.items() == base.items()


def test_unknown_document_is_refused() -> None:
    with pytest.raises(CurationError, match="not a document"):
        build([SourceDocument("x.md", "# Just some page\n\n[a](https://example.org/a)\n")])


def test_missing_or_misplaced_stage_is_refused() -> None:
    text = (FIXTURES / "seed_003.md").read_text(encoding="utf-8")
    renamed = text.replace("## 需要消化的", "## 需要消化的东西")
    with pytest.raises(CurationError, match="no section titled '需要消化的'"):
        build([SourceDocument("seed_003.md", renamed)])
    moved = text.replace("## 主要内容", "## 主要内容（旧）") + "\n## 主要内容\n"
    with pytest.raises(CurationError, match="out of order"):
        build([SourceDocument("seed_003.md", moved)])


def test_course_topic_missing_from_module_is_refused() -> None:
    text = (FIXTURES / "seed_004.html").read_text(encoding="utf-8").replace("语义分割", "分割")
    with pytest.raises(CurationError, match="语义分割"):
        build([SourceDocument("seed_004.html", text)])


# -- command line -------------------------------------------------------------------------------


def test_main_writes_the_catalogue_and_rerun_is_identical(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "seed.json"
    paths = [str(FIXTURES / n) for n in FIXTURE_DOCS]
    assert main([*paths, "--out", str(out)]) == 0
    first = out.read_text(encoding="utf-8")
    assert "(66 new)" in capsys.readouterr().err
    assert [t.slug for t in load_catalogue(out).tracks] == SLUGS
    assert main([*paths, "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == first
    assert "(0 new)" in capsys.readouterr().err


def test_main_reports_errors_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stray = tmp_path / "stray.md"
    stray.write_text("# Nothing we know\n", encoding="utf-8")
    assert main([str(stray), "--out", str(tmp_path / "out.json")]) == 1
    assert "not a document" in capsys.readouterr().err
    assert not (tmp_path / "out.json").exists()

    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    assert main([str(FIXTURES / "seed_002.md"), "--out", str(broken)]) == 3
    assert "not valid JSON" in capsys.readouterr().err


# -- the real documents -------------------------------------------------------------------------

real_documents = pytest.mark.skipif(
    not SEEDS.is_dir(), reason=f"source documents not available at {SEEDS}"
)


@real_documents
def test_rebuilding_from_the_real_documents_reproduces_data_seed_json(tmp_path: Path) -> None:
    paths = sorted(str(p) for p in SEEDS.iterdir() if p.is_file())
    committed = REPO / "data" / "seed.json"

    # From nothing: the same tracks, items and ids.
    fresh = tmp_path / "fresh.json"
    assert main([*paths, "--out", str(fresh)]) == 0
    assert load_catalogue(fresh).tracks == load_catalogue(committed).tracks

    # Over a copy of the committed file: byte for byte the same file.
    copy = tmp_path / "seed.json"
    shutil.copy(committed, copy)
    assert main([*paths, "--out", str(copy)]) == 0
    assert copy.read_bytes() == committed.read_bytes()


@real_documents
def test_real_catalogue_shape() -> None:
    catalogue = load_catalogue(REPO / "data" / "seed.json")
    assert [t.slug for t in catalogue.tracks] == SLUGS
    counts = {t.slug: len({i.id for s in t.stages for i in s.items}) for t in catalogue.tracks}
    assert counts["sigai-ml-dl-questions"] == 56
    assert len(track(catalogue, "cv-engineer-25").stages) == 25
    assert len(track(catalogue, "jiqizhixin-2016").stages) == 5
    for item in catalogue.items().values():
        assert item.url is None or not any(
            junk in item.url
            for junk in ("link.zhihu.com", "xueshu.baidu", "chksm=", "#wechat_redirect", "zhimg")
        )


@real_documents
def test_every_short_title_is_the_best_the_document_gives() -> None:
    # A title this short is link text until the rules say otherwise: each one left is
    # listed in its track's short_titles, with the reason beside it.
    catalogue = load_catalogue(REPO / "data" / "seed.json")
    allowed = {spec.slug: spec.short_titles for spec in SPECS}
    short = {
        (t.slug, item.url): item.title
        for t in catalogue.tracks
        for stage in t.stages
        for item in stage.items
        if item.kind is not Kind.TOPIC and len(item.title) <= SHORT_TITLE
    }
    assert {key: title for key, title in short.items() if key[1] not in allowed[key[0]]} == {}
    # And no rule outlives its item.
    listed = {(slug, url) for slug, urls in allowed.items() for url in urls}
    assert listed <= set(short)


def test_spec_table_is_consistent() -> None:
    assert [s.slug for s in SPECS] == SLUGS
    for spec in SPECS:
        assert len({s.slug for s in spec.stages}) == len(spec.stages)
    # the committed layout is what seed.py writes
    committed = REPO / "data" / "seed.json"
    if committed.exists():
        catalogue = load_catalogue(committed)
        assert dump_catalogue(catalogue) == committed.read_text(encoding="utf-8")
        json.loads(committed.read_text(encoding="utf-8"))
