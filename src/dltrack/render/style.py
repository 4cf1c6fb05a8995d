"""The look of dltrack's vocabulary: one glyph and colour per status and per verdict.

Adding a status or a verdict means one entry here for how it looks; what it means
is defined once, in ``learner.status`` and ``linkcheck.verdicts``.
"""

from __future__ import annotations

from typing import Final

from rich.text import Text

from dltrack.learner.results import Counts
from dltrack.learner.status import Status
from dltrack.linkcheck.verdicts import Verdict
from dltrack.text import safe

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
    if not url:
        return text("(no link)", "dim")
    return text(url, f"link {safe(url)}" if "'" not in url and " " not in url else "")


def status(value: Status) -> Text:
    """A status with its glyph and colour."""
    return text(f"{STATUS_GLYPH[value]} {value}", STATUS_COLOUR[value])


def verdict(value: Verdict) -> Text:
    """A verdict in its colour."""
    return text(value, VERDICT_COLOUR[value])


def count(n: int, noun: str) -> str:
    """'1 item', '3 items'."""
    return f"{n} {noun}" + ("" if n == 1 else "s")
