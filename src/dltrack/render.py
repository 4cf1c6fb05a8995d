"""Every table, bar and JSON document dltrack shows: one renderer for human and JSON output.

rich is imported inside the functions that draw, so `--json` output and error
lines never pay for it.
"""

from __future__ import annotations

import sys
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from dltrack.catalog import (
    Counts,
    Entry,
    ItemDetail,
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
from dltrack.text import safe

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.text import Text

    from dltrack.curator import ImportReport, LintReport
    from dltrack.progress import ProgressReport


STATUS_MARK = {"unread": "·", "reading": "▶", "done": "✓", "skipped": "↷"}
STATUS_STYLE = {"unread": "", "reading": "bold cyan", "done": "green", "skipped": "yellow"}
LINK_STYLE = {
    "ok": "green",
    "moved": "cyan",
    "dead": "red",
    "blocked": "yellow",
    "error": "magenta",
}


class Message(NamedTuple):
    """A plain sentence for the learner (e.g. after `use` or `export`)."""

    text: str
    data: dict[str, Any]


# ---------------------------------------------------------------- JSON


def _track(ref: TrackRef) -> dict[str, Any]:
    return {"slug": ref.slug, "title": ref.title, "title_en": ref.title_en}


def _counts(c: Counts) -> dict[str, Any]:
    return {
        "items": c.total,
        "done": c.done,
        "skipped": c.skipped,
        "reading": c.reading,
        "unread": c.unread,
        "percent": round(c.percent, 1),
    }


def _stage(s: StageSummary) -> dict[str, Any]:
    return {
        "slug": s.slug,
        "title": s.title,
        "title_en": s.title_en,
        "position": s.position + 1,
        **_counts(s.counts),
    }


def _entry(e: Entry) -> dict[str, Any]:
    return {
        "id": e.id,
        "title": e.title,
        "url": e.url,
        "kind": e.kind,
        "status": e.status,
        "track": e.track_slug,
        "stage": e.stage_slug,
        "stage_title": e.stage_title,
        "link": e.link,
    }


def _place(p: Place) -> dict[str, Any]:
    return {"track": p.track_slug, "stage": p.stage_slug, "stage_title": p.stage_title}


def to_data(result: object) -> Any:
    """The documented JSON shape of a command's result."""
    match result:
        case TrackList():
            return {
                "current": result.current,
                "tracks": [
                    {**_track(t.track), "current": t.current, **_counts(t.counts)}
                    for t in result.tracks
                ],
            }
        case StageList():
            return {"track": _track(result.track), "stages": [_stage(s) for s in result.stages]}
        case ItemList():
            return {
                "track": _track(result.track),
                "stage": result.stage,
                "status": result.status,
                "items": [_entry(e) for e in result.items],
            }
        case NextItems():
            return {
                "track": _track(result.track),
                "finished": result.finished,
                **_counts(result.counts),
                "items": [_entry(e) for e in result.items],
            }
        case Marked():
            return {
                "status": result.status,
                "changed": [_entry(e) for e in result.changed],
                "unchanged": [_entry(e) for e in result.unchanged],
                "stages": [{"track": s.track.slug, **_stage(s)} for s in result.stages],
            }
        case ItemDetail():
            return {
                "id": result.id,
                "title": result.title,
                "url": result.url,
                "kind": result.kind,
                "tags": result.tags,
                "in_catalogue": result.in_catalogue,
                "status": result.status,
                "started_at": result.started_at,
                "done_at": result.done_at,
                "updated_at": result.updated_at,
                "notes": [{"text": n.text, "created_at": n.created_at} for n in result.notes],
                "places": [_place(p) for p in result.places],
                "checks": [c._asdict() for c in result.checks],
            }
        case SearchResult():
            return {
                "query": result.query,
                "items": [
                    {
                        "id": h.id,
                        "title": h.title,
                        "url": h.url,
                        "status": h.status,
                        "places": [_place(p) for p in h.places],
                    }
                    for h in result.hits
                ],
            }
        case Message():
            return result.data
    return _report_data(result)


def _report_data(result: object) -> Any:
    # Reports of the less frequent commands (progress, restore, import, lint) are
    # matched here, their types imported only when one is shown: `next` and `done`
    # should not pay for loading them.
    from dltrack.curator import ImportReport, LintReport
    from dltrack.progress import ProgressReport, RestoreResult

    match result:
        case ProgressReport():
            return {
                "tracks": [
                    {
                        **_track(t.track),
                        **_counts(t.counts),
                        "stages": [_stage(s) for s in t.stages],
                    }
                    for t in result.tracks
                ],
                "done_last_7_days": result.done_last_7_days,
                "done_last_30_days": result.done_last_30_days,
                "streak_days": result.streak_days,
            }
        case RestoreResult():
            return {
                "added": result.added,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "notes_added": result.notes_added,
            }
        case ImportReport():
            return _import_data(result)
        case LintReport():
            return {
                "file": result.file,
                "against": result.against,
                "errors": result.errors,
                "warnings": result.warnings,
                "tracks": result.tracks,
                "items": result.items,
                "findings": [
                    {"level": f.level, "path": f.path, "message": f.message}
                    for f in result.findings
                ],
            }
    raise TypeError(f"no JSON shape for {type(result).__name__}")


def dumps(data: Any) -> str:
    """JSON as dltrack writes it: UTF-8 text, not \\u escapes, indented."""
    import json

    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# ---------------------------------------------------------------- human


@cache
def stdout() -> Console:
    """The console for results."""
    from rich.console import Console

    return Console(highlight=False)


@cache
def stderr() -> Console:
    """The console for progress bars."""
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def error(message: str) -> None:
    """One plain line on stderr."""
    sys.stderr.write(f"dltrack: {safe(message)}\n")
    sys.stderr.flush()


def emit(result: object, *, as_json: bool = False) -> None:
    """Show a command's result, as JSON or for a human."""
    if as_json:
        sys.stdout.write(dumps(to_data(result)))
        return
    from rich.text import Text

    console = stdout()
    for renderable in human(result):
        # Lines of text are left to the terminal to wrap: a URL folded by rich
        # could no longer be copied. Tables still fit themselves to the width.
        console.print(renderable, soft_wrap=isinstance(renderable, Text))


def text(value: str, style: str = "") -> Text:
    """Untrusted text (a title, a URL) as rich Text: no markup, no control characters."""
    from rich.text import Text

    return Text(safe(value), style=style)


def bar(counts: Counts, width: int = 20) -> Text:
    """A text bar: done in green, skipped in yellow, the rest dim."""
    from rich.text import Text

    if counts.total == 0:
        return Text("░" * width, style="dim")
    done = round(width * counts.done / counts.total)
    skipped = min(width - done, round(width * counts.skipped / counts.total))
    out = Text()
    out.append("█" * done, style="green")
    out.append("▒" * skipped, style="yellow")
    out.append("░" * (width - done - skipped), style="dim")
    return out


def _link(url: str | None) -> Text:
    if not url:
        return text("(no link)", "dim")
    return text(url, f"link {safe(url)}" if "'" not in url and " " not in url else "")


def _status(status: str) -> Text:
    return text(f"{STATUS_MARK[status]} {status}", STATUS_STYLE[status])


def _track_title(ref: TrackRef) -> Text:
    out = text(ref.title, "bold")
    out.append(f"  ({ref.slug})", style="dim")
    return out


def human(result: object) -> list[RenderableType]:
    """The rich renderables for a result."""
    # rich.table is imported per branch: `next` and `done` draw no table and start faster.
    match result:
        case TrackList():
            from rich.table import Table

            table = Table(box=None, pad_edge=False)
            table.add_column("")
            table.add_column("#", justify="right")
            table.add_column("track")
            table.add_column("title", overflow="fold")
            table.add_column("done", justify="right")
            table.add_column("")
            for n, t in enumerate(result.tracks, 1):
                table.add_row(
                    text("▶" if t.current else " ", "bold cyan"),
                    str(n),
                    text(t.track.slug, "cyan"),
                    text(t.track.title),
                    f"{t.counts.done}/{t.counts.total}",
                    bar(t.counts, 12),
                )
            return [table, text("▶ current track; change it with: dltrack use TRACK", "dim")]
        case StageList():
            return [_track_title(result.track), _stage_table(result.stages)]
        case ItemList():
            if not result.items:
                return [_track_title(result.track), text("No items match.", "dim")]
            return [_track_title(result.track), _item_lines(result.items)]
        case NextItems():
            return _next(result)
        case Marked():
            return _marked(result)
        case ItemDetail():
            return _detail(result)
        case SearchResult():
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
                table.add_row(str(h.id), text(h.title), where, _status(h.status))
            return [table, text(f"{len(result.hits)} found", "dim")]
        case Message():
            return [text(result.text)]
    return _report_lines(result)


def _report_lines(result: object) -> list[RenderableType]:
    from dltrack.curator import ImportReport, LintReport
    from dltrack.progress import ProgressReport, RestoreResult

    match result:
        case ProgressReport():
            return _progress(result)
        case RestoreResult():
            return [
                text(
                    f"Restored: {result.added} added, {result.updated} updated, "
                    f"{result.unchanged} unchanged, {result.notes_added} notes added."
                )
            ]
        case ImportReport():
            return _import_lines(result)
        case LintReport():
            return _lint_lines(result)
    raise TypeError(f"no rendering for {type(result).__name__}")


def _item_lines(entries: list[Entry]) -> Text:
    """Items under their stage headings, as one Text.

    A rich Table measures every cell; a track of 10,000 items took seconds that
    way. Here only the id and status columns are padded (both plain ASCII
    widths), and the title comes last so CJK widths need no measuring at all.
    """
    from rich.text import Text

    out = Text()
    width = len(str(max(e.id for e in entries)))
    stage = None
    for e in entries:
        if e.stage_slug != stage:
            stage = e.stage_slug
            out.append(safe(e.stage_title) + "\n", style="bold")
        out.append(f"  {e.id:>{width}}  ", style="bold")
        out.append(f"{STATUS_MARK[e.status]} {e.status:<7}  ", style=STATUS_STYLE[e.status])
        out.append(safe(e.title))
        if e.link and e.link != "ok":
            out.append(f"  [{e.link} link]", style=LINK_STYLE[e.link])
        out.append("\n")
    out.rstrip()
    return out


def _stage_table(stages: list[StageSummary], title: Text | None = None) -> Any:
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


def _next(result: NextItems) -> list[RenderableType]:
    c = result.counts
    head = _track_title(result.track)
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
        line = text(f"{STATUS_MARK[e.status]} ", STATUS_STYLE[e.status] or "bold")
        line.append(f"{e.id}  ", style="bold")
        line.append(text(e.title, "bold"))
        where = text(f"    {e.stage_title}", "dim")
        if e.kind:
            where.append(f" · {e.kind}")
        if e.status == "reading":
            where.append(" · reading", style="cyan")
        if e.link == "dead":
            where.append(" · ✗ link found dead (dltrack show for details)", style="bold red")
        link = text("    ")
        link.append(_link(e.url))
        out += [line, where, link]
    first = result.items[0].id
    out.append(text(f"Mark it read: dltrack done {first}    open it: dltrack open {first}", "dim"))
    return out


def _marked(result: Marked) -> list[RenderableType]:
    verb = {"done": "done", "reading": "reading", "skipped": "skipped", "unread": "unread again"}
    out: list[RenderableType] = []
    for e in result.changed:
        line = text(f"{STATUS_MARK[result.status]} ", STATUS_STYLE[result.status])
        line.append(f"{e.id}  ", style="bold")
        line.append(text(e.title))
        line.append(f"  — {verb[result.status]}", style="dim")
        out.append(line)
    for e in result.unchanged:
        out.append(text(f"  {e.id}  was already {result.status}", "dim"))
    for s in result.stages:
        line = text(f"{s.track.slug} › ", "dim")
        line.append(text(s.title))
        line.append(f"  {s.counts.done}/{s.counts.total} done  ")
        line.append(bar(s.counts))
        line.append(f" {s.counts.percent:.0f}%")
        out.append(line)
    return out


def _detail(d: ItemDetail) -> list[RenderableType]:
    from rich.table import Table

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row("title", text(d.title, "bold"))
    grid.add_row("link", _link(d.url))
    if d.kind:
        grid.add_row("kind", d.kind)
    if d.tags:
        grid.add_row("tags", text(", ".join(d.tags)))
    grid.add_row("status", _status(d.status))
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
    for note in d.notes:
        line = text(f"{note.created_at[:10]}  ", "dim")
        line.append(text(note.text))
        grid.add_row("note", line)
    for check in d.checks:
        line = text(f"{check.checked_at[:16].replace('T', ' ')}  ", "dim")
        line.append(text(check.verdict, LINK_STYLE.get(check.verdict, "")))
        line.append(text(f"  {check.reason}"))
        if check.moved_to:
            line.append(text(f" → {check.moved_to}", "cyan"))
        if check.url != d.url:
            line.append(text(f"  (then {check.url})", "dim"))
        grid.add_row("link check", line)
    head = text(f"{d.id}", "bold")
    return [head, grid]


def _progress(report: ProgressReport) -> list[RenderableType]:
    out: list[RenderableType] = []
    for t in report.tracks:
        c = t.counts
        title = _track_title(t.track)
        title.append(f"  {c.done}/{c.total} done · {c.percent:.0f}%")
        out.append(_stage_table(t.stages, title=title))
        out.append(text(""))
    days = "day" if report.streak_days == 1 else "days"
    out.append(
        text(
            f"Done in the last 7 days: {report.done_last_7_days} · "
            f"last 30 days: {report.done_last_30_days} · "
            f"streak: {report.streak_days} {days}",
            "bold",
        )
    )
    return out


# ---------------------------------------------------------------- curator


def _import_data(r: ImportReport) -> dict[str, Any]:
    return {
        "catalogue": r.catalogue,
        "dry_run": r.dry_run,
        "track": {"slug": r.track, "title": r.track_title, "new": r.new_track},
        "last_id": {"before": r.last_id_before, "after": r.last_id},
        "counts": {
            "stages": len(r.stages),
            "new_stages": sum(1 for s in r.stages if not s.existing),
            "new": r.placed("new"),
            "reused": r.placed("reused"),
            "repeat": r.placed("repeat"),
            "skipped": len(r.skipped),
            "headings_without_items": r.headings_without_items,
        },
        "stages": [
            {
                "slug": s.slug,
                "title": s.title,
                "existing": s.existing,
                "items": [
                    {
                        "id": i.id,
                        "title": i.title,
                        "url": i.url,
                        "kind": i.kind,
                        "status": i.status,
                        "also_in": list(i.also_in),
                    }
                    for i in s.items
                ],
            }
            for s in r.stages
        ],
        "skipped": [
            {
                "file": k.file,
                "section": k.section,
                "title": k.title,
                "url": k.url,
                "reason": k.reason,
                "id": k.id,
            }
            for k in r.skipped
        ],
    }


_IMPORT_MARK = {"new": ("+", "green"), "reused": ("=", "cyan"), "repeat": ("↺", "yellow")}


def _import_lines(r: ImportReport) -> list[RenderableType]:
    head = text("Dry run, nothing written: " if r.dry_run else "Wrote ", "bold")
    head.append(text(r.catalogue))
    track = text(f"track {r.track}", "bold")
    track.append(" (new): " if r.new_track else " (adding to it): ")
    track.append(text(r.track_title))
    out: list[RenderableType] = [head, track]
    for s in r.stages:
        line = text("~ stage " if s.existing else "+ stage ", "dim" if s.existing else "green")
        line.append(text(s.slug, "bold"))
        line.append("  ")
        line.append(text(s.title))
        if s.existing:
            line.append("  (existing stage: items added at its end)", style="dim")
        out.append(line)
        for i in s.items:
            mark, style = _IMPORT_MARK.get(i.status, ("?", ""))
            item = text(f"    {mark} {i.id:>5}  ", style)
            item.append(text(i.title))
            item.append("  ")
            item.append(_link(i.url))
            if i.also_in:
                where = "already in " if i.status == "reused" else "also in stage "
                item.append(text(f"  ({where}{', '.join(i.also_in)})", "dim"))
            out.append(item)
    if r.skipped:
        out.append(text(f"skipped {len(r.skipped)}:", "bold"))
        images = [k for k in r.skipped if k.reason == "image"]
        if images:
            # Figures and illustrations are never reading items; a count is enough.
            out.append(text(f"    image ×{len(images)} (figures, not listed)", "dim"))
        for k in r.skipped:
            if k.reason == "image":
                continue
            line = text(f"    {k.reason}: ", "yellow")
            if k.id is not None:
                line.append(f"id {k.id} ", style="bold")
            line.append(text(k.title or "(no text)"))
            if k.url:
                line.append("  ")
                line.append(text(k.url, "dim"))
            if k.section:
                line.append(text(f"  [{k.section}]", "dim"))
            out.append(line)
    new = sorted(i.id for s in r.stages for i in s.items if i.status == "new")
    ids = f" (ids {new[0]}-{new[-1]})" if len(new) > 1 else f" (id {new[0]})" if new else ""
    new_stages = sum(1 for s in r.stages if not s.existing)
    summary = (
        f"{_count(new_stages, 'new stage')}, {_count(len(new), 'new item')}{ids}, "
        f"{r.placed('reused')} reused, {r.placed('repeat')} repeated, {len(r.skipped)} skipped"
    )
    if r.headings_without_items:
        summary += f", {_count(r.headings_without_items, 'heading')} without items (no stage)"
    summary += f"; last_id {r.last_id_before} → {r.last_id}"
    out.append(text(summary, "bold"))
    return out


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _lint_lines(r: LintReport) -> list[RenderableType]:
    styles = {"error": "red", "warning": "yellow"}
    out: list[RenderableType] = [text(f.line(), styles.get(f.level, "")) for f in r.findings]
    summary = f"{r.file}: {_count(r.errors, 'error')}, {_count(r.warnings, 'warning')}"
    summary += f" ({r.items} items in {r.tracks} tracks"
    summary += f", compared with {r.against})" if r.against else ")"
    out.append(text(summary, "bold red" if r.errors else "bold green"))
    return out
