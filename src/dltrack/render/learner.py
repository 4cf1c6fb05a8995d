"""The learner's screens: tracks, stages, lists, next, marking, an item, search, progress.

Lines of text are printed as rich Text and left to the terminal to wrap; tables
fit themselves to the width. rich.table is imported only by the screens that draw
one: `next`, `done` and `list` start faster without it.
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.console import RenderableType
from rich.text import Text

from dltrack.lang import tr
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
from dltrack.render.lists import heading, stage_table, track_title
from dltrack.render.style import (
    STATUS_COLOUR,
    VERDICT_COLOUR,
    bar,
    columns,
    glyph,
    link,
    padded,
    status,
    text,
    when,
)
from dltrack.render.topics import hit_data, on_topic_lines
from dltrack.render.words import kind_word, status_word, verdict_word

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
        "caught_up": result.caught_up,
        **counts_data(result.counts),
        "items": [item_data(e) for e in result.items],
        "on_topic": [hit_data(h) for h in result.on_topic],
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
        "archive_url": result.archive_url,
        "archived_at": result.archived_at,
        "on_topic": [hit_data(h) for h in result.on_topic],
        "group_notes": [n._asdict() for n in result.group_notes],
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

__all__ = ["stage_table", "status_line", "track_title"]  # record's screens use them too


@screen.register
def _(result: Message) -> list[RenderableType]:
    return [text(result.text)]


@screen.register
def _(result: NextItems) -> list[RenderableType]:
    c = result.counts
    head = track_title(result.track)
    head.append("  " + tr("{done}/{total} done").format(done=c.done, total=c.total), style="dim")
    shown = heading(head)
    if result.finished:
        said = tr(
            "{mark} Track finished: all {total} read. See the other tracks with: dltrack tracks"
        )
        return [shown, text(said.format(mark=glyph(Status.DONE), total=c.total), "bold green")]
    if result.caught_up:
        # Skipped items are still unread: the track is not finished.
        said = tr(
            "Nothing left to read but what you skipped: {done} done, {skipped} skipped. "
            "See them with: dltrack list -t {slug} --status skipped"
        )
        said = said.format(done=c.done, skipped=c.skipped, slug=result.track.slug)
        return [shown, text(said, "bold yellow")]
    out: list[RenderableType] = [shown]
    for e in result.items:
        out += next_item_lines(e)
    first = shown_id(result.items[0].id)
    hint = tr("Mark it read: dltrack done {id}").format(id=first)
    if result.items[0].url:  # `open` of an item without a link can only fail
        hint += "    " + tr("open it: dltrack open {id}").format(id=first)
    else:
        out += on_topic_lines(result.items[0].title, result.on_topic)
    out.append(text(hint, "dim"))
    return out


def next_item_lines(e: ItemInStage) -> list[RenderableType]:
    """One item as `next` shows it: id and title, where it stands, its link."""
    from dltrack.render.base import stdout

    dot = glyph("dot")
    line = text(f"{glyph(e.status)} ", STATUS_COLOUR[e.status] or "bold")
    line.append(f"{shown_id(e.id)}  ", style="bold")
    console = stdout()
    if console.is_terminal:  # a long title hangs under itself; a pipe keeps it whole
        from dltrack.render.wrap import hanging

        line = hanging(line, text(e.title, "bold"), console.width)
    else:
        line.append(text(e.title, "bold"))
    where = text(f"    {e.stage_title}", "dim")
    if e.kind:
        where.append(f" {dot} {kind_word(e.kind)}")
    if e.status is Status.READING:
        where.append(f" {dot} {status_word(Status.READING)}", style="cyan")
    if e.link is Verdict.DEAD:
        dead = tr("{mark} link found dead (dltrack show for details)").format(mark=glyph("dead"))
        where.append(f" {dot} {dead}", style="bold red")
    shown = link(e.url)
    # A URL too long for the line starts at the margin, where the terminal's wrapping
    # of it goes on, rather than indented above its own continuation.
    url = text("" if cell_len(shown.plain) + 4 > console.width else "    ")
    url.append(shown)
    out: list[RenderableType] = [line, where, url]
    if e.archive_url:
        copy = text("    " + tr("archived copy:") + " ", "dim")
        copy.append(link(e.archive_url))
        out.append(copy)
    return out


def status_line(e: ItemInStage, status: Status, said: str) -> Text:
    """`✓ 17  title  — done`: an item and the status it now has, as marking commands say it."""
    line = text(f"{glyph(status)} ", STATUS_COLOUR[status])
    line.append(f"{shown_id(e.id)}  ", style="bold")
    line.append(text(e.title))
    line.append(f"  {glyph('dash')} {said}", style="dim")
    return line


@screen.register
def _(result: Marked) -> list[RenderableType]:
    now = tr("unread again") if result.status is Status.UNREAD else status_word(result.status)
    out: list[RenderableType] = [status_line(e, result.status, now) for e in result.changed]
    already = tr("was already {status}")
    for e in result.unchanged:
        said = already.format(status=status_word(result.status))
        out.append(text(f"  {shown_id(e.id)}  {said}", "dim"))
    shown = [t.track.slug for t in result.tracks] or list(
        dict.fromkeys(s.track.slug for s in result.stages)
    )
    totals = {t.track.slug: t.counts for t in result.tracks}
    in_track = tr("{done}/{total} done in the track")
    for slug in shown:
        for s in result.stages:
            if s.track.slug == slug:
                out.append(_stage_line(s))
        if (c := totals.get(slug)) is not None:
            said = in_track.format(done=c.done, total=c.total)
            out.append(text(f"{slug}  {said} {glyph('dot')} {c.percent:.0f}%", "dim"))
    return out


def _stage_line(s: StageSummary) -> Text:
    """`basics › 一、学习资源  1/3 done  ███░░░ 33%`: a stage's new progress after marking."""
    line = text(f"{s.track.slug} › ", "dim")
    line.append(text(s.title))
    done = tr("{done}/{total} done").format(done=s.counts.done, total=s.counts.total)
    line.append(f"  {done}  ")
    line.append(bar(s.counts))
    line.append(f" {s.counts.percent:.0f}%")
    return line


