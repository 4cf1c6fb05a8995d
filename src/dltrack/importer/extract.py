"""Extract reading items from a Markdown, HTML or mixed document, in document order.

The result is a list of ``Section``s, each with the ``FoundItem``s (reading items) found under
it. Headings (``#``, ``<h1>``…``<h6>``) and lines that are nothing but bold text open
sections; links in paragraphs and list items become items. Images, avatars and profile
links, in-page anchors, ``javascript:`` and ``mailto:`` links are skipped, and so is
everything under a platform footer heading ("推荐阅读", "N 条评论", "精选评论", ...).

Some patterns only make sense for some documents, so they are options (``ExtractOptions``),
most of them switchable per section: 《book titles》 without a link, plain-text list items
(topics), list items that open with a bold name ("**Module 1: basics**. ..."), bare URLs.
"""

from __future__ import annotations

import re

from dltrack.importer.addresses import Addresses
from dltrack.importer.found import (
    BOLD_LEVEL,
    BOOK,
    ExtractError,
    Extraction,
    ExtractOptions,
    FoundItem,
    Section,
    SectionFilter,
    Skipped,
    applies,
    drop_linked_books,
)
from dltrack.importer.htmlconv import (
    CHROME_CLOSE,
    CHROME_OPEN,
    COMMENTS_CLOSE,
    COMMENTS_OPEN,
    html_outside_fences,
    looks_like_html,
)
from dltrack.importer.kinds import guess_kind
from dltrack.importer.labels import (
    badge_label,
    find_bare_urls,
    generic_label,
    label_kind,
    part_label,
)
from dltrack.importer.lines import Context, bare_title, bold_only, joins, lead, leading_ordinal
from dltrack.importer.markdown import (
    Block,
    Image,
    Inline,
    Link,
    Text,
    parse_blocks,
    parse_inlines,
    plain_text,
)
from dltrack.importer.ownrepo import OwnRepository
from dltrack.importer.sections import Sections
from dltrack.importer.shares import names_codes, share_code, with_code
from dltrack.importer.skips import (
    DEFAULT_FOOTERS,
    DEFAULT_SKIP_URLS,
    IMAGE,
    LINKED_IMAGE,
    NO_TEXT,
    REPO_META,
    chrome_or_profile,
)
from dltrack.importer.titles import FRONT_MATTER, clean_title, front_matter
from dltrack.importer.unlinked import book_titles, empty_link_names_item, without_notes

__all__ = [
    "BOLD_LEVEL",
    "DEFAULT_FOOTERS",
    "DEFAULT_SKIP_URLS",
    "ExtractError",
    "ExtractOptions",
    "Extraction",
    "FoundItem",
    "Section",
    "SectionFilter",
    "Skipped",
    "clean_title",
    "extract",
    "extract_report",
    "front_matter",
]


_LIST_NUMBER = re.compile(r"^\d{1,3}(?:\.\s+|、\s*)(?=\S\S)")
_DANGLING = re.compile(r"^\[([^\[\]]+)\]$")
_PROSE_END = ("。", "，", ",", "；", ";", "：", ":", "、")
_URL_ONLY = re.compile(r"\s*(https?://|www\.)\S+\s*", re.I)
_SENTENCE = ("，", "。", "；", "！", "？")
# More text than this beside the 《titles》 of a paragraph makes it prose.
_MENTION = 30
# A list item without a link this short names the links in its sub-items.
_NAMES = 40
_MARKER = frozenset({COMMENTS_OPEN, COMMENTS_CLOSE, CHROME_OPEN, CHROME_CLOSE})


