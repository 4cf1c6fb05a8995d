"""The curator's screens: what an import added or would add, and lint's findings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rich.console import RenderableType

from dltrack.catalogue.reports import ImportReport, Level, LintReport, Placed
from dltrack.lang import N_, plural, tr, tr_filled
from dltrack.learner.ids import json_id, shown_id
from dltrack.render.base import screen, to_data
from dltrack.render.style import Line, link_piece, text


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
    head = tr("Dry run, nothing written: {catalogue}" if r.dry_run else "Wrote {catalogue}")
    yield Line((head.format(catalogue=r.catalogue), "bold"))
    track = tr(
        "track {slug} (new): {title}" if r.new_track else "track {slug} (adding to it): {title}"
    )
    yield Line((track.format(slug=r.track, title=r.track_title), "bold"))
    existing_stage, new_stage = tr("~ stage "), tr("+ stage ")
    existing_note = tr("  (existing stage: items added at its end)")
    for s in r.stages:
        yield Line(
            (existing_stage if s.existing else new_stage, "dim" if s.existing else "green"),
            (s.slug, "bold"),
            ("  ", ""),
            (s.title, ""),
            (existing_note if s.existing else "", "dim"),
        )
        for i in s.items:
            mark, style = _PLACED_LOOK[i.status]
            also = ""
            if i.also_in:
                where = tr(
                    "  (already in {where})"
                    if i.status is Placed.REUSED
                    else "  (also in stage {where})"
                )
                also = where.format(where=tr(", ").join(i.also_in))
            yield Line(
                (f"    {mark} {shown_id(i.id):>5}  ", style),
                (i.title, ""),
                ("  ", ""),
                link_piece(i.url),
                (also, "dim"),
            )
    if r.skipped:
        yield text(tr("skipped {n}:").format(n=len(r.skipped)), "bold")
        images = sum(1 for k in r.skipped if k.reason == "image")
        if images:
            # Figures and illustrations are never reading items; a count is enough.
            yield text(tr("    image ×{n} (figures, not listed)").format(n=images), "dim")
        no_text = tr("(no text)")
        for k in r.skipped:
            if k.reason == "image":
                continue
            yield Line(
                (tr("    {reason}: ").format(reason=tr(k.reason)), "yellow"),
                (tr("id {id} ").format(id=shown_id(k.id)) if k.id is not None else "", "bold"),
                (k.title or no_text, ""),
                ("  " if k.url else "", ""),
                (k.url or "", "dim"),
                (f"  [{k.section}]" if k.section else "", "dim"),
            )
    yield text(_import_summary(r), "bold")


def _import_summary(r: ImportReport) -> str:
    new = [
        shown_id(i)
        for i in sorted(
            (i.id for s in r.stages for i in s.items if i.status is Placed.NEW), key=abs
        )
    ]
    ids = ""
    if len(new) > 1:
        ids = tr(" (ids {first}-{last})").format(first=new[0], last=new[-1])
    elif new:
        ids = tr(" (id {id})").format(id=new[0])
    new_stages = sum(1 for s in r.stages if not s.existing)
    summary = tr(", ").join(
        (
            plural(new_stages, "{n} new stage", "{n} new stages").format(n=new_stages),
            plural(len(new), "{n} new item", "{n} new items").format(n=len(new)) + ids,
            tr("{n} reused").format(n=r.placed(Placed.REUSED)),
            tr("{n} repeated").format(n=r.placed(Placed.REPEAT)),
            tr("{n} skipped").format(n=len(r.skipped)),
        )
    )
    if n := r.headings_without_items:
        summary += plural(
            n, ", {n} heading without items (no stage)", ", {n} headings without items (no stage)"
        ).format(n=n)
    if r.last_id or r.last_id_before:  # one's own items have numbers, not a last_id
        summary += tr("; last_id {before} → {after}").format(
            before=r.last_id_before, after=r.last_id
        )
    return summary


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


# The whole line is one sentence: "error" alone is a link's verdict, 出错, elsewhere.
_LEVEL_LINE = {
    Level.ERROR: N_("error {path}: {message}"),
    Level.WARNING: N_("warning {path}: {message}"),
}


@screen.register
def _(r: LintReport) -> list[RenderableType]:
    # A finding is made in English (JSON keeps it); the screen tells it again.
    out: list[RenderableType] = [
        text(
            tr(_LEVEL_LINE[f.level]).format(path=f.path, message=tr_filled(f.message)),
            _LEVEL_COLOUR[f.level],
        )
        for f in r.findings
    ]
    counted = tr(", ").join(
        (
            plural(r.errors, "{n} error", "{n} errors").format(n=r.errors),
            plural(r.warnings, "{n} warning", "{n} warnings").format(n=r.warnings),
        )
    )
    if r.against:
        said = tr("{file}: {counted} ({items} items in {tracks} tracks, compared with {against})")
    else:
        said = tr("{file}: {counted} ({items} items in {tracks} tracks)")
    summary = said.format(
        file=r.file, counted=counted, items=r.items, tracks=r.tracks, against=r.against
    )
    out.append(text(summary, "bold red" if r.errors else "bold green"))
    return out