@screen.register
def _(d: ItemDetail) -> list[RenderableType]:
    from dltrack.render.wrap import Title

    rows: list[tuple[str, RenderableType]] = []
    if d.kind:
        rows.append((tr("kind"), kind_word(d.kind)))
    if d.tags:
        rows.append((tr("tags"), text(", ".join(d.tags))))
    rows.append((tr("status"), status(d.status)))
    dates = ((tr("started"), d.started_at), (tr("done"), d.done_at), (tr("updated"), d.updated_at))
    rows += [(label, when(value)) for label, value in dates if value]
    places = text("")
    for n, p in enumerate(d.places):
        places.append(("\n" if n else "") + f"{p.track_slug} › ")
        places.append(text(p.stage_title))
    if not d.in_catalogue:
        places = text(tr("no longer in the catalogue"), "yellow")
    rows.append((tr("in"), places))
    if len(d.finished_on) > 1:
        rows.append((tr("finished"), ", ".join(d.finished_on)))
    if d.other_title:
        other = text(tr("your earlier record under this id is about another article: "), "yellow")
        other.append(text(d.other_title))
        other.append(text(tr(" (not counted here)"), "dim"))
        rows.append((tr("record"), other))
    for note in d.notes:
        line = text(f"{when(note.created_at)}  ", "dim")
        line.append(text(note.text))
        if note.truncated:
            more = tr(" {more} ({n} more bytes; dltrack export has it whole)")
            line.append(more.format(more=glyph("more"), n=f"{note.omitted_bytes:,}"), style="dim")
        rows.append((tr("note"), line))
    for shared in d.group_notes:  # the study group's, as the last group sync brought them
        # When, as for one's own notes: the reader's local time, not the writer's day.
        line = text(f"{when(shared.created_at)}  ", "dim")
        line.append(text(shared.member, "bold"))
        line.append(text(f"  {shared.text}"))
        rows.append((tr("group note"), line))
    for check in d.checks:
        line = text(f"{when(check.checked_at)}  ", "dim")
        line.append(text(verdict_word(check.verdict), VERDICT_COLOUR[check.verdict]))
        line.append(text(f"  {check.reason}"))
        if check.moved_to:
            line.append(text(f" {glyph('arrow')} {check.moved_to}", "cyan"))
        if check.page_title:
            mismatch = tr(" · title no longer matches: the page says {title}")
            line.append(text(mismatch.format(title=repr(check.page_title))))
        if check.url != d.url:
            line.append(text(tr("  (then {url})").format(url=check.url), "dim"))
        rows.append((tr("link check"), line))
    labels = [tr("title"), tr("link"), *(r[0] for r in rows)]
    if d.archive_url:
        labels.append(tr("archived copy"))
    width = max(columns(label) for label in labels)
    # The link is a line of its own, outside the grids, which would fold it: a URL cut
    # in two can no longer be copied. The terminal wraps it, if it must.
    shown_link = text(padded(tr("link"), width + 2), "dim")
    shown_link.append(link(d.url))
    links: list[RenderableType] = [shown_link]
    if d.archive_url:
        copy = text(padded(tr("archived copy"), width + 2), "dim")
        copy.append(link(d.archive_url))
        if d.archived_at:
            copy.append(text("  " + tr("(taken {day})").format(day=d.archived_at[:10]), "dim"))
        links.append(copy)
    return [
        text(shown_id(d.id), "bold"),
        _grid(width, [(tr("title"), Title(text(d.title, "bold")))]),
        *links,
        _grid(width, rows),
        *([] if d.url else on_topic_lines(d.title, d.on_topic)),
    ]


def _grid(width: int, rows: list[tuple[str, RenderableType]]) -> RenderableType:
    """Labels and values, the labels width columns wide; long values hang under their own."""
    from rich.table import Table

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True, min_width=width)
    grid.add_column(overflow="fold")
    for label, value in rows:
        grid.add_row(label, value)
    return grid
