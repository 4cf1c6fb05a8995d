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
from urllib.parse import urljoin

from dltrack.importer.found import (
    BOLD_LEVEL,
    ExtractError,
    Extraction,
    ExtractOptions,
    FoundItem,
    Section,
    SectionFilter,
    Skipped,
)
from dltrack.importer.htmlconv import (
    COMMENTS_CLOSE,
    COMMENTS_OPEN,
    html_outside_fences,
    looks_like_html,
)
from dltrack.importer.kinds import guess_kind
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
from dltrack.importer.skips import (
    ANCHOR,
    COMMENT_TITLE,
    COMMENTS,
    DEFAULT_FOOTERS,
    DEFAULT_SKIP_URLS,
    DUPLICATE,
    FOOTER,
    IMAGE,
    LINKED_IMAGE,
    NO_TEXT,
    NOT_WEB,
    RELATIVE,
    SKIP_REASONS,
    SKIP_RULE,
    default_rule_may_match,
)
from dltrack.importer.titles import FRONT_MATTER, clean_title, front_matter
from dltrack.importer.urls import clean, host_of

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


_BOOK = re.compile(r"《([^《》\n]{1,100})》")
_ORDINAL = re.compile(r"^\s*(\d{1,3})\s*[.、．:：)）]?\s*$")
_BARE_URL = re.compile(r"https?://[^\s<>\"'`，。；：、）（【】《》「」\u3000]+", re.I)
_DANGLING = re.compile(r"^\[([^\[\]]+)\]$")
_PROSE_END = ("。", "，", ",", "；", ";", "：", ":", "、")
_SCHEMELESS_SKIP = ("javascript:", "mailto:", "tel:", "data:", "about:", "file:", "sms:")
_CODE_HOSTS = ("github.com", "gitlab.com", "gitee.com", "bitbucket.org")
_MARKER = frozenset({COMMENTS_OPEN, COMMENTS_CLOSE})
_HOST_PART = re.compile(r"^[a-z]+://[^/]+", re.I)
_HAS_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)
_SPACE = re.compile(r"\s")


# How much of a section's title names it in the report of what was skipped: every
# skipped link repeats it, so a heading of 100,000 characters would otherwise turn a
# small document into a report of gigabytes.
_LABEL_LENGTH = 120


def _label(title: str) -> str:
    return title if len(title) <= _LABEL_LENGTH else title[: _LABEL_LENGTH - 1] + "…"


def _applies(option: SectionFilter, section: Section) -> bool:
    if isinstance(option, bool):
        return option
    return section.title in option


def _bare_title(url: str) -> str:
    """A readable title for a link written out as a bare URL."""
    host = host_of(url)
    rest = _HOST_PART.sub("", url).strip("/")
    if host.removeprefix("www.") in _CODE_HOSTS and rest:
        return rest  # owner/repo
    return (host.removeprefix("www.") + ("/" + rest if rest else "")) or url


