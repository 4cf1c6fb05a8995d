"""The learner's screens: tracks, stages, lists, next, marking, an item, search, progress.

Lines of text are printed as rich Text and left to the terminal to wrap; tables
fit themselves to the width. rich.table is imported only by the screens that draw
one: `next`, `done` and `list` start faster without it.
"""

from __future__ import annotations

from typing import Any

from rich.console import RenderableType
from rich.text import Text

from dltrack.learner.ids import json_id, shown_id
from dltrack.learner.results import (
    Counts,
    ItemDetail,
    ItemInStage,
    ItemList,
    Marked,
    NextItems,
    Place,
    SearchResult,
    StageList,
    StageSummary,
    TrackList,
    TrackRef,
)
from dltrack.learner.status import Status
from dltrack.linkcheck.verdicts import Verdict
from dltrack.render.base import Message, screen, to_data
from dltrack.render.style import (
    STATUS_COLOUR,
    STATUS_GLYPH,
    VERDICT_COLOUR,
    bar,
    link,
    status,
    text,
    when,
)
from dltrack.text import safe

# ---------------------------------------------------------------- JSON


def track_data(ref: TrackRef) -> dict[str, Any]:
    """A track's identity as JSON."""
    return {"slug": ref.slug, "title": ref.title, "title_en": ref.title_en}


def counts_data(c: Counts) -> dict[str, Any]:
    """The counts every JSON shape uses."""
    return {
        "items": c.total,
        "done": c.done,
        "skipped": c.skipped,
        "reading": c.reading,
        "unread": c.unread,
        "percent": round(c.percent, 1),
    }


def stage_data(s: StageSummary) -> dict[str, Any]:
    return {
        "slug": s.slug,
        "title": s.title,
        "title_en": s.title_en,
        "position": s.position + 1,
        **counts_data(s.counts),
    }


def item_data(e: ItemInStage) -> dict[str, Any]:
    return {
        "id": json_id(e.id),
        "title": e.title,
        "url": e.url,
        "kind": e.kind,
        "status": e.status,
        "track": e.track_slug,
        "stage": e.stage_slug,
        "stage_title": e.stage_title,
        "link": e.link,
    }


def _place_data(p: Place) -> dict[str, Any]:
    return {"track": p.track_slug, "stage": p.stage_slug, "stage_title": p.stage_title}


@to_data.register
def _(result: TrackList) -> Any:
    return {
        "current": result.current,
        "tracks": [
            {**track_data(t.track), "current": t.current, **counts_data(t.counts)}
            for t in result.tracks
        ],
    }


@to_data.register
def _(result: StageList) -> Any:
    return {"track": track_data(result.track), "stages": [stage_data(s) for s in result.stages]}


@to_data.register
def _(result: ItemList) -> Any:
    return {
        "track": track_data(result.track),
        "stage": result.stage,
        "status": result.status or "all",
        "items": [item_data(e) for e in result.items],
    }


@to_data.register
def _(result: NextItems) -> Any:
    return {
        "track": track_data(result.track),
        "finished": result.finished,
        "caught_up": result.caught_up,
        **counts_data(result.counts),
        "items": [item_data(e) for e in result.items],
    }


@to_data.register
def _(result: Marked) -> Any:
    return {
        "status": result.status,
        "changed": [item_data(e) for e in result.changed],
        "unchanged": [item_data(e) for e in result.unchanged],
        "stages": [{"track": s.track.slug, **stage_data(s)} for s in result.stages],
        "tracks": [{**track_data(t.track), **counts_data(t.counts)} for t in result.tracks],
    }


@to_data.register
def _(result: ItemDetail) -> Any:
    return {
        "id": json_id(result.id),
        "title": result.title,
        "url": result.url,
        "kind": result.kind,
        "tags": result.tags,
        "in_catalogue": result.in_catalogue,
        "status": result.status,
        "started_at": result.started_at,
        "done_at": result.done_at,
        "updated_at": result.updated_at,
        "notes": [{**n._asdict(), "truncated": n.truncated} for n in result.notes],
        "places": [_place_data(p) for p in result.places],
        "checks": [c._asdict() for c in result.checks],
        "other_title": result.other_title,
        "finished_on": list(result.finished_on),
    }


@to_data.register
def _(result: SearchResult) -> Any:
    return {
        "query": result.query,
        "items": [
            {
                "id": json_id(h.id),
                "title": h.title,
                "url": h.url,
                "status": h.status,
                "places": [_place_data(p) for p in h.places],
            }
            for h in result.hits
        ],
    }


@to_data.register
def _(result: Message) -> Any:
    return result.data


# ---------------------------------------------------------------- screens


