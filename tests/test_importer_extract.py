"""Extraction of sections and reading items from Markdown, HTML and mixed documents."""

from __future__ import annotations

import re
import signal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dltrack.importer import (
    BOLD_LEVEL,
    ExtractError,
    ExtractOptions,
    FoundItem,
    Section,
    clean_title,
    extract,
    front_matter,
)
from dltrack.importer.extract import extract_report
from dltrack.importer.htmlconv import html_to_markdown
from dltrack.importer.htmlscan import tokenize
from dltrack.importer.markdown import Link, Text, parse_inlines
from dltrack.importer.scan import ESCAPED, unescape_run

FIXTURES = Path(__file__).parent / "fixtures" / "importer"


def read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def by_title(sections: list[Section]) -> dict[str, Section]:
    return {s.title: s for s in sections}


def all_items(sections: list[Section]) -> list[FoundItem]:
    return [e for s in sections for e in s.items]


def urls(sections: list[Section]) -> list[str | None]:
    return [e.url for e in all_items(sections)]


# -- the Markdown fixture -------------------------------------------------------------------


@pytest.fixture(scope="module")
def messy() -> list[Section]:
    options = ExtractOptions(
        books=frozenset({"Part one: basics"}),
        plain_items=frozenset({"Part two: references"}),
        bare_urls=True,
    )
    return extract(read("messy.md"), options)


def test_sections_in_document_order_with_levels(messy: list[Section]) -> None:
    assert [(s.title, s.level) for s in messy] == [
        ("", 0),
        ("A messy reading list", 1),
        ("Part one: basics", BOLD_LEVEL),  # a line that is only bold text
        ("Part two: references", 2),
        ("A quoted bold line", BOLD_LEVEL),  # bold inside a block quote
    ]


def test_front_matter_is_read_and_not_extracted(messy: list[Section]) -> None:
    assert front_matter(read("messy.md")) == {
        "title": "A messy reading list",
        "author": "Someone",
        "date": "2020-02-02",
    }
    assert "title" not in [e.title for e in all_items(messy)]


def test_redirectors_unwrapped_and_tracking_dropped(messy: list[Section]) -> None:
    part_one = by_title(messy)["Part one: basics"].items
    assert part_one[0] == FoundItem(
        "Intro to gradients", "https://example.org/gradients?page=2", "article", part_one[0].context
    )
    assert (part_one[1].title, part_one[1].url, part_one[1].kind_hint) == (
        "A paper via scholar",
        "https://arxiv.org/abs/1234.56789",
        "paper",
    )


def test_images_profiles_columns_and_non_web_links_are_skipped(messy: list[Section]) -> None:
    found = " ".join(str(u) for u in urls(messy))
    for unwanted in ("zhimg.com", "people/", "figure", "javascript", "mailto", "#"):
        assert unwanted not in found
    # A column is a collection of articles: reading, unlike its author's page.
    assert "https://zhuanlan.zhihu.com/c_12345" in found


def test_book_titles_without_links_become_book_entries(messy: list[Section]) -> None:
    books = [e for e in by_title(messy)["Part one: basics"].items if e.url is None]
    assert [(e.title, e.kind_hint) for e in books] == [
        ("An Unlinked Book", "book"),
        ("Another Book", "book"),
    ]


def test_numbered_references_keep_their_order_and_drop_the_number(messy: list[Section]) -> None:
    titles = [e.title for e in by_title(messy)["Part two: references"].items]
    assert titles[:3] == ["First reference", "Second reference", "Twelfth reference"]


def test_same_article_twice_in_a_section_is_one_entry(messy: list[Section]) -> None:
    wechat = [e for e in all_items(messy) if e.url and "weixin" in e.url]
    assert [(e.title, e.url) for e in wechat] == [
        ("A WeChat article", "http://mp.weixin.qq.com/s?__biz=QUJD&mid=42&idx=1&sn=abc")
    ]


def test_plain_lines_dangling_links_and_bare_urls(messy: list[Section]) -> None:
    tail = [(e.title, e.url, e.kind_hint) for e in by_title(messy)["Part two: references"].items]
    assert tail[-3:] == [
        ("A line without a link", None, None),
        ("Dangling link text", None, "article"),
        ("example/in-code", "https://github.com/example/in-code", "repo"),
    ]


