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
    LinkHealth,
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
            {
                **track_data(t.track),
                "current": t.current,
                **counts_data(t.counts),
                "links": t.links._asdict() if t.links else None,
            }
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
        "archive_url": result.archive_url,
        "archived_at": result.archived_at,
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
    table.add_column("")
    checked = any(t.links for t in result.tracks)
    if checked:
        table.add_column("links", no_wrap=True)
    for n, t in enumerate(result.tracks, 1):
        row: list[RenderableType] = [
            text("▶" if t.current else " ", "bold cyan"),
            str(n),
            text(t.track.slug, "cyan"),
            text(t.track.title),
            f"{t.counts.done}/{t.counts.total}",
            bar(t.counts, 12),
        ]
        if checked:
            row.append(_link_health(t.links))
        table.add_row(*row)
    return [table, text("▶ current track; change it with: dltrack use TRACK", "dim")]


def _link_health(health: LinkHealth | None) -> Text:
    """'96% alive · 3 dead', or nothing for a track whose links were never checked."""
    if health is None:
        return text("")
    alive = (health.checked - health.dead) / health.checked * 100
    colour = "green" if not health.dead else "red" if alive < 80 else "yellow"
    return text(f"{alive:.0f}% alive · {health.dead} dead", colour)


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
                f"✓ Track finished: {c.done} done, {c.skipped} skipped. "
                "See the other tracks with: dltrack tracks",
                "bold green",
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
        if e.archive_url:
            copy = text("    archived copy: ", "dim")
            copy.append(link(e.archive_url))
            out.append(copy)
    first = shown_id(result.items[0].id)
    out.append(text(f"Mark it read: dltrack done {first}    open it: dltrack open {first}", "dim"))
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
    for s in result.stages:
        line = text(f"{s.track.slug} › ", "dim")
        line.append(text(s.title))
        line.append(f"  {s.counts.done}/{s.counts.total} done  ")
        line.append(bar(s.counts))
        line.append(f" {s.counts.percent:.0f}%")
        out.append(line)
    return out


@screen.register
def _(d: ItemDetail) -> list[RenderableType]:
    from rich.table import Table

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row("title", text(d.title, "bold"))
    grid.add_row("link", link(d.url))
    if d.archive_url:
        copy = link(d.archive_url)
        if d.archived_at:
            copy.append(text(f"  (taken {d.archived_at[:10]})", "dim"))
        grid.add_row("archived copy", copy)
    if d.kind:
        grid.add_row("kind", d.kind)
    if d.tags:
        grid.add_row("tags", text(", ".join(d.tags)))
    grid.add_row("status", status(d.status))
    for label, value in (("started", d.started_at), ("done", d.done_at), ("updated", d.updated_at)):
        if value:
            grid.add_row(label, value)
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
        line = text(f"{note.created_at[:10]}  ", "dim")
        line.append(text(note.text))
        if note.truncated:
            more = f" … ({note.omitted_bytes:,} more bytes; dltrack export has it whole)"
            line.append(more, style="dim")
        grid.add_row("note", line)
    for check in d.checks:
        line = text(f"{check.checked_at[:16].replace('T', ' ')}  ", "dim")
        line.append(text(check.verdict, VERDICT_COLOUR[check.verdict]))
        line.append(text(f"  {check.reason}"))
        if check.moved_to:
            line.append(text(f" → {check.moved_to}", "cyan"))
        if check.page_title:
            line.append(text(f" · title no longer matches: the page says {check.page_title!r}"))
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