def track_title(ref: TrackRef) -> Text:
    out = text(ref.title, "bold")
    out.append(f"  ({ref.slug})", style="dim")
    return out


@screen.register
def _(result: Message) -> list[RenderableType]:
    return [text(result.text)]


@screen.register
def _(result: TrackList) -> list[RenderableType]:
    from rich.table import Table

    table = Table(box=None, pad_edge=False)
    table.add_column("")
    table.add_column("#", justify="right")
    table.add_column("track")
    table.add_column("title", overflow="fold")
    table.add_column("done", justify="right")
    table.add_column("reading", justify="right")
    table.add_column("%", justify="right")
    table.add_column("")
    for n, t in enumerate(result.tracks, 1):
        table.add_row(
            text("▶" if t.current else " ", "bold cyan"),
            str(n),
            text(t.track.slug, "cyan"),
            text(t.track.title),
            f"{t.counts.done}/{t.counts.total}",
            str(t.counts.reading),
            f"{t.counts.percent:.0f}%",
            bar(t.counts, 12),
        )
    return [table, text("▶ current track; change it with: dltrack use TRACK", "dim")]


@screen.register
def _(result: StageList) -> list[RenderableType]:
    return [track_title(result.track), stage_table(result.stages)]


@screen.register
def _(result: ItemList) -> list[RenderableType]:
    if not result.items:
        return [track_title(result.track), text("No items match.", "dim")]
    return [track_title(result.track), _item_lines(result.items)]


def _item_lines(entries: list[ItemInStage]) -> Text:
    """Items under their stage headings, as one Text.

    A rich Table measures every cell; a track of 10,000 items took seconds that
    way. Here only the id and status columns are padded (both plain ASCII
    widths), and the title comes last so CJK widths need no measuring at all.
    """
    out = Text()
    width = max(len(shown_id(e.id)) for e in entries)
    stage = None
    for e in entries:
        if e.stage_slug != stage:
            stage = e.stage_slug
            out.append(safe(e.stage_title) + "\n", style="bold")
        out.append(f"  {shown_id(e.id):>{width}}  ", style="bold")
        out.append(f"{STATUS_GLYPH[e.status]} {e.status:<7}  ", style=STATUS_COLOUR[e.status])
        out.append(safe(e.title))
        if e.link and e.link is not Verdict.OK:
            out.append(f"  [{e.link} link]", style=VERDICT_COLOUR[e.link])
        out.append("\n")
    out.rstrip()
    return out


def stage_table(stages: list[StageSummary], title: Text | None = None) -> RenderableType:
    from rich.table import Table

    table = Table(title=title, title_justify="left", box=None, pad_edge=False)
    table.add_column("#", justify="right")
    table.add_column("stage", overflow="fold")
    table.add_column("done", justify="right")
    table.add_column("reading", justify="right")
    table.add_column("skipped", justify="right")
    table.add_column("total", justify="right")
    table.add_column("%", justify="right")
    table.add_column("")
    for s in stages:
        name = text(s.title)
        if s.title_en:
            name.append(f"  {safe(s.title_en)}", style="dim")
        table.add_row(
            str(s.position + 1),
            name,
            str(s.counts.done),
            str(s.counts.reading),
            str(s.counts.skipped),
            str(s.counts.total),
            f"{s.counts.percent:.0f}%",
            bar(s.counts),
        )
    return table


@screen.register
def _(result: NextItems) -> list[RenderableType]:
    c = result.counts
    head = track_title(result.track)
    head.append(f"  {c.done}/{c.total} done", style="dim")
    if result.finished:
        return [
            head,
            text(
                f"✓ Track finished: all {c.total} read. See the other tracks with: dltrack tracks",
                "bold green",
            ),
        ]
    if result.caught_up:
        # Skipped items are still unread: the track is not finished.
        return [
            head,
            text(
                f"Nothing left to read but what you skipped: {c.done} done, {c.skipped} skipped. "
                f"See them with: dltrack list -t {result.track.slug} --status skipped",
                "bold yellow",
            ),
        ]
    out: list[RenderableType] = [head]
    for e in result.items:
        line = text(f"{STATUS_GLYPH[e.status]} ", STATUS_COLOUR[e.status] or "bold")
        line.append(f"{shown_id(e.id)}  ", style="bold")
        line.append(text(e.title, "bold"))
        where = text(f"    {e.stage_title}", "dim")
        if e.kind:
            where.append(f" · {e.kind}")
        if e.status is Status.READING:
            where.append(" · reading", style="cyan")
        if e.link is Verdict.DEAD:
            where.append(" · ✗ link found dead (dltrack show for details)", style="bold red")
        url = text("    ")
        url.append(link(e.url))
        out += [line, where, url]
    first = shown_id(result.items[0].id)
    hint = f"Mark it read: dltrack done {first}"
    if result.items[0].url:  # `open` of an item without a link can only fail
        hint += f"    open it: dltrack open {first}"
    out.append(text(hint, "dim"))
    return out