def test_reference_style_links(messy: list[Section]) -> None:
    quoted = by_title(messy)["A quoted bold line"].items
    assert [(e.title, e.url) for e in quoted] == [
        ("Reference style", "https://example.org/by-reference")
    ]


def test_comment_section_is_skipped(messy: list[Section]) -> None:
    assert "3 条评论" not in by_title(messy)
    assert "https://spam.example.com/" not in urls(messy)


def test_options_are_off_by_default() -> None:
    entries = all_items(extract(read("messy.md")))
    assert all(e.url is not None for e in entries)
    assert "https://github.com/example/in-code" not in [e.url for e in entries]


# -- the HTML fixture -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def page() -> list[Section]:
    options = ExtractOptions(numbered_sections=True, lead_items=frozenset({"Modules"}))
    return extract(read("page.html"), options)


def test_html_headings_and_bold_paragraphs_open_sections(page: list[Section]) -> None:
    assert [(s.title, s.level) for s in page] == [
        ("", 0),
        ("Chapter & verse", 2),
        ("Bold paragraph heading", BOLD_LEVEL),
        ("1.", BOLD_LEVEL),
        ("2.", BOLD_LEVEL),
        ("Modules", 3),
    ]


def test_link_card_and_inline_links(page: list[Section]) -> None:
    assert [(e.title, e.url) for e in page[0].items] == [
        ("first link", "https://example.org/opening"),
        ("A link card title", "https://zhuanlan.zhihu.com/p/123456"),
    ]


def test_a_link_split_around_a_letter_is_merged(page: list[Section]) -> None:
    entries = by_title(page)["Bold paragraph heading"].items
    assert [(e.title, e.url) for e in entries] == [("Transformer", "https://example.org/a?x=1")]


def test_numbered_bold_paragraphs_open_sections(page: list[Section]) -> None:
    sections = by_title(page)
    assert [(e.title, e.kind_hint) for e in sections["1."].items] == [("a paper", "paper")]
    # the profile link in part 2 is skipped, the repository kept
    assert [(e.title, e.kind_hint) for e in sections["2."].items] == [("repo", "repo")]


def test_lead_items_name_a_list_item_by_its_bold_start(page: list[Section]) -> None:
    modules = by_title(page)["Modules"].items
    assert [(e.title, e.url, e.kind_hint) for e in modules] == [
        ("Module A: basics", None, "topic"),
        ("Module B: tools", None, "topic"),
    ]
    assert "algebra" in modules[0].context


def test_scripts_styles_share_buttons_linked_images_and_comments_skipped(
    page: list[Section],
) -> None:
    found = urls(page)
    for unwanted in ("script", "weibo", "big", "comment-link"):
        assert not any(unwanted in str(u) for u in found)
    assert "精选评论" not in by_title(page)


# -- smaller cases --------------------------------------------------------------------------


def test_linked_heading_is_an_entry_not_a_section() -> None:
    sections = extract("# Papers\n\n### [A paper](https://arxiv.org/abs/1)\n\ntext\n")
    assert [s.title for s in sections] == ["", "Papers"]
    assert [e.title for e in sections[1].items] == ["A paper"]


def test_relative_links_need_a_base_url() -> None:
    text = "[Local](/docs/a.html)"
    assert all_items(extract(text)) == []
    based = extract(text, ExtractOptions(base_url="https://example.org/x/"))
    assert [e.url for e in all_items(based)] == ["https://example.org/docs/a.html"]


def test_footer_ends_at_a_heading_of_the_same_level() -> None:
    text = (
        "## 推荐阅读\n\n- [Platform pick](https://example.org/pick)\n\n"
        "## Real section\n\n- [Kept](https://example.org/kept)\n"
    )
    assert [e.title for e in all_items(extract(text))] == ["Kept"]


def test_custom_heading_lines_and_footers() -> None:
    text = "Intro.\n\n推荐阅读\n\n[1] [Mine](https://example.org/mine)\n"
    assert all_items(extract(text))[0].title == "Mine"  # plain line: not a heading
    options = ExtractOptions(heading_lines=frozenset({"推荐阅读"}))
    assert all_items(extract(text, options)) == []  # now a heading, and a footer
    options = ExtractOptions(heading_lines=frozenset({"推荐阅读"}), footers=())
    assert [s.title for s in extract(text, options)] == ["", "推荐阅读"]


