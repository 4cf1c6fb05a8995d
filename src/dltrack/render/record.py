"""The screens of the learner's record: progress with its calendar, the log, undo.

Kept apart from ``render.learner`` (the everyday screens) to keep each module short;
both register with the same renderer.
"""

from __future__ import annotations

from typing import Any

from rich.console import RenderableType
from rich.text import Text

from dltrack.lang import plural, tr
from dltrack.learner.ids import json_id, shown_id
from dltrack.learner.reports import (
    Added,
    EventsRestored,
    FolderSynced,
    Log,
    LogEntry,
    NoteChanged,
    ProgressReport,
    RestoreResult,
    TrackProgress,
    Undone,
)
from dltrack.render.base import screen, to_data
from dltrack.render.learner import counts_data, item_data, stage_data, status_line, track_data
from dltrack.render.lists import heading, stage_table, track_title
from dltrack.render.style import glyph, padded, text
from dltrack.render.words import status_word


def _forecast_data(t: TrackProgress) -> dict[str, Any] | None:
    if t.forecast is None:
        return None
    return {"pace_per_day": round(t.forecast.pace_per_day, 3), "finish_on": t.forecast.finish_on}


@to_data.register
def _(result: ProgressReport) -> Any:
    return {
        "tracks": [
            {
                **track_data(t.track),
                **counts_data(t.counts),
                "stages": [stage_data(s) for s in t.stages],
                "forecast": _forecast_data(t),
            }
            for t in result.tracks
        ],
        "today": result.today,
        "done_last_7_days": result.done_last_7_days,
        "done_last_30_days": result.done_last_30_days,
        "streak_days": result.streak_days,
        "longest_streak_days": result.longest_streak_days,
        "days": [{"day": d, "done": n} for d, n in result.days],
        "other_articles": list(result.other_articles),
    }


@to_data.register
def _(result: Undone) -> Any:
    return {
        "undone": result.command_name,
        "at": result.at,
        "items": [item_data(e) for e in result.items],
        "notes": result.notes,
    }


def _entry_data(e: LogEntry) -> dict[str, Any]:
    return {**e._asdict(), "item_id": json_id(e.item_id)}


@to_data.register
def _(result: Log) -> Any:
    return {
        "since": result.since,
        "track": result.track.slug if result.track else None,
        "entries": [_entry_data(e) for e in result.entries],
        "more": result.more,
    }


@screen.register
def _(report: ProgressReport) -> list[RenderableType]:
    out: list[RenderableType] = []
    for t in report.tracks:
        c = t.counts
        title = track_title(t.track)
        done = tr("{done}/{total} done").format(done=c.done, total=c.total)
        title.append(f"  {done} {glyph('dot')} {c.percent:.0f}%")
        # A line of its own, not the table's title: a title wraps at the table's width.
        out += [heading(title), stage_table(t.stages)]
        out.append(text(""))
        forecast = _forecast_line(t)
        if forecast is not None:
            out.insert(len(out) - 1, forecast)
    out += _calendar(report)
    said = tr(
        "Done in the last 7 days: {week} {dot} last 30 days: {month} {dot} "
        "streak: {streak} {dot} longest: {longest}"
    )
    days = (
        plural(n, "{n} day", "{n} days").format(n=n)
        for n in (report.streak_days, report.longest_streak_days)
    )
    streak, longest = days
    out.append(
        text(
            said.format(
                week=report.done_last_7_days,
                month=report.done_last_30_days,
                streak=streak,
                longest=longest,
                dot=glyph("dot"),
            ),
            "bold",
        )
    )
    if report.other_articles:
        ids = ", ".join(map(shown_id, report.other_articles[:10]))
        more = glyph("more") if len(report.other_articles) > 10 else ""
        said = tr(
            "{n} of your records are about articles these ids no longer mean, "
            "and do not count: {ids} (dltrack show ID)"
        )
        out.append(text(said.format(n=len(report.other_articles), ids=ids + more), "yellow"))
    return out


def _forecast_line(t: TrackProgress) -> Text | None:
    f = t.forecast
    if f is None:
        return None
    if t.counts.unread + t.counts.reading == 0:
        return None  # the title line says it is all done
    if f.finish_on is None:
        return text(
            "  " + tr("at your pace: no pace yet (nothing finished in the last 30 days)"), "dim"
        )
    said = tr("at your pace ({pace} a week): finished by {day}")
    return text("  " + said.format(pace=f"{f.pace_per_day * 7:.1f}", day=f.finish_on), "dim")


