"""Wrapping Chinese and mixed titles as Chinese typesetting does it.

rich folds a run of CJK text at whatever character meets the edge, so a line may
start with "，" or "？". Here a line may break between any two CJK characters and at
spaces, never before closing punctuation (，。？）》 …) nor after opening punctuation
(（《「 …): the character beside it moves to the next line with it. A Latin word is
kept whole unless it is longer than the line.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions
from rich.measure import Measurement
from rich.text import Text

# No line starts with these (the 行首禁则 of Chinese and Japanese typesetting).
CLOSING = frozenset("，。、？！；：）》」』】〉〕］｝”’…—·・%,.?!;:)]}»")
# No line ends with these.
OPENING = frozenset("（《「『【〈〔［｛“‘([{«")


def _wide(char: str) -> bool:
    return cell_len(char) == 2


def _pieces(text: str) -> Iterator[str]:
    """The text in pieces a line may end after: a word and its spaces, or one CJK character.

    Closing punctuation joins the piece before it, opening punctuation the piece after.
    """
    piece = ""
    for char in text:
        if not piece:
            piece = char
            continue
        last = piece[-1]
        joins = (
            char in CLOSING
            or last in OPENING
            or (not _wide(char) and not _wide(last) and not last.isspace() and char != " ")
            or (char == " " and not _wide(last))
        )
        if joins:
            piece += char
        else:
            yield piece
            piece = char
    if piece:
        yield piece


def wrap(text: str, width: int) -> list[tuple[int, int]]:
    """(start, end) offsets of the lines text wraps to at width cells."""
    width = max(width, 2)
    lines: list[tuple[int, int]] = []
    start = at = 0
    used = 0
    for piece in _pieces(text):
        size = cell_len(piece.rstrip())
        if used and used + size > width:
            lines.append((start, at))
            start, used = at, 0
        while size > width:  # a word longer than the line: cut it, as nothing else can
            cut, room = 0, width
            while cut < len(piece) and cell_len(piece[: cut + 1]) <= room:
                cut += 1
            while cut > 1 and piece[cut] in CLOSING:  # the next line must not start with it
                cut -= 1
            lines.append((at, at + cut))
            at += cut
            piece = piece[cut:]
            start, size = at, cell_len(piece.rstrip())
        at += len(piece)
        used += cell_len(piece)
    if start < len(text) or not lines:
        lines.append((start, len(text)))
    return lines


def wrapped_lines(text: Text, width: int) -> list[Text]:
    """text wrapped at width, each line keeping its styles, trailing spaces dropped."""
    out = []
    for start, end in wrap(text.plain, width):
        line = text[start:end]
        line.rstrip()
        out.append(line)
    return out


class Title:
    """A title for a table cell: it wraps by the rules above inside its column."""

    def __init__(self, text: Text) -> None:
        self.text = text

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        pieces = list(_pieces(self.text.plain)) or [""]
        longest = max(cell_len(p.rstrip()) for p in pieces)
        return Measurement(min(longest, 12), cell_len(self.text.plain))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterable[Text]:
        lines = wrapped_lines(self.text, options.max_width)
        yield Text("\n").join(lines)


def hanging(prefix: Text, text: Text, width: int) -> Text:
    """prefix then text, wrapped at width, every further line under the text's first."""
    indent = cell_len(prefix.plain)
    lines = wrapped_lines(text, max(width - indent, 10))
    out = prefix.copy()
    for n, line in enumerate(lines):
        if n:
            out.append("\n" + " " * indent)
        out.append_text(line)
    return out
