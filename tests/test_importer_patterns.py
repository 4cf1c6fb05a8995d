"""Shapes met in published reading lists: a list's own files, parts of an item, table
cells broken with <br>, file shares with their extraction codes, links joined by "and";
and the runs the inline reader passes in one step.

The whole documents are in tests/fixtures/lists/ (own-repo.md, downloads-zh.md) and
checked item by item by test_import_lists.py; these tests pin each rule on its own.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dltrack.catalogue.fileio import load_catalogue
from dltrack.importer import ExtractOptions, extract
from dltrack.importer.extract import extract_report
from dltrack.importer.htmlconv import html_to_markdown
from dltrack.importer.labels import glued_text, part_label
from dltrack.importer.markdown import Link, Text, parse_inlines
from dltrack.importer.shares import share_code
from dltrack.importer.skips import REPO_META
from dltrack.importer.urls import canonical

OWN = "https://github.com/me/list/blob/main/"


def items(text: str, **options: object) -> list[tuple[str, str | None]]:
    sections = extract(text, ExtractOptions(**options))  # type: ignore[arg-type]
    return [(i.title, i.url) for s in sections for i in s.items]


def skipped(text: str, **options: object) -> list[tuple[str | None, str]]:
    report = extract_report(text, ExtractOptions(**options))  # type: ignore[arg-type]
    return [(s.url, s.reason) for s in report.skipped]


# -- the list's own repository ---------------------------------------------------------------

_OWN_LIST = (
    f"Fetch the papers with [this]({OWN}fetch.py); cite them with the [bib file]({OWN}all.bib).\n"
    f"\n# Papers\n\n- [Notes on gating]({OWN}notes/gating.md)\n"
    f"- [Slides on attention]({OWN}slides/attention.pdf)\n"
    f"- **Linear models** [code]({OWN}examples/linear.py)\n"
)


def test_the_lists_own_scripts_and_data_are_repository_meta() -> None:
    assert skipped(_OWN_LIST) == [(OWN + "fetch.py", REPO_META), (OWN + "all.bib", REPO_META)]


def test_the_lists_own_readable_files_and_titled_code_are_reading() -> None:
    assert items(_OWN_LIST) == [
        ("Notes on gating", OWN + "notes/gating.md"),
        ("Slides on attention", OWN + "slides/attention.pdf"),
        ("Linear models", OWN + "examples/linear.py"),  # a tutorial's example, named
    ]


def test_another_repositorys_script_is_reading() -> None:
    text = (
        f"- [here]({OWN}a.py) [here]({OWN}b.py) [here]({OWN}c.py)\n"
        "- [Training loop](https://github.com/lab/nets/blob/master/train.py): "
        "[here](https://github.com/lab/nets/blob/master/loop.py)\n"
    )
    assert items(text) == [
        ("Training loop", "https://github.com/lab/nets/blob/master/train.py"),
        ("Training loop (here)", "https://github.com/lab/nets/blob/master/loop.py"),
    ]


def test_no_repository_of_its_own_when_two_are_linked_as_often() -> None:
    other = "https://github.com/lab/nets/blob/master/"
    text = f"- [this]({OWN}a.py) and [this]({other}b.py)\n"
    assert [url for _, url in items(text)] == [OWN + "a.py", other + "b.py"]


def test_base_url_names_the_repository_of_a_single_link() -> None:
    text = f"Download everything with [this]({OWN}fetch.py).\n\n- [A](https://a.example.org/)\n"
    alone = items(text)
    assert alone == [
        ("Download everything with", OWN + "fetch.py"),
        ("A", "https://a.example.org/"),
    ]
    named = items(text, base_url="https://github.com/me/list")
    assert named == [("A", "https://a.example.org/")]


# -- a part of the item above --------------------------------------------------------------


def test_a_sub_item_named_by_a_part_takes_the_title_of_its_item() -> None:
    text = (
        "- [A summer school on sequences](https://video.example.org/school)\n"
        "    - [Basic](https://slides.example.org/basic.pdf)\n"
        "\t- [Lecture 2](https://slides.example.org/l2.pdf)\n"
        "- [Beam search](https://talks.example.org/beam)\n"
    )
    assert items(text) == [
        ("A summer school on sequences", "https://video.example.org/school"),
        ("A summer school on sequences (Basic)", "https://slides.example.org/basic.pdf"),
        ("A summer school on sequences (Lecture 2)", "https://slides.example.org/l2.pdf"),
        ("Beam search", "https://talks.example.org/beam"),
    ]


def test_a_part_word_is_a_title_where_no_item_stands_above_it() -> None:
    text = (
        "- [Recurrent nets](https://a.example.org/rnn)\n"
        "- [Introduction](https://a.example.org/intro)\n"  # not a sub-item
        "- Frameworks\n"
        "    - [Basic](https://basic.example.org/)\n"  # under an item without a link
    )
    assert [t for t, _ in items(text)] == ["Recurrent nets", "Introduction", "Basic"]


def test_a_sub_item_with_a_name_of_its_own_keeps_it() -> None:
    text = (
        "- [Deep learning frameworks](https://a.example.org/frameworks)\n"
        "    - [PyTorch](https://pytorch.example.org/)\n"
    )
    assert [t for t, _ in items(text)] == ["Deep learning frameworks", "PyTorch"]


@pytest.mark.parametrize("text", ["Basic", "Improving", "Part 2", "lecture 10", "下篇", "第三讲"])
def test_part_labels(text: str) -> None:
    assert part_label(text)


@pytest.mark.parametrize("text", ["PyTorch", "Basics of attention", "Part of speech", "卷积网络"])
def test_names_are_no_part_labels(text: str) -> None:
    assert not part_label(text)


# -- <br> in a table cell -----------------------------------------------------------------------


def test_a_line_break_in_a_table_cell_keeps_the_row_whole() -> None:
    text = (
        "| Model | Code |\n| --- | --- |\n"
        "| Tiny net<br>in one file | [code](https://c.example.org/t) |\n"
    )
    assert "| Tiny net in one file | [code]" in html_to_markdown(text)
    assert items(text) == [("Tiny net in one file", "https://c.example.org/t")]


def test_a_line_break_outside_a_table_still_breaks_the_line() -> None:
    assert html_to_markdown("first<br>second | third") == "first\nsecond | third"


# -- file shares and their codes ------------------------------------------------------------


def test_a_share_link_keeps_its_extraction_code_in_the_title() -> None:
    text = (
        "- [《统计学习》](https://pan.baidu.com/s/1Abc) 提取码: k7q2\n"
        "- 《花书》 链接：https://pan.baidu.com/s/1Def 密码：m3n4\n"
        "- [讲义](https://www.aliyundrive.com/s/Ghi)（提取码：t8u9）\n"
    )
    assert items(text, bare_urls=True) == [
        ("《统计学习》 (提取码: k7q2)", "https://pan.baidu.com/s/1Abc"),
        ("《花书》 (提取码: m3n4)", "https://pan.baidu.com/s/1Def"),
        ("讲义 (提取码: t8u9)", "https://www.aliyundrive.com/s/Ghi"),
    ]


def test_the_code_belongs_to_the_link_it_follows() -> None:
    text = "- [甲书](https://pan.baidu.com/s/1A) [乙书](https://pan.baidu.com/s/1B) 提取码: ab12\n"
    assert items(text) == [
        ("甲书", "https://pan.baidu.com/s/1A"),
        ("乙书 (提取码: ab12)", "https://pan.baidu.com/s/1B"),
    ]


@pytest.mark.parametrize(
    ("url", "after"),
    [
        ("https://pan.baidu.com/s/1A?pwd=ab12", " 提取码: ab12"),  # the address carries it
        ("https://notes.example.cn/crypto", " 密码学笔记 1234"),  # no share
        ("https://pan.baidu.com/s/1A", " 百度网盘"),  # no code written
        ("https://pan.baidu.com/s/1A", " 提取码: abcdefg"),  # not a code's shape
    ],
)
def test_no_code_where_none_is_needed_or_written(url: str, after: str) -> None:
    assert share_code(url, after) == (None, after)


def test_a_code_is_no_title_for_a_link_that_names_none() -> None:
    text = (
        "- [下载](https://pan.baidu.com/s/1C) 提取码: w1x2\n"
        "- [pdf](https://pan.baidu.com/s/1D) 密码 q9w8 讲义\n"
    )
    assert items(text) == [
        ("下载 (提取码: w1x2)", "https://pan.baidu.com/s/1C"),
        ("讲义 (提取码: q9w8)", "https://pan.baidu.com/s/1D"),
    ]


def test_the_code_reaches_the_catalogue(run, tmp_path: Path) -> None:
    document = tmp_path / "books.md"
    document.write_text("# 书\n\n- [书](https://pan.baidu.com/s/1A) 密码：z9y8\n", encoding="utf-8")
    catalogue = tmp_path / "seed.json"
    result = run("import", str(document), "--track", "t", "--catalogue", str(catalogue))
    assert result.code == 0, result.out + result.err
    item = load_catalogue(catalogue).tracks[0].stages[0].items[0]
    assert (item.title, item.url) == ("书 (提取码: z9y8)", "https://pan.baidu.com/s/1A")


# -- words between links --------------------------------------------------------------------


def test_a_joining_word_is_no_title() -> None:
    text = "- [Gated units](https://a.example.org/g) and [here](https://b.example.org/g)\n"
    assert items(text) == [
        ("Gated units", "https://a.example.org/g"),
        ("Gated units (here)", "https://b.example.org/g"),
    ]


# -- runs read in one step ------------------------------------------------------------------


def test_code_spans_in_a_row_read_as_one_code_run() -> None:
    nodes = parse_inlines("see `a` `b`\t`c` and `d`")
    assert nodes == [
        Text("see "),
        Text("a b\tc", code=True),
        Text(" and "),
        Text("d", code=True),
    ]


def test_a_code_span_right_after_a_link_stays_its_own_run() -> None:
    # The text after a label link may name it: only the first span does.
    nodes = parse_inlines("[pdf](https://a.example.org/p)`notes` `more`")
    assert nodes[1:] == [Text("notes", code=True), Text(" "), Text("more", code=True)]


def test_an_address_in_a_code_run_is_no_item() -> None:
    text = "- [Guide](https://a.example.org/g) `pip` `https://b.example.org/x` `run`\n"
    assert items(text, bare_urls=True) == [("Guide", "https://a.example.org/g")]


def test_no_link_opens_after_the_last_closing_parenthesis() -> None:
    nodes = parse_inlines("[x](https://a.example.org/) " + "[a](" * 50 + "![b](")
    assert nodes == [
        Link("https://a.example.org/", (Text("x"),)),
        Text(" " + "[a](" * 50 + "![b]("),
    ]
    bold = parse_inlines("**[x](https://a.example.org/)** [y](z")
    assert [type(n).__name__ for n in bold] == ["Link", "Text"]


def test_a_column_of_codes_gives_each_share_its_own() -> None:
    text = (
        "| 资料 | 密码 |\n| :--: | :--: |\n"
        "| [讲义](https://pan.baidu.com/s/1A) | h4j5 |\n"
        "| [主页](https://a.example.cn/) |  |\n"
    )
    assert items(text) == [
        ("讲义 (提取码: h4j5)", "https://pan.baidu.com/s/1A"),
        ("主页", "https://a.example.cn/"),
    ]
    # Without a column that names codes, the next cell is the table's own business.
    other = text.replace("密码", "年份")
    assert items(other)[0] == ("讲义", "https://pan.baidu.com/s/1A")


# -- plain citations ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("- Mask heads (2017), K. Hu. [[pdf]](https://p.example.org/a)", "Mask heads"),
        (
            "- Learning to align pieces of a long sequence (2016), S. Ito. [[pdf]](https://p.example.org/b)",
            "Learning to align pieces of a long sequence",
        ),
        ("- A primer (Book, Jan 2017), Ann Roe. [[html]](https://p.example.org/c)", "A primer"),
        (
            "- Reducing the state of a sequence model, G. Ortiz and R. Palmer. "
            "[[pdf]](https://p.example.org/d)",
            "Reducing the state of a sequence model",
        ),
        (
            "- CS231n, Convolutional Networks for Vision, Stanford University [[web]](https://p.example.org/e)",
            "CS231n, Convolutional Networks for Vision, Stanford University",
        ),
    ],
)
def test_a_citation_before_a_label_link_is_titled_by_its_title(line: str, title: str) -> None:
    assert [t for t, _ in items(line)] == [title]


def test_a_long_bold_title_is_the_title_not_its_last_clause() -> None:
    title = "Compressing sequence models with pruning, shared weights, quantization and coding"
    line = f'Lind, Q. "**{title} in one pass of training**." A workshop (2016). [[pdf]](https://p.example.org/c)'
    assert [t for t, _ in items(line)] == [title + " in one pass of training"]


def test_an_address_glued_to_a_copy_of_itself_is_the_first() -> None:
    line = "- [Chatty](http://arxiv.org/pdf/1506.99999.pdf%20(http://arxiv.org/pdf/1506.99999.pdf))"
    assert items(line) == [("Chatty", "https://arxiv.org/abs/1506.99999")]
    # Brackets in an address are its own: only a second address in them is a copy.
    wiki = "- [Wiki](https://en.example.org/wiki/Attention_(machine_learning))"
    assert items(wiki) == [("Wiki", "https://en.example.org/wiki/Attention_(machine_learning)")]


# -- books named in code, plans of the repository ------------------------------------------


def test_a_book_title_in_code_is_a_path_not_a_book() -> None:
    text = "- 目录: `电子书/《信息论基础》/`\n- 推荐: 《凸优化》\n"
    assert items(text, books=True) == [("凸优化", None)]


@pytest.mark.parametrize("heading", ["📝 待添加计划 (Roadmap)", "TODO", "To-do list", "待补充内容"])
def test_a_section_of_plans_is_no_reading(heading: str) -> None:
    text = f"# Papers\n\n- [A](https://a.example.org/)\n\n## {heading}\n\n- [ ] [B](https://b.example.org/)\n"
    assert items(text) == [("A", "https://a.example.org/")]


def test_a_reading_roadmap_is_reading() -> None:
    text = "## Reading Roadmap\n\n- [A](https://a.example.org/)\n"
    assert items(text) == [("A", "https://a.example.org/")]


# -- HTML written into a README, the list naming itself, notes beside titles ---------------


def sections_of(text: str, **options: object) -> list[tuple[str, list[str]]]:
    found = extract(text, ExtractOptions(**options))  # type: ignore[arg-type]
    return [(s.title, [i.title for i in s.items]) for s in found if s.title or s.items]


@pytest.mark.parametrize(
    "anchor", ['<div id="basics"></div>', '<a name="basics"></a>', "<span id=b></span>"]
)
def test_a_heading_keeps_its_title_after_an_html_anchor(anchor: str) -> None:
    text = f"# List\n\n## {anchor}Basics\n- [A](https://a.example.org/)\n\n## Next\n- [B](https://b.example.org/)\n"
    assert sections_of(text) == [("List", []), ("Basics", ["A"]), ("Next", ["B"])]


def test_a_block_element_on_its_own_line_still_breaks_the_text() -> None:
    text = "## Basics\n<div>\n\n- [A](https://a.example.org/)\n</div>\n"
    assert sections_of(text) == [("Basics", ["A"])]


def test_markdown_folded_into_details_is_read_as_markdown() -> None:
    text = (
        "## Archive\n<details>\n  <summary>Older links</summary>\n### Old tools\n"
        "* 《[Einsum, explained](https://e.example.org/)》：one page\n"
        "* [Legacy kernels](https://k.example.org/) (unmaintained)\n</details>\n\n"
        "## After\n- [C](https://c.example.org/)\n"
    )
    assert sections_of(text) == [
        ("Archive", []),
        ("Old tools", ["Einsum, explained", "Legacy kernels"]),
        ("After", ["C"]),
    ]


def test_text_in_html_elements_inside_details_is_still_escaped() -> None:
    markdown = html_to_markdown("<details><summary>*not bold* [x](y)</summary></details>")
    assert "\\*not bold\\*" in markdown and "\\[x\\]" in markdown


def test_a_generic_link_in_a_sub_item_is_named_by_the_item_it_stands_under() -> None:
    text = (
        "- Python\n    - [My exercises](https://ex.example.org/)\n"
        "- PyTorch\n    - [HomePage](https://torch.example.org/)\n"
    )
    assert items(text) == [
        ("My exercises", "https://ex.example.org/"),
        ("PyTorch (homepage)", "https://torch.example.org/"),
    ]


def test_a_long_item_without_a_link_names_no_sub_item() -> None:
    long = "Things I read while learning the framework, in no particular order at all"
    text = (
        f"- [Guide](https://g.example.org/)\n- {long}\n    - [HomePage](https://h.example.org/)\n"
    )
    assert items(text)[1] == ("Guide (homepage)", "https://h.example.org/")


def test_a_generic_link_opening_a_wrapped_line_is_named_by_the_line_before() -> None:
    text = (
        "GPUs now do most of the work of training\n"
        "[[read more](https://q.example.net/gpus)]. The sentence then goes on for a while.\n"
    )
    assert items(text) == [
        ("GPUs now do most of the work of training", "https://q.example.net/gpus")
    ]


def test_a_generic_link_followed_by_a_title_still_takes_it() -> None:
    assert items("[pdf](https://p.example.org/a.pdf) Attention in pictures\n") == [
        ("Attention in pictures", "https://p.example.org/a.pdf")
    ]


def test_the_lists_own_repository_in_its_title_is_no_item() -> None:
    own = "https://github.com/someone/awesome-tensor-tricks"
    text = (
        f"# [Awesome Tensor Tricks]({own}) [![Awesome](https://b.example.org/a.svg)](https://github.com/x/awesome)\n\n"
        "## Basics\n- [A](https://a.example.org/)\n"
    )
    assert sections_of(text) == [("Awesome Tensor Tricks", []), ("Basics", ["A"])]
    assert (own, REPO_META) in skipped(text)


@pytest.mark.parametrize(
    "heading",
    [
        "# [A Paper With Code](https://github.com/someone/unrelated-impl)",  # another name
        # the same name, but a section's heading, not the list's title
        "## [Awesome Tensor Tricks](https://github.com/someone/awesome-tensor-tricks)",
    ],
)
def test_a_linked_heading_that_is_not_the_lists_title_is_an_item(heading: str) -> None:
    assert len(items(f"{heading}\n\n- [A](https://a.example.org/)\n")) == 2


def test_a_course_certificate_is_no_item() -> None:
    cert = "https://www.coursera.org/account/accomplishments/verify/ABC123"
    text = f"- [A course](https://www.coursera.org/learn/a-course) with a [certificate]({cert})\n"
    assert items(text) == [("A course", "https://www.coursera.org/learn/a-course")]


def test_a_books_other_name_in_brackets_is_no_second_book() -> None:
    text = "* 《张量计算入门》（别名《小蓝书》，某位作者）\n* 《深度网络》（又名《黑皮书》）\n"
    text += "* 《配套习题》\n"
    assert items(text, books=True) == [
        ("张量计算入门", None),
        ("深度网络", None),
        ("配套习题", None),
    ]


def test_a_note_in_brackets_does_not_make_a_listed_book_prose() -> None:
    text = "* 《Tensor Methods in Practice》（第二版，作者 A. Example）\n"
    assert items(text, books=True, books_in_prose=False) == [("Tensor Methods in Practice", None)]
    # In a paragraph the same words are still a sentence that mentions a book.
    prose = "我读过《某书》，很好，推荐给大家看看这本书的第二版。\n"
    assert items(prose, books=True, books_in_prose=False) == []


def test_a_relative_file_name_with_chinese_punctuation_is_one_address() -> None:
    base = "https://github.com/me/notes/blob/master/README.md"
    text = "- [综述](./笔记/模型：综述，上.md)\n- [同一篇](https://github.com/me/notes/blob/master/%E7%AC%94%E8%AE%B0/%E6%A8%A1%E5%9E%8B%EF%BC%9A%E7%BB%BC%E8%BF%B0%EF%BC%8C%E4%B8%8A.md)\n"
    found = items(text, base_url=base)
    assert len(found) == 1  # the same page, linked twice
    url = found[0][1]
    assert url is not None and glued_text(url) is None
    assert canonical(url).endswith(
        "/%E6%A8%A1%E5%9E%8B%EF%BC%9A%E7%BB%BC%E8%BF%B0%EF%BC%8C%E4%B8%8A.md"
    )


def test_an_empty_link_names_a_reading_item_without_an_address() -> None:
    text = "| Paper | Notes |\n|---|---|\n| [Gradient Noise in Practice]() | to be found |\n"
    assert items(text, books=True) == [("Gradient Noise in Practice", None)]
    assert items(text) == []  # only where url-less items are read at all


@pytest.mark.parametrize("empty", ["[pdf]()", "[1]()", "[]()"])
def test_an_empty_link_that_names_nothing_is_no_item(empty: str) -> None:
    assert items(f"- {empty} and more\n", books=True) == []


def test_an_empty_link_before_its_parts_is_their_title() -> None:
    text = (
        "* [从感知机到卷积网络]()：[上](https://a.example.org/1)，[下](https://a.example.org/2)\n"
    )
    assert items(text, books=True) == [
        ("从感知机到卷积网络", "https://a.example.org/1"),
        ("从感知机到卷积网络 (下)", "https://a.example.org/2"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "[pdf](https://p.example.org/a.pdf): Attention in pictures\n",
        "A line before it\n[pdf](https://p.example.org/a.pdf): Attention in pictures\n",
    ],
)
def test_a_colon_after_a_generic_link_introduces_its_title(text: str) -> None:
    assert items(text) == [("Attention in pictures", "https://p.example.org/a.pdf")]


def test_a_sentence_going_on_after_a_generic_link_is_a_last_resort() -> None:
    text = "[[read more](https://q.example.net/gpus)]. GPUs now do the training\n"
    assert items(text) == [("GPUs now do the training", "https://q.example.net/gpus")]