# One cell a day, darker for more items; the levels are items finished that day.
_HEAT: tuple[tuple[int, str], ...] = (
    (0, "dim"),
    (1, "green"),
    (2, "green"),
    (4, "bold green"),
    (7, "bold green"),
)


def _cell(n: int) -> tuple[str, str]:
    found, style = _HEAT[0]
    for least, st in _HEAT:
        if n >= least:
            found, style = least, st
    return glyph(f"day {found}"), style


def _calendar(report: ProgressReport) -> list[RenderableType]:
    """The last 26 weeks as GitHub draws them: a column a week, Monday at the top."""
    if not report.days:
        return []
    labels = (tr("Mon"), "", tr("Wed"), "", tr("Fri"), "", tr("Sun"))
    rows = [text(padded(label, 4), "dim") for label in labels]
    for n, (_day, finished) in enumerate(report.days):
        cell, style = _cell(finished)
        rows[n % 7].append(cell, style=style)
    first, last = report.days[0][0], report.days[-1][0]
    legend = text(f"    {first} {glyph('more')} {last}   {tr('less')} ", "dim")
    for least, style in _HEAT:
        legend.append(glyph(f"day {least}"), style=style)
    legend.append(f" {tr('more')}", style="dim")
    rows.append(legend)
    return [*rows, text("")]


@screen.register
def _(result: Undone) -> list[RenderableType]:
    n = len(result.items)
    what = plural(n, "{n} item", "{n} items").format(n=n)
    if result.notes:
        what += tr(", ") + plural(result.notes, "{n} note", "{n} notes").format(n=result.notes)
    said = tr("Undid `{command}` of {at} ({what}):")
    out: list[RenderableType] = [
        text(said.format(command=result.command_name, at=_local(result.at), what=what))
    ]
    out += [status_line(e, e.status, status_word(e.status)) for e in result.items]
    if not result.items:
        out.append(text("  " + tr("what it added is gone (dltrack log shows it)"), "dim"))
    return out


_ACTION_WORDS = {
    "started": "started",
    "done": "done",
    "skipped": "skipped",
    "reset": "reset to unread",
    "note_added": "note",
    "note_edited": "note edited",
    "note_deleted": "note deleted",
    "undone": "undo",
    "item_added": "added",
}


def _local(at: str) -> str:
    from datetime import datetime

    return datetime.fromisoformat(at).astimezone().strftime("%Y-%m-%d %H:%M")


@screen.register
def _(result: Log) -> list[RenderableType]:
    if not result.entries:
        return [
            text(tr("Nothing recorded yet." if result.since is None else "Nothing in that span."))
        ]
    out: list[RenderableType] = []
    for e in result.entries:
        line = text(f"{_local(e.at)}  ", "dim")
        line.append(padded(tr(_ACTION_WORDS.get(e.action, e.action)), 9) + " ", style="bold")
        line.append(f"{shown_id(e.item_id)}  ", style="bold")
        line.append(text(e.title or ""))
        if e.text and e.action in ("note_added", "note_edited"):
            line.append(text(f"  “{e.text}”", "italic"))
        if e.day != _local(e.at)[:10]:
            line.append("  " + tr("(counts for {day})").format(day=e.day), style="dim")
        if e.undone:
            line.append("  " + tr("(undone)"), style="yellow")
        out.append(line)
    if result.more:
        said = tr("{more} and {n} earlier (dltrack log -n 0 shows all)")
        out.append(text(said.format(more=glyph("more"), n=result.more), "dim"))
    return out


def _ids(ids: tuple[int, ...]) -> str:
    shown = ", ".join(map(str, ids[:10]))
    return shown + (tr(" (and {n} more)").format(n=len(ids) - 10) if len(ids) > 10 else "")


@to_data.register
def _(result: RestoreResult) -> Any:
    return {
        **result._asdict(),
        "unknown": list(result.unknown),
        "other_articles": list(result.other_articles),
    }


