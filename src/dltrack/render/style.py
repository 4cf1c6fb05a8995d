"""The look of dltrack's vocabulary: one glyph and colour per status and per verdict.

Adding a status or a verdict means one entry here for how it looks; what it means
is defined once, in ``learner.status`` and ``linkcheck.verdicts``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from rich.text import Span, Text

from dltrack.learner.results import Counts
from dltrack.learner.status import Status
from dltrack.linkcheck.verdicts import Verdict
from dltrack.text import safe

if TYPE_CHECKING:
    from datetime import datetime

STATUS_GLYPH: Final = {
    Status.UNREAD: "·",
    Status.READING: "▶",
    Status.DONE: "✓",
    Status.SKIPPED: "↷",
}
STATUS_COLOUR: Final = {
    Status.UNREAD: "",
    Status.READING: "bold cyan",
    Status.DONE: "green",
    Status.SKIPPED: "yellow",
}
VERDICT_COLOUR: Final = {
    Verdict.OK: "green",
    Verdict.MOVED: "cyan",
    Verdict.DEAD: "red",
    Verdict.BLOCKED: "yellow",
    Verdict.ERROR: "magenta",
}


def text(value: str, style: str = "") -> Text:
    """Untrusted text (a title, a URL) as rich Text: no markup, no control characters."""
    return Text(safe(value), style=style)


# A piece of a line: untrusted text and its style ("" for none).
Piece = tuple[str, str]


class Line:
    """Pieces of untrusted text on one line, the first piece's style over all of it.

    What text(*first) and an append of each further piece would make, kept as pieces
    until it is shown: without a terminal only the plain text is written, and an import
    report has a line per item.
    """

    __slots__ = ("pieces",)

    def __init__(self, first: Piece, *rest: Piece) -> None:
        self.pieces = (first, *rest)

    @property
    def plain(self) -> str:
        """The line as plain text, as Text.plain would give it."""
        return safe("".join(value for value, _style in self.pieces))

    def __rich__(self) -> Text:
        """The line as rich Text, each piece's style a span of it."""
        head = safe(self.pieces[0][0])
        plain, spans, at = [head], [], len(head)
        for value, style in self.pieces[1:]:
            value = safe(value)
            if style and value:
                spans.append(Span(at, at + len(value), style))
            plain.append(value)
            at += len(value)
        return Text("".join(plain), style=self.pieces[0][1], spans=spans)


def bar(counts: Counts, width: int = 20) -> Text:
    """A text bar: done in green, skipped in yellow, the rest dim."""
    if counts.total == 0:
        return Text("░" * width, style="dim")
    done = round(width * counts.done / counts.total)
    skipped = min(width - done, round(width * counts.skipped / counts.total))
    out = Text()
    out.append("█" * done, style="green")
    out.append("▒" * skipped, style="yellow")
    out.append("░" * (width - done - skipped), style="dim")
    return out


def link(url: str | None) -> Text:
    """A URL, clickable where the terminal supports it, or "(no link)"."""
    return text(*link_piece(url))


def link_piece(url: str | None) -> Piece:
    """What link() shows, as a piece of a line."""
    if not url:
        return "(no link)", "dim"
    return url, f"link {safe(url)}" if "'" not in url and " " not in url else ""


def status(value: Status) -> Text:
    """A status with its glyph and colour."""
    return text(f"{STATUS_GLYPH[value]} {value}", STATUS_COLOUR[value])


def verdict(value: Verdict) -> Text:
    """A verdict in its colour."""
    return text(value, VERDICT_COLOUR[value])


def count(n: int, noun: str) -> str:
    """'1 item', '3 items'."""
    return f"{n} {noun}" + ("" if n == 1 else "s")


def when(iso: str, now: datetime | None = None) -> str:
    """A stored UTC time as the learner reads it: local, "today 09:14", "3 days ago".

    JSON keeps the stored UTC text; only human output changes. Text that is not a time
    (an older export's odd value) is shown as it is.
    """
    from datetime import UTC, datetime  # off the start-up path of `next` (bench/README.md)

    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return safe(iso)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone()
    today = (now or datetime.now().astimezone()).date()
    days = (today - local.date()).days
    if days == 0:
        return f"today {local:%H:%M}"
    if days == 1:
        return f"yesterday {local:%H:%M}"
    if 1 < days < 7:
        return f"{days} days ago"
    return f"{local:%Y-%m-%d}"
