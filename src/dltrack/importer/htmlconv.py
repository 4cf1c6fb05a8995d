"""Turn the HTML parts of a document into Markdown, leaving its Markdown parts alone.

Reading lists copied from the web mix both: a Zhihu answer is HTML inside a Markdown file
with YAML front matter, a course page is HTML followed by a Markdown comment section. Rather
than two extractors, the HTML is rewritten into the Markdown the rest of the importer reads:
``<h3>`` becomes ``###``, ``<strong>`` becomes ``**``, ``<a href>`` becomes ``[text](<href>)``,
``<li>`` becomes ``- ``. Text that came from inside HTML elements is backslash-escaped, so
that a ``*`` or ``#`` in it is never mistaken for Markdown syntax.
"""

from __future__ import annotations

import re
from collections import Counter

from dltrack.importer.htmlscan import Attrs, NotHtml, tokenize
from dltrack.importer.htmltags import (
    BLOCKS,
    BOLD,
    CHROME_ROLES,
    COMMENT_CONTAINER,
    HEADINGS,
    ITEMS,
    KNOWN,
    SECTIONING,
    SKIP,
    VOID,
)

__all__ = [
    "CHROME_CLOSE",
    "CHROME_OPEN",
    "COMMENTS_CLOSE",
    "COMMENTS_OPEN",
    "html_outside_fences",
    "html_to_markdown",
    "looks_like_html",
]

# Lines written around an element that holds a comment thread (class="comments",
# id="disqus_thread", ...), so that the extractor skips the links in it. Private-use
# characters keep them from ever matching a page's own text.
COMMENTS_OPEN = "\ue000comments\ue000"
COMMENTS_CLOSE = "\ue001comments\ue001"
# The same around page chrome: the site's banner, menus and footer (htmltags).
CHROME_OPEN = "\ue000chrome\ue000"
CHROME_CLOSE = "\ue001chrome\ue001"

# Recognising an HTML tag at all: a known element name after '<' or '</'.
_TAG_HINT = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)[\s/>]")
# Every ASCII punctuation character, backslash-escaped (a translation table: one pass
# in C, where a regex substitution expands a template per character).
_ESCAPES = str.maketrans({c: "\\" + c for c in map(chr, range(0x21, 0x7F)) if not c.isalnum()})
_SPACES = re.compile(r"[ \t\r\n\f\v]+")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_FENCE_LINE = re.compile(r"^(`{3,}|~{3,})")
# The start of a Markdown ATX heading line ("## "), written around the HTML.
_ATX_START = re.compile(r"[ ]{0,3}#{1,6}(?:[ \t]|$)")
# Links nested deeper than this keep their text but not their address: the Markdown
# reader reads no deeper, and each level would copy the whole text inside it again.
_MAX_OPEN_LINKS = 8


def looks_like_html(text: str) -> bool:
    """True when text contains at least one tag of a known HTML element."""
    return any(m.group(1).lower() in KNOWN for m in _TAG_HINT.finditer(text))


def _escape(text: str) -> str:
    return text.translate(_ESCAPES)


def _href(value: str) -> str:
    # Angle-bracket destinations may hold anything but '<', '>' and line breaks.
    return (
        value.strip()
        .replace("<", "%3C")
        .replace(">", "%3E")
        .replace("\n", "")
        .replace("\r", "")
        .replace(" ", "%20")
    )


