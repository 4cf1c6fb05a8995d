"""The curator's screens: what an import added or would add, and lint's findings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rich.console import RenderableType

from dltrack.catalogue.reports import ImportReport, Level, LintReport, Placed
from dltrack.learner.ids import json_id, shown_id
from dltrack.render.base import screen, to_data
from dltrack.render.style import Line, count, link_piece, text


@to_data.register
def _(r: ImportReport) -> Any:
    return {
        "catalogue": r.catalogue,
        "dry_run": r.dry_run,
        "track": {"slug": r.track, "title": r.track_title, "new": r.new_track},
        "last_id": {"before": r.last_id_before, "after": r.last_id},
        "counts": {
            "stages": len(r.stages),
            "new_stages": sum(1 for s in r.stages if not s.existing),
            "new": r.placed(Placed.NEW),
            "reused": r.placed(Placed.REUSED),
            "repeat": r.placed(Placed.REPEAT),
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
                        "id": json_id(i.id),
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
                "id": None if k.id is None else json_id(k.id),
            }
            for k in r.skipped
        ],
    }


_PLACED_LOOK = {
    Placed.NEW: ("+", "green"),
    Placed.REUSED: ("=", "cyan"),
    Placed.REPEAT: ("↺", "yellow"),
}


@screen.register
def _(r: ImportReport) -> Iterator[RenderableType]:
    # Line by line: the report of a large reading list is hundreds of thousands of lines,
    # printed as they come rather than held all at once.
    head = text("Dry run, nothing written: " if r.dry_run else "Wrote ", "bold")
    head.append(text(r.catalogue))
    yield head
    track = text(f"track {r.track}", "bold")
    track.append(" (new): " if r.new_track else " (adding to it): ")
    track.append(text(r.track_title))
    yield track
    for s in r.stages:
        yield Line(
            ("~ stage " if s.existing else "+ stage ", "dim" if s.existing else "green"),
            (s.slug, "bold"),
            ("  ", ""),
            (s.title, ""),
            ("  (existing stage: items added at its end)" if s.existing else "", "dim"),
        )
        for i in s.items:
            mark, style = _PLACED_LOOK[i.status]
            also = ""
            if i.also_in:
                where = "already in " if i.status is Placed.REUSED else "also in stage "
                also = f"  ({where}{', '.join(i.also_in)})"
            yield Line(
                (f"    {mark} {shown_id(i.id):>5}  ", style),
                (i.title, ""),
                ("  ", ""),
                link_piece(i.url),
                (also, "dim"),
            )
    if r.skipped:
        yield text(f"skipped {len(r.skipped)}:", "bold")
        images = sum(1 for k in r.skipped if k.reason == "image")
        if images:
            # Figures and illustrations are never reading items; a count is enough.
            yield text(f"    image ×{images} (figures, not listed)", "dim")
        for k in r.skipped:
            if k.reason == "image":
                continue
            yield Line(
                (f"    {k.reason}: ", "yellow"),
                (f"id {shown_id(k.id)} " if k.id is not None else "", "bold"),
                (k.title or "(no text)", ""),
                ("  " if k.url else "", ""),
                (k.url or "", "dim"),
                (f"  [{k.section}]" if k.section else "", "dim"),
            )
    new = [
        shown_id(i)
        for i in sorted(
            (i.id for s in r.stages for i in s.items if i.status is Placed.NEW), key=abs
        )
    ]
    ids = f" (ids {new[0]}-{new[-1]})" if len(new) > 1 else f" (id {new[0]})" if new else ""
    new_stages = sum(1 for s in r.stages if not s.existing)
    summary = (
        f"{count(new_stages, 'new stage')}, {count(len(new), 'new item')}{ids}, "
        f"{r.placed(Placed.REUSED)} reused, {r.placed(Placed.REPEAT)} repeated, "
        f"{len(r.skipped)} skipped"
    )
    if r.headings_without_items:
        summary += f", {count(r.headings_without_items, 'heading')} without items (no stage)"
    if r.last_id or r.last_id_before:  # one's own items have numbers, not a last_id
        summary += f"; last_id {r.last_id_before} → {r.last_id}"
    yield text(summary, "bold")


_LEVEL_COLOUR = {Level.ERROR: "red", Level.WARNING: "yellow"}


@to_data.register
def _(r: LintReport) -> Any:
    return {
        "file": r.file,
        "against": r.against,
        "errors": r.errors,
        "warnings": r.warnings,
        "tracks": r.tracks,
        "items": r.items,
        "findings": [{"level": f.level, "path": f.path, "message": f.message} for f in r.findings],
    }


@screen.register
def _(r: LintReport) -> list[RenderableType]:
    out: list[RenderableType] = [text(f.line(), _LEVEL_COLOUR[f.level]) for f in r.findings]
    summary = f"{r.file}: {count(r.errors, 'error')}, {count(r.warnings, 'warning')}"
    summary += f" ({r.items} items in {r.tracks} tracks"
    summary += f", compared with {r.against})" if r.against else ")"
    out.append(text(summary, "bold red" if r.errors else "bold green"))
    return out
