"""The learner's overviews: tracks, a track's stages, its items, search hits.

Kept apart from ``render.learner`` (next, marking, an item) to keep each module short.
Every table keeps the columns a learner types from (slugs, ids, numbers) whole at any
width: the title folds, and the bar shrinks, then goes (``style.bar_width``).
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text

from dltrack.lang import tr
from dltrack.learner.ids import shown_id
from dltrack.learner.results import (
    ItemInStage,
    ItemList,
    LinkHealth,
    SearchResult,
    StageList,
    StageSummary,
    TrackList,
    TrackRef,
)
from dltrack.linkcheck.verdicts import Verdict
from dltrack.render.base import screen
from dltrack.render.style import (
    STATUS_COLOUR,
    VERDICT_COLOUR,
    Line,
    bar,
    bar_width,
    glyph,
    padded,
    status,
    text,
)
from dltrack.render.words import status_word, verdict_word
from dltrack.text import safe


def track_title(ref: TrackRef) -> Text:
    """A track's title and, dim, the slug to type."""
    out = text(ref.title, "bold")
    out.append(f"  ({ref.slug})", style="dim")
    return out


def heading(line: Text) -> RenderableType:
    """A track's heading line as shown: on a terminal, wrapped by the CJK rules.

    Left to the terminal, a heading breaks at the last column, inside the slug the
    learner has to type (`(jiqizhixin-` / `2016)` at 60 columns); wrapped here it
    breaks between words and characters. A pipe keeps the line whole.
    """
    from dltrack.render.base import stdout
    from dltrack.render.wrap import Title

    return Title(line) if stdout().is_terminal else line


@screen.register
def _(result: TrackList) -> list[RenderableType]:
    from rich.table import Table

    from dltrack.render.wrap import Title

    table = Table(box=None, pad_edge=False)
    slugs = max((len(t.track.slug) for t in result.tracks), default=5)
    # The other columns and their gaps take about slugs + 33; a title wants 24 or so.
    width = bar_width(12, spare=_spare(slugs + 57))
    table.add_column("")
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column(tr("track"), no_wrap=True, min_width=slugs)
    table.add_column(tr("title"), overflow="fold", ratio=1)
    table.add_column(tr("done"), justify="right", no_wrap=True)
    table.add_column(tr("reading"), justify="right", no_wrap=True)
    table.add_column("%", justify="right", no_wrap=True)
    if width:
        table.add_column("", no_wrap=True)
    checked = any(t.links for t in result.tracks)
    if checked:
        table.add_column(tr("links"), no_wrap=True)
    for n, t in enumerate(result.tracks, 1):
        cells: list[RenderableType] = [
            text(glyph("current") if t.current else " ", "bold cyan"),
            str(n),
            text(t.track.slug, "cyan"),
            Title(text(t.track.title)),
            f"{t.counts.done}/{t.counts.total}",
            str(t.counts.reading),
            f"{t.counts.percent:.0f}%",
        ]
        if width:
            cells.append(bar(t.counts, width))
        if checked:
            cells.append(_link_health(t.links))
        table.add_row(*cells)
    hint = tr("{mark} current track; change it with: dltrack use TRACK")
    return [table, text(hint.format(mark=glyph("current")), "dim")]


def _link_health(health: LinkHealth | None) -> Text:
    """'96% alive · 3 dead', or nothing for a track whose links were never checked."""
    if health is None:
        return text("")
    alive = (health.checked - health.dead) / health.checked * 100
    colour = "green" if not health.dead else "red" if alive < 80 else "yellow"
    said = tr("{alive}% alive {dot} {dead} dead")
    return text(said.format(alive=f"{alive:.0f}", dot=glyph("dot"), dead=health.dead), colour)


def _spare(needed: int) -> int:
    """Columns of the terminal left for a bar once needed columns are given."""
    from dltrack.render.base import stdout

    return stdout().width - needed


@screen.register
def _(result: StageList) -> list[RenderableType]:
    return [heading(track_title(result.track)), stage_table(result.stages)]


@screen.register
def _(result: ItemList) -> list[RenderableType]:
    if not result.items:
        return [heading(track_title(result.track)), text(tr("No items match."), "dim")]
    return [heading(track_title(result.track)), *_item_lines(result.items)]