class _Extractor(Sections):
    def __init__(self, options: ExtractOptions) -> None:
        super().__init__(options)
        self.check_url = Addresses(options.skip_urls, options.base_url).check
        # The list items above the one being read: (indentation, title its link gave,
        # name: that title, or the item's short text when it has no link).
        self.above: list[tuple[int, str, str]] = []
        self.item_title = ""  # the title the item being read gave, if any
        self.own = OwnRepository("", None)  # the document's repository: set by run
        self.refs: dict[str, str] = {}

    # -- links -----------------------------------------------------------------------------

    def link_items(
        self,
        nodes: list[Inline],
        context: str,
        *,
        bare: bool = False,
        inherit: str = "",
        part_of: str = "",
    ) -> list[FoundItem]:
        """Entries for the links among nodes (and, with bare, URLs written out in the text).

        A link split into adjacent pieces is merged; a link whose text names no title
        ("[pdf]", "链接", a URL, a badge) takes its title from the text around it, or
        from inherit (the title of the item before) when it stands alone; one that
        names a part ("Basic") of part_of (the item a sub-item stands under) is that part.
        """
        found: list[FoundItem] = []
        around = Context(inherit)
        codes = names_codes(context)  # a table of shares with a column of their codes
        # Text since the last link entry; only its first characters matter (joins), so
        # it is kept short: a line of many text runs must not build one long string.
        gap = ""
        for index, node in enumerate(nodes):
            if isinstance(node, Text):
                gap = (gap + node.text[:4])[:4]
                if bare and not node.code and ("://" in node.text or "www." in node.text):
                    self.text_urls(node, context, around, found)
                else:
                    around.text(node.text, bold=node.bold)
                continue
            if isinstance(node, Image):
                self.skip(node.src, node.alt, IMAGE)
                gap = (gap + "\0")[:4]  # an image between two links keeps them apart
                continue
            url, reason = self.check_url(node.href)
            title = plain_text(node.children)
            cleaned = clean_title(title)
            if url is not None and 0 < len(cleaned) <= 40 and (why := chrome_or_profile(cleaned)):
                url, reason = None, why
            if url is not None and self.own.is_meta(url, cleaned):
                url, reason = None, REPO_META
            images = [] if cleaned else [c for c in node.children if isinstance(c, Image)]
            badge = None
            if url is not None and images and around.in_table():
                # A table row's badges ("▶ bilibili", "YouTube views") open its video.
                badge = badge_label([i.src for i in images], images[0].alt, url)
            if (
                url is None
                and not node.href.strip()
                and applies(self.options.books, self.section)
                and empty_link_names_item(cleaned, nodes, index)
            ):
                # "[Bag of Tricks for …]()": a title whose link is still to be filled in
                # names a reading item, as a 《book》 without a link does.
                found.append(FoundItem(cleaned, None, "article", context))
                around.item(cleaned)
                gap = ""
                continue
            if (url is None or not cleaned) and badge is None:
                if url is not None:
                    reason = LINKED_IMAGE if images else NO_TEXT
                # An avatar linked to a profile is named by its alt text, if by anything.
                self.skip(node.href.strip(), title or (images[0].alt if images else ""), reason)
                gap = (gap + title[:4])[:4]
                around.text(title)
                continue
            assert url is not None  # a badge has one; anything else without one went above
            last = found[-1] if found else None
            # Zhihu's editor splits one link into pieces around a styled letter:
            # [S]r[urpassing Human] -> "Surpassing Human" when both pieces share a URL.
            if last is not None and last.url == url and joins(gap):
                merged = clean_title(last.title + gap + title)
                found[-1] = FoundItem(merged, url, guess_kind(merged, url), context)
                gap = ""
                continue
            label = generic_label(cleaned) if badge is None else badge
            kind = None
            # A share's code is no title for it: "[下载](https://pan.baidu.com/…) 提取码: ab12".
            code, after = share_code(url, _after(nodes, index), cell=codes and around.in_table())
            if label is not None:
                given, shared = around.title_for(after)
                if given:
                    named = f"{given} ({label})" if shared and label else given
                    around.item(given)
                    kind = label_kind(label)
                    cleaned = named
                elif badge is not None:  # badges with nothing to name them by: chrome
                    self.skip(node.href.strip(), images[0].alt, LINKED_IMAGE)
                    continue
                else:
                    around.item()
                    if label == "":  # a URL as its own text, and nothing beside it
                        cleaned = bare_title(url)
            elif part_of and part_label(cleaned):
                cleaned = f"{part_of} ({cleaned})"  # "Basic" under the talk it is a part of
                around.item(cleaned)
            else:
                # "1. Title" in the link text: the list's numbering, not the title.
                if cleaned[:1].isdigit():
                    cleaned = _LIST_NUMBER.sub("", cleaned, count=1)
                around.item(cleaned)  # a label after it on its line shares this title
                self.last_titled = self.item_title = cleaned
            guessed = guess_kind(cleaned, url)
            if kind not in ("paper", "repo", "video"):
                kind = guessed
            if code:
                cleaned = with_code(cleaned, code)
            found.append(FoundItem(cleaned, url, kind, context))
            gap = ""
        return found

    def text_urls(self, node: Text, context: str, around: Context, found: list[FoundItem]) -> None:
        """Entries for the URLs written out in text, titled by the label beside them."""
        text, position = node.text, 0
        for start, end, written in find_bare_urls(text):
            around.text(text[position:start], bold=node.bold)
            position = end
            url, reason = self.check_url(written)
            if url is not None and self.own.is_meta(url, ""):
                url, reason = None, REPO_META
            if url is None:
                self.skip(written, bare_title(written), reason)
                continue
            given, shared = around.title_for("", inherit=False)
            if not given or generic_label(given) is not None:
                title, given = bare_title(url), ""
            else:
                # Two addresses under one label: "Label", "Label (2)".
                title = f"{given} ({around.uses + 1})" if shared else given
            around.item(given or None)
            if code := share_code(url, text[end:])[0]:
                title = with_code(title, code)
            found.append(FoundItem(title, url, guess_kind(title, url), context))
        around.text(text[position:], bold=node.bold)

    # -- blocks ----------------------------------------------------------------------------

    def unit(
        self,
        lines: list[str],
        nodes: list[Inline] | None = None,
        *,
        item: bool = False,
        indent: int = 0,
    ) -> None:
        """Read items from one paragraph (part) or list item (nodes: lines parsed)."""
        if nodes is None:
            nodes = parse_inlines("\n".join(lines), self.refs)
        plain = plain_text(nodes)
        context = clean_title(plain)
        section = self.section
        bare = applies(self.options.bare_urls, section)
        part_of = parent = ""
        if item:
            while self.above and self.above[-1][0] >= indent:
                self.above.pop()
            if self.above:
                _, part_of, parent = self.above[-1]
        self.item_title = ""
        # A link that names nothing alone in a sub-item is the item it stands under's
        # ("- PyTorch" over "- [HomePage](…)"), not the last link read before it's.
        inherit = (parent or self.last_titled) if item else ""
        links = self.link_items(nodes, context, bare=bare, inherit=inherit, part_of=part_of)
        if item:
            # An item without a link names its sub-items' generic links by its short text.
            name = self.item_title or (context if not links and len(context) <= _NAMES else "")
            self.above.append((indent, self.item_title, name))
        if links:
            for entry in links:
                self.add(entry)
            return
        if any(isinstance(node, Link) for node in nodes):
            return  # only unusable links (images, profiles, mailto): nothing here
        if applies(self.options.books, section):
            if "《" in plain:  # 《》 in code is a path or a name in a command, no book
                plain = plain_text([n for n in nodes if not (isinstance(n, Text) and n.code)])
            books = book_titles(plain)
            if books and not self.options.books_in_prose and _prose(plain, item=item):
                books = []  # 《Book》 named in a sentence is a mention, not a reading item
            if books:
                for title in books:
                    self.add(FoundItem(title, None, "book", context))
                return
        if applies(self.options.lead_items, section):
            named = lead(nodes)
            if named is not None:
                self.add(FoundItem(named[0], None, "topic", named[1]))
                return
        if applies(self.options.plain_items, section):
            for line in lines:
                title = clean_title(plain_text(parse_inlines(line, self.refs)))
                hint = None
                if dangling := _DANGLING.match(title):
                    # "[Some question?]" with no target: a link the source lost.
                    title, hint = clean_title(dangling.group(1)), "article"
                if 0 < len(title) <= 100 and not line.rstrip().endswith(_PROSE_END):
                    self.add(FoundItem(title, None, hint, title))

    def bare_urls(self, text: str) -> bool:
        found = False
        for _start, _end, written in find_bare_urls(text):
            url, reason = self.check_url(written)
            if url is None:
                self.skip(written, bare_title(written), reason)
            else:
                title = bare_title(url)
                self.add(FoundItem(title, url, guess_kind(title, url), ""))
                found = True
        return found

    def heading(self, block: Block) -> None:
        nodes = parse_inlines(block.lines[0], self.refs)
        title = clean_title(plain_text(nodes))
        links = [n for n in nodes if isinstance(n, Link)]
        rest = clean_title(plain_text([n for n in nodes if not isinstance(n, Link)]))
        if links and not rest:
            named = clean_title(plain_text(links[0].children))
            texts = [link for link in links if plain_text(link.children).strip()]
            alone = texts == links[:1]  # one link with text, the others badges
            first = block.level == 1 and len(self.sections) == 1
            if first and alone and self.own.is_front_page(links[0].href.strip(), named):
                # "# [Awesome X](github.com/me/awesome-x)": the list's title, linking the
                # list's own repository: the document's name, not an item in it.
                self.skip(links[0].href.strip(), named, REPO_META)
                self.open_section(named, block.level)
                return
            # "### [Paper title](url)": a linked heading names an item, not a section.
            for entry in self.link_items(nodes, title):
                self.add(entry)
            return
        if title:
            self.open_section(title, block.level)

    def paragraph(self, block: Block) -> None:
        pending: list[str] = []
        first: list[Inline] = []  # the nodes of pending[0], reused when it stands alone

        def flush() -> None:
            if pending:
                self.unit(pending, first if len(pending) == 1 else None)
            pending.clear()

        for line in block.lines:
            if (marker := line.strip()) in _MARKER:
                flush()
                if marker in (COMMENTS_OPEN, COMMENTS_CLOSE):
                    opening = marker == COMMENTS_OPEN
                    self.comments = self.comments + 1 if opening else max(0, self.comments - 1)
                else:
                    opening = marker == CHROME_OPEN
                    self.chrome = self.chrome + 1 if opening else max(0, self.chrome - 1)
                continue
            nodes = parse_inlines(line, self.refs)
            text = clean_title(plain_text(nodes))
            if bold_only(nodes) or (text and text in self.options.heading_lines):
                flush()
                self.open_section(text, BOLD_LEVEL)
                continue
            ordinal = leading_ordinal(nodes) if self.options.numbered_sections else None
            if ordinal is not None:
                flush()
                self.open_section(ordinal, BOLD_LEVEL)
            if not pending:
                first = nodes
            pending.append(line)
        flush()

    def run(self, text: str) -> list[Section]:
        blocks, self.refs = parse_blocks(text)
        self.own = OwnRepository(text, self.options.base_url)
        for block in blocks:
            if block.kind == "heading":
                self.heading(block)
            elif block.kind == "code":
                # Addresses in code are examples or commands ("git clone URL"); a line
                # that is nothing but an address is a list of them.
                if applies(self.options.code_urls, self.section):
                    self.bare_urls("\n".join(block.lines))
                elif applies(self.options.bare_urls, self.section):
                    self.bare_urls("\n".join(x for x in block.lines if _URL_ONLY.fullmatch(x)))
            elif block.kind == "item" and not _MARKER.intersection(block.lines):
                if block.lines:
                    self.unit(block.lines, item=True, indent=block.level)
                continue
            else:
                self.paragraph(block)
            self.above.clear()  # a list item is a part only of an item of its own list
        return self.sections


