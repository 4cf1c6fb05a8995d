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
    """A run of text; bold when it sat between ``**`` markers."""

    text: str
    bold: bool = False


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
    """One block: kind is 'heading', 'para', 'item' or 'code'."""

    kind: str
    level: int = 0
    lines: list[str] = field(default_factory=list)


_FENCE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^[ ]{0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_HR = re.compile(r"^[ ]{0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_QUOTE = re.compile(r"^[ ]{0,3}>[ ]?")
_ITEM = re.compile(r"^[ \t]*(?:[-+*]|\d{1,9}[.)])(?:[ \t]+(.*))?$")
_ITEM_HEADING = re.compile(r"^#{1,6}[ \t]+")
_REF_DEF = re.compile(r"^[ ]{0,3}\[([^\]\n]{1,999})\]:[ \t]*<?([^\s<>]+)>?(?:[ \t]+.*)?$")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^\s<>]+|mailto:[^\s<>]+)>", re.I)
_MAX_DEPTH = 8  # nested link texts beyond this are read as plain text
_MAX_PARENS = 32  # nested parentheses in a link destination
_ANGLE_STOP = re.compile(r"[<>\n]")


def _label(text: str) -> str:
    return " ".join(text.split()).lower()


def parse_blocks(text: str) -> tuple[list[Block], dict[str, str]]:
    """Split Markdown into blocks; also return the reference-link definitions."""
    blocks: list[Block] = []
    refs: dict[str, str] = {}
    current: Block | None = None
    fence: str | None = None

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
        # Block quotes are containers; their content reads like any other text.
        while match := _QUOTE.match(line):
            line = line[match.end() :]
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
        if match := _ATX.match(line):
            close()
            blocks.append(Block("heading", len(match.group(1)), [(match.group(2) or "").strip()]))
            continue
        if match := _REF_DEF.match(line):
            refs.setdefault(_label(match.group(1)), match.group(2))
            continue
        if match := _ITEM.match(line):
            close()
            content = (match.group(1) or "").strip()
            # "- ## [Column](url)": a heading inside a list item is just the item's text.
            content = _ITEM_HEADING.sub("", content)
            current = Block("item", 0, [content] if content else [])
            continue
        if current is None:
            current = Block("para")
        current.lines.append(line.strip())
    close()
    return blocks, refs


def _match_brackets(text: str) -> dict[int, int]:
    """Index of each '[' -> index of its matching ']' (escapes honoured), in one pass."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            stack.append(i)
        elif char == "]" and stack:
            pairs[stack.pop()] = i
        i += 1
    return pairs


def _destination(text: str, start: int) -> tuple[str, int] | None:
    """Parse '(dest "title")' at text[start] == '('; return (dest, index after ')')."""
    i = start + 1
    n = len(text)
    while i < n and text[i] in " \t\n":
        i += 1
    if i < n and text[i] == "<":
        # An angle-bracket destination holds no '<' and no line break: stopping at the
        # first of those keeps a page full of unclosed "](<" linear.
        stop = _ANGLE_STOP.search(text, i + 1)
        if stop is None or stop.group(0) != ">":
            return None
        dest = text[i + 1 : stop.start()]
        i = stop.end()
    else:
        depth = 0
        begin = i
        while i < n:
            char = text[i]
            if char == "\\" and i + 1 < n:
                i += 2
                continue
            if char in " \t\n":
                break
            if char == "(":
                depth += 1
                if depth > _MAX_PARENS:
                    return None  # CommonMark allows this limit; it bounds the scan
            elif char == ")":
                if depth == 0:
                    break
                depth -= 1
            i += 1
        dest = _ESCAPED.sub(r"\1", text[begin:i])
    while i < n and text[i] in " \t\n":
        i += 1
    if i < n and text[i] in "\"'(":
        closer = ")" if text[i] == "(" else text[i]
        end = text.find(closer, i + 1)
        if end == -1:
            return None
        i = end + 1
        while i < n and text[i] in " \t\n":
            i += 1
    if i < n and text[i] == ")":
        return dest, i + 1
    return None


def _bold_marks(text: str) -> set[int]:
    """Positions of '**' / '__' markers that open or close bold (paired, left to right)."""
    marks: list[int] = []
    i = 0
    while i < len(text) - 1:
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == "`":
            # Code spans hide markers: skip to the closing run of backticks.
            run = len(text[i:]) - len(text[i:].lstrip("`"))
            end = text.find("`" * run, i + run)
            i = end + run if end != -1 else i + run
            continue
        if _opens_destination(text, i):
            # Markers inside a link destination (…?__biz=…) are part of the address.
            found = _destination(text, i + 1)
            if found is not None:
                i = found[1]
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


def _opens_destination(text: str, i: int) -> bool:
    """True when text[i:] starts the '](' that opens a link destination."""
    return text.startswith("](", i)


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
    refs = refs or {}
    brackets = _match_brackets(text)
    marks = _bold_marks(text)
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
        char = text[i]
        if char == "\\" and i + 1 < n and _ESCAPED.match(text, i):
            buffer.append(text[i + 1])
            i += 2
            continue
        if i in marks:
            flush()
            bold = not bold
            i += 2
            continue
        if char == "`":
            run = len(text[i:]) - len(text[i:].lstrip("`"))
            end = text.find("`" * run, i + run)
            if end != -1:
                buffer.append(text[i + run : end])
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
        is_image = char == "!" and text.startswith("[", i + 1)
        opener = i + 1 if is_image else i
        if (char == "[" or is_image) and opener in brackets:
            close = brackets[opener]
            inner = text[opener + 1 : close]
            target: tuple[str, int] | None = None
            if close + 1 < n and text[close + 1] == "(":
                target = _destination(text, close + 1)
            if target is None:
                # Reference links: [text][label], [label][] and [label].
                label_end = -1
                label = inner
                if close + 1 < n and text[close + 1] == "[":
                    label_end = text.find("]", close + 2)
                    if label_end != -1 and text[close + 2 : label_end].strip():
                        label = text[close + 2 : label_end]
                href = refs.get(_label(label))
                if href is not None:
                    target = (href, (label_end + 1) if label_end != -1 else close + 1)
            if target is not None:
                flush()
                href, after = target
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


def plain_text(nodes: list[Inline] | tuple[Inline, ...]) -> str:
    """The readable text of inline nodes: link texts kept, images dropped."""
    parts: list[str] = []
    for node in nodes:
        if isinstance(node, Text):
            parts.append(node.text)
        elif isinstance(node, Link):
            parts.append(plain_text(node.children))
    return "".join(parts)