@screen.register
def _(result: RestoreResult) -> list[RenderableType]:
    out: list[RenderableType] = [
        text(
            tr(
                "Restored: {added} added, {updated} updated, {unchanged} unchanged, "
                "{notes} notes added."
            ).format(
                added=result.added,
                updated=result.updated,
                unchanged=result.unchanged,
                notes=result.notes_added,
            )
        )
    ]
    if result.unknown:
        said = tr("Not in this catalogue, left out: {ids}")
        out.append(text(said.format(ids=_ids(result.unknown)), "yellow"))
    if result.other_articles:
        said = tr(
            "Left out, about other articles than these ids name here "
            "(an export of another catalogue?): {ids}"
        )
        out.append(text(said.format(ids=_ids(result.other_articles)), "yellow"))
    return out


@to_data.register
def _(result: EventsRestored) -> Any:
    return {**result._asdict(), "unknown": list(result.unknown)}


@screen.register
def _(result: EventsRestored) -> list[RenderableType]:
    out: list[RenderableType] = [
        text(
            tr("Restored: {new} new events ({old} already here).").format(
                new=result.new, old=result.events - result.new
            )
        )
    ]
    if result.mapped_items is not None:
        out.append(
            text(
                tr(
                    "Matched by URL: {mapped} items; "
                    "{unmatched} had no match here and were left out."
                ).format(mapped=result.mapped_items, unmatched=result.unmatched_items)
            )
        )
    if result.unknown:
        said = tr("Not in this catalogue, left out: {ids}")
        out.append(text(said.format(ids=_ids(result.unknown)), "yellow"))
    if not result.complete:
        out.append(text(tr("The file ends early: only its complete events were read."), "yellow"))
    return out


@to_data.register
def _(result: FolderSynced) -> Any:
    return {
        **result._asdict(),
        "files": [f._asdict() for f in result.files],
        "notices": list(result.notices),
    }


@screen.register
def _(result: FolderSynced) -> list[RenderableType]:
    others = [f for f in result.files if f.name != result.own_file]
    line = text(tr("Synced with {folder}: ").format(folder=result.folder))
    line.append(tr("{n} new events").format(n=result.new_events), style="bold")
    files = plural(len(others), "{n} other file", "{n} other files").format(n=len(others))
    line.append(tr(" from {files}; ").format(files=files))
    said = tr("wrote {n} of this machine's to {file}.")
    line.append(said.format(n=result.own_events, file=result.own_file))
    return [line]


@to_data.register
def _(result: Added) -> Any:
    return {
        "id": json_id(result.item_id),
        "title": result.title,
        "url": result.url,
        "track": result.track_slug,
        "stage": result.stage_slug,
        "already": result.already,
        "title_from": result.title_from,
        "note": result.note,
    }


@screen.register
def _(result: Added) -> list[RenderableType]:
    shown = shown_id(result.item_id)
    if result.already:
        line = text(tr("Already there: "), "yellow")
        line.append(f"{shown}  ", style="bold")
        line.append(text(result.title))
        said = tr("  ({track} › {stage}); nothing added")
        line.append(said.format(track=result.track_slug, stage=result.stage_slug), style="dim")
        return [line]
    line = text("+ ", "green")
    line.append(f"{shown}  ", style="bold")
    line.append(text(result.title))
    line.append(f"  {glyph('arrow')} {result.track_slug} › {result.stage_slug}", style="dim")
    out: list[RenderableType] = [line]
    if result.title_from == "url":
        why = f" ({result.note})" if result.note else ""
        said = tr("could not read the page's title{why}; the link stands for it")
        out.append(text("  " + said.format(why=why), "dim"))
    return out


@to_data.register
def _(result: NoteChanged) -> Any:
    return {
        "item": item_data(result.item),
        "action": result.action,
        "number": result.number,
        "text": result.text,
    }


_NOTE_DONE = {"note_added": "added", "note_edited": "edited", "note_deleted": "deleted"}


@screen.register
def _(result: NoteChanged) -> list[RenderableType]:
    line = text(tr("Note {number} of ").format(number=result.number))
    line.append(f"{shown_id(result.item.id)}  ", style="bold")
    line.append(text(result.item.title))
    line.append(f"  {tr(_NOTE_DONE.get(result.action, result.action))}", style="dim")
    out: list[RenderableType] = [line]
    if result.text is not None:
        out.append(text(f"  {result.text}"))
    return out