class _Extractor:
    def __init__(self, options: ExtractOptions) -> None:
        self.options = options
        self.footers = [re.compile(p, re.I) for p in options.footers]
        self.skips = [
            (re.compile(p, re.I), SKIP_REASONS.get(p, SKIP_RULE)) for p in options.skip_urls
        ]
        # With the default rules first, a URL none of them matches needs only the others.
        defaults = options.skip_urls[: len(DEFAULT_SKIP_URLS)] == DEFAULT_SKIP_URLS
        self.extra_skips = self.skips[len(DEFAULT_SKIP_URLS) :] if defaults else None
        self.section = Section("", 0)
        self.sections = [self.section]
        self.skip_level: int | None = None
        self.footer = ""  # title of the footer being skipped
        self.footer_reason = FOOTER  # why links in it are left out
        self.comments = 0  # depth of comment-thread containers (marked by htmlconv)
        self.seen: set[str] = set()
        self.refs: dict[str, str] = {}
        self.skipped: list[Skipped] = []

    # -- sections --------------------------------------------------------------------------

    def is_footer(self, title: str) -> bool:
        return any(p.fullmatch(title) for p in self.footers)

    def open_section(self, title: str, level: int) -> None:
        if self.comments:
            return  # a heading inside a comment thread is part of the thread
        footer = self.is_footer(title)
        if self.skip_level is not None:
            if footer or level > self.skip_level:
                return  # still inside the footer
            self.skip_level = None
        if footer:
            self.skip_level = level
            self.footer = _label(title)
            # Once per footer, not once per link under it: the title may be long.
            self.footer_reason = COMMENTS if COMMENT_TITLE.search(title) else FOOTER
            return
        self.section = Section(title, level)
        self.sections.append(self.section)
        self.seen = set()

    def skip(self, url: str | None, title: str, reason: str) -> None:
        """Record a link left out; inside a footer, the footer is the reason."""
        if self.comments:
            reason, where = COMMENTS, ""
        elif self.skip_level is not None:
            reason, where = self.footer_reason, self.footer
        else:
            where = _label(self.section.title)
        self.skipped.append(Skipped(url, clean_title(title), reason, where))

    def add(self, entry: FoundItem) -> None:
        if not entry.title:
            return
        if self.comments or self.skip_level is not None:
            self.skip(entry.url, entry.title, FOOTER)
            return
        if self.options.dedupe:
            key = entry.canonical_url
            if key is None:  # no link: the title names it
                key = "\0" + entry.title.casefold()
            if key in self.seen:
                self.skip(entry.url, entry.title, DUPLICATE)
                return
            self.seen.add(key)
        self.section.items.append(entry)

    # -- links -----------------------------------------------------------------------------

    def usable_url(self, href: str) -> str | None:
        """The cleaned URL of a link worth keeping, or None."""
        return self.check_url(href)[0]

    def check_url(self, href: str) -> tuple[str | None, str]:
        """(cleaned URL, "") for a link worth keeping, else (None, why it is left out)."""
        href = href.strip()
        if not href:
            return None, NOT_WEB
        if href.startswith("#"):
            return None, ANCHOR
        if href.lower().startswith(_SCHEMELESS_SKIP):
            return None, href.split(":", 1)[0].lower() + ": link"
        if href.startswith("//"):
            href = "https:" + href
        elif not _HAS_SCHEME.match(href):
            if not self.options.base_url:
                return None, RELATIVE  # a relative link means nothing without the page's address
            href = urljoin(self.options.base_url, href)
        url = clean(href)
        if not url.lower().startswith(("http://", "https://")) or not host_of(url):
            return None, NOT_WEB
        if _SPACE.search(url):
            return None, NOT_WEB
        skips = self.skips
        if self.extra_skips is not None and not default_rule_may_match(url):
            skips = self.extra_skips
        for pattern, reason in skips:
            if pattern.search(url):
                return None, reason
        return url, ""

    def link_items(self, nodes: list[Inline], context: str) -> list[FoundItem]:
        """Entries for the links among nodes, merging a link split into adjacent pieces."""
        found: list[FoundItem] = []
        # Text since the last link entry; only its first characters matter (_joins), so
        # it is kept short: a line of many text runs must not build one long string.
        gap = ""
        for node in nodes:
            if isinstance(node, Text):
                gap = (gap + node.text[:4])[:4]
                continue
            if isinstance(node, Image):
                self.skip(node.src, node.alt, IMAGE)
                gap = (gap + "\0")[:4]  # an image between two links keeps them apart
                continue
            url, reason = self.check_url(node.href)
            title = plain_text(node.children)
            cleaned = clean_title(title)
            if url is None or not cleaned:
                images = [c for c in node.children if isinstance(c, Image)]
                if url is not None:
                    reason = LINKED_IMAGE if images else NO_TEXT
                # An avatar linked to a profile is named by its alt text, if by anything.
                self.skip(node.href.strip(), title or (images[0].alt if images else ""), reason)
                gap = (gap + title[:4])[:4]
                continue
            last = found[-1] if found else None
            # Zhihu's editor splits one link into pieces around a styled letter:
            # [S]r[urpassing Human] -> "Surpassing Human" when both pieces share a URL.
            if last is not None and last.url == url and _joins(gap):
                merged = clean_title(last.title + gap + title)
                found[-1] = FoundItem(merged, url, guess_kind(merged, url), context)
                gap = ""
                continue
            found.append(FoundItem(cleaned, url, guess_kind(cleaned, url), context))
            gap = ""
        return found

    # -- blocks ----------------------------------------------------------------------------

    def unit(self, lines: list[str], nodes: list[Inline] | None = None) -> None:
        """Read items from one paragraph (part) or list item (nodes: lines parsed)."""
        if nodes is None:
            nodes = parse_inlines("\n".join(lines), self.refs)
        plain = plain_text(nodes)
        context = clean_title(plain)
        links = self.link_items(nodes, context)
        if links:
            for entry in links:
                self.add(entry)
            return
        if any(isinstance(node, Link) for node in nodes):
            return  # only unusable links (images, profiles, mailto): nothing here
        section = self.section
        if _applies(self.options.bare_urls, section) and self.bare_urls(plain):
            return
        if _applies(self.options.books, section):
            books = [clean_title(m.group(1)) for m in _BOOK.finditer(plain)]
            if books:
                for title in books:
                    self.add(FoundItem(title, None, "book", context))
                return
        if _applies(self.options.lead_items, section):
            lead = _lead(nodes)
            if lead is not None:
                self.add(FoundItem(lead[0], None, "topic", lead[1]))
                return
        if _applies(self.options.plain_items, section):
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
        for match in _BARE_URL.finditer(text):
            written = match.group(0).rstrip(".,;:!?)]}'\"")
            url, reason = self.check_url(written)
            if url is None:
                self.skip(written, _bare_title(written), reason)
            else:
                title = _bare_title(url)
                self.add(FoundItem(title, url, guess_kind(title, url), ""))
                found = True
        return found

    def heading(self, block: Block) -> None:
        nodes = parse_inlines(block.lines[0], self.refs)
        title = clean_title(plain_text(nodes))
        links = [n for n in nodes if isinstance(n, Link)]
        rest = clean_title(plain_text([n for n in nodes if not isinstance(n, Link)]))
        if links and not rest:
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
            if line.strip() in (COMMENTS_OPEN, COMMENTS_CLOSE):
                flush()
                opening = line.strip() == COMMENTS_OPEN
                self.comments = self.comments + 1 if opening else max(0, self.comments - 1)
                continue
            nodes = parse_inlines(line, self.refs)
            text = clean_title(plain_text(nodes))
            if _bold_only(nodes) or (text and text in self.options.heading_lines):
                flush()
                self.open_section(text, BOLD_LEVEL)
                continue
            ordinal = _leading_ordinal(nodes) if self.options.numbered_sections else None
            if ordinal is not None:
                flush()
                self.open_section(ordinal, BOLD_LEVEL)
            if not pending:
                first = nodes
            pending.append(line)
        flush()

    def run(self, text: str) -> list[Section]:
        blocks, self.refs = parse_blocks(text)
        for block in blocks:
            if block.kind == "heading":
                self.heading(block)
            elif block.kind == "code":
                if _applies(self.options.bare_urls, self.section):
                    self.bare_urls("\n".join(block.lines))
            elif block.kind == "item" and not _MARKER.intersection(block.lines):
                if block.lines:
                    self.unit(block.lines)
            else:
                self.paragraph(block)
        return self.sections


