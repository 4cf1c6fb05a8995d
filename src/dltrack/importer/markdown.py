"""A small, forgiving Markdown reader: just the structure a reading list needs.

Blocks: ATX headings, paragraphs (kept line by line), list items, fenced code; block quotes
are flattened into their content. Inlines: text with a bold flag, links (inline, reference,
autolink), images. It is deliberately lenient where CommonMark is strict: ``**`` toggles
bold even between CJK characters without spaces, because that is how Chinese pages are
written. It never raises and its running time is linear-ish in the input size.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dltrack.importer.scan import Spans, unescape_run

__all__ = [
    "Block",
    "Image",
    "Link",
    "Text",
    "parse_blocks",
    "parse_inlines",
    "plain_text",
]


@dataclass(frozen=True)
class Text:
    """A run of text; bold when it sat between ``**`` markers, code in a code span."""

    text: str
    bold: bool = False
    code: bool = False


@dataclass(frozen=True)
class Image:
    """An image; never a reading item."""

    src: str
    alt: str


@dataclass(frozen=True)
class Link:
    """A link with its (parsed) text."""

    href: str
    children: tuple[Text | Image | Link, ...]


Inline = Text | Image | Link


@dataclass
class Block:
    """One block: kind is 'heading', 'para', 'item' or 'code'.

    level is a heading's level, and a list item's indentation (a tab counts four).
    """

    kind: str
    level: int = 0
    lines: list[str] = field(default_factory=list)


_FENCE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})")
_HR = re.compile(r"^[ ]{0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
# All the block-quote markers opening a line, in one match ("> > > text").
_QUOTES = re.compile(r"(?:[ ]{0,3}>[ ]?)*")
_ITEM = re.compile(r"^[ \t]*(?:[-+*]|\d{1,9}[.)])(?:[ \t]+(.*))?$")
_ITEM_HEADING = re.compile(r"^#{1,6}[ \t]+")
_REF_DEF = re.compile(r"^[ ]{0,3}\[([^\]\n]{1,999})\]:[ \t]*<?([^\s<>]+)>?(?:[ \t]+.*)?$")
_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^\s<>]+|mailto:[^\s<>]+)>", re.I)
_MAX_DEPTH = 8  # nested link texts beyond this are read as plain text
# Characters where inline syntax may start, and those _bold_marks looks at: the text
# between two of them is passed over in one step, not one character at a time.
# (Single character classes: a regex that starts with an alternation is tried at every
# position, one with a class is found by a fast scan.) A run of backslash escapes is
# then passed in one step too.
_INLINE_STOP = re.compile(r"[\\`<!\[*_]")
# The next of those not escaped (a run of ']' as one), the text and escapes before it
# passed in one match.
_BOLD_STOP = re.compile(r"(?:[^\\`\]*_]++|\\[\s\S])*+(\]++|[`*_])")
# A run of plain text and backslash escapes (of ASCII punctuation): up to the next
# _INLINE_STOP character that is not escaped. Possessive, like the two above: a greedy
# repeat keeps a backtracking entry per escape, megabytes on a line of escaped HTML.
_TEXT_RUN = re.compile(r"(?:[^\\`<!\[*_]++|\\[!-/:-@\[-`{-~])++")
# The same after the text's last ')', where no inline link or image can open: '[', ']'
# and '!' are text there too.
_TAIL_RUN = re.compile(r"(?:[^\\`<*_]++|\\[!-/:-@\[-`{-~])++")
# Single-backtick code spans one after another, spaces between them ("`a` `b` `c`"):
# read as one code run, not a node each.
_CODE_RUN = re.compile(r"`[^`]++`(?:[ \t]++`[^`]++`)*+")
_BRACKET_RUN = re.compile(r"\[+")
# The shape of most list items, "[title](address) and plain text", read in one match.
_PLAIN_LINK = re.compile(r"\[([^\\\[\]`<!*_]*)\]\(([^\s()\\<][^\s()\\]*)\)([^\\`<!\[*_]*)")


def _label(text: str) -> str:
    return " ".join(text.split()).lower()


def _atx(line: str) -> tuple[int, str] | None:
    """(level, text) of an ATX heading ("## Title ##"), else None."""
    # By hand, not with a regex: "(.*?)" before an optional closing "[ \t]+#+" retries
    # the spaces after every character, quadratic on "# a" + many spaces + "b".
    body = line.lstrip(" ")
    if len(line) - len(body) > 3 or not body.startswith("#"):
        return None
    rest = body.lstrip("#")
    level = len(body) - len(rest)
    if level > 6 or rest[:1] not in ("", " ", "\t"):
        return None
    text = rest.strip(" \t")
    bare = text.rstrip("#")
    if bare != text and bare[-1:] in (" ", "\t"):
        text = bare  # a closing run of '#' (after a space; "# #" is the text "#")
    return level, text.strip()


def parse_blocks(text: str) -> tuple[list[Block], dict[str, str]]:
    """Split Markdown into blocks; also return the reference-link definitions."""
    blocks: list[Block] = []
    refs: dict[str, str] = {}
    current: Block | None = None
    fence: str | None = None
    in_comment = False  # inside <!-- ... -->: what a page author hid is not read

    def close() -> None:
        nonlocal current
        if current is not None and (current.lines or current.kind == "item"):
            blocks.append(current)
        current = None

    for raw in text.split("\n"):
        if fence is not None:
            stripped = raw.strip()
            if stripped.startswith(fence) and not stripped.strip(fence[0]):
                fence = None
                close()
            elif current is not None:
                current.lines.append(raw)
            continue
        line = raw
        if in_comment or "<!--" in line:
            line, in_comment = _outside_comments(line, in_comment)
            if not line.strip() and raw.strip():
                continue  # a line that was all comment: no paragraph break either
        # Block quotes are containers; their content reads like any other text. One
        # match and one slice, not a slice of the rest of the line per marker.
        quotes = _QUOTES.match(line)
        if quotes is not None and quotes.end():
            line = line[quotes.end() :]
        if not line.strip():
            close()
            continue
        if match := _FENCE.match(line):
            close()
            fence = match.group(1)
            current = Block("code")
            continue
        if _HR.match(line):
            close()
            continue
        if heading := _atx(line):
            close()
            blocks.append(Block("heading", heading[0], [heading[1]]))
            continue
        if match := _REF_DEF.match(line):
            refs.setdefault(_label(match.group(1)), match.group(2))
            continue
        if match := _ITEM.match(line):
            close()
            content = (match.group(1) or "").strip()
            # "- ## [Column](url)": a heading inside a list item is just the item's text.
            content = _ITEM_HEADING.sub("", content)
            margin = line[: len(line) - len(line.lstrip(" \t"))]
            current = Block("item", len(margin.expandtabs(4)), [content] if content else [])
            continue
        if current is None:
            current = Block("para")
        current.lines.append(line.strip())
    close()
    return blocks, refs


def _outside_comments(line: str, in_comment: bool) -> tuple[str, bool]:
    """The parts of line outside HTML comments; and whether a comment is still open."""
    kept: list[str] = []
    i = 0
    while True:
        if in_comment:
            end = line.find("-->", i)
            if end == -1:
                return "".join(kept), True
            i, in_comment = end + 3, False
        start = line.find("<!--", i)
        if start == -1:
            kept.append(line[i:])
            return "".join(kept), False
        kept.append(line[i:start])
        i, in_comment = start + 4, True


def _bold_marks(text: str, spans: Spans) -> set[int]:
    """Positions of '**' / '__' markers that open or close bold (paired, left to right)."""
    marks: list[int] = []
    last = len(text) - 1  # a marker needs two characters
    i = 0
    while (match := _BOLD_STOP.match(text, i)) is not None and match.start(1) < last:
        i = match.start(1)  # escaped characters, passed over, are never markers
        char = text[i]
        if char == "`":
            # Code spans hide markers: skip to the closing run of backticks.
            run, end = spans.code(i)
            i = end + run if end != -1 else i + run
            continue
        if char == "]":
            # Of a run of ']' only the last may open a destination: the run is one step.
            i = match.end(1) - 1
            if text.startswith("(", i + 1):
                # Markers inside a link destination (…?__biz=…) are part of the address.
                found = spans.destination(i + 1)
                if found is not None:
                    i = found[1]
                    continue
            i += 1
            continue
        pair = text[i : i + 2]
        if pair == "**" or (pair == "__" and _underscore_flanks(text, i, len(marks) % 2 == 0)):
            marks.append(i)
            i += 2
            continue
        i += 1
    if len(marks) % 2:
        marks.pop()  # an unpaired marker is literal text
    return set(marks)


def _underscore_flanks(text: str, i: int, opening: bool) -> bool:
    # '__' inside words (__biz, snake__case) is not bold; only at word edges.
    if opening:
        before = text[i - 1] if i > 0 else " "
        after = text[i + 2] if i + 2 < len(text) else " "
        return not before.isalnum() and not after.isspace()
    after = text[i + 2] if i + 2 < len(text) else " "
    return not after.isalnum()


def parse_inlines(text: str, refs: dict[str, str] | None = None, _depth: int = 0) -> list[Inline]:
    """Parse Markdown inline syntax into text runs, links and images."""
    if _INLINE_STOP.search(text) is None:
        return [Text(text)] if text else []  # plain text: nothing to look up
    if _depth < _MAX_DEPTH and (plain := _PLAIN_LINK.fullmatch(text)) is not None:
        inner, href, after = plain.groups()
        link = Link(href, (Text(inner),) if inner else ())
        return [link, Text(after)] if after else [link]
    refs = refs or {}
    spans = Spans(text)
    # Without reference definitions a link needs "](" and a ')' after it: no '[' opens
    # one after the last ')', and a run of them is text ("[[[[...": one step, not one
    # per bracket), as is all of that tail but code, autolinks and bold.
    tail = len(text) if refs else spans.open_until + 1
    linkable = bool(refs) or text.find("](", 0, tail) != -1
    brackets, holders = spans.brackets(tail) if linkable else ({}, set())
    # Most lines have no bold at all: then no marker needs pairing.
    marks = _bold_marks(text, spans) if "**" in text or "__" in text else set()
    nodes: list[Inline] = []
    buffer: list[str] = []
    bold = False

    def flush() -> None:
        if buffer:
            nodes.append(Text("".join(buffer), bold))
            buffer.clear()

    i = 0
    n = len(text)
    while i < n:
        # Plain text and escaped characters up to the next character that may start
        # syntax go in one piece.
        if (words := (_TEXT_RUN if i < tail else _TAIL_RUN).match(text, i)) is not None:
            piece = words.group()
            buffer.append(unescape_run(piece) if "\\" in piece else piece)
            i = words.end()
            if i == n:
                break
        char = text[i]
        if i in marks:
            flush()
            bold = not bold
            i += 2
            continue
        if (
            char == "`"
            and not bold
            and not _after_link(nodes, buffer)
            and (codes := _CODE_RUN.match(text, i)) is not None
        ):
            flush()
            nodes.append(Text(codes.group().replace("`", ""), code=True))
            i = codes.end()
            continue
        if char == "`":
            run, end = spans.code(i)
            if end != -1:
                flush()  # its own run: an address in code is an example, not a link
                nodes.append(Text(text[i + run : end], bold, code=True))
                i = end + run
                continue
            buffer.append("`" * run)
            i += run
            continue
        if char == "<" and (match := _AUTOLINK.match(text, i)):
            flush()
            nodes.append(Link(match.group(1), (Text(match.group(1), bold),)))
            i = match.end()
            continue
        if char == "[" and (not linkable or i >= tail):
            brackets_run = _BRACKET_RUN.match(text, i)
            assert brackets_run is not None  # text[i] is a '['
            buffer.append(brackets_run.group())
            i = brackets_run.end()
            continue
        is_image = char == "!" and text.startswith("[", i + 1)
        opener = i + 1 if is_image else i
        if (char == "[" or is_image) and opener in brackets:
            close = brackets[opener]
            target: tuple[str, int] | None = None
            if close + 1 < n and text[close + 1] == "(":
                target = spans.destination(close + 1)
            if target is None and refs:
                target = _reference(text, opener, close, refs, nested=opener in holders)
            if target is not None:
                flush()
                href, after = target
                inner = text[opener + 1 : close]
                if is_image:
                    nodes.append(Image(href, inner))
                elif _depth < _MAX_DEPTH:
                    children = parse_inlines(inner, refs, _depth + 1)
                    nodes.append(Link(href, tuple(children)))
                else:
                    nodes.append(Link(href, (Text(inner, bold),)))
                i = after
                continue
        buffer.append(char)
        i += 1
    flush()
    return nodes


def _after_link(nodes: list[Inline], buffer: list[str]) -> bool:
    # The text right after a link may title it ("[pdf]`notes`"): that node stays as is.
    return not buffer and bool(nodes) and isinstance(nodes[-1], Link)


def _reference(
    text: str, opener: int, close: int, refs: dict[str, str], *, nested: bool
) -> tuple[str, int] | None:
    """(href, index after the link) for [text][label], [label][] and [label], else None."""
    label_end = -1
    label: str | None = None
    if close + 1 < len(text) and text[close + 1] == "[":
        # linear: this scan stops at the next ']', and no two closing brackets share it.
        label_end = text.find("]", close + 2)
        if label_end != -1 and text[close + 2 : label_end].strip():
            label = text[close + 2 : label_end]
    if label is None and not nested:
        # A label never holds a ']' (see _REF_DEF), so a bracket pair holding another
        # pair is never one; skipping those keeps "[[[…]]]" linear.
        label = text[opener + 1 : close]
    href = refs.get(_label(label)) if label is not None else None
    if href is None:
        return None
    return href, (label_end + 1) if label_end != -1 else close + 1


def plain_text(nodes: list[Inline] | tuple[Inline, ...]) -> str:
    """The readable text of inline nodes: link texts kept, images dropped."""
    parts: list[str] = []
    for node in nodes:
        if isinstance(node, Text):
            parts.append(node.text)
        elif isinstance(node, Link):
            parts.append(plain_text(node.children))
    return "".join(parts)