def _item_lines(entries: list[ItemInStage]) -> list[Text | Line]:
    """Items under their stage headings, a line each.

    A rich Table measures every cell; a track of 10,000 items took seconds that
    way. Here only the id and status columns are padded (the words of a status are
    few and their widths known), and the title comes last so its widths need no
    measuring at all. In a pipe the lines are Lines, of which only the plain text is
    written: a Text would strip control codes from every character, and style them.
    """
    from dltrack.render.base import stdout

    console = stdout()
    # On a terminal a long title hangs under its own column; in a pipe a line stays
    # whole (and nothing is measured): a file has no width to wrap at.
    screen_width = console.width if console.is_terminal else 0
    lines: list[Text | Line] = []
    width = max(len(shown_id(e.id)) for e in entries)
    words = {s: padded(f"{glyph(s)} {status_word(s)}", 9) + "  " for s in STATUS_COLOUR}
    said = tr("{verdict} link")
    link_words = {v: "  [" + said.format(verdict=verdict_word(v)) + "]" for v in Verdict}
    stage = None
    for e in entries:
        if e.stage_slug != stage:
            stage = e.stage_slug
            lines.append(Line((e.stage_title, "bold")))
        shown = f"  {shown_id(e.id):>{width}}  "
        dead, dead_colour = "", ""
        if e.link and e.link is not Verdict.OK:
            dead, dead_colour = link_words[e.link], VERDICT_COLOUR[e.link]
        if screen_width:
            from dltrack.render.wrap import hanging

            prefix = Text()
            prefix.append(shown, style="bold")
            prefix.append(words[e.status], style=STATUS_COLOUR[e.status])
            line = hanging(prefix, Text(safe(e.title)), screen_width)
            if dead:
                line.append(dead, style=dead_colour)
            lines.append(line)
        else:
            lines.append(
                Line(
                    ("", ""),  # no style over the whole line: each piece has its own
                    (shown, "bold"),
                    (words[e.status], STATUS_COLOUR[e.status]),
                    (e.title, ""),
                    (dead, dead_colour),
                )
            )
    return lines


def stage_table(stages: list[StageSummary]) -> RenderableType:
    """A track's stages: number, title, counts and, where there is room, a bar."""
    from rich.table import Table

    from dltrack.render.wrap import Title

    table = Table(box=None, pad_edge=False)
    # The number and count columns with their gaps take about 36; a title wants 24.
    width = bar_width(20, spare=_spare(60))
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column(tr("stage"), overflow="fold", ratio=1)
    for heading in (tr("done"), tr("reading"), tr("skipped"), tr("total"), "%"):
        table.add_column(heading, justify="right", no_wrap=True)
    if width:
        table.add_column("", no_wrap=True)
    for s in stages:
        name = text(s.title)
        if s.title_en:
            name.append(f"  {safe(s.title_en)}", style="dim")
        cells: list[RenderableType] = [
            str(s.position + 1),
            Title(name),
            str(s.counts.done),
            str(s.counts.reading),
            str(s.counts.skipped),
            str(s.counts.total),
            f"{s.counts.percent:.0f}%",
        ]
        if width:
            cells.append(bar(s.counts, width))
        table.add_row(*cells)
    return table


@screen.register
def _(result: SearchResult) -> list[RenderableType]:
    if not result.hits:
        return [text(tr("Nothing found for {query}.").format(query=repr(result.query)))]
    from rich.table import Table

    from dltrack.render.wrap import Title

    table = Table(box=None, pad_edge=False)
    table.add_column(tr("id"), justify="right", style="bold", no_wrap=True)
    table.add_column(tr("title"), overflow="fold", ratio=3)
    table.add_column(tr("where"), overflow="fold", ratio=2)
    table.add_column(tr("status"), no_wrap=True)
    for h in result.hits:
        where = text(f"{h.places[0].track_slug} › {h.places[0].stage_title}")
        if len(h.places) > 1:
            where.append(f" (+{len(h.places) - 1})", style="dim")
        table.add_row(shown_id(h.id), Title(text(h.title)), Title(where), status(h.status))
    return [table, text(tr("{n} found").format(n=len(result.hits)), "dim")]