def test_star_in_titles_is_kept() -> None:
    entries = all_items(extract("- [Why 3*3 and not 2*2 kernels?](https://example.org/q)"))
    assert entries[0].title == "Why 3*3 and not 2*2 kernels?"


def test_link_destination_with_parentheses_and_angle_brackets() -> None:
    text = "[Wiki](https://en.wikipedia.org/wiki/Foo_(bar)) and [B](<https://example.org/a b>)"
    assert urls(extract(text)) == [
        "https://en.wikipedia.org/wiki/Foo_(bar)",
        "https://example.org/a%20b",
    ]


def test_fenced_code_keeps_html_literal() -> None:
    text = (
        '<p><a href="https://example.org/a">A</a></p>\n\n'
        "```\n<a href='https://example.org/code'>x</a>\n```\n"
    )
    assert urls(extract(text)) == ["https://example.org/a"]


def test_clean_title_drops_decoration_only() -> None:
    assert clean_title("  用Wavenet做中文语音识别 - 知乎专栏 ") == "用Wavenet做中文语音识别"
    assert clean_title("Title ：") == "Title"
    assert clean_title("• Item\u200b") == "Item"
    assert clean_title("Semantic Segmentation with Deep ...") == (
        "Semantic Segmentation with Deep ..."
    )
    assert clean_title("为什么？") == "为什么？"


def test_inline_bold_between_cjk_without_spaces() -> None:
    nodes = parse_inlines("这是**《书》**这个")
    assert Text("《书》", True) in nodes


def test_inline_underscores_inside_words_are_not_bold() -> None:
    nodes = parse_inlines("see snake__case__name and __bold__")
    assert [n for n in nodes if isinstance(n, Text) and n.bold] == [Text("bold", True)]


def test_html_text_is_escaped_so_it_is_not_read_as_markdown() -> None:
    markdown = html_to_markdown("<p># not a heading, *not* bold, [not](a link)</p>")
    nodes = parse_inlines(markdown.strip())
    assert not any(isinstance(n, Link) for n in nodes)
    assert extract("<p># not a heading</p>")[0].title == ""
    assert len(extract("<p># not a heading</p>")) == 1


def test_unclosed_html_ends_at_a_blank_line() -> None:
    text = "<div><p>Intro\n\n## After\n\n- [Kept](https://example.org/kept)\n"
    sections = extract(text)
    assert [s.title for s in sections] == ["", "After"]
    assert urls(sections) == ["https://example.org/kept"]


# -- robustness ---------------------------------------------------------------------------------


def test_binary_input_is_a_clear_error() -> None:
    with pytest.raises(ExtractError):
        extract("abc\x00def")
    with pytest.raises(ExtractError):
        extract(b"bytes")  # type: ignore[arg-type]


def test_empty_input() -> None:
    assert extract("") == [Section("", 0, [])]


_TOKENS = [*"[]()<>!*_#-`~:/\\.&;=\"' \n\tab1《》\u3000"]
_TOKENS += ["http://", "<a href=", "</a>", "<p>", "</p>", "<li>", "**", "](", "<b>", "</b>"]
_TOKENS += ["<!--", "<![", "&#", "```", "<pre>", "<script>", "<div>", "---\n"]
# Markup-heavy text built from syntax fragments finds more corner cases than random text.
_MARKUP = st.lists(st.sampled_from(_TOKENS), max_size=120).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=300), _MARKUP))
def test_extract_never_raises_on_text(text: str) -> None:
    options = ExtractOptions(
        books=True, plain_items=True, lead_items=True, bare_urls=True, numbered_sections=True
    )
    try:
        sections = extract(text, options)
    except ExtractError:
        assert "\x00" in text
        return
    assert sections[0].title == ""
    for entry in all_items(sections):
        assert entry.title
        assert entry.url is None or entry.url.startswith(("http://", "https://"))


