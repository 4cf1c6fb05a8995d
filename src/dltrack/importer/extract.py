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
from dataclasses import dataclass, field
from urllib.parse import urljoin

from dltrack.importer.htmlconv import (
    COMMENTS_CLOSE,
    COMMENTS_OPEN,
    html_to_markdown,
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
from dltrack.importer.urls import canonical, clean, host_of

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

# Level given to sections opened by a bold line (or a configured heading line): below
# every real heading, so a bold line never closes a heading's footer skip early.
BOLD_LEVEL = 7

# True: every section; False: none; a set of titles: only the sections with those titles.
SectionFilter = bool | frozenset[str]

# Section titles (matched whole, case-insensitive) that start platform chrome: the
# platform's recommendations, column lists, comment threads, share bars.
DEFAULT_FOOTERS: tuple[str, ...] = (
    r"推荐阅读",
    r"相关推荐",
    r"猜你喜欢",
    r"热门推荐",
    r"文章被以下专栏收录",
    r"\d*\s*条评论",
    r"(精选|热门|全部|最新)?(评论|留言)(区)?",
    r"写下你的评论.*",
    r"分享(到)?",
    r"(related|recommended) (posts|articles|reading|stories)",
    r"comments?",
    r"\d+\s+comments?",
    r"(\d+|one|two|three)\s+(responses?|replies|thoughts?)( (to|on) .*)?",
    r"(发表|网友|用户|读者)(评论|留言)",
    r"leave a (reply|comment)",
    r"share( this)?( post| article)?:?",
)

# Why a link is left out; shown to curators by `dltrack import --dry-run`.
IMAGE = "image"
LINKED_IMAGE = "linked image without text"
AVATAR = "avatar"
PROFILE = "profile or column page"
SHARE = "share button"
ANCHOR = "in-page anchor"
RELATIVE = "relative link (no base URL)"
NOT_WEB = "not a web address"
NO_TEXT = "link without text"
DUPLICATE = "duplicate in this section"
COMMENTS = "comment thread"
FOOTER = "page footer"
SKIP_RULE = "skip rule"

# Links that are never reading items: images, avatars, author and column pages, sharing.
_SKIP_RULES: tuple[tuple[str, str], ...] = (
    (r"\.(png|jpe?g|gif|svg|webp|bmp|ico|tiff?)([?#]|$)", IMAGE),
    (r"^https?://pic\d*\.zhimg\.com/", IMAGE),
    (r"^https?://[^/]*\.(qpic|qlogo)\.cn/", IMAGE),
    (r"^https?://(www\.)?gravatar\.com/avatar", AVATAR),
    (r"^https?://avatars\d*\.githubusercontent\.com/", AVATAR),
    (r"^https?://(www\.)?zhihu\.com/(people|org)/", PROFILE),
    (r"^https?://zhuanlan\.zhihu\.com/(c_\d+|[\w-]+/?$)", PROFILE),
    (r"^https?://(www\.)?zhihu\.com/column/", PROFILE),
    (r"^https?://(www\.)?jianshu\.com/u/", PROFILE),
    (r"^https?://juejin\.(cn|im)/user/", PROFILE),
    (r"^https?://space\.bilibili\.com/", PROFILE),
    (r"^https?://(www\.)?weibo\.com/u/", PROFILE),
    (r"^https?://(my|me)\.csdn\.net/", PROFILE),
    (r"^https?://service\.weibo\.com/share", SHARE),
    (r"^https?://connect\.qq\.com/widget/share", SHARE),
    (r"^https?://sns\.qzone\.qq\.com/", SHARE),
    (r"^https?://(www\.)?(twitter|x)\.com/(intent|share)", SHARE),
    (r"^https?://(www\.)?facebook\.com/shar", SHARE),
    (r"^https?://(www\.)?linkedin\.com/share", SHARE),
    (r"^https?://(www\.)?reddit\.com/submit", SHARE),
)
DEFAULT_SKIP_URLS: tuple[str, ...] = tuple(pattern for pattern, _ in _SKIP_RULES)
_SKIP_REASONS = dict(_SKIP_RULES)

# A footer title that names a comment thread rather than other platform chrome.
_COMMENT_TITLE = re.compile(r"评论|留言|comment|repl(y|ies)|responses?|thoughts? on", re.I)


class ExtractError(ValueError):
    """The input cannot be read as a text document at all (e.g. it is binary data)."""


@dataclass(frozen=True)
class FoundItem:
    """One reading item found in a document.

    ``url`` is cleaned (redirectors unwrapped, tracking removed) or None for items named
    without a link (books, topics). ``kind_hint`` is one of dltrack's kinds or None.
    ``context`` is the plain text of the block the entry came from, for curators who need
    to check it; it is prose, so callers must not store it.
    """

    title: str
    url: str | None
    kind_hint: str | None = None
    context: str = ""


@dataclass(frozen=True)
class Skipped:
    """A link the extractor left out, and why (``reason`` is one of the constants above).

    ``section`` is the title of the section (or footer) it stood under; ``url`` is the
    link as written (None for a duplicate item without a link).
    """

    url: str | None
    title: str
    reason: str
    section: str = ""


@dataclass
class Section:
    """A heading (or bold line) and the items under it, in document order."""

    title: str
    level: int
    items: list[FoundItem] = field(default_factory=list)


@dataclass(frozen=True)
class ExtractOptions:
    """What to read as items besides links, and what to leave out."""

    books: SectionFilter = False  # 《title》 with no link in its block -> url-less book entry
    plain_items: SectionFilter = False  # a short link-less line or list item -> url-less entry
    lead_items: SectionFilter = False  # "**Name**. description" with no link -> entry "Name"
    bare_urls: SectionFilter = False  # https://... written out (also in code blocks)
    numbered_sections: bool = False  # a paragraph opening with bold "3." opens section "3."
    heading_lines: frozenset[str] = frozenset()  # plain lines to read as section headings
    footers: tuple[str, ...] = DEFAULT_FOOTERS
    skip_urls: tuple[str, ...] = DEFAULT_SKIP_URLS
    base_url: str | None = None  # resolves relative links; without it they are skipped
    dedupe: bool = True  # one entry per URL (or url-less title) within a section


@dataclass
class Extraction:
    """Everything extract_report found: the sections, and the links it left out."""

    sections: list[Section]
    skipped: list[Skipped]


_FRONT_MATTER = re.compile(r"\A\s*---[ \t]*\n(.*?)\n---[ \t]*(\n|\Z)", re.S)
_INVISIBLE = re.compile(r"[\u200b-\u200f\u2060\ufeff]")
_SPACE = re.compile(r"[\s\u00a0\u3000]+")
_SITE_SUFFIX = re.compile(
    r"\s*[-_|–—]\s*(知乎专栏|知乎|CSDN博客|CSDN|简书|博客园|掘金|哔哩哔哩|bilibili|"
    r"GitHub|Medium|YouTube|微信公众平台)\s*$",
    re.I,
)
_TRAILING = re.compile(r"[\s:：>»›→|·•~～\-–—=]+$")
_LEADING = re.compile(r"^[\s•·▪►▶→>\-–—*=|]+")
_BOOK = re.compile(r"《([^《》\n]{1,100})》")
_ORDINAL = re.compile(r"^\s*(\d{1,3})\s*[.、．:：)）]?\s*$")
_BARE_URL = re.compile(r"https?://[^\s<>\"'`，。；：、）（【】《》「」\u3000]+", re.I)
_DANGLING = re.compile(r"^\[([^\[\]]+)\]$")
_PROSE_END = ("。", "，", ",", "；", ";", "：", ":", "、")
_SCHEMELESS_SKIP = ("javascript:", "mailto:", "tel:", "data:", "about:", "file:", "sms:")
_CODE_HOSTS = ("github.com", "gitlab.com", "gitee.com", "bitbucket.org")
_MARKER = frozenset({COMMENTS_OPEN, COMMENTS_CLOSE})


def clean_title(text: str) -> str:
    """A title as the source wrote it, minus surrounding whitespace and decoration."""
    title = _INVISIBLE.sub("", text)
    title = _SPACE.sub(" ", title).strip()
    title = _SITE_SUFFIX.sub("", title)
    title = _TRAILING.sub("", title)
    return _LEADING.sub("", title).strip()


def front_matter(text: str) -> dict[str, str]:
    """The simple 'key: value' fields of a leading YAML front-matter block, if any."""
    match = _FRONT_MATTER.match(text.replace("\r\n", "\n"))
    if not match:
        return {}
    fields: dict[str, str] = {}
    for line in match.group(1).split("\n"):
        key, sep, value = line.partition(":")
        if not sep or not key.strip() or key.startswith((" ", "\t", "-")):
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        fields[key.strip()] = value
    return fields


def _applies(option: SectionFilter, section: Section) -> bool:
    if isinstance(option, bool):
        return option
    return section.title in option


def _bare_title(url: str) -> str:
    """A readable title for a link written out as a bare URL."""
    host = host_of(url)
    rest = re.sub(r"^[a-z]+://[^/]+", "", url, flags=re.I).strip("/")
    if host.removeprefix("www.") in _CODE_HOSTS and rest:
        return rest  # owner/repo
    return (host.removeprefix("www.") + ("/" + rest if rest else "")) or url


class _Extractor:
    def __init__(self, options: ExtractOptions) -> None:
        self.options = options
        self.footers = [re.compile(p, re.I) for p in options.footers]
        self.skips = [
            (re.compile(p, re.I), _SKIP_REASONS.get(p, SKIP_RULE)) for p in options.skip_urls
        ]
        self.section = Section("", 0)
        self.sections = [self.section]
        self.skip_level: int | None = None
        self.footer = ""  # title of the footer being skipped
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
            self.footer = title
            return
        self.section = Section(title, level)
        self.sections.append(self.section)
        self.seen = set()

    def skip(self, url: str | None, title: str, reason: str) -> None:
        """Record a link left out; inside a footer, the footer is the reason."""
        if self.comments:
            reason, where = COMMENTS, ""
        elif self.skip_level is not None:
            reason = COMMENTS if _COMMENT_TITLE.search(self.footer) else FOOTER
            where = self.footer
        else:
            where = self.section.title
        self.skipped.append(Skipped(url, clean_title(title), reason, where))

    def add(self, entry: FoundItem) -> None:
        if not entry.title:
            return
        if self.comments or self.skip_level is not None:
            self.skip(entry.url, entry.title, FOOTER)
            return
        if self.options.dedupe:
            key = canonical(entry.url) if entry.url else "\0" + entry.title.casefold()
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
        elif not re.match(r"^[a-z][a-z0-9+.-]*:", href, re.I):
            if not self.options.base_url:
                return None, RELATIVE  # a relative link means nothing without the page's address
            href = urljoin(self.options.base_url, href)
        url = clean(href)
        if not url.lower().startswith(("http://", "https://")) or not host_of(url):
            return None, NOT_WEB
        if re.search(r"\s", url):
            return None, NOT_WEB
        for pattern, reason in self.skips:
            if pattern.search(url):
                return None, reason
        return url, ""

    def link_items(self, nodes: list[Inline], context: str) -> list[FoundItem]:
        """Entries for the links among nodes, merging a link split into adjacent pieces."""
        found: list[FoundItem] = []
        gap = ""  # text since the last link entry
        for node in nodes:
            if isinstance(node, Text):
                gap += node.text
                continue
            if isinstance(node, Image):
                self.skip(node.src, node.alt, IMAGE)
                gap += "\0"  # an image between two links keeps them apart
                continue
            url, reason = self.check_url(node.href)
            title = plain_text(node.children)
            if url is None or not clean_title(title):
                images = [c for c in node.children if isinstance(c, Image)]
                if url is not None:
                    reason = LINKED_IMAGE if images else NO_TEXT
                # An avatar linked to a profile is named by its alt text, if by anything.
                self.skip(node.href.strip(), title or (images[0].alt if images else ""), reason)
                gap += plain_text(node.children)
                continue
            last = found[-1] if found else None
            # Zhihu's editor splits one link into pieces around a styled letter:
            # [S]r[urpassing Human] -> "Surpassing Human" when both pieces share a URL.
            if last is not None and last.url == url and _joins(gap):
                merged = clean_title(last.title + gap + title)
                found[-1] = FoundItem(merged, url, guess_kind(merged, url), context)
                gap = ""
                continue
            title = clean_title(title)
            found.append(FoundItem(title, url, guess_kind(title, url), context))
            gap = ""
        return found

    # -- blocks ----------------------------------------------------------------------------

    def unit(self, lines: list[str]) -> None:
        """Read items from one paragraph (part) or list item."""
        text = "\n".join(lines)
        nodes = parse_inlines(text, self.refs)
        context = clean_title(plain_text(nodes))
        links = self.link_items(nodes, context)
        if links:
            for entry in links:
                self.add(entry)
            return
        if any(isinstance(node, Link) for node in nodes):
            return  # only unusable links (images, profiles, mailto): nothing here
        section = self.section
        if _applies(self.options.bare_urls, section) and self.bare_urls(plain_text(nodes)):
            return
        if _applies(self.options.books, section):
            books = [clean_title(m.group(1)) for m in _BOOK.finditer(plain_text(nodes))]
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
        for line in block.lines:
            if line.strip() in (COMMENTS_OPEN, COMMENTS_CLOSE):
                if pending:
                    self.unit(pending)
                pending = []
                opening = line.strip() == COMMENTS_OPEN
                self.comments = self.comments + 1 if opening else max(0, self.comments - 1)
                continue
            nodes = parse_inlines(line, self.refs)
            text = clean_title(plain_text(nodes))
            if _bold_only(nodes) or (text and text in self.options.heading_lines):
                if pending:
                    self.unit(pending)
                pending = []
                self.open_section(text, BOLD_LEVEL)
                continue
            ordinal = _leading_ordinal(nodes) if self.options.numbered_sections else None
            if ordinal is not None:
                if pending:
                    self.unit(pending)
                pending = []
                self.open_section(ordinal, BOLD_LEVEL)
            pending.append(line)
        if pending:
            self.unit(pending)

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
    if match := _FRONT_MATTER.match(text):
        text = text[match.end() :]
    if looks_like_html(text):
        text = _html_outside_fences(text)
    extractor = _Extractor(options or ExtractOptions())
    return Extraction(extractor.run(text), extractor.skipped)


def _html_outside_fences(text: str) -> str:
    """Convert HTML to Markdown everywhere except inside fenced code blocks."""
    parts: list[str] = []
    chunk: list[str] = []
    fence: str | None = None
    for line in text.split("\n"):
        stripped = line.strip()
        opener = re.match(r"^(`{3,}|~{3,})", stripped)
        if fence is None and opener:
            parts.append(html_to_markdown("\n".join(chunk)))
            chunk = [line]
            fence = opener.group(1)
            continue
        chunk.append(line)
        if fence is not None and stripped.startswith(fence) and not stripped.strip(fence[0]):
            parts.append("\n".join(chunk))
            chunk = []
            fence = None
    if chunk:
        parts.append(html_to_markdown("\n".join(chunk)) if fence is None else "\n".join(chunk))
    return "\n".join(parts)