def _after(nodes: list[Inline], index: int) -> str:
    """The text right after nodes[index], if a text run follows it."""
    following = nodes[index + 1] if index + 1 < len(nodes) else None
    return following.text if isinstance(following, Text) else ""


def _prose(text: str, *, item: bool) -> bool:
    """True for a sentence rather than a title with a note ("《书名》 作者, 出版社")."""
    rest = BOOK.sub("", text).strip()
    if item:
        rest = without_notes(rest)  # "《书名》（第二版，作者某某）": a note in brackets
    return any(mark in rest for mark in _SENTENCE) or (not item and len(rest) > _MENTION)


def extract(text: str, options: ExtractOptions | None = None) -> list[Section]:
    """Sections with their reading items, in document order.

    The first section has the empty title and level 0: it holds what comes before the
    first heading. Raises ExtractError only for input that is not text (e.g. contains NUL).
    """
    return extract_report(text, options).sections


def extract_report(text: str, options: ExtractOptions | None = None) -> Extraction:
    """Like extract, and also every link left out with the reason (image, anchor, ...)."""
    if not isinstance(text, str):
        raise ExtractError(f"expected text, got {type(text).__name__}")
    if "\x00" in text:
        raise ExtractError("the document contains NUL characters: binary data, not text")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if match := FRONT_MATTER.match(text):
        text = text[match.end() :]
    if looks_like_html(text):
        text = html_outside_fences(text)
    extractor = _Extractor(options or ExtractOptions())
    sections = extractor.run(text)
    if extractor.options.books:
        drop_linked_books(sections, extractor.skipped)
    return Extraction(sections, extractor.skipped)
