"""Import survives anything Markdown/HTML-ish: valid items, or one clear line, never a traceback."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dltrack.catalogue.fileio import dump_catalogue, load_catalogue
from dltrack.catalogue.importing import SourceDocument, import_documents
from dltrack.catalogue.model import is_http_url, parse_catalogue
from dltrack.errors import DltrackError

FIXTURES = Path(__file__).parent / "fixtures" / "curator"
CATALOGUE = load_catalogue(FIXTURES / "catalogue.json")

# Text with the characters that matter to the parsers: Markdown and HTML syntax, CJK,
# full-width forms, invisible and control characters.
_ALPHABET = st.sampled_from(
    [
        *"abcXYZ 019.,:;!?-_*#[]()<>《》/\\\"'`~|&=%\n\t",
        *("深度", "学习", "评论", "推荐阅读", "\u200b", "\u3000", "\x1b", "\x7f", "ＣＮＮ", "é"),
    ]
)
words = st.lists(_ALPHABET, max_size=12).map("".join)

urls = st.one_of(
    st.sampled_from(
        [
            "https://arxiv.org/abs/1512.03385",  # already id 3 in the catalogue
            "http://arxiv.org/abs/1512.03385#x",
            "https://example.org/a?utm_source=x&b=1",
            "https://link.zhihu.com/?target=https%3A//example.org/b",
            "http://xueshu.baidu.com/s?wd=x&sc_vurl=http%3A%2F%2Farxiv.org%2Fabs%2F1",
            "https://link.zhihu.com/?target=javascript%3Aalert(1)",
            "https://mp.weixin.qq.com/s?__biz=QUJD&mid=1&idx=1&sn=a&scene=21#wechat_redirect",
            "https://www.zhihu.com/people/someone",
            "https://pic1.zhimg.com/v2-a.jpg",
            "javascript:void(0);",
            "mailto:a@b.c",
            "#anchor",
            "relative/page.html",
            "//example.org/scheme-relative",
            "http://",
            "https://[::1",
            "http://exa mple.com/",
            "https://例子.测试/路径?q=深度",
            "ftp://example.org/file",
            "data:text/html,x",
            "",
        ]
    ),
    st.builds(lambda host, path: f"https://{host}.org/{path}", words, words),
)

links = st.one_of(
    st.builds(lambda t, u: f"[{t}]({u})", words, urls),
    st.builds(lambda t, u: f'<a href="{u}">{t}</a>', words, urls),
    st.builds(lambda t, u: f"- [{t}]({u})\n", words, urls),
)
fragments = st.one_of(
    words,
    links,
    links,
    st.builds(lambda n, t: "#" * n + " " + t, st.integers(1, 7), words),
    st.builds(lambda t: f"**{t}**", words),
    st.builds(lambda t, u: f"[{t}]({u})", words, urls),
    st.builds(lambda t, u: f"![{t}]({u})", words, urls),
    st.builds(lambda t, u, v: f"[![{t}]({u})]({v})", words, urls, urls),
    st.builds(lambda n, t, u: f"[{n}] [{t}]({u})", st.integers(0, 99), words, urls),
    st.builds(lambda t: f"《{t}》", words),
    st.builds(lambda t, u: f'<a href="{u}">{t}</a>', words, urls),
    st.builds(lambda n, t: f"<h{n}>{t}</h{n}>", st.integers(1, 6), words),
    st.builds(lambda t: f"<p><strong>{t}</strong></p>", words),
    st.builds(lambda u: f'<img src="{u}">', urls),
    st.sampled_from(
        [
            "\n",
            "\n\n",
            "- ",
            "1. ",
            "> ",
            "```\n",
            "---\ntitle: x\n---\n",
            "<p>",
            "</p>",
            "<ul><li>",
            "</li></ul>",
            '<div class="comments">',
            "</div>",
            "<script>",
            "<!--",
            "[ref]: https://example.org/ref\n",
            "[ref]",
            "## 3 条评论\n",
            "\x00",  # binary data: refused in one line
        ]
    ),
)
documents = st.lists(fragments, min_size=1, max_size=40).map("".join)


def check(text: str) -> None:
    """Import text into the test catalogue: a valid result or a one-line DltrackError."""
    try:
        catalogue, report = import_documents(CATALOGUE, [SourceDocument("doc.md", text)], "t")
    except DltrackError as error:
        assert error.message and "\n" not in error.message, error.message
        return
    # What would be written reads back as a valid catalogue.
    again = parse_catalogue(json.loads(dump_catalogue(catalogue)), source="written")
    items = again.items()
    assert all(i.url is None or is_http_url(i.url) for i in items.values())
    # Existing ids keep their items; new ids start above last_id, never reusing 11-20.
    old = CATALOGUE.items()
    assert all(items[n] == item for n, item in old.items())
    new_ids = sorted(set(items) - set(old))
    assert new_ids == list(range(21, 21 + len(new_ids)))
    assert again.last_id == max([20, *new_ids])
    assert report.placed("new") == len(new_ids)


@settings(max_examples=200, deadline=None)
@given(documents)
def test_import_core_never_crashes(text: str) -> None:
    check(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_import_core_on_arbitrary_unicode(text: str) -> None:
    check(text)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=documents)
def test_import_command_never_shows_a_traceback(run, text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        catalogue = folder / "catalogue.json"
        catalogue.write_bytes((FIXTURES / "catalogue.json").read_bytes())
        before = catalogue.read_bytes()
        document = folder / "doc.md"
        document.write_text(text, encoding="utf-8", errors="surrogatepass")
        result = run("import", str(document), "-t", "t", "--catalog", str(catalogue))
        assert "Traceback" not in result.err
        if result.code == 0:
            assert result.err == ""
            parse_catalogue(json.loads(catalogue.read_text(encoding="utf-8")), source="written")
        else:
            assert result.code == 1, result
            assert result.err.startswith("dltrack: ") and result.err.count("\n") == 1
            assert catalogue.read_bytes() == before
