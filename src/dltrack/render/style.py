"""The look of dltrack's vocabulary: one glyph and colour per status and per verdict.

Adding a status or a verdict means one entry here for how it looks and one in
``render.words`` for what it is called; what it means is defined once, in
``learner.status`` and ``linkcheck.verdicts``.

Glyphs come in three sets. Many of the usual ones (· ▶ █ ▒ … — →) are East Asian
"ambiguous" width: terminals set up for Chinese draw them two columns wide, and every
column after them moves. In a CJK locale dltrack uses the "narrow" set, whose glyphs
are one column wide everywhere; DLTRACK_ASCII=1 asks for plain ASCII, DLTRACK_ASCII=0
for the usual set whatever the locale.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Final

from rich.text import Span, Text

from dltrack.lang import CHINESE, language, tr
from dltrack.learner.results import Counts
from dltrack.learner.status import Status
from dltrack.linkcheck.verdicts import Verdict
from dltrack.render.words import status_word, verdict_word
from dltrack.text import safe

if TYPE_CHECKING:
    from datetime import datetime

STATUS_GLYPH: Final = {
    Status.UNREAD: "·",
    Status.READING: "▶",
    Status.DONE: "✓",
    Status.SKIPPED: "↷",
}
# What each glyph is for, in each set: the usual one, one of unambiguous width, ASCII.
_GLYPHS: Final[dict[str, tuple[str, str, str]]] = {
    Status.UNREAD: ("·", "∙", "."),
    Status.READING: ("▶", "▸", ">"),
    Status.DONE: ("✓", "✓", "+"),
    Status.SKIPPED: ("↷", "↷", "~"),
    "current": ("▶", "▸", ">"),
    "bar done": ("█", "#", "#"),
    "bar skipped": ("▒", "~", "~"),
    "bar left": ("░", "-", "-"),
    "dash": ("—", "-", "-"),
    "arrow": ("→", "⟶", "->"),
    "dot": ("·", "∙", "|"),
    "more": ("…", "⋯", "..."),
    "dead": ("✗", "✗", "x"),
    "day 0": ("·", "∙", "."),
    "day 1": ("░", "░", "-"),
    "day 2": ("▒", "+", "+"),
    "day 4": ("▓", "*", "*"),
    "day 7": ("█", "#", "#"),
}
_CJK = ("zh", "ja", "ko")


def glyph_set() -> int:
    """0 for the usual glyphs, 1 for those of unambiguous width, 2 for ASCII."""
    forced = os.environ.get("DLTRACK_ASCII", "")
    if forced in ("0", "1"):
        return 2 if forced == "1" else 0
    locale = next(
        (v for v in (os.environ.get(k, "") for k in ("LC_ALL", "LC_CTYPE", "LANG")) if v), ""
    )
    cjk = locale.lower().startswith(_CJK) or language() == CHINESE
    return 1 if cjk else 0


def glyph(name: str) -> str:
    """The glyph for name (a Status, or a name of _GLYPHS) in the set in use."""
    return _GLYPHS[name][glyph_set()]


def padded(value: str, width: int) -> str:
    """value padded with spaces to width terminal columns (a Chinese character takes two)."""
    return value + " " * max(0, width - columns(value))


def columns(value: str) -> int:
    """Terminal columns of a short label, as rich counts them.

    Labels (status words, their glyphs, field names) are few and short: the
    standard library's width classes answer for them without loading rich's table
    of every character's width, which `list` otherwise paid for at each start.
    """
    if value.isascii():
        return len(value)
    from unicodedata import combining, east_asian_width

    return sum(0 if combining(c) else 2 if east_asian_width(c) in "WF" else 1 for c in value)


def bar_width(wanted: int, *, spare: int) -> int:
    """How wide a bar may be with spare columns left: wanted, less on a narrow screen, or 0.

    A bar is the first thing to give way: slugs and ids, which the learner types, never do.
    """
    if spare >= wanted:
        return wanted
    return spare if spare >= 6 else 0


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
        return Text(glyph("bar left") * width, style="dim")
    done = round(width * counts.done / counts.total)
    skipped = min(width - done, round(width * counts.skipped / counts.total))
    out = Text()
    out.append(glyph("bar done") * done, style="green")
    out.append(glyph("bar skipped") * skipped, style="yellow")
    out.append(glyph("bar left") * (width - done - skipped), style="dim")
    return out


def link(url: str | None) -> Text:
    """A URL, never cut: in full, or short and clickable where the terminal takes links.

    A terminal known to open OSC 8 hyperlinks gets the short form (mp.weixin.qq.com/s?…)
    carrying the whole URL; anywhere else (a pipe, a file, another terminal) the URL is
    shown whole, for the terminal to wrap and the learner to copy.
    """
    if not url:
        return text(tr("(no link)"), "dim")
    value, style = link_piece(url)
    if style and hyperlinks():
        return text(short_url(url), style)
    return text(value, style)


# Terminals that open OSC 8 links, by what they put in the environment.
_HYPERLINK_TERMINALS: Final = ("iTerm.app", "WezTerm", "vscode", "Hyper", "ghostty")


def hyperlinks() -> bool:
    """True when standard output is a terminal known to open OSC 8 hyperlinks.

    FORCE_HYPERLINK=1 or 0 (the convention of other command-line tools) decides for
    a terminal dltrack does not know.
    """
    forced = os.environ.get("FORCE_HYPERLINK")
    if forced in ("0", "1"):
        return forced == "1"
    from dltrack.render.base import stdout

    if not stdout().is_terminal:
        return False
    env = os.environ
    vte = env.get("VTE_VERSION", "")
    return bool(
        env.get("TERM_PROGRAM") in _HYPERLINK_TERMINALS
        or env.get("WT_SESSION")
        or env.get("KITTY_WINDOW_ID")
        or env.get("KONSOLE_VERSION")
        or (vte.isdigit() and int(vte) >= 5000)
    )


def short_url(url: str, width: int = 40) -> str:
    """A URL as a reminder of where it goes: host and path, the query as …, at most width."""
    rest = url.split("://", 1)[-1]
    more = glyph("more")
    if "?" in rest:
        rest = rest.split("?", 1)[0] + "?" + more
    if len(rest) > width:
        rest = rest[: width - len(more)] + more
    return rest


def link_piece(url: str | None) -> Piece:
    """What link() shows, as a piece of a line."""
    if not url:
        return "(no link)", "dim"
    return url, f"link {safe(url)}" if "'" not in url and " " not in url else ""


def status(value: Status) -> Text:
    """A status with its glyph and colour, in the learner's words."""
    return text(f"{glyph(value)} {status_word(value)}", STATUS_COLOUR[value])


def verdict(value: Verdict) -> Text:
    """A verdict in its colour, in the learner's language."""
    return text(verdict_word(value), VERDICT_COLOUR[value])


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
        return tr("today {time}").format(time=f"{local:%H:%M}")
    if days == 1:
        return tr("yesterday {time}").format(time=f"{local:%H:%M}")
    if 1 < days < 7:
        return tr("{n} days ago").format(n=days)
    return f"{local:%Y-%m-%d}"