@pytest.mark.parametrize(
    "text",
    [
        "[" * 5000 + "x" + "](y)" * 10 + "]" * 5000 + "**" * 3000,
        "[a](<" * 20000,
        "[a](" * 20000,
        "[a](x" + "(" * 20000,
        "<b>" * 5000 + "x" + "</b>" * 5000,
        "<a href='u'>" * 3000 + "x",
    ],
)
def test_pathological_input_is_read_past(text: str) -> None:
    # Each shape once took minutes; a link after it must still be found. An alarm, not
    # a stopwatch: only a hang (super-linear again) fails, never a slow machine.
    def hung(*_: object) -> None:
        raise AssertionError("over 60 s: the importer is super-linear again")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(60)
    try:
        sections = extract(
            text + "\n\n[ok](https://example.org/ok)\n",
            ExtractOptions(bare_urls=True, plain_items=True, books=True),
        )
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    linked = [(i.title, i.url) for section in sections for i in section.items if i.url]
    assert linked == [("ok", "https://example.org/ok")]


def test_a_long_heading_is_named_briefly_in_what_was_skipped() -> None:
    # Every skipped link repeats its section's title: under a 100,000-character footer
    # heading, 2,000 links would make a report of 200 MB.
    heading = "## 写下你的评论" + "长" * 100_000
    links = "".join(f"- [c{n}](https://example.org/c{n})\n" for n in range(2000))
    report = extract_report("[a](https://example.org/a)\n\n" + heading + "\n\n" + links)
    assert [i.url for s in report.sections for i in s.items] == ["https://example.org/a"]
    assert len(report.skipped) == 2000
    assert {s.section for s in report.skipped} == {heading[3:122] + "…"}


@given(st.lists(st.sampled_from(["\\", "\\\\", "\\*", "\\[", "\\<", "a", "*", " ", "\\a"])))
def test_escapes_in_text_are_read_as_the_substitution_reads_them(pieces: list[str]) -> None:
    # unescape_run stands in for ESCAPED.sub on the runs the inline parser passes it.
    text = "".join(pieces)
    for run in re.finditer(r"(?:[^\\`<!\[*_]++|\\[!-/:-@\[-`{-~])++", text):
        assert unescape_run(run.group()) == ESCAPED.sub(r"\1", run.group())


class _Events:
    """What the tokenizer reports, as (kind, value) pairs; adjacent text joined."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def starttag(self, tag: str, attrs: object, raw: str) -> None:
        self.seen.append(("start", tag))

    def startendtag(self, tag: str, attrs: object, raw: str) -> None:
        self.seen.append(("start", tag))

    def endtag(self, tag: str) -> None:
        self.seen.append(("end", tag))

    def data(self, text: str) -> None:
        if self.seen and self.seen[-1][0] == "data":
            text = self.seen.pop()[1] + text
        self.seen.append(("data", text))


@pytest.mark.parametrize(
    ("html", "events"),
    [
        # No '>' left, but an entity: read tag by tag, the entity decoded.
        ("<p>a &amp; b <a x", [("start", "p"), ("data", "a & b <a x")]),
        # No '>' left: the rest is text as written.
        ("<p>a <a <b c <a", [("start", "p"), ("data", "a <a <b c <a")]),
        # A tag whose attributes hold '<![': a tag like any other (html.parser's rules).
        ("<p>x <a <![if ]> y", [("start", "p"), ("data", "x "), ("start", "a"), ("data", " y")]),
        # Bare tags in either case, and an end tag with a space before its '>'.
        (
            "<ul><li>one</li><LI>two</li ></ul>",
            [
                *[("start", "ul"), ("start", "li"), ("data", "one"), ("end", "li")],
                *[("start", "li"), ("data", "two"), ("end", "li"), ("end", "ul")],
            ],
        ),
        # A bare <script> is still text up to its end tag.
        (
            "<script>a < b</script><p>after</p>",
            [
                *[("start", "script"), ("data", "a < b"), ("end", "script")],
                *[("start", "p"), ("data", "after"), ("end", "p")],
            ],
        ),
    ],
)
def test_html_tokens_through_the_shortcuts(html: str, events: list[tuple[str, str]]) -> None:
    # The tokenizer reads bare tags and a tail without '>' by shortcuts; they must give
    # what its full rules give.
    seen = _Events()
    tokenize(html, seen)
    assert seen.seen == events