class _Converter:
    """Markdown out of the tokens of an HTML document (htmlscan's Tokens)."""

    def __init__(self) -> None:
        self.out: list[str] = []
        # Indices of the pieces of out that hold more than whitespace, ascending: "is
        # there text after this bold marker" is then one comparison, not a scan back.
        self.texts: list[int] = []
        self.stack: list[str] = []
        self.open = Counter[str]()  # how many of each tag the stack holds
        self.skip = 0
        self.pre = 0
        self.heading = 0
        # On a Markdown table row ("| a | b |") written around the HTML: a line break
        # there would split the row, so <br> in a cell is a space.
        self.row = False
        # On a Markdown heading line ("## <div id=x></div>Title"): a block element
        # there is an anchor, and a line break would cut the heading from its title.
        self.md_heading = False
        self.items = 0
        # Open links: (href, index in self.out where the link text starts).
        self.links: list[tuple[str | None, int]] = []
        self.deep_links = 0  # open links beyond _MAX_OPEN_LINKS, innermost
        # Open bold runs: index in self.out of their opening "**".
        self.bold: list[int] = []
        # Stack depth of the open comment-thread element, if any.
        self.comments_at: int | None = None
        # Stack depth of the open page-chrome element, if any.
        self.chrome_at: int | None = None

    # -- helpers -------------------------------------------------------------------------

    def emit(self, text: str) -> None:
        if text and not text.isspace():
            self.texts.append(len(self.out))
        self.out.append(text)

    def truncate(self, start: int) -> None:
        """Drop the pieces from index start on."""
        del self.out[start:]
        while self.texts and self.texts[-1] >= start:
            self.texts.pop()

    def push(self, tag: str) -> None:
        self.stack.append(tag)
        self.open[tag] += 1

    def pop(self) -> str:
        tag = self.stack.pop()
        self.open[tag] -= 1
        return tag

    def block_break(self) -> None:
        # Inside a link or a heading, block structure would break the Markdown construct
        # being built (a link text, a one-line heading): a space keeps words apart instead.
        if self.links or self.heading or self.md_heading:
            self.emit(" ")
        elif self.items:
            self.emit("\n")
        else:
            self.emit("\n\n")

    def close_to(self, tag: str) -> None:
        """Close every element up to and including the innermost open `tag`."""
        stack, open_ = self.stack, self.open
        while stack:
            top = stack.pop()  # self.pop(), inline: an end tag's most frequent step
            open_[top] -= 1
            self.finish(top)
            if top == tag:
                break

    def close_all(self) -> None:
        while self.stack:
            self.finish(self.pop())

    def finish(self, tag: str) -> None:
        """Emit what ends one element."""
        self.finish_element(tag)
        if self.comments_at is not None and len(self.stack) <= self.comments_at:
            self.comments_at = None
            self.emit("\n\n" + COMMENTS_CLOSE + "\n\n")
        if self.chrome_at is not None and len(self.stack) <= self.chrome_at:
            self.chrome_at = None
            self.emit("\n\n" + CHROME_CLOSE + "\n\n")

    def finish_element(self, tag: str) -> None:
        if tag in HEADINGS:
            self.heading = max(0, self.heading - 1)
            self.emit(" " if self.links or self.heading else "\n\n")
        elif tag in ITEMS:
            self.items = max(0, self.items - 1)
            self.emit(" " if self.links or self.heading else "\n")
        elif tag in BLOCKS:
            self.block_break()
        elif tag in BOLD and self.bold:
            start = self.bold.pop()
            if start >= len(self.out) or self.out[start] != "**":
                return  # its opening was swallowed by a mis-nested link
            if self.texts[-1] > start:
                self.emit("**")
            else:
                # <b></b> or <b> </b>: no bold to speak of. Blanked, not deleted: a
                # deletion would move every piece after it.
                self.out[start] = ""
                self.texts.pop()  # the marker itself was the last text
        elif tag == "a" and self.deep_links:
            self.deep_links -= 1
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            inner = _SPACES.sub(" ", "".join(self.out[start:])).strip()
            self.truncate(start)
            while self.bold and self.bold[-1] >= start:
                self.bold.pop()  # opened inside the link: their markers are gone
            if href and inner:
                self.emit("[" + inner + "](<" + _href(href) + ">)")
            else:
                self.emit(inner)
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
            self.emit("\n```\n\n")

    def is_chrome(self, tag: str, attributes: dict[str, str | None]) -> bool:
        """True for a block element that is the site's rather than the page's."""
        roles = (attributes.get("role") or "").lower().split()
        if CHROME_ROLES.intersection(roles):
            return True
        return tag == "header" and not any(self.open[name] for name in SECTIONING)

    # -- tokens (htmlscan.Tokens) ----------------------------------------------------------

    def starttag(self, tag: str, attrs: Attrs, raw: str) -> None:
        if self.skip:
            if tag in SKIP:
                self.skip += 1
            return
        if tag in SKIP:
            self.skip = 1
            return
        if tag not in KNOWN:
            # Not HTML at all ("List<String>", "<https://...>"): keep the text as written.
            self.emit(_escape(raw) if self.stack else raw)
            return
        attributes = dict(attrs) if attrs else {}
        block = tag in BLOCKS or tag in ITEMS
        if (block or tag in HEADINGS) and self.stack[-1:] == ["p"]:
            self.close_to("p")  # a block element implicitly closes an open <p>
        if tag == "li" and self.open["li"]:
            self.close_to("li")  # an <li> implicitly closes the previous one
        region = block and not self.links and not self.heading
        if region and self.comments_at is None and _is_comment_thread(attributes):
            # Recorded before the tag is pushed: the thread ends when the stack shrinks
            # back to this depth.
            self.comments_at = len(self.stack)
            self.emit("\n\n" + COMMENTS_OPEN + "\n\n")
        if region and self.chrome_at is None and self.is_chrome(tag, attributes):
            self.chrome_at = len(self.stack)
            self.emit("\n\n" + CHROME_OPEN + "\n\n")
        if tag in HEADINGS:
            self.emit(" " if self.links or self.heading else "\n\n" + "#" * HEADINGS[tag] + " ")
            self.heading += 1
        elif tag in ITEMS:
            self.emit(" " if self.links or self.heading else "\n- ")
            self.items += 1
        elif tag in BLOCKS:
            self.block_break()
        elif tag in BOLD:
            self.bold.append(len(self.out))
            self.emit("**")
        elif tag == "a" and len(self.links) >= _MAX_OPEN_LINKS:
            self.deep_links += 1
        elif tag == "a":
            self.links.append((attributes.get("href"), len(self.out)))
        elif tag == "pre":
            self.emit("\n\n```\n")
            self.pre += 1
        elif tag == "br":
            self.emit(" " if self.heading or self.links or self.row else "\n")
        elif tag == "hr":
            self.block_break()
        elif tag == "img":
            src = attributes.get("src") or attributes.get("data-src") or ""
            alt = attributes.get("alt") or ""
            if src:
                self.emit("![" + _escape(alt) + "](<" + _href(src) + ">)")
        if tag not in VOID:
            self.push(tag)

    def startendtag(self, tag: str, attrs: Attrs, raw: str) -> None:
        self.starttag(tag, attrs, raw)
        if tag not in VOID and tag in KNOWN and not self.skip:
            self.endtag(tag)

    def endtag(self, tag: str) -> None:
        if self.skip:
            if tag in SKIP:
                self.skip -= 1
            return
        if tag not in KNOWN:
            raw = f"</{tag}>"
            self.emit(_escape(raw) if self.stack else raw)
            return
        if self.open[tag]:
            self.close_to(tag)
        # else: a stray end tag, nothing to close

    def data(self, data: str) -> None:
        if self.skip:
            return
        if "\n" in data:
            last = data.rpartition("\n")[2]
            self.row = last.lstrip().startswith("|")
            self.md_heading = not self.stack and _ATX_START.match(last) is not None
        elif not self.out:
            self.row = data.lstrip().startswith("|")
            self.md_heading = _ATX_START.match(data) is not None
        if self.pre:
            self.emit(data)
        elif self.stack[-1:] == ["details"]:
            # A README folds Markdown into <details>: what it holds directly is the
            # author's Markdown (lists, headings, links), not HTML text to escape.
            self.emit(data)
        elif self.stack:
            # CommonMark ends an HTML block at a blank line: text after it is Markdown
            # again, even if the HTML before it left elements open.
            if "\n" not in data:  # no blank line, and most text between tags
                if data and not data.strip(" \t\r\f\v"):
                    self.emit(" ")  # spaces alone, between two tags: as _SPACES makes them
                else:
                    self.emit(_escape(_SPACES.sub(" ", data)))
                return
            parts = _BLANK_LINE.split(data, maxsplit=1)
            self.emit(_escape(_SPACES.sub(" ", parts[0])))
            if len(parts) == 2:
                self.close_all()
                self.emit("\n\n" + parts[1])
        else:
            self.emit(data)


def _is_comment_thread(attributes: dict[str, str | None]) -> bool:
    """True for an element whose class or id names a comment thread."""
    names = f"{attributes.get('class') or ''} {attributes.get('id') or ''}".split()
    return any(COMMENT_CONTAINER.fullmatch(name) for name in names)


def html_to_markdown(text: str) -> str:
    """Rewrite the HTML elements of text as Markdown; text outside HTML is kept as is."""
    converter = _Converter()
    try:
        tokenize(text, converter)
    except NotHtml:
        # A malformed marked section ("<![ x"): a page that cannot be parsed as HTML is
        # still worth reading as Markdown.
        return text
    return "".join(converter.out)


def html_outside_fences(text: str) -> str:
    """Convert HTML to Markdown everywhere except inside fenced code blocks."""
    parts: list[str] = []
    chunk: list[str] = []
    fence: str | None = None
    for line in text.split("\n"):
        stripped = line.strip()
        opener = _FENCE_LINE.match(stripped)
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