def _joins(gap: str) -> bool:
    """True when the text between two same-URL links is short enough to be one word."""
    return len(gap) <= 3 and "\0" not in gap and not any(c.isspace() for c in gap)


def _bold_only(nodes: list[Inline]) -> bool:
    """True for a line that is nothing but bold text (no links, no images)."""
    seen_bold = False
    for node in nodes:
        if not isinstance(node, Text):
            return False
        if node.text.strip():
            if not node.bold:
                return False
            seen_bold = True
    return seen_bold and bool(clean_title(plain_text(nodes)))


def _leading_ordinal(nodes: list[Inline]) -> str | None:
    """'3.' when a line opens with a bold ordinal such as **3.** or <b>3. </b>."""
    for node in nodes:
        if isinstance(node, Text) and not node.text.strip():
            continue
        if isinstance(node, Text) and node.bold and (m := _ORDINAL.match(node.text)):
            return m.group(0).strip()
        return None
    return None


def _lead(nodes: list[Inline]) -> tuple[str, str] | None:
    """(name, rest) for '**Name**. rest of the text', else None."""
    head: Text | None = None
    for index, node in enumerate(nodes):
        if isinstance(node, Text) and not node.text.strip():
            continue
        if isinstance(node, Text) and node.bold:
            head = node
            rest = clean_title(plain_text(nodes[index + 1 :]))
            name = clean_title(head.text).rstrip("。.")
            if name and rest:
                return name, rest
        return None
    return None


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
    return Extraction(extractor.run(text), extractor.skipped)