def status_line(e: ItemInStage, status: Status, said: str) -> Text:
    """`✓ 17  title  — done`: an item and the status it now has, as marking commands say it."""
    line = text(f"{STATUS_GLYPH[status]} ", STATUS_COLOUR[status])
    line.append(f"{shown_id(e.id)}  ", style="bold")
    line.append(text(e.title))
    line.append(f"  — {said}", style="dim")
    return line


@screen.register
def _(result: Marked) -> list[RenderableType]:
    now = "unread again" if result.status is Status.UNREAD else str(result.status)
    out: list[RenderableType] = [status_line(e, result.status, now) for e in result.changed]
    for e in result.unchanged:
        out.append(text(f"  {shown_id(e.id)}  was already {result.status}", "dim"))
    shown = [t.track.slug for t in result.tracks] or list(
        dict.fromkeys(s.track.slug for s in result.stages)
    )
    totals = {t.track.slug: t.counts for t in result.tracks}
    for slug in shown:
        for s in result.stages:
            if s.track.slug == slug:
                out.append(_stage_line(s))
        if (c := totals.get(slug)) is not None:
            line = text(f"{slug}  {c.done}/{c.total} done in the track · {c.percent:.0f}%", "dim")
            out.append(line)
    return out


def _stage_line(s: StageSummary) -> Text:
    """`basics › 一、学习资源  1/3 done  ███░░░ 33%`: a stage's new progress after marking."""
    line = text(f"{s.track.slug} › ", "dim")
    line.append(text(s.title))
    line.append(f"  {s.counts.done}/{s.counts.total} done  ")
    line.append(bar(s.counts))
    line.append(f" {s.counts.percent:.0f}%")
    return line


@screen.register
def _(d: ItemDetail) -> list[RenderableType]:
    from rich.table import Table

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row("title", text(d.title, "bold"))
    grid.add_row("link", link(d.url))
    if d.kind:
        grid.add_row("kind", d.kind)
    if d.tags:
        grid.add_row("tags", text(", ".join(d.tags)))
    grid.add_row("status", status(d.status))
    for label, value in (("started", d.started_at), ("done", d.done_at), ("updated", d.updated_at)):
        if value:
            grid.add_row(label, when(value))
    places = text("")
    for n, p in enumerate(d.places):
        places.append(("\n" if n else "") + f"{p.track_slug} › ")
        places.append(text(p.stage_title))
    if not d.in_catalogue:
        places = text("no longer in the catalogue", "yellow")
    grid.add_row("in", places)
    if len(d.finished_on) > 1:
        grid.add_row("finished", ", ".join(d.finished_on))
    if d.other_title:
        other = text("your earlier record under this id is about another article: ", "yellow")
        other.append(text(d.other_title))
        other.append(text(" (not counted here)", "dim"))
        grid.add_row("record", other)
    for note in d.notes:
        line = text(f"{when(note.created_at)}  ", "dim")
        line.append(text(note.text))
        if note.truncated:
            more = f" … ({note.omitted_bytes:,} more bytes; dltrack export has it whole)"
            line.append(more, style="dim")
        grid.add_row("note", line)
    for check in d.checks:
        line = text(f"{when(check.checked_at)}  ", "dim")
        line.append(text(check.verdict, VERDICT_COLOUR[check.verdict]))
        line.append(text(f"  {check.reason}"))
        if check.moved_to:
            line.append(text(f" → {check.moved_to}", "cyan"))
        if check.url != d.url:
            line.append(text(f"  (then {check.url})", "dim"))
        grid.add_row("link check", line)
    return [text(shown_id(d.id), "bold"), grid]


@screen.register
def _(result: SearchResult) -> list[RenderableType]:
    if not result.hits:
        return [text(f"Nothing found for {result.query!r}.")]
    from rich.table import Table

    table = Table(box=None, pad_edge=False)
    table.add_column("id", justify="right", style="bold")
    table.add_column("title", overflow="fold", ratio=3)
    table.add_column("where", overflow="fold", ratio=2)
    table.add_column("status", no_wrap=True)
    for h in result.hits:
        where = text(f"{h.places[0].track_slug} › {h.places[0].stage_title}")
        if len(h.places) > 1:
            where.append(f" (+{len(h.places) - 1})", style="dim")
        table.add_row(shown_id(h.id), text(h.title), where, status(h.status))
    return [table, text(f"{len(result.hits)} found", "dim")]
